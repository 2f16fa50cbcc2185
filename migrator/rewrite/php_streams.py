"""A versioned PHP package name (Alpine's `php83-opcache`, Debian's `php8.3-intl`) on an image that serves another
PHP stream (php:latest-dev runs 8.5): spelled for the image's stream.

Wolfi builds each extension per PHP stream (php-8.3-intl, php-8.5-intl). The written stream's package would bring
that PHP beside the image's (or conflict with it), and the image's PHP would not load its module: the app runs
without the extension. So the name becomes the image stream's package for the same extension; nothing when that
stream has the extension compiled in (8.5's opcache, session, tokenizer); an error (MIG594) when Wolfi does not
build the extension for that stream at all. The shapes of the names are data (rules/package-patterns.yaml
`php_streams`).
"""

from __future__ import annotations

import re

from migrator.records import dataclass
from migrator.rules.loader import RuleSet


@dataclass(frozen=True)
class StreamNames:
    names: tuple[str, ...] | None  # None: Wolfi has no package of the extension for the image's stream
    written: str  # the stream the name was for (8.3)
    stream: str  # the image's (8.5)
    extension: str  # what follows `php83-` ("" for PHP itself)


def stream_names(family: str, name: str, stream: str | None, rules: RuleSet) -> StreamNames | None:
    """`name` spelled for the PHP `stream` the stage's image serves; None when it is not a versioned PHP name of
    another stream (or the image serves none)."""
    from migrator.rules.data import builtin_data

    shape = (builtin_data("package-patterns.yaml").get("php_streams") or {}).get(family)
    match = re.match(shape, name) if shape and stream else None
    if match is None or stream is None:
        return None
    written = f"{match.group(1)}.{match.group(2)}"
    extension = match.group(3) or ""
    if written == stream:
        return None
    return StreamNames(_for_stream(family, extension, stream, rules), written, stream, extension)


def _for_stream(family: str, extension: str, stream: str, rules: RuleSet) -> tuple[str, ...] | None:
    from migrator.rewrite.equivalents import equivalent

    bare = extension.removeprefix("pecl-")
    compiled_in = bool(bare) and rules.runtime_libs.get("php_extensions", {}).get(bare) == []
    if compiled_in or stream in rules.runtime_libs.get("php_builtin", {}).get(bare, ()):
        return ()
    major, minor = stream.split(".", 1)
    respelled = (f"php{major}{minor}" if family == "alpine" else f"php{stream}") + (f"-{extension}" * bool(extension))
    mapping = rules.package(family, respelled)
    names = mapping.names if mapping is not None else None
    if names is None:
        found = equivalent(family, respelled, rules)
        names = found.names if found is not None else None
    if names is None or not all(_of_stream(n, stream) for n in names):
        return None
    return names


def _of_stream(package: str, stream: str) -> bool:
    """A package of the image's PHP stream (php-8.5-intl), or not PHP's at all (a library): not an unversioned
    php-<ext> virtual, which any stream's module may provide, nor another stream's module."""
    return not package.startswith("php") or package == f"php-{stream}" or package.startswith(f"php-{stream}-")
