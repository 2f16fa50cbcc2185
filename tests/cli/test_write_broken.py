"""A migration whose final stage cannot start (runtime `broken`, an error finding says why) is not written over
the user's file by `--write`, `scan --write` or `hook fix`, and the bot does not suggest it: a migrated file that
cannot start is worse than none; printing and `--diff` give the file as it was. `--write-broken` prints or
writes it anyway."""

from __future__ import annotations

import json
from pathlib import Path

from clitools import migrate

# the program the final stage starts is nowhere: E MIG540 on line 4
CANNOT_START = ("FROM golang:1.22\nCOPY . .\nRUN go build -o /app .\nCMD [\"/nothere\"]\n",
                "FROM node:20\nCOPY . .\nRUN npm ci\nCMD [\"yarnx\", \"start\"]\n")
STARTS = "FROM python:3.12\nCOPY app.py .\nCMD [\"python\", \"app.py\"]\n"


def _files(tmp_path: Path, broken: str = CANNOT_START[0]) -> tuple[Path, Path]:
    bad, good = tmp_path / "bad" / "Dockerfile", tmp_path / "good" / "Dockerfile"
    for path, text in ((bad, broken), (good, STARTS)):
        path.parent.mkdir()
        path.write_text(text)
    return bad, good


def _refusals(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "not written" in line]


def test_write_leaves_a_file_whose_migration_cannot_start_and_writes_the_others(tmp_path: Path) -> None:
    for broken in CANNOT_START:
        bad, good = _files(tmp_path, broken)
        done = migrate("--write", "bad/Dockerfile", "good/Dockerfile", cwd=tmp_path)
        assert done.returncode == 2, done.stderr
        assert bad.read_text() == broken and not (bad.parent / "Dockerfile.bak").exists()
        assert good.read_text() != STARTS and (good.parent / "Dockerfile.bak").read_text() == STARTS
        [line] = _refusals(done.stderr)
        assert line.startswith("migrate: error: bad/Dockerfile: not written, left as it was: the migrated final "
                               "stage cannot start: E MIG540 (line 4) "), line
        assert "is not " in line and "--write-broken writes it anyway" in line
        assert "migrated good/Dockerfile" in done.stderr
        for path in (bad, good):
            path.unlink()
            path.with_name("Dockerfile.bak").unlink(missing_ok=True)
            path.parent.rmdir()


def test_printing_and_diff_give_the_file_as_it_was_and_say_why(tmp_path: Path) -> None:
    """A user who redirects `migrate FILE > out` or reads `--diff` gets no migration that cannot start: the file
    as it was (no diff), a line naming the error and the option that prints the migration anyway, exit 2."""
    _files(tmp_path)
    printed = migrate("bad/Dockerfile", cwd=tmp_path)
    assert printed.returncode == 2 and printed.stdout == CANNOT_START[0]
    [line] = [line for line in printed.stderr.splitlines() if line.startswith("migrate: error:")]
    assert line.startswith("migrate: error: bad/Dockerfile: not migrated, printed as it was: the migrated final "
                           "stage cannot start: E MIG540 (line 4) "), line
    assert line.endswith("(--write-broken prints it anyway)")
    diff = migrate("--diff", "bad/Dockerfile", cwd=tmp_path)
    assert diff.returncode == 2 and diff.stdout == "" and "not migrated, printed as it was" in diff.stderr
    stdin = migrate("-", cwd=tmp_path, stdin=CANNOT_START[0])
    assert stdin.returncode == 2 and stdin.stdout == CANNOT_START[0]


def test_write_broken_prints_and_writes_it_anyway_and_check_and_json_are_unchanged(tmp_path: Path) -> None:
    bad, _ = _files(tmp_path)
    migrated = migrate("--write-broken", "bad/Dockerfile", cwd=tmp_path)
    assert migrated.returncode == 0 and "FROM cgr.dev/chainguard/glibc-dynamic" in migrated.stdout
    assert "not migrated" not in migrated.stderr
    both = migrate("bad/Dockerfile", "good/Dockerfile", cwd=tmp_path)
    assert both.returncode == 2 and both.stdout.startswith(CANNOT_START[0])
    assert "FROM cgr.dev/chainguard/python" in both.stdout
    assert migrate("--check", "bad/Dockerfile", cwd=tmp_path).returncode == 1
    as_json = migrate("--json", "bad/Dockerfile", cwd=tmp_path)
    assert as_json.returncode == 0 and json.loads(as_json.stdout)["runtime"]["status"] == "broken"
    assert json.loads(as_json.stdout)["dockerfile"] == migrated.stdout
    assert bad.read_text() == CANNOT_START[0]

    done = migrate("--write", "--write-broken", "bad/Dockerfile", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert bad.read_text() == migrated.stdout and not _refusals(done.stderr)
    assert (bad.parent / "Dockerfile.bak").read_text() == CANNOT_START[0]


def test_an_ignored_start_error_is_the_users_call(tmp_path: Path) -> None:
    bad, _ = _files(tmp_path)
    done = migrate("--write", "--ignore", "MIG540", "bad/Dockerfile", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert bad.read_text() != CANNOT_START[0]


def test_scan_write_leaves_it_too(tmp_path: Path) -> None:
    bad, good = _files(tmp_path)
    done = migrate("scan", "--write", ".", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert bad.read_text() == CANNOT_START[0] and good.read_text() != STARTS
    [line] = _refusals(done.stderr)
    assert line.startswith("migrate scan: error: bad/Dockerfile: not written, left as it was: the migrated final "
                           "stage cannot start: E MIG540 (line 4) ")
    assert "'migrate --write --write-broken bad/Dockerfile' writes it anyway" in line


def test_hook_fix_leaves_it_and_blocks_the_commit(tmp_path: Path) -> None:
    bad, good = _files(tmp_path)
    done = migrate("hook", "fix", "bad/Dockerfile", "good/Dockerfile", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert bad.read_text() == CANNOT_START[0] and good.read_text() != STARTS
    assert not (bad.parent / "Dockerfile.bak").exists()
    assert "bad/Dockerfile: not migrated, left as it was: the migrated final stage cannot start" in done.stdout
    assert "line 4: error MIG540 " in done.stdout
    assert "'migrate --write --write-broken bad/Dockerfile'" in done.stdout
    assert "migrated 1 Dockerfile;" in done.stdout

    check = migrate("hook", "check", "bad/Dockerfile", cwd=tmp_path)
    assert check.returncode == 1
    assert "bad/Dockerfile: 'fix' would not migrate it: the migrated final stage cannot start" in check.stdout
    assert "would be migrated" not in check.stdout
