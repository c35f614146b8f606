"""Tests of passmint.notifications."""
