"""Notifications: a message on the back of passes (one, a template's, a tag's), shown on the lock screen."""
