"""Pushes: telling the phones that hold a pass to fetch it again (APNs), in batches, with retries."""
