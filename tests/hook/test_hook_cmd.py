"""`migrate hook check|fix`: what a developer sees when the pre-commit hooks run."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from hooktools import NEEDS_MIGRATION, PRIVATE_BASE, git_init, real_pipeline_available

from migrator.cli import main


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_pipeline: None) -> Path:
    git_init(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*argv: str) -> int:
    return main(["hook", *argv])


def test_check_fails_names_the_file_and_first_findings_and_writes_nothing(repo: Path, capsys) -> None:
    (repo / "Dockerfile").write_text(NEEDS_MIGRATION)
    assert run("check", "Dockerfile") == 1
    out = capsys.readouterr().out
    assert "Dockerfile: would be migrated (1 warning, 1 info)" in out
    assert "line 2: warning MIG301" in out  # most severe first
    assert "1 Dockerfile would be migrated" in out
    assert (repo / "Dockerfile").read_text() == NEEDS_MIGRATION
    assert sorted(p.name for p in repo.iterdir()) == [".git", "Dockerfile"]


def test_check_passes_silently_when_nothing_would_change(repo: Path, capsys) -> None:
    (repo / "Dockerfile").write_text("FROM cgr.dev/chainguard/python:latest\n")
    assert run("check", "Dockerfile") == 0
    assert capsys.readouterr().out == ""


def test_fix_rewrites_without_backup_then_check_passes(repo: Path, capsys) -> None:
    target = repo / "app.Dockerfile"
    target.write_text(NEEDS_MIGRATION)
    target.chmod(0o640)
    assert run("fix", "app.Dockerfile") == 1
    out = capsys.readouterr().out
    assert "app.Dockerfile: migrated" in out
    assert "review and stage" in out
    assert target.read_text().startswith("FROM cgr.dev/chainguard/python:latest-dev\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in repo.iterdir()) == [".git", "app.Dockerfile"]  # no backup, no temp file
    assert run("fix", "app.Dockerfile") == 0
    assert run("check", "app.Dockerfile") == 0


def test_output_stays_short_with_many_findings(repo: Path, capsys) -> None:
    (repo / "Dockerfile").write_text("".join(f"FROM python:3.{n}\n" for n in range(8)))
    assert run("check", "Dockerfile") == 1
    lines = capsys.readouterr().out.splitlines()
    assert "  ... and 5 more" in lines
    assert len(lines) == 6


def test_options_apply_to_the_check(repo: Path, capsys) -> None:
    (repo / "Dockerfile").write_text("FROM cgr.dev/acme/python:latest\n")
    assert run("check", "--org", "acme", "Dockerfile") == 0
    assert capsys.readouterr().out == ""
    assert run("check", "Dockerfile") == 0  # without the org it is a private image: reported, not blocking
    assert "cannot migrate" in capsys.readouterr().out


def test_cannot_migrate_does_not_block_unless_fail_on(repo: Path, capsys) -> None:
    (repo / "Dockerfile").write_text(PRIVATE_BASE)
    assert run("check", "Dockerfile") == 0
    out = capsys.readouterr().out
    assert "Dockerfile: cannot migrate (not blocking)" in out
    assert "MIG202 unknown base image registry.acme.internal/base/python:3.11" in out
    assert run("fix", "Dockerfile") == 0
    assert (repo / "Dockerfile").read_text() == PRIVATE_BASE
    assert run("check", "--fail-on", "error", "Dockerfile") == 1


def test_fail_on_from_the_configuration_file(repo: Path, capsys) -> None:
    (repo / "svc").mkdir()
    (repo / "svc" / "Dockerfile").write_text(PRIVATE_BASE)
    (repo / ".migrator.yaml").write_text("fail-on: error\n")
    assert run("check", "svc/Dockerfile") == 1
    assert "svc/Dockerfile: cannot migrate\n" in capsys.readouterr().out


def test_skip_file_pragma_is_respected(repo: Path) -> None:
    text = "# migrate: skip-file\n" + NEEDS_MIGRATION
    (repo / "Dockerfile").write_text(text)
    assert run("check", "Dockerfile") == 0
    assert run("fix", "Dockerfile") == 0
    assert (repo / "Dockerfile").read_text() == text


def test_ignored_codes_are_not_shown(repo: Path, capsys) -> None:
    (repo / "Dockerfile").write_text(
        "FROM python:3.11\n# migrate: ignore=MIG301\nRUN apt-get install -y curl\n"
    )
    assert run("check", "--ignore", "MIG201", "Dockerfile") == 1
    out = capsys.readouterr().out
    assert "MIG301" not in out and "MIG201" not in out
    assert "would be migrated (no findings)" in out


def test_unreadable_file_is_an_error_naming_it(repo: Path, capsys) -> None:
    (repo / "Dockerfile").write_text("")
    (repo / "Containerfile").write_text(NEEDS_MIGRATION)
    assert run("check", "Dockerfile", "Containerfile") == 2
    out, err = capsys.readouterr()
    assert err == "migrate hook: error: Dockerfile: file is empty\n"
    assert "Containerfile: would be migrated" in out  # the other files are still reported
    assert run("check", "--fail-on", "never", "Dockerfile") == 0  # the documented way to let it pass


def test_bad_configuration_exits_2_naming_file_and_key(repo: Path, capsys) -> None:
    (repo / "Dockerfile").write_text(NEEDS_MIGRATION)
    (repo / ".migrator.yaml").write_text("registry: cgr.dev/acme\ntag-policy: newest\n")
    assert run("check", "Dockerfile") == 2
    err = capsys.readouterr().err
    assert ".migrator.yaml:2: key 'tag-policy'" in err
    assert "newest" in err


def test_bad_arguments_exit_2_with_one_line(repo: Path, capsys) -> None:
    assert run("lint", "Dockerfile") == 2
    assert run("check", "--frobnicate", "Dockerfile") == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and all(line.startswith("migrate hook: error: ") for line in err)
    assert "--frobnicate" in err[1]


def test_hook_imports_nothing_heavy() -> None:
    """The hook starts a process per commit: Typer, Rich, httpx, jinja2 must stay out of it."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    code = "import sys; from migrator.cli import hook_cmd; print(' '.join(sorted(sys.modules)))"
    modules = set(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        ).stdout.split()
    )
    assert "migrator.cli.hook_cmd" in modules
    assert not modules & {"typer", "click", "rich", "httpx", "jinja2", "ruamel", "ruamel.yaml"}


@pytest.mark.skipif(not real_pipeline_available(), reason="core pipeline not there yet")
def test_check_then_fix_with_the_real_pipeline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    git_init(tmp_path)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "Dockerfile").write_text("FROM python:3.11\nRUN pip install flask\nCMD python app.py\n")
    assert run("check", "Dockerfile") == 1
    assert "Dockerfile: would be migrated" in capsys.readouterr().out
    assert run("fix", "Dockerfile") == 1
    assert "cgr.dev/chainguard/" in (tmp_path / "Dockerfile").read_text()
    assert run("check", "Dockerfile") == 0
