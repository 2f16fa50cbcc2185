"""What a registry says about image tags: digest, platforms, neighbouring tags. Cached per process.

    lookup = default_lookup()
    lookup.digest(ref)                 # 'sha256:...' of what the tag serves (HEAD), None: no such tag
    lookup.describe(ref)               # TagInfo(digest, platforms) (GET; the index, or one image)
    lookup.nearest_tags(ref)           # ['3.12-dev', '3.13-dev', ...] from /tags/list

One client per registry host, shared by every file of a run (tokens and answers are reused) and
closed when the process exits.
"""

from __future__ import annotations

import atexit
import difflib
import os
import re
from typing import TYPE_CHECKING

from migrator.parse.imageref import ImageRef
from migrator.records import dataclass

if TYPE_CHECKING:
    from migrator.registry.client import RegistryClient

NEAREST = 3
_VERSION = re.compile(r"^v?(\d+(?:\.\d+)*)(.*)$")


@dataclass(frozen=True)
class TagInfo:
    digest: str | None  # None: the registry has no such tag
    platforms: tuple[str, ...] = ()


class Lookup:
    def __init__(self) -> None:
        self._clients: dict[str, RegistryClient] = {}
        self._digests: dict[tuple[str, str, str], str | None] = {}
        self._described: dict[tuple[str, str, str], TagInfo] = {}
        self._tags: dict[tuple[str, str], list[str]] = {}

    def client(self, host: str) -> RegistryClient:
        if host not in self._clients:
            from migrator.registry.client import RegistryClient

            self._clients[host] = RegistryClient(host)
        return self._clients[host]

    def digest(self, ref: ImageRef) -> str | None:
        key = _key(ref)
        if key in self._described:
            return self._described[key].digest
        if key not in self._digests:
            self._digests[key] = self.client(ref.registry).manifest_digest(ref.path, key[2])
        return self._digests[key]

    def describe(self, ref: ImageRef) -> TagInfo:
        key = _key(ref)
        if key not in self._described:
            client = self.client(ref.registry)
            manifest = client.manifest(ref.path, key[2])
            if manifest is None:
                self._described[key] = TagInfo(None)
            else:
                self._described[key] = TagInfo(manifest.digest, tuple(client.platforms(ref.path, manifest)))
        return self._described[key]

    def nearest_tags(self, ref: ImageRef, limit: int = NEAREST) -> list[str]:
        key = (ref.registry, ref.path)
        if key not in self._tags:
            self._tags[key] = self.client(ref.registry).tags(ref.path)
        return nearest_tags(ref.tag or "latest", self._tags[key], limit)

    def requests(self) -> int:
        return sum(c.stats.requests for c in self._clients.values())

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        self._clients.clear()

    def forget_connections(self) -> None:
        """In a forked child (`migrate scan --jobs N`): keep the answers, never use the parent's
        sockets (dropped, not closed: closing would hang up on the parent)."""
        self._clients = {}


def _key(ref: ImageRef) -> tuple[str, str, str]:
    return ref.registry, ref.path, ref.digest or ref.tag or "latest"


def nearest_tags(wanted: str, tags: list[str], limit: int = NEAREST) -> list[str]:
    """Tags like `wanted`: the same variant (`-dev`, `-fpm`, none) with the closest versions, newest first
    on a tie; for tags without a version, the most similar names."""
    version, suffix = _split(wanted)
    if version is not None:
        same = [t for t in tags if t != wanted and _split(t)[1] == suffix and _split(t)[0] is not None]

        def distance(tag: str) -> tuple[int, tuple[int, ...], tuple[int, ...]]:
            other = _split(tag)[0] or ()
            steps = tuple(abs(a - b) for a, b in zip(version, other, strict=False))
            return (abs(len(other) - len(version)), steps, tuple(-n for n in other))

        if same:
            return sorted(same, key=distance)[:limit]
    return difflib.get_close_matches(wanted, [t for t in tags if t != wanted], n=limit, cutoff=0.4)


def _split(tag: str) -> tuple[tuple[int, ...] | None, str]:
    match = _VERSION.match(tag)
    if not match:
        return None, tag
    return tuple(int(n) for n in match.group(1).split(".")), match.group(2)


_default: Lookup | None = None


def default_lookup() -> Lookup:
    """The process's lookup: one per run, so a file's answers serve the next file too."""
    global _default
    if _default is None:
        _default = Lookup()
        atexit.register(_default.close)
    return _default


def _after_fork() -> None:
    if _default is not None:
        _default.forget_connections()


os.register_at_fork(after_in_child=_after_fork)


def reset_default_lookup() -> None:
    """Forget every answer and close the clients (tests, and long-lived processes between runs)."""
    global _default
    if _default is not None:
        _default.close()
    _default = None
