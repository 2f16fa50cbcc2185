"""`WWW-Authenticate` challenges (RFC 7235), as registries send them on 401.

    parse_challenges('Bearer realm="https://cgr.dev/token",service="cgr.dev",scope="repository:chainguard/python:pull"')
    -> [Challenge("bearer", {"realm": "https://cgr.dev/token", "service": "cgr.dev", "scope": "..."})]

Several challenges may share one header (`Basic realm="x", Bearer realm="y"`), quoted values may
hold commas (`scope="repository:a:pull,push"`) and backslash escapes, and scheme and parameter
names are case-insensitive.
"""

from __future__ import annotations

import re

from migrator.records import dataclass, field

_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
_TOKEN68 = re.compile(r"[A-Za-z0-9._~+/-]+=*")
_SPACE = re.compile(r"[ \t]*")


@dataclass(frozen=True)
class Challenge:
    scheme: str  # lower case: "bearer", "basic"
    params: dict[str, str] = field(default_factory=dict)  # names lower case

    def get(self, name: str) -> str | None:
        return self.params.get(name.lower())


def parse_challenges(*headers: str) -> list[Challenge]:
    """Every challenge in the given header values; unreadable tails are ignored."""
    found: list[Challenge] = []
    for header in headers:
        found += _parse_one_header(header)
    return found


def _parse_one_header(text: str) -> list[Challenge]:
    challenges: list[Challenge] = []
    pos = 0
    while True:
        pos = _skip(text, pos, " \t,")
        scheme = _TOKEN.match(text, pos)
        if scheme is None:
            return challenges
        pos = scheme.end()
        params: dict[str, str] = {}
        pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
        token68 = _TOKEN68.match(text, pos)
        if token68 and not _is_param(text, pos) and _ends_challenge(text, token68.end()):
            params["token68"] = token68.group()
            pos = token68.end()
        else:
            pos = _read_params(text, pos, params)
        challenges.append(Challenge(scheme.group().lower(), params))


def _read_params(text: str, pos: int, params: dict[str, str]) -> int:
    while _is_param(text, pos):
        name = _TOKEN.match(text, pos)
        assert name is not None
        pos = _SPACE.match(text, name.end()).end() + 1  # type: ignore[union-attr]  # past '='
        pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
        value, pos = _read_value(text, pos)
        params.setdefault(name.group().lower(), value)
        pos = _skip(text, pos, " \t,")
    return pos


def _read_value(text: str, pos: int) -> tuple[str, int]:
    if text.startswith('"', pos):
        out = []
        pos += 1
        while pos < len(text) and text[pos] != '"':
            if text[pos] == "\\" and pos + 1 < len(text):
                pos += 1
            out.append(text[pos])
            pos += 1
        return "".join(out), pos + 1
    token = _TOKEN.match(text, pos)
    return (token.group(), token.end()) if token else ("", pos)


def _is_param(text: str, pos: int) -> bool:
    """A `name=` (not a `name==` token68, not a new scheme) starts at pos."""
    name = _TOKEN.match(text, pos)
    if name is None:
        return False
    after = _SPACE.match(text, name.end()).end()  # type: ignore[union-attr]
    return text.startswith("=", after) and not text.startswith("==", after)


def _ends_challenge(text: str, pos: int) -> bool:
    rest = text[pos:].lstrip(" \t")
    return not rest or rest.startswith(",")


def _skip(text: str, pos: int, chars: str) -> int:
    while pos < len(text) and text[pos] in chars:
        pos += 1
    return pos
