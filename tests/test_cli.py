"""The `migrate` command's contract: other tools (hook, bot, CI) depend on it exactly."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from migrator.cli import main

SIMPLE = "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\nCMD [\"python\", \"app.py\"]\n"


@pytest.fixture
def dockerfile(tmp_path: Path) -> Path:
    path = tmp_path / "Dockerfile"
    path.write_text(SIMPLE)
    return path


def run(*args: str, stdin: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "migrator", *args], input=stdin, capture_output=True,
                          text=True, cwd=cwd, timeout=60)


def test_prints_migrated_file_to_stdout(dockerfile: Path) -> None:
    done = run(str(dockerfile))
    assert done.returncode == 0
    assert "FROM cgr.dev/chainguard/python:latest-dev AS builder" in done.stdout
    assert "FROM cgr.dev/chainguard/python:latest\n" in done.stdout
    assert dockerfile.read_text() == SIMPLE  # printing writes nothing


def test_stdin_dash_reads_standard_input() -> None:
    done = run("-", stdin=SIMPLE)
    assert done.returncode == 0 and "cgr.dev/chainguard/python:latest-dev" in done.stdout


def test_write_is_atomic_and_keeps_a_backup(dockerfile: Path) -> None:
    done = run("--write", str(dockerfile))
    assert done.returncode == 0
    assert "cgr.dev/chainguard/python" in dockerfile.read_text()
    backup = dockerfile.with_name("Dockerfile.bak")
    assert backup.read_text() == SIMPLE
    assert not [p for p in dockerfile.parent.iterdir() if p.name.endswith(".tmp")]


def test_short_write_flag_and_no_backup(dockerfile: Path) -> None:
    assert run("-i", "--no-backup", str(dockerfile)).returncode == 0
    assert not dockerfile.with_name("Dockerfile.bak").exists()
    assert "cgr.dev/chainguard" in dockerfile.read_text()


def test_write_keeps_crlf_and_permissions(tmp_path: Path) -> None:
    path = tmp_path / "Containerfile"
    path.write_bytes(SIMPLE.replace("\n", "\r\n").encode())
    path.chmod(0o640)
    assert run("--write", str(path)).returncode == 0
    data = path.read_bytes()
    assert b"cgr.dev/chainguard" in data
    assert data.count(b"\n") == data.count(b"\r\n")
    assert path.stat().st_mode & 0o777 == 0o640


def test_diff_prints_unified_diff(dockerfile: Path) -> None:
    done = run("--diff", str(dockerfile))
    assert done.returncode == 0
    assert done.stdout.startswith(f"--- a/{dockerfile}\n+++ b/{dockerfile}\n")
    assert "-FROM python:3.12-slim" in done.stdout and "+FROM cgr.dev/chainguard/python:latest-dev AS builder" in done.stdout


def test_check_exit_codes(dockerfile: Path) -> None:
    assert run("--check", str(dockerfile)).returncode == 1
    assert dockerfile.read_text() == SIMPLE
    assert run("--write", str(dockerfile)).returncode == 0
    assert run("--check", str(dockerfile)).returncode == 0


def test_json_one_file_is_an_object(dockerfile: Path) -> None:
    payload = json.loads(run("--json", str(dockerfile)).stdout)
    assert set(payload) >= {"path", "changed", "dockerfile", "stages", "findings"}
    assert payload["changed"] is True
    assert [s["role"] for s in payload["stages"]] == ["builder", "runtime"]
    assert set(payload["stages"][0]) == {"name", "role", "image", "source"}
    assert payload["stages"][0]["source"] == "python:3.12-slim"
    assert all(set(f) >= {"code", "severity", "line", "message"} for f in payload["findings"])


def test_json_several_files_is_a_list(dockerfile: Path, tmp_path: Path) -> None:
    other = tmp_path / "app.Dockerfile"
    other.write_text("FROM golang:1.22\nRUN CGO_ENABLED=0 go build -o /app .\nCMD [\"/app\"]\n")
    payload = json.loads(run("--json", str(dockerfile), str(other)).stdout)
    assert isinstance(payload, list) and [p["path"] for p in payload] == [str(dockerfile), str(other)]


def test_registry_and_org(dockerfile: Path) -> None:
    assert "FROM registry.example.com/base/python:latest-dev" in run("--registry", "registry.example.com/base/",
                                                                      str(dockerfile)).stdout
    assert "FROM cgr.dev/acme/python:latest\n" in run("--org", "acme", str(dockerfile)).stdout
    assert run("--org", "acme", "--registry", "x.io/y", str(dockerfile)).returncode == 2


def test_tag_policy_keep(dockerfile: Path) -> None:
    out = run("--tag-policy", "keep", str(dockerfile)).stdout
    assert "python:3.12-dev AS builder" in out and "python:3.12\n" in out


def test_user_rules_override_builtin(dockerfile: Path, tmp_path: Path) -> None:
    rules = tmp_path / "mine.yaml"
    rules.write_text("images:\n  - match: python\n    ecosystem: python\n    builder: \"py-custom:{version}-dev\"\n"
                     "    runtime: \"py-custom:{version}\"\n")
    out = run("--rules", str(rules), str(dockerfile)).stdout
    assert "cgr.dev/chainguard/py-custom:latest-dev" in out


def test_malformed_rules_file_names_file_and_line(dockerfile: Path, tmp_path: Path) -> None:
    rules = tmp_path / "bad.yaml"
    rules.write_text("images:\n  - match: python\n    ecosystem: [oops\n")
    done = run("--rules", str(rules), str(dockerfile))
    assert done.returncode == 2
    assert (str(rules) in done.stderr and ":3:" in done.stderr) or ":4:" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_version_and_help() -> None:
    assert run("--version").stdout.startswith("migrate ")
    done = run("--help")
    assert done.returncode == 0 and "--write" in done.stdout and "--registry" in done.stdout


def test_explain_prints_the_doc() -> None:
    done = run("--explain", "MIG202")
    assert done.returncode == 0 and "unknown base image" in done.stdout and "--rules" in done.stdout
    assert run("--explain", "MIG999").returncode == 2


@pytest.mark.parametrize(("content", "message"), [
    (None, "no such file"),
    (b"", "empty"),
    (b"\x00\x01\x02binary\x00", "binary"),
    (b"Dear reader,\nthis is a letter.\nRegards\n", "not a Dockerfile"),
])
def test_bad_input_exits_2_with_one_line(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "Dockerfile"
    if content is not None:
        path.write_bytes(content)
    done = run("--write", str(path))
    assert done.returncode == 2
    assert message in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr
    if content is not None:
        assert path.read_bytes() == content
        assert not path.with_name("Dockerfile.bak").exists()


def test_directory_and_invalid_options(tmp_path: Path) -> None:
    assert run(str(tmp_path)).returncode == 2
    done = run("--no-such-option", "x")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert run().returncode == 2


def test_idempotent_on_its_own_output(dockerfile: Path) -> None:
    first = run(str(dockerfile)).stdout
    second = run("-", stdin=first)
    assert second.stdout == first
    assert run("--check", "-", stdin=first).returncode == 0


def test_main_returns_exit_code_in_process(dockerfile: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--check", str(dockerfile)]) == 1
    assert "would migrate" in capsys.readouterr().err


def test_check_answers_from_cache_the_second_time(tmp_path: Path) -> None:
    import os

    path = tmp_path / "Dockerfile"
    path.write_text("FROM corp.example.com/base:1\nRUN make\n")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    first = subprocess.run([sys.executable, "-m", "migrator", "--check", str(path)], capture_output=True,
                           text=True, env=env, timeout=60)
    second = subprocess.run([sys.executable, "-X", "importtime", "-m", "migrator", "--check", str(path)],
                            capture_output=True, text=True, env=env, timeout=60)
    assert first.returncode == second.returncode == 0
    assert "MIG202" in first.stderr and "MIG202" in second.stderr
    assert "migrator.pipeline" not in second.stderr  # answered without loading the pipeline
    path.write_text(SIMPLE)  # new content: a miss, and the right answer
    third = subprocess.run([sys.executable, "-m", "migrator", "--check", str(path)], capture_output=True,
                           text=True, env=env, timeout=60)
    assert third.returncode == 1 and "would migrate" in third.stderr
