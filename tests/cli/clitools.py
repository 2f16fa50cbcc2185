"""Helpers and fixtures for the CLI contract tests: run `migrate` as a process, or as an unprivileged user.

A module of its own name, imported by the tests, and no conftest.py: two modules named `conftest`
(tests/bot, tests/hook, tests/validate) collide depending on the order pytest loads them.

Permission errors cannot be seen as root, and CI runs as root. `unprivileged` therefore forks this
process and drops to `nobody` in the child, which then runs `migrator.cli.main` in-process (the
Python installation itself may not be readable by `nobody`, so nothing is exec'ed and everything
the child needs is imported before the fork). Run as a normal user, it just runs `migrate`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = (ROOT / "samples" / "python-pip" / "Dockerfile").read_text()


@dataclass
class Done:
    returncode: int
    stdout: str
    stderr: str


def migrate(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None, stdin: str | None = None,
            timeout: float = 60, **kwargs: object) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "MIGRATOR_NO_CACHE": "1", **(env or {})}
    return subprocess.run([sys.executable, "-m", "migrator", *args], input=stdin, capture_output=True, text=True,
                          cwd=cwd, env=environment, timeout=timeout, **kwargs)  # type: ignore[call-overload]


def without_findings(stderr: str) -> str:
    """stderr without the warnings and errors found in the migrated files (`FILE:LINE: W MIGnnn ...`)."""
    import re

    finding_line = re.compile(r"^\S+:\d+: [EWI] MIG\d{3} ")
    return "\n".join(line for line in stderr.strip().splitlines() if not finding_line.match(line))


def one_error_line(done: subprocess.CompletedProcess[str] | Done, *needles: str) -> str:
    """The contract for a refused input or option: exit 2, one line on stderr, no traceback (the findings of a
    file migrated before a write fails are not that line: see without_findings)."""
    lines = without_findings(done.stderr).splitlines()
    assert done.returncode == 2, done.stderr
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def _nobody() -> tuple[int, int]:
    import pwd

    try:
        entry = pwd.getpwnam("nobody")
        return entry.pw_uid, entry.pw_gid
    except KeyError:
        return 65534, 65534


def _preload() -> None:
    """Import what a migration needs, while the installation is still readable."""
    import contextlib
    import difflib  # noqa: F401
    import fcntl  # noqa: F401
    import tempfile  # noqa: F401

    import migrator.cli.files
    import migrator.cli.hook_cmd
    import migrator.cli.migrate_cmd
    import migrator.cli.scan_cmd
    import migrator.pipeline
    import migrator.render.output  # noqa: F401
    from migrator.cli.app import run
    from migrator.config import _read_yaml
    from migrator.findings import catalog
    from migrator.rules import load_rules

    run(["scan", "--jobs", "1", "."], execute=lambda args: 0)  # Typer parses it: load what that needs
    catalog()
    load_rules()
    with contextlib.suppress(Exception):
        _read_yaml(Path("x.yaml"), "registry: cgr.dev/acme\n")


@pytest.fixture
def playground() -> Iterator[Path]:
    """A directory the unprivileged user owns (tmp_path is root's and closed to others)."""
    directory = Path(tempfile.mkdtemp(prefix="migrate-test-", dir="/tmp"))
    if os.geteuid() == 0:
        uid, gid = _nobody()
        os.chown(directory, uid, gid)
    try:
        yield directory
    finally:
        for path in [directory, *directory.rglob("*")]:
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
        subprocess.run(["rm", "-rf", str(directory)], check=False)


def give_to_nobody(*paths: Path) -> None:
    if os.geteuid() == 0:
        uid, gid = _nobody()
        for path in paths:
            os.chown(path, uid, gid, follow_symlinks=False)


@pytest.fixture
def unprivileged() -> Callable[..., Done]:
    def run(*argv: str, cwd: Path) -> Done:
        if os.geteuid() != 0:
            done = migrate(*argv, cwd=cwd)
            return Done(done.returncode, done.stdout, done.stderr)
        return _run_forked_as_nobody(list(argv), cwd)

    return run


def _run_forked_as_nobody(argv: list[str], cwd: Path) -> Done:
    _preload()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        return _fork(argv, cwd, out, err)


def _fork(argv: list[str], cwd: Path, out: IO[bytes], err: IO[bytes]) -> Done:
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 99
        try:
            uid, gid = _nobody()
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)
            os.chdir(cwd)
            os.environ["MIGRATOR_NO_CACHE"] = "1"
            sys.stdout = open(out.fileno(), "w", closefd=False)  # noqa: SIM115
            sys.stderr = open(err.fileno(), "w", closefd=False)  # noqa: SIM115
            from migrator.cli import main

            code = main(argv)
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    out.seek(0)
    err.seek(0)
    return Done(os.waitstatus_to_exitcode(status), out.read().decode(), err.read().decode())
