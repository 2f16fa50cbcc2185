"""Ecosystems: one module each, registered in one table.

Adding an ecosystem means one module that provides `ECOSYSTEM` (see base.Ecosystem) plus its
image rules in rules/images.yaml; nothing else changes.
"""

from __future__ import annotations

import importlib

from migrator.plan.ecosystems.base import Ecosystem

# ecosystem name in rules/images.yaml -> module under migrator.plan.ecosystems
REGISTRY: dict[str, str] = {
    "python": "python",
    "node": "node",
    "go": "golang",
    "java": "java",
    "rust": "rust",
    "ruby": "ruby",
    "php": "php",
    "dotnet": "dotnet",
    "c": "native",
    "static": "native",
    "static-site": "generic",
    "distro": "generic",
    "service": "generic",
}


def ecosystem_for(name: str | None) -> Ecosystem:
    module = REGISTRY.get(name or "", "generic")
    loaded: Ecosystem = importlib.import_module(f"migrator.plan.ecosystems.{module}").ECOSYSTEM
    return loaded
