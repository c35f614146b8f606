"""Registrations: which wallet app on which system holds each pass, from install until removal."""
