"""Flights and events: stored once, shown by every boarding pass or ticket that references them."""
