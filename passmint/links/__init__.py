"""Adaptive links: one URL for every phone (the links API and the public install endpoints)."""
