"""A language's packages that Wolfi builds once for each of its streams, beside that stream's interpreter.

Python's py3-requests is py3.10-requests .. py3.13-requests and PHP's php-opcache is php-8.2-opcache ..
php-8.4-opcache (rules/wolfi/provides.tsv): installing the generic name on an image that serves another stream
brings a second interpreter. A stream's own names are rules data (chainguard-images.yaml `languages`
`stream_names`, `{stream}` its version), the streams Wolfi ships too (rules/wolfi/versions.yaml).
"""

from __future__ import annotations

from migrator.regex import glob_match
from migrator.rules.loader import Language


def in_stream(name: str, stream: str, language: Language) -> bool:
    """`name` is one of the stream's own packages (python-3.13, py3.13-requests, php-8.5-opcache)."""
    return any(glob_match(name, pattern.replace("{stream}", stream)) for pattern in language.stream_names)


def of_a_stream(name: str, language: Language, streams: tuple[str, ...]) -> bool:
    """`name` is the own package of one of the streams."""
    return any(in_stream(name, stream, language) for stream in streams)


def stream_builds(name: str, stream: str, language: Language, depth: int = 2) -> list[str]:
    """The packages that install `name` for the stream: itself when it is that stream's own, else the ones
    among its providers (rules/wolfi/provides.tsv), and theirs (py3-yaml is provided by py3-pyyaml)."""
    from migrator.rules.wolfi import providers

    if in_stream(name, stream, language):
        return [name]
    found: list[str] = []
    for provider in providers(name) if depth else ():
        found += [p for p in stream_builds(provider, stream, language, depth - 1) if p not in found]
    return found
