"""Stub executables on a fake PATH, for builder detection without an engine."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

STUB = """#!/bin/sh
# stub {name}: answers from files in {state}
PATH=/usr/bin:/bin
all="$*"
for f in "{state}"/{name}.*; do
  [ -e "$f" ] || continue
  key=$(basename "$f")
  key=${{key#{name}.}}
  pattern=$(printf '%s' "$key" | tr '_' ' ')
  case "$all" in
    "$pattern"*)
      cat "$f"
      if [ -e "{state}/rc.{name}.$key" ]; then exit $(cat "{state}/rc.{name}.$key"); fi
      exit 0 ;;
  esac
done
echo "{name}: unknown command: $all" >&2
exit 1
"""


class Stubs:
    """`stubs.add("docker", {"version --format": ("{...}", 0)})`: the stub prints the text of the
    first key its arguments start with (spaces in keys written as spaces) and exits with the code."""

    def __init__(self, root: Path):
        self.bin = root / "bin"
        self.state = root / "state"
        self.bin.mkdir()
        self.state.mkdir()

    @property
    def path(self) -> str:
        return str(self.bin)

    def add(self, name: str, answers: dict[str, tuple[str, int]]) -> Path:
        exe = self.bin / name
        exe.write_text(STUB.format(name=name, state=self.state))
        exe.chmod(exe.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        for key, (text, rc) in answers.items():
            slug = key.replace(" ", "_")
            (self.state / f"{name}.{slug}").write_text(text)
            if rc:
                (self.state / f"rc.{name}.{slug}").write_text(str(rc))
        return exe


@pytest.fixture
def stubs(tmp_path, monkeypatch):
    monkeypatch.setenv("MIGRATOR_DOCKER_CLIENTS", "")
    monkeypatch.setenv("MIGRATOR_HOST_ARCH", "amd64")
    monkeypatch.delenv("MIGRATOR_BINFMT_DIR", raising=False)
    return Stubs(tmp_path)


@pytest.fixture
def binfmt(tmp_path):
    d = tmp_path / "binfmt"
    d.mkdir()
    (d / "status").write_text("enabled\n")
    (d / "qemu-aarch64").write_text("enabled\ninterpreter /usr/libexec/qemu-binfmt/aarch64-binfmt-P\n")
    return d


def pytest_configure(config):
    os.environ.setdefault("MIGRATOR_VALIDATE_UNIT", "1")
