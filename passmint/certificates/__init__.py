"""Certificates: the Apple Pass Type ID certificates that sign an account's passes."""
