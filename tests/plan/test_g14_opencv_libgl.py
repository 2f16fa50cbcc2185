"""Adversary 12 G14: OpenCV's wheels (opencv-python, not -headless) load libGL.so.1, which the original final stage
installed (libgl1 -> mesa-gl) and which Chainguard's python lacks: `import cv2` failed on the distroless runtime
with only W MIG514. The runtime is now python's -dev image, which installs mesa-gl (and what it links) with apk."""

from __future__ import annotations

from pathlib import Path

import pytest
from migration_tools import codes, migrate

OPENCV = ("FROM python:3.11-slim\n"
          "RUN apt-get update && apt-get install -y --no-install-recommends libgl1 libglib2.0-0 "
          "&& rm -rf /var/lib/apt/lists/*\n"
          "WORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\n"
          'CMD ["python", "detect.py"]\n')


@pytest.mark.parametrize("library", ["opencv-python==4.9.0.80", "opencv-contrib-python"])
def test_opencv_gets_libgl_in_the_dev_runtime(tmp_path: Path, library: str) -> None:
    (tmp_path / "requirements.txt").write_text(f"numpy\n{library}\n")
    result = migrate(OPENCV, context=tmp_path)
    runtime = result.dockerfile.rsplit("\nFROM ", 1)[-1]
    assert runtime.startswith("cgr.dev/chainguard/python:latest-dev\n")
    assert "RUN apk add --no-cache mesa-gl\n" in runtime
    [why] = [f.message for f in result.findings if f.code == "MIG238"]
    assert f"{library.split('=')[0]} loads `libGL.so.1` (mesa-gl)" in why
    assert "MIG514" not in codes(result)


def test_the_headless_wheel_needs_no_libgl(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("opencv-python-headless\n")
    result = migrate(OPENCV, context=tmp_path)
    assert result.dockerfile.rsplit("\nFROM ", 1)[-1].startswith("cgr.dev/chainguard/python:latest\n")
    assert "MIG238" not in codes(result)
