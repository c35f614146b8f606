"""Projects: the container of templates and passes, fixing their pass type and barcode settings."""
