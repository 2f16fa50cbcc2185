"""What `migrate scan` shows in a terminal: it fits the width, loses nothing, honours NO_COLOR."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from rich.console import Console

from migrator.cli import main
from migrator.cli.hook_cmd import process_file
from migrator.cli.scan_cmd import find_dockerfiles
from migrator.cli.scan_table import display, images, to_terminal
from migrator.model import Options

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"


@pytest.fixture(scope="module")
def sample_reports() -> list:
    return [process_file(str(path), Options(), None) for path in find_dockerfiles(SAMPLES)]


def screen(reports: list, width: int, **console: object) -> str:
    out = io.StringIO()
    to_terminal(reports, SAMPLES, [], "totals", console=Console(file=out, width=width, force_terminal=True,
                                                              **console))  # type: ignore[arg-type]
    return out.getvalue()


@pytest.mark.parametrize("width", [80, 200])
def test_the_samples_fit_the_terminal_and_nothing_is_lost(sample_reports: list, width: int) -> None:
    text = re.sub(r"\x1b\[[0-9;]*m", "", screen(sample_reports, width))
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= width
    joined = re.sub(r"\s+", "", text)  # names folded over two lines read back whole
    registry = "cgr.dev/chainguard"
    assert f"…/standsfor{registry}/" in joined or width >= 200
    for report in sample_reports:
        assert re.sub(r"\s+", "", display(report.path, SAMPLES)) in joined
        for image in images(report, "source") + (images(report, "image") if report.result.changed else []):
            shown = image.replace(f"{registry}/", "…/") if f"…/standsfor{registry}/" in joined else image
            assert shown in joined, image
        assert report.status.replace(" ", "") in joined


def test_no_color_means_no_colour(sample_reports: list, monkeypatch: pytest.MonkeyPatch) -> None:
    coloured = screen(sample_reports, 120)
    assert "\x1b[31m" in coloured  # "cannot migrate" in red
    monkeypatch.setenv("NO_COLOR", "1")
    plain = screen(sample_reports, 120)
    assert not re.search(r"\x1b\[(3\d|9\d)m", plain)


def test_jobs_are_capped_at_the_cpu_count(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    """`scan --jobs 10000` started about 2,000 worker processes."""
    import migrator.cli.scan_cmd as scan_cmd

    seen: list[int] = []
    monkeypatch.setattr(scan_cmd, "run_tasks", lambda tasks, jobs, advance: seen.append(jobs) or [])
    (tmp_path / "Dockerfile").write_text("FROM python:3.12\n")
    assert main(["scan", "--jobs", "10000", str(tmp_path)]) == 0
    assert main(["scan", "--jobs", "0", str(tmp_path)]) == 0
    assert seen == [os.cpu_count() or 1] * 2
