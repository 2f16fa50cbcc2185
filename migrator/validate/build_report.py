"""What `migrate validate` is given (ValidateOptions), what it says as it goes (emit) and what it reports: per
platform the build (time, size, layers, the failing instruction) and the smoke run."""

from __future__ import annotations

import os
from pathlib import Path

from migrator.model import Finding
from migrator.records import dataclass, field
from migrator.validate.builders import Detection


@dataclass
class ValidateOptions:
    context: Path | None = None  # default: the Dockerfile's directory
    platforms: list[str] = field(default_factory=lambda: ["linux/amd64", "linux/arm64"])
    original: Path | None = None
    smoke_args: list[str] | None = None  # replaces the image's CMD
    smoke: bool = True
    keep: bool = False
    build_args: list[str] = field(default_factory=list)  # K=V
    target: str | None = None
    builder_name: str | None = None
    engine: str | None = None  # buildx | buildkit | docker | buildah | podman; None: the first that works
    timeout: float = 30.0  # smoke run
    build_timeout: float = 1800.0
    network: str | None = None  # build network; None: the builder's default (none without a bridge)
    secrets: list[str] = field(default_factory=list)
    build_contexts: list[str] = field(default_factory=list)
    registries: tuple[str, ...] = ()
    path: str | None = None  # replaces $PATH when looking for builders (tests)
    binfmt_dir: str | None = None  # replaces /proc/sys/fs/binfmt_misc (tests)


@dataclass
class BuildError:
    line: int | None
    instruction: str | None
    log_tail: str
    message: str

    def to_dict(self) -> dict[str, object]:
        return {"line": self.line, "instruction": self.instruction, "log_tail": self.log_tail, "message": self.message}


@dataclass
class Smoke:
    exit_code: int | None  # None: still running at the timeout
    output: str
    started: bool
    timed_out: bool = False
    seconds: float | None = None

    @property
    def passed(self) -> bool:
        return self.started and (self.timed_out or self.exit_code == 0)

    def to_dict(self) -> dict[str, object]:
        return {
            "exit_code": self.exit_code,
            "output": self.output,
            "started": self.started,
            "seconds": None if self.seconds is None else round(self.seconds, 2),
        }


@dataclass
class PlatformResult:
    platform: str
    status: str  # ok | failed | skipped
    seconds: float | None = None
    size_bytes: int | None = None
    layers: int | None = None
    smoke: Smoke | None = None
    error: BuildError | None = None
    tag: str | None = None
    user: str | None = None
    reason: str | None = None  # skipped: no-emulation | no-builder

    def to_dict(self) -> dict[str, object]:
        return {
            "platform": self.platform,
            "status": self.status,
            "seconds": None if self.seconds is None else round(self.seconds, 2),
            "size_bytes": self.size_bytes,
            "layers": self.layers,
            "smoke": self.smoke.to_dict() if self.smoke else None,
            "error": self.error.to_dict() if self.error else None,
        }


@dataclass
class Report:
    path: str
    detection: Detection
    static: list[Finding]
    platforms: list[PlatformResult]
    comparison: dict[str, object] | None = None
    messages: list[str] = field(default_factory=list)  # human notes (what to install, ...)

    @property
    def exit_code(self) -> int:
        if any(p.status == "failed" for p in self.platforms):
            return 1
        if self.detection.builder is None or any(p.status != "ok" for p in self.platforms):
            return 3
        return 0

    def to_dict(self) -> dict[str, object]:
        return {
            "builder": self.detection.to_dict(),
            "static": [f.to_dict() for f in self.static],
            "platforms": [p.to_dict() for p in self.platforms],
            "comparison": self.comparison,
        }


def build_arg_map(pairs: list[str]) -> dict[str, str]:
    out = {}
    for kv in pairs:
        k, _, v = kv.partition("=")
        out[k] = v if _ else os.environ.get(k, "")
    return out


def emit(progress, text: str) -> None:
    if progress is not None:
        progress(text)
