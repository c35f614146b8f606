"""Helpers that know no passmint domain: time, tokens, references, pagination, schema bases."""
