"""Tickets: the progress and outcome of operations that finish after their request."""
