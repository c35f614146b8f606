"""Google Wallet's REST API: tokens, the shared rate limit, the client, and the sync of changes."""
