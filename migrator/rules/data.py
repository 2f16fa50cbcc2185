"""Built-in data files under rules/ that only some migrations need, read on first use.

They are not rules a user overrides with `--rules` (those go through `loader.py`): facts about
Wolfi and the Chainguard images (`wolfi/versions.yaml`) and about shell commands
(`commands.yaml`). The parsed YAML is kept between runs (rules.cache, keyed by the file's
content), so the YAML parser is not imported on the hot path.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from migrator.rules.cache import cached
from migrator.rules.loader import builtin_rules_dir

TYPE_CHECKING = False  # not typing's: importing typing costs 2 ms of a cold run (docs/performance.md)
if TYPE_CHECKING:
    from typing import Any


@cache
def builtin_data(name: str) -> dict[str, Any]:
    """The mapping in rules/<name> (e.g. `commands.yaml`)."""
    path = builtin_rules_dir() / name
    return cached("data", [path], lambda contents: _parse(path, contents[0]), dict, _mapping)


def _parse(path: Path, content: bytes) -> dict[str, Any]:
    from ruamel.yaml import YAML

    data = YAML(typ="safe", pure=True).load(content.decode("utf-8")) or {}
    return _mapping(data)


def _mapping(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise TypeError("not a mapping")
    return dict(data)
