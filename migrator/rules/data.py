"""Built-in data files under rules/ that only some migrations need, read on first use.

They are not rules a user overrides with `--rules` (those go through `loader.py`): facts about
Wolfi and the Chainguard images (`wolfi/versions.yaml`) and about shell commands
(`commands.yaml`). Parsed YAML is cached as JSON next to the loader's cache, keyed by the file's
size and modification time, so the YAML parser is not imported on the hot path.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import cache
from pathlib import Path
from typing import Any

from migrator.rules.loader import builtin_rules_dir


@cache
def builtin_data(name: str) -> dict[str, Any]:
    """The mapping in rules/<name> (e.g. `commands.yaml`)."""
    path = builtin_rules_dir() / name
    status = path.stat()
    stamp = hashlib.sha256(f"{path}:{status.st_size}:{status.st_mtime_ns}".encode()).hexdigest()[:16]
    cache = _cache_dir() / f"data-{stamp}.json"
    try:
        data = json.loads(cache.read_text(encoding="utf-8"))
        if isinstance(data, dict):
            return data
    except (OSError, ValueError):
        pass
    from ruamel.yaml import YAML

    data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8")) or {}
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        temporary = cache.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(data), encoding="utf-8")
        os.replace(temporary, cache)
    except OSError:
        pass  # a read-only home: parse again next time
    return dict(data)


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "migrator"
