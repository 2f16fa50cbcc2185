"""`migrate hook check` answers unchanged files from the cache, with the same output and exit code."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def test_second_check_is_identical_and_skips_the_pipeline(tmp_path: Path) -> None:
    path = tmp_path / "Dockerfile"
    path.write_text("FROM python:3.12\nCOPY . /app\nRUN pip install flask\nCMD [\"python\", \"/app/a.py\"]\n")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    argv = [sys.executable, "-m", "migrator", "hook", "check", str(path)]
    first = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60)
    second = subprocess.run([sys.executable, "-X", "importtime", *argv[1:]], capture_output=True, text=True,
                            env=env, timeout=60)
    assert first.returncode == second.returncode == 1
    assert first.stdout == second.stdout and "would be migrated" in first.stdout
    assert "migrator.pipeline" not in second.stderr
    path.write_text("FROM cgr.dev/chainguard/python:latest\nCOPY . /app\n")
    third = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60)
    assert third.returncode == 0 and "would be migrated" not in third.stdout
