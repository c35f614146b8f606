"""NFC merchants of a project: the keys its passes use at NFC terminals (Apple NFC, Google Smart Tap)."""
