"""Recognise commands that only set up a package repository (rules/commands.yaml)."""

from __future__ import annotations

from migrator.regex import glob_match
from migrator.rewrite.command import Cmd

_FETCHERS = ("curl", "wget")


def setup_script_url(cmd: Cmd) -> str | None:
    """The URL `curl`/`wget` fetches when it is a known repository set-up script or key, else None."""
    if cmd.name not in _FETCHERS:
        return None
    urls = [w.value for w in cmd.words[1:] if w.value and "://" in w.value]
    if not urls:
        return None
    for url in urls:
        if _setup_entry(url) is not None:
            return url
    return None


def served_by(url: str) -> list[str] | None:
    """The Wolfi packages a known set-up script's repository serves (NodeSource: nodejs), or None."""
    entry = _setup_entry(url)
    serves = entry.get("serves") if isinstance(entry, dict) else None
    return [str(name) for name in serves] if isinstance(serves, list) and serves else None


def _setup_entry(url: str) -> str | dict[str, object] | None:
    from migrator.rules.data import builtin_data

    bare = url.split("://", 1)[-1]
    for entry in builtin_data("commands.yaml").get("repository_setup_scripts") or []:
        pattern = entry["url"] if isinstance(entry, dict) else entry
        if glob_match(bare, pattern):
            return entry  # type: ignore[no-any-return]
    return None


def is_setup_command(cmd: Cmd) -> bool:
    """A program that only adds a package repository (PGDG's apt.postgresql.org.sh)."""
    from migrator.rules.data import builtin_data

    program = cmd.words[0].value or ""
    return program in (builtin_data("commands.yaml").get("repository_setup_commands") or [])


def is_repository_package(path: str) -> bool:
    """A package file that only defines a repository (`packages-microsoft-prod.deb`, `epel-release-*.rpm`)."""
    from migrator.rules.data import builtin_data

    name = path.rstrip("/").rsplit("/", 1)[-1]
    return any(glob_match(name, p) for p in builtin_data("commands.yaml").get("repository_packages") or [])
