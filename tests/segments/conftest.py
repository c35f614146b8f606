"""Fixtures for segments: the APNs stand-in and a worker context pushing to it."""

from __future__ import annotations

from tests.pushes.conftest import apns, push_context

__all__ = ["apns", "push_context"]
