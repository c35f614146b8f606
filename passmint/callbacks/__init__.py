"""Callbacks: a project's webhook spec, and signed deliveries of pass install and uninstall events."""
