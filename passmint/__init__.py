"""passmint: a self-hostable Apple Wallet and Google Wallet pass platform."""

__version__ = "0.1.0"
