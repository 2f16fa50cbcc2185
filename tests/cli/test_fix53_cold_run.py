"""fix53: what a cold `migrate FILE` (the pre-commit hook's path) no longer pays for: contextlib and copy (imported
for one context manager and two shallow copies, 1 ms), the HEALTHCHECK and ONBUILD modules for a file without them,
and the interpreter's first compile (1 ms, for the finding catalogue's few hundred codes, whose record initialiser
was compiled after the hundredth)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "python-pip" / "Dockerfile"
# the console script's way in (`python -m` imports contextlib itself, through runpy)
LAUNCH = "import sys; from migrator.cli import main; sys.argv = ['migrate', sys.argv[1]]; main()"


def _run(code: str, *options: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MIGRATOR_NO_CACHE": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, *options, "-c", code, str(SAMPLE)], capture_output=True, text=True,
                          env=env, timeout=60, check=False, cwd=ROOT)


def test_a_cold_migrate_imports_neither_contextlib_nor_copy() -> None:
    done = _run(LAUNCH, "-X", "importtime")
    assert done.returncode == 0, done.stderr
    modules = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time")}
    assert "migrator.pipeline" in modules
    assert not modules & {"contextlib", "copy", "weakref"}, modules & {"contextlib", "copy", "weakref"}
    # a file with no HEALTHCHECK and no ONBUILD
    assert not modules & {"migrator.rewrite.healthcheck", "migrator.rewrite.onbuild"}


def test_a_typical_file_compiles_no_record_initialiser() -> None:
    counting = ("import builtins; made = []; real = builtins.compile\n"
                "def counted(source, name, *rest, **options):\n"
                "    made.append(name); return real(source, name, *rest, **options)\n"
                "builtins.compile = counted\n"
                "import os, sys; from migrator.cli import main\n"
                "sys.stdout = open(os.devnull, 'w'); main([sys.argv[1]]); sys.stdout = sys.__stdout__\n"
                "print([n for n in made if n.startswith('<record')])\n")
    done = _run(counting)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
