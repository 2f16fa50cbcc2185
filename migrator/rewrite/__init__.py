"""Rewriting RUN commands for Wolfi: packages, users, housekeeping."""
