"""Shell completion (Typer's): commands, options and choices, in the main command and the sub-commands."""

from __future__ import annotations

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
    done = migrate("--show-completion", "bash")
    assert done.returncode == 0 and "_MIGRATE_COMPLETE=complete_bash" in done.stdout
