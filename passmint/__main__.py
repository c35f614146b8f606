"""``python -m passmint``: the command line."""

from passmint.cli import main

main()
