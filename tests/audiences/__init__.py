"""Tests of passmint.audiences."""
