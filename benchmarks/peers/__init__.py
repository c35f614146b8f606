"""Peers measured side by side with passmint, each run when its optional dependencies are installed."""
