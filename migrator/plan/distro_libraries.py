"""A final stage whose command runs a language with libraries from OS packages (apk's py3-requests, apt's
python3-yaml, dnf's python3-psycopg2).

The language's distroless runtime has none of them and cannot install them, and the packages put them where
the OS's interpreter looks (/usr/lib/python3.X/site-packages), not into a tree a runtime could copy: such a
stage stays one stage on wolfi-base with the language and the libraries from apk (MIG587). Wolfi builds a
library once for each stream of the language (py3-requests is py3.10-requests .. py3.13-requests), each beside
its own interpreter, so the stage installs the newest stream every package it installs is built for, by those
names (`python-3.13 py3.13-requests`): the `python3` it starts is the one that has them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from migrator.regex import glob_match
from migrator.rules.loader import Language


def library_packages(installed: Iterable[str], language: Language) -> list[str]:
    """The language's libraries among the Wolfi packages installed, less those that only build or install
    (py3-pip, py3-setuptools)."""
    return [p for p in dict.fromkeys(installed) if any(glob_match(p, g) for g in language.libraries)
            and not any(glob_match(p, g) for g in language.library_tools)]


def stream_pins(installed: Iterable[str], language: Language, streams: tuple[str, ...]
                ) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    """The newest of `streams` (oldest first) that every installed package of the language with a per-stream
    build has, and each such package -> its name on that stream (py3-requests -> py3.13-requests, python3 ->
    python-3.13). (None, ()) when no stream has them all."""
    from migrator.rules.streams import stream_builds  # (a stage with the language's libraries: few files)

    names = [p for p in dict.fromkeys(installed) if _of_language(p, language)]
    streamed = [n for n in names if any(stream_builds(n, s, language) for s in streams)]
    if any(n not in streamed for n in library_packages(names, language)):
        return None, ()  # a library built for one interpreter only: apk installs the one it needs
    for stream in reversed(streams):
        pins: list[tuple[str, str]] = []
        for name in streamed:
            own = stream_builds(name, stream, language)
            if not own:
                break
            pinned = max(own, key=_natural)
            if pinned != name:
                pins.append((name, pinned))
        else:
            return (stream, tuple(pins)) if streamed else (None, ())
    return None, ()


def off_stream(installed: Iterable[str], language: Language, stream: str, streams: tuple[str, ...]
               ) -> list[tuple[str, list[str]]]:
    """The installed packages of the language that Wolfi builds for other streams only (py3-requests on a
    python image that serves 3.14), each with the streams it is built for."""
    found: list[tuple[str, list[str]]] = []
    for name in dict.fromkeys(installed):  # (the interpreter's own packages are versions, said apart: MIG220)
        if not any(glob_match(name, g) for g in language.libraries):
            continue
        from migrator.rules.streams import stream_builds  # (a library of the language installed: few files)

        if stream_builds(name, stream, language):
            continue
        built = [s for s in streams if stream_builds(name, s, language)]
        if built:
            found.append((name, built))
    return found


def _of_language(name: str, language: Language) -> bool:
    return any(glob_match(name, g) for g in language.packages + language.libraries)


def _natural(name: str) -> tuple[tuple[int, str], ...]:
    """py3.13-numpy-2.2 after py3.13-numpy-1.26: numbers compare as numbers."""
    return tuple((int(part), "") if part.isdigit() else (-1, part) for part in re.split(r"(\d+)", name) if part)
