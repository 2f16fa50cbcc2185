"""The hooks under real pre-commit (from PyPI), as a user installs them.

This project is copied into a temporary git repository and committed (the hook repository needs a
commit to pin `rev:` to); a second repository holds a Dockerfile and a `.pre-commit-config.yaml`
pointing at it. pre-commit pip-installs the hook repository into its own virtualenv, which needs
PyPI: slow, hence `slow`, one shared PRE_COMMIT_HOME per session and generous timeouts.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hooktools import git_init, real_pipeline_available

PROJECT = Path(__file__).resolve().parents[2]
TIMEOUT = 900  # seconds: the first run installs the hook environment from PyPI

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("git") is None, reason="needs git"),
    pytest.mark.skipif(not real_pipeline_available(), reason="core pipeline not there yet"),
]


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="session")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A committed copy of this project: what `repo:` / `rev:` point at."""
    repo = tmp_path_factory.mktemp("hook-repo")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".mypy_cache", ".ruff_cache")
    for name in ("migrator", "rules"):
        shutil.copytree(PROJECT / name, repo / name, ignore=ignore)
    for name in ("pyproject.toml", ".pre-commit-hooks.yaml", "README.md", "LICENSE"):
        if (PROJECT / name).exists():
            shutil.copy2(PROJECT / name, repo / name)
    if not (repo / "README.md").exists():
        (repo / "README.md").write_text("migrator\n")  # pyproject names it
    git_init(repo)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "snapshot for the pre-commit test")
    return repo, git(repo, "rev-parse", "HEAD").strip()


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def pre_commit(repo: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    env.pop("PYTHONPATH", None)  # the hook must run from its own install, not this checkout
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


def test_check_fails_fix_rewrites_then_check_passes(
    tmp_path: Path, hook_repo: tuple[Path, str], pre_commit_home: Path
) -> None:
    pytest.importorskip("pre_commit")
    repo_path, rev = hook_repo
    work = tmp_path / "app"
    work.mkdir()
    git_init(work)
    original = "FROM python:3.11-slim\nRUN pip install flask\nCMD python app.py\n"
    (work / "services" / "api").mkdir(parents=True)
    (work / "services" / "api" / "Dockerfile").write_text(original)
    (work / "private.Dockerfile").write_text("FROM registry.acme.internal/base:1\nCMD run\n")
    (work / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {repo_path}\n    rev: {rev}\n"
        "    hooks:\n      - id: migrate-check\n      - id: migrate-fix\n"
    )
    git(work, "add", "-A")

    check = pre_commit(work, pre_commit_home, "run", "migrate-check", "--all-files")
    output = check.stdout + check.stderr
    assert check.returncode == 1, output
    assert "services/api/Dockerfile: would be migrated" in output
    assert "private.Dockerfile: cannot migrate (not blocking)" in output
    assert (work / "services" / "api" / "Dockerfile").read_text() == original

    fix = pre_commit(work, pre_commit_home, "run", "migrate-fix", "--all-files")
    output = fix.stdout + fix.stderr
    assert fix.returncode == 1, output
    assert "services/api/Dockerfile: migrated" in output
    migrated = (work / "services" / "api" / "Dockerfile").read_text()
    assert "FROM cgr.dev/chainguard/python:latest-dev" in migrated
    assert sorted(p.name for p in (work / "services" / "api").iterdir()) == ["Dockerfile"]  # no backup

    git(work, "add", "-A")
    again = pre_commit(work, pre_commit_home, "run", "--all-files")
    assert again.returncode == 0, again.stdout + again.stderr
    assert (work / "services" / "api" / "Dockerfile").read_text() == migrated
