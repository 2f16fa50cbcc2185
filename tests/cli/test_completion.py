"""Shell completion (Typer's): commands, options and choices, in the main command and the sub-commands."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from clitools import migrate


def complete_bash(line: str) -> list[str]:
    words = line.split(" ")
    env = {"_MIGRATE_COMPLETE": "complete_bash", "COMP_WORDS": line, "COMP_CWORD": str(len(words) - 1)}
    done = migrate(env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


@pytest.mark.parametrize(("line", "expected"), [
    ("migrate sc", ["scan"]),
    ("migrate --ch", ["--check"]),
    ("migrate --tag-policy ", ["latest", "keep"]),
    ("migrate scan --j", ["--jobs"]),
    ("migrate hook ", ["check", "fix"]),
    ("migrate validate --no-", ["--no-smoke"]),
])
def test_bash_completion(line: str, expected: list[str]) -> None:
    assert complete_bash(line) == expected


def test_after_a_path_the_shell_completes_file_names() -> None:
    assert complete_bash("migrate Dockerfile s") == []  # nothing: bash falls back to file names (-o default)


def test_the_completion_script_is_shown() -> None:
    # Typer names the shell from the parent process, so the command runs from bash as a bash user's would;
    # run straight from pytest it answered for whatever shell started pytest (sh: "not supported").
    command = f'"{sys.executable}" -m migrator --show-completion; exit $?'
    done = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "MIGRATOR_NO_CACHE": "1"})
    assert done.returncode == 0 and "_MIGRATE_COMPLETE=complete_bash" in done.stdout
