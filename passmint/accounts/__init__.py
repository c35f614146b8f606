"""Accounts and API keys: who is calling, and what they may see."""
