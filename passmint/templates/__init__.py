"""Templates: pass designs in a project, from which passes are made."""
