"""Checks on the values of rules files, so that no rules file can inject text into a Dockerfile.

Every value that reaches the migrated file (image names, Wolfi package names, paths, user names) is
held to its grammar, and every value that reaches a finding message is one line: a rules file can
come from a repository's `.migrator.yaml`, so a value such as "libpq\\nRUN rm -rf /" is an attack,
not a typo. Errors are one line naming the file, the entry and the rule broken.
"""

from __future__ import annotations

import re

from migrator.model import MigratorError
from migrator.parse.imageref import _COMPONENT, _TAG, PACKAGE_NAME
from migrator.regex import lazy as lazy_re
from migrator.yamlfile import short_repr

TYPE_CHECKING = False  # not typing's: importing typing costs 2 ms of a cold run (docs/performance.md)
if TYPE_CHECKING:
    from typing import Any

_SOURCE_PACKAGE = lazy_re(r"^[A-Za-z0-9@](?:[ A-Za-z0-9._+:~@-]*[A-Za-z0-9._+~-])?$")  # dnf groups have spaces
_ECOSYSTEM_PACKAGE = lazy_re(r"^[A-Za-z0-9@_][A-Za-z0-9._+/@-]*$")  # PyPI, gems, npm (@scope/name)
_USER = lazy_re(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
_PATH = lazy_re(r"^/[A-Za-z0-9._+*?@/\[\]-]*$")
_PATTERN = lazy_re(r"^[^\s\x00-\x1f\x7f]+$")
_PLACEHOLDER = lazy_re(r"\{[^}]*\}")
_CONTROL = lazy_re(r"[\x00-\x08\x0a-\x1f\x7f]")  # a tab is fine in one line of text
SAMPLE_VERSIONS = ("latest", "3.12", "22")


def _fail(where: str, value: Any, expected: str) -> MigratorError:
    return MigratorError(f"{where}: {short_repr(value)} is not {expected}")


def wolfi_package(value: Any, where: str) -> str:
    if not isinstance(value, str) or not PACKAGE_NAME.match(value):
        raise _fail(where, value, "a Wolfi package name ([a-z0-9][a-z0-9._+-]*)")
    return value


def wolfi_packages(values: Any, where: str) -> list[str]:
    if values is None:
        return []
    if not isinstance(values, list):
        raise _fail(where, values, "a list of Wolfi package names")
    return [wolfi_package(v, where) for v in values]


def wolfi_package_templates(values: Any, where: str) -> list[str]:
    """Wolfi package names in which `{version}` stands for a language stream (openjdk-{version}-default-jdk):
    held to the package grammar with the placeholder filled in."""
    if values is None:
        return []
    if not isinstance(values, list):
        raise _fail(where, values, "a list of Wolfi package names")
    for value in values:
        unknown = [p for p in _PLACEHOLDER.findall(value) if p != "{version}"] if isinstance(value, str) else []
        if unknown or not isinstance(value, str) or not PACKAGE_NAME.match(value.replace("{version}", "17")):
            raise _fail(where, value, "a Wolfi package name ([a-z0-9][a-z0-9._+-]*; {version} is a placeholder)")
    return list(values)


def source_package(name: Any, where: str, family: Any) -> str:
    if not isinstance(name, str) or not _SOURCE_PACKAGE.match(name):
        raise _fail(f"{where} name", name, f"a {family} package name")
    return name


def section_entry(section: str, name: Any, value: Any, origin: str) -> list[str]:
    """One entry of libraries / dev_packages / python / ruby / node / php / rust / rust_static / linked /
    php_extensions / php_builtin / program_packages / npm_programs / loaded_data."""
    where = f"{origin}: {section} entry {name!r}"
    if section in ("libraries", "dev_packages", "program_packages", "loaded_data"):
        wolfi_package(name, f"{origin}: {section} key")
    elif not isinstance(name, str) or not _ECOSYSTEM_PACKAGE.match(name):
        raise _fail(f"{origin}: {section} key", name, "a package name")
    if value is not None and not isinstance(value, list):
        raise _fail(where, value, "a list")
    if section == "libraries":
        return [path(v, where) for v in value or []]
    if section == "php_builtin":  # the PHP streams (8.5) whose php has the extension compiled in
        return [_php_stream(v, where) for v in value or []]
    if section == "program_packages":  # the source distributions' names
        return [source_package(v, where, "source") for v in value or []]
    if section == "npm_programs":  # the npm packages whose node_modules/.bin has the program
        return [_npm_package(v, where) for v in value or []]
    return wolfi_packages(value, where)


_PHP_STREAM = lazy_re(r"^\d+\.\d+$")


def _php_stream(value: Any, where: str) -> str:
    if not isinstance(value, str) or not _PHP_STREAM.match(value):
        raise _fail(where, value, "a PHP stream such as \"8.5\" (a quoted string)")
    return value


def _npm_package(value: Any, where: str) -> str:
    if not isinstance(value, str) or not _ECOSYSTEM_PACKAGE.match(value):
        raise _fail(where, value, "an npm package name")
    return value


def path(value: Any, where: str) -> str:
    if not isinstance(value, str) or not _PATH.match(value) or "//" in value or "/../" in f"{value}/":
        raise _fail(where, value, "an absolute path or glob without spaces, quotes or '..'")
    return value


def optional_path(value: Any, where: str) -> str | None:
    return None if value is None else path(value, where)


def image_name(value: Any, where: str) -> str:
    if not isinstance(value, str) or not _COMPONENT.match(value):
        raise _fail(where, value, "an image name (lower case letters, digits, '.', '_', '-')")
    return value


def image_template(value: Any, where: str, placeholders: bool = True) -> str:
    """`NAME[:TAG]`, no registry; `{version}` is the only placeholder (where there are any)."""
    expected = ("an image name without registry, such as python:{version}-dev" if placeholders
                else "an image name without registry, such as python:latest-dev")
    if not isinstance(value, str):
        raise _fail(where, value, expected)
    unknown = [p for p in _PLACEHOLDER.findall(value) if p != "{version}" or not placeholders]
    if unknown:
        raise _fail(where, value, f"{expected} ({unknown[0]} is not a placeholder"
                    + ("; {version} is)" if placeholders else ")"))
    for version in SAMPLE_VERSIONS:
        name, colon, tag = value.replace("{version}", version).partition(":")
        if not _COMPONENT.match(name) or (colon and not _TAG.match(tag)):
            raise _fail(where, value, expected)
    return value


def pattern(value: Any, where: str) -> str:
    if not isinstance(value, str) or not _PATTERN.match(value):
        raise _fail(where, value, "a pattern without spaces or control characters")
    return value


def message(value: Any, where: str) -> str:
    if not isinstance(value, str) or _CONTROL.search(value):
        raise _fail(where, value, "one line of text")
    return value


def words(values: Any, where: str) -> list[str]:
    if values is None:
        return []
    if not isinstance(values, list) or not all(isinstance(v, str) and _PATTERN.match(v) for v in values):
        raise _fail(where, values, "a list of words without spaces or control characters")
    return list(values)


def user(value: Any, where: str) -> str:
    if not isinstance(value, (str, int)) or isinstance(value, bool) or not _USER.match(str(value)):
        raise _fail(where, value, "a user name")
    return str(value)


def uid(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _fail(where, value, "a non-negative number")
    return value


_ENV_NAME = lazy_re(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ENV_VALUE = lazy_re(r"^[A-Za-z0-9._+:/@$%{},=~-]*$")  # written unquoted (or in double quotes with a `$`)
_DIRECTORY = lazy_re(r"^/[A-Za-z0-9._+@/-]*$")


def mapping(value: Any, where: str, of: str) -> dict[Any, Any]:
    """A section that must be a mapping (absent: empty)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _fail(where, value, f"a mapping of {of}")
    return value


def listed(value: Any, where: str, of: str) -> list[Any]:
    """A section that must be a list (absent: empty)."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise _fail(where, value, f"a list of {of}")
    return value


def patterns(values: Any, where: str) -> tuple[str, ...]:
    """One pattern or a list of them (image rules' and upstream entries' `tags`)."""
    if values is None:
        return ()
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list):
        raise _fail(where, values, "a pattern or a list of patterns")
    return tuple(pattern(v, where) for v in values)


def directory(value: Any, where: str) -> str:
    """A directory the tool writes (WORKDIR, COPY destinations): absolute, no glob, no space, no '..'."""
    if not isinstance(value, str) or not _DIRECTORY.match(value) or "//" in value or "/../" in f"{value}/":
        raise _fail(where, value, "an absolute directory without spaces, quotes, globs or '..'")
    return value


def exec_form(values: Any, where: str) -> list[str]:
    """An exec-form argument list: strings of one line each, spaces allowed (`daemon off;`)."""
    if values is None:
        return []
    if not isinstance(values, list) or not all(isinstance(v, str) and not _CONTROL.search(v) for v in values):
        raise _fail(where, values, "a list of strings of one line each (exec form)")
    return list(values)


def env(values: Any, where: str) -> tuple[tuple[str, str], ...]:
    """NAME: value pairs the tool writes into ENV lines."""
    result = []
    for name, value in mapping(values, where, "NAME: value").items():
        if not isinstance(name, str) or not _ENV_NAME.match(name):
            raise _fail(f"{where} name", name, "a variable name ([A-Za-z_][A-Za-z0-9_]*)")
        if isinstance(value, bool) or not isinstance(value, (str, int)) or not _ENV_VALUE.match(str(value)):
            raise _fail(f"{where} {name}", value, "a value without spaces, quotes or backslashes")
        result.append((name, str(value)))
    return tuple(result)


def tag_env(values: Any, where: str) -> tuple[tuple[str, str], ...]:
    """NAME: regex pairs: the variable is the regex's one group, matched at the start of the image's tag."""
    result = []
    for name, value in mapping(values, where, "NAME: regex").items():
        if not isinstance(name, str) or not _ENV_NAME.match(name):
            raise _fail(f"{where} name", name, "a variable name ([A-Za-z_][A-Za-z0-9_]*)")
        try:
            groups = re.compile(value).groups if isinstance(value, str) else 0
        except re.error:
            groups = 0
        if groups != 1:
            raise _fail(f"{where} {name}", value, "a regular expression with one group")
        result.append((name, value))
    return tuple(result)


def boolean(value: Any, where: str, default: bool) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        raise _fail(where, value, "true or false")
    return value
