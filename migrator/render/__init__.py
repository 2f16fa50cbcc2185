"""Rendering: the migrated text out to stdout, a diff, or the file itself (atomically)."""
