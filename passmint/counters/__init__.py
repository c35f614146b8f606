"""Counters of pass activity and pass states, moved in the transaction of the change itself."""
