"""Cases found by re-checking the tool adversarially after issue 12 (not in the issue's list)."""

from __future__ import annotations

import json
import marshal
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from clitools import SAMPLE, migrate, one_error_line

from migrator.api import migrate_text
from migrator.cli.errors import guarded


def test_deeply_nested_shell_is_left_untouched_not_an_internal_error() -> None:
    text = "FROM python:3.12-slim\nRUN " + "(" * 3000 + "true" + ")" * 3000 + "\nCMD [\"python\"]\n"
    result = migrate_text(text)
    assert any(f.code == "MIG403" for f in result.findings)


def _seconds_for_quoted_words(count: int) -> float:
    text = "FROM python:3.12-slim\nRUN echo " + '"a" ' * count + "\nCMD [\"python\"]\n"
    started = time.perf_counter()
    migrate_text(text)
    return time.perf_counter() - started


def test_a_huge_line_with_many_quotes_is_linear() -> None:
    # four times the words: about four times the time (it was quadratic: sixteen times, a minute for 60,000);
    # a ratio, as the absolute time depends on the machine's load
    small, large = _seconds_for_quoted_words(4000), _seconds_for_quoted_words(16000)
    assert large < 8 * small + 0.5, (small, large)


def test_control_characters_from_the_dockerfile_do_not_reach_the_terminal(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_bytes(b"FROM corp.example.com/ba\x1b[31mse:1\nRUN make\n")
    done = migrate("Dockerfile", cwd=tmp_path)
    assert "\x1b" not in done.stderr and "\\x1b[31m" in done.stderr


def test_a_backup_symlink_is_replaced_not_followed(tmp_path: Path) -> None:
    (tmp_path / "precious").write_text("keep me\n")
    (tmp_path / "Dockerfile").write_text(SAMPLE)
    (tmp_path / "Dockerfile.bak").symlink_to("precious")
    assert migrate("--write", "Dockerfile", cwd=tmp_path).returncode == 0
    assert (tmp_path / "precious").read_text() == "keep me\n"
    assert not (tmp_path / "Dockerfile.bak").is_symlink() and (tmp_path / "Dockerfile.bak").read_text() == SAMPLE


def test_ignore_codes_are_checked_and_may_be_comma_separated(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM corp.example.com/base:1\nFROM python:3.12-slim\nCMD python app.py\n")
    one_error_line(migrate("--ignore", "foo", "Dockerfile", cwd=tmp_path), "invalid --ignore 'FOO'")
    done = migrate("--ignore", "mig202,MIG504", "Dockerfile", cwd=tmp_path)
    assert done.returncode == 0 and "MIG202" not in done.stderr and "MIG504" not in done.stderr


def test_a_damaged_rules_cache_is_ignored(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    (tmp_path / "Dockerfile").write_text(SAMPLE)
    env = {"XDG_CACHE_HOME": str(cache)}
    assert migrate("Dockerfile", cwd=tmp_path, env=env).returncode == 0
    entries = list((cache / "migrator").glob("rules-*.marshal"))
    assert entries  # the compiled rules were cached
    truncated = entries[0].read_bytes()[:1000]
    for damage in (b"", b"\x00garbage", truncated, marshal.dumps(42), marshal.dumps(([1], {}, {}, [], frozenset()))):
        for path in entries:
            path.write_bytes(damage)
        done = migrate("Dockerfile", cwd=tmp_path, env=env)
        assert done.returncode == 0 and "cgr.dev/chainguard/python" in done.stdout


def test_configuration_cannot_name_rules_outside_the_repository(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("root:$6$secret:19000:0:99999:7:::\n")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "Dockerfile").write_text(SAMPLE)
    (repo / ".migrator.yaml").write_text(f"rules: [{outside}]\n")
    line = one_error_line(migrate("Dockerfile", cwd=repo), "is outside the repository")
    assert "secret" not in line
    (repo / "inside.yaml").symlink_to(outside)  # a symlink does not get around it
    (repo / ".migrator.yaml").write_text("rules: [inside.yaml]\n")
    one_error_line(migrate("Dockerfile", cwd=repo), "is outside the repository")
    (repo / ".migrator.yaml").unlink()
    outside.write_text("images: []\n")
    assert migrate("--rules", str(outside), "Dockerfile", cwd=repo).returncode == 0  # the user's own choice


def test_hook_fix_with_a_file_named_twice_writes_it_once(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(SAMPLE)
    done = migrate("hook", "fix", "Dockerfile", "Dockerfile", cwd=tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert migrate("--check", "Dockerfile", cwd=tmp_path).returncode == 0
    assert [p.name for p in tmp_path.iterdir()] == ["Dockerfile"]


def test_closed_output_pipe_is_quiet_and_141(capsys: pytest.CaptureFixture[str]) -> None:
    def write_to_closed_pipe() -> int:
        raise BrokenPipeError(32, "Broken pipe")

    stdout = os.dup(1)
    try:
        assert guarded("migrate", write_to_closed_pipe) == 141
    finally:
        os.dup2(stdout, 1)
        os.close(stdout)
    assert capsys.readouterr().err == ""


def test_a_bug_is_one_line_exit_2_and_says_how_to_see_more(capsys: pytest.CaptureFixture[str]) -> None:
    def buggy() -> int:
        raise KeyError("stage")

    assert guarded("migrate scan", buggy) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("migrate scan: internal error: KeyError")
    assert "MIGRATOR_TRACEBACK=1" in err


def test_non_utf8_file_names_are_printed_back_as_they_are(tmp_path: Path) -> None:
    name = os.fsdecode(b"Docker\xfffile")
    (tmp_path / name).write_text(SAMPLE)
    done = subprocess.run([sys.executable, "-m", "migrator", "--diff", name], cwd=tmp_path, capture_output=True,
                          timeout=60)
    assert done.returncode == 0 and done.stdout.startswith(b"--- a/Docker\xfffile\n")


# --- second adversarial round (/work/adversary/REPORT.md) ---------------------------------------


def test_closed_standard_input_is_one_line() -> None:
    """C5: `migrate - <&-` was an internal error (sys.stdin is None)."""
    done = subprocess.run([sys.executable, "-m", "migrator", "-"], stdin=subprocess.DEVNULL, capture_output=True,
                          text=True, timeout=60, preexec_fn=lambda: os.close(0))
    one_error_line(done, "standard input is closed")


@pytest.mark.parametrize("argv", [["Dockerfile"], ["--help"], ["--list-codes"], ["--version"], ["scan", "."],
                                  ["--json", "Dockerfile"]])
def test_output_that_cannot_be_written_is_one_line_exit_2(tmp_path: Path, argv: list[str]) -> None:
    """C5: a full disk under stdout was an internal error, and `--help > /dev/full` exited 0."""
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    (tmp_path / "Dockerfile").write_text(SAMPLE)
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "migrator", *argv], cwd=tmp_path, stdout=full,
                              stderr=subprocess.PIPE, text=True, timeout=60,
                              env={**os.environ, "MIGRATOR_NO_CACHE": "1"})
    lines = [line for line in done.stderr.splitlines() if " MIG" not in line]
    assert done.returncode == 2 and lines == [f"migrate{' scan' if argv[0] == 'scan' else ''}: error: cannot write "
                                              "the output (No space left on device)"], done.stderr


@pytest.mark.parametrize("argv", [["--list-codes"], ["scan", "."]])
def test_a_closed_output_pipe_is_141_on_the_typer_path_too(tmp_path: Path, argv: list[str]) -> None:
    """Typer answers EPIPE with exit 1; a closed pipe is 141 everywhere (found with C5)."""
    for index in range(40):
        (tmp_path / f"Dockerfile.{index}").write_text(SAMPLE)
    run = subprocess.Popen([sys.executable, "-m", "migrator", *argv], cwd=tmp_path, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env={**os.environ, "MIGRATOR_NO_CACHE": "1"})
    assert run.stdout is not None and run.stderr is not None
    run.stdout.close()
    assert run.wait(timeout=60) == 141 and run.stderr.read() == b""
