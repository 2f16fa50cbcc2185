"""What a command line asked for, as plain records: both parsers (the hand-written fast path and the
Typer application) produce these, and the commands take nothing else."""

from __future__ import annotations

from pathlib import Path

from migrator.model import FAIL_ON, TagPolicy
from migrator.records import dataclass, field
from migrator.report import FORMATS

__all__ = ["FAIL_ON", "FORMATS", "SUBCOMMANDS", "TAG_POLICIES", "ConfigArgs", "HookArgs", "MigrateArgs", "ScanArgs",
           "SharedOptions"]

SUBCOMMANDS = ("validate", "doctor", "scan", "hook", "config", "comment")
TAG_POLICIES = tuple(policy.value for policy in TagPolicy)


@dataclass
class MigrateArgs:
    paths: list[str] = field(default_factory=list)
    write: bool = False
    diff: bool = False
    check: bool = False
    json: bool = False
    no_backup: bool = False
    write_broken: bool = False  # also print or write a migration whose final stage cannot start
    registry: str | None = None
    org: str | None = None
    tag_policy: str | None = None
    pin: bool = False
    verify_tags: bool = False
    rules: list[Path] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    stdin_filename: str | None = None
    context: str | None = None  # the build context directory; None: each Dockerfile's own directory
    fmt: str | None = None
    quiet: bool = False
    explain: str | None = None
    list_codes: bool = False


@dataclass
class SharedOptions:
    """The options `hook`, `scan` and `config` share; they override the configuration file."""

    registry: str | None = None
    org: str | None = None
    rules: list[str] = field(default_factory=list)
    tag_policy: str | None = None
    ignore: list[str] = field(default_factory=list)
    pin: bool = False
    verify_tags: bool = False
    fail_on: str | None = None


@dataclass
class HookArgs(SharedOptions):
    mode: str = "check"
    files: list[str] = field(default_factory=list)
    context: str | None = None  # the build context of every file; None: each file's own directory


@dataclass
class ScanArgs(SharedOptions):
    dir: str = "."
    jobs: int = 1
    write: bool = False
    format: str = "text"


@dataclass
class ConfigArgs(SharedOptions):
    path: str = "."
    format: str = "yaml"
    show: bool = False
