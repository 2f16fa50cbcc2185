"""Fixtures of the registry tests; they live in registry_servers.py (a name no other test directory uses)."""

from registry_servers import basic_registry, fresh_lookup, registries

__all__ = ["basic_registry", "fresh_lookup", "registries"]
