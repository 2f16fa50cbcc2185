"""Plain data shared by every pipeline step: options in, findings and results out."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

from migrator.records import dataclass, field

DEFAULT_REGISTRY = "cgr.dev/chainguard"
FAIL_ON = ("error", "warning", "info", "never")  # the severity from which a run fails, or never


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]


class TagPolicy(str, Enum):
    LATEST = "latest"  # latest / latest-dev: what every public user can pull
    KEEP = "keep"  # keep the source's major(.minor): python:3.11-slim -> python:3.11-dev


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    line: int  # 1-based line in the ORIGINAL file; 0 when the finding is about the whole file
    message: str

    def to_dict(self) -> dict[str, object]:
        return {"code": self.code, "severity": self.severity.value, "line": self.line, "message": self.message}


@dataclass(frozen=True)
class StageInfo:
    name: str
    role: str  # "builder" | "runtime" | "unchanged" | "unsupported"
    image: str  # the image reference in the migrated file
    source: str  # the image reference in the original file

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "role": self.role, "image": self.image, "source": self.source}


@dataclass(frozen=True)
class RuntimeStatus:
    """Whether the migrated final stage can start its command on its image (migrator.validate.startable)."""

    image: str
    argv: tuple[str, ...]
    status: str  # ok | shell-kept | single-stage | unverified | broken
    reason: str

    def to_dict(self) -> dict[str, object]:
        return {"image": self.image, "argv": list(self.argv), "status": self.status, "reason": self.reason}


@dataclass(frozen=True)
class Options:
    registry: str = DEFAULT_REGISTRY
    tag_policy: TagPolicy = TagPolicy.LATEST
    rules_files: tuple[Path, ...] = ()
    ignore: frozenset[str] = frozenset()
    pin: bool = False  # write NAME:TAG@sha256:... for the images the migration writes (asks the registry)
    verify_tags: bool = False  # check that those tags exist for linux/amd64 and linux/arm64 (asks the registry)
    # the build context on disk, read (lazily, first bytes only) to tell a binary from a bash or sh start script;
    # None: the directory of the Dockerfile when it is a file on disk, else no context (conservative rules)
    context: Path | None = None

    @staticmethod
    def registry_for_org(org: str) -> str:
        return f"cgr.dev/{org}"


@dataclass
class Result:
    path: str
    original: str
    dockerfile: str
    stages: list[StageInfo] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    runtime: RuntimeStatus | None = None  # None: the final stage was not migrated

    @property
    def changed(self) -> bool:
        return self.dockerfile != self.original

    def to_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "changed": self.changed,
            "dockerfile": self.dockerfile,
            "stages": [s.to_dict() for s in self.stages],
            "findings": [f.to_dict() for f in self.findings],
            "runtime": self.runtime.to_dict() if self.runtime else None,
        }


class MigratorError(Exception):
    """A problem the user must fix (bad input, bad rules, bad options): shown as one line, exit 2."""


class ExpansionError(MigratorError):
    """Variables that would expand beyond a bound (parse.variables.expand_args)."""

    def at(self, line: int) -> ExpansionError:
        return ExpansionError(f"line {line}: {self}")
