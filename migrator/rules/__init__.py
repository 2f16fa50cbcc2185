"""Rules are data: image and package mappings loaded from YAML under `rules/` plus user files."""

from migrator.rules.loader import ImageRule, PackageMapping, RuleSet, load_rules

__all__ = ["ImageRule", "PackageMapping", "RuleSet", "load_rules"]
