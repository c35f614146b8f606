"""Schedules: an update or a notification of a project's passes, run once at a set time."""
