"""A tiny inventory kept in an in-memory SQLite database."""
