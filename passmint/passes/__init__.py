"""Passes: one person's copy of a template, with its own values, tokens and install state."""
