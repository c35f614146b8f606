"""System: the unauthenticated status check."""
