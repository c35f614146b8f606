"""Segments: a project's saved tag selectors, and the passes they select updated together."""
