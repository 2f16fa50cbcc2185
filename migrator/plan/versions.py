"""Which language version a source image pins, and which one Wolfi serves (rules/wolfi/versions.yaml).

    pinned = pinned_version("python", "3.11-slim")  # Pinned("python", "3.11", latest="3.14", ...)

MIG220 compares the two; a final stage kept on wolfi-base installs the pinned stream when Wolfi ships
it (openjdk-17-default-jdk for openjdk:17), so the move to wolfi-base changes no version.
"""

from __future__ import annotations

import re

from migrator.records import dataclass
from migrator.regex import glob_match


@dataclass(frozen=True)
class Pinned:
    language: str
    version: str  # as the tag says it: "3.11", "17", "3"
    latest: str  # what the Chainguard image's latest tag serves
    streams: tuple[str, ...]  # the versions Wolfi ships
    significant: int  # how many parts of a version must match: 1 (the major) or 2 (major.minor)
    pin_files: tuple[str, ...] = ()  # files an app pins the version in, so that another one fails the build

    @property
    def served(self) -> bool:
        """Wolfi ships this version (a stream, or a major one of its streams belongs to)."""
        return any(same_stream(self.version, stream) for stream in self.streams)

    @property
    def stream(self) -> str:
        """The Wolfi stream that serves the pinned version: itself, or the newest of its major; else latest."""
        matching = [s for s in self.streams if same_stream(self.version, s)]
        return matching[-1] if matching else self.latest

    @property
    def differs(self) -> bool:
        """`latest` serves another version where it matters (the major; major.minor for Python and Ruby)."""
        parts = self.version.split(".")
        if len(parts) < self.significant and parts[0] == self.latest.split(".")[0]:
            return False  # `python:3`: any 3.x, as the source itself moved
        return parts[: self.significant] != self.latest.split(".")[: self.significant]


def pinned_version(repository: str, tag: str | None) -> Pinned | None:
    """The language version an image reference pins by its tag (`python:3.11-slim` -> 3.11), if any."""
    from migrator.rules.data import builtin_data

    if not tag:
        return None
    data = builtin_data("wolfi/versions.yaml")
    source = next((s for s in data.get("sources") or [] if glob_match(repository, s["match"])), None)
    if source is None or source.get("language") is None:
        return None  # (an image that pins no language: runtime-deps)
    match = re.search(source["tag"], tag)
    if match is None:
        return None
    language = source["language"]
    facts = data["languages"][language]
    return Pinned(language, match.group(1), str(facts["latest"]), tuple(str(s) for s in facts["streams"]),
                  int(facts.get("significant", 1)), tuple(str(f) for f in facts.get("pin_files") or ()))


def same_stream(version: str, stream: str) -> bool:
    """`3.11` is stream 3.11; `3` or `8` (a major only) matches any stream of that major."""
    parts, stream_parts = version.split("."), stream.split(".")
    return stream_parts[: len(parts)] == parts


def newest(language: str) -> str:
    """The version the language's Chainguard image serves on its latest tag."""
    from migrator.rules.data import builtin_data

    facts = (builtin_data("wolfi/versions.yaml").get("languages") or {}).get(language) or {}
    return str(facts.get("latest", ""))


def gradle_runs_until(java: str) -> str | None:
    """The newest Gradle line that runs on this Java major, when one does not run on it any more
    (rules/wolfi/versions.yaml `gradle_runs_until`); None: every current Gradle runs on it."""
    from migrator.rules.data import builtin_data

    value = (builtin_data("wolfi/versions.yaml").get("gradle_runs_until") or {}).get(java.split(".")[0])
    return None if value is None else str(value)


def gradle_runs_on(java: str) -> str | None:
    """The first Gradle release that runs on this Java major (rules/wolfi/versions.yaml `gradle_runs_on`)."""
    from migrator.rules.data import builtin_data

    value = (builtin_data("wolfi/versions.yaml").get("gradle_runs_on") or {}).get(java.split(".")[0])
    return None if value is None else str(value)


def streams(language: str) -> tuple[str, ...]:
    """The versions of the language Wolfi ships, oldest first (rules/wolfi/versions.yaml `streams`)."""
    from migrator.rules.data import builtin_data

    facts = (builtin_data("wolfi/versions.yaml").get("languages") or {}).get(language) or {}
    return tuple(str(s) for s in facts.get("streams") or ())
