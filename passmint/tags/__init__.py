"""Tags: labels on passes, listed, added, removed, and the passes of a tag updated together."""
