"""The code base stays ruff- and mypy-clean (the tools come with the `test` extra)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff not installed")
def test_ruff_is_clean() -> None:
    done = subprocess.run(["ruff", "check", "--output-format", "concise", "."],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-3000:]


def test_mypy_is_clean() -> None:
    pytest.importorskip("mypy")
    done = subprocess.run([sys.executable, "-m", "mypy", "migrator"], cwd=ROOT, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stdout[-3000:]


@pytest.mark.parametrize("order", [["validate", "bot", "hook", "plan"], ["rewrite", "hook", "bot", "validate"]])
def test_test_directories_collect_in_any_order(order: list[str]) -> None:
    """Helpers live in modules of their own name (forge, hooktools, clitools): `from conftest import`
    got whichever conftest.py pytest had imported first (`pytest tests/bot tests/validate` failed). tests/plan and
    tests/rewrite import tests/migration_tools.py, on pytest's pythonpath whatever directories are collected."""
    done = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                           *(f"tests/{name}" for name in order)], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout[-3000:]
    importing = re.compile(r"^\s*(from conftest import|import conftest)", re.MULTILINE)
    assert not [p for p in ROOT.glob("tests/**/*.py") if importing.search(p.read_text())]
