"""`migrate validate` against a real engine: builds and smoke runs on linux/amd64 and linux/arm64
(QEMU), on the stand-in images of the loopback registry (scripts/test-env up)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from migrator.api import migrate_text
from migrator.model import Options
from migrator.validate.compare import syft_executable

from .conftest import APPS, leftovers, migrate

pytestmark = pytest.mark.engine

BOTH = "linux/amd64,linux/arm64"
SAMPLES = Path(__file__).resolve().parent.parent.parent / "samples"


def migrated_archapp(tmp_path: Path, registry: str) -> tuple[Path, Path, Path]:
    """Copy the sample app, migrate its Dockerfile to the loopback stand-ins, and make a buildable
    copy of the original (its FROM pointed at the loopback stand-in of python:3.12-slim)."""
    app = tmp_path / "archapp"
    shutil.copytree(SAMPLES / "python-offline-app", app, ignore=shutil.ignore_patterns("Dockerfile.migrated",
                                                                                       "findings.txt"))
    original_text = (app / "Dockerfile").read_text()
    result = migrate_text(original_text, Options(registry=registry), "Dockerfile")
    assert registry + "/python:latest-dev" in result.dockerfile
    migrated = app / "Dockerfile.migrated"
    migrated.write_text(result.dockerfile)
    host = registry.split("/", 1)[0]
    original = app / "Dockerfile.original"
    original.write_text(original_text.replace("FROM python:3.12-slim", f"FROM {host}/library/python:3.12-slim"))
    return app, migrated, original


def test_original_comparison(tmp_path, registry):
    app, migrated, original = migrated_archapp(tmp_path, registry)
    out = migrate(
        "validate", str(migrated), "--context", str(app), "--platform", "linux/amd64", "--original", str(original), "--json"
    )
    assert out.code == 0, out.stdout + out.stderr
    comp = out.data["comparison"]
    assert comp["platform"] == "linux/amd64"
    orig, mig = comp["original"], comp["migrated"]
    assert orig["status"] == "ok" and mig["status"] == "ok"
    assert orig["shell"] is True and mig["shell"] is False
    assert {"apt", "dpkg"} <= set(orig["package_managers"]) and mig["package_managers"] == []
    assert orig["runs_as_root"] is True and mig["runs_as_root"] is False
    assert mig["user"] in ("65532", "nonroot", "65532:65532")
    assert orig["layers"] > 0 and mig["layers"] > 0
    assert mig["size_bytes"] < orig["size_bytes"]
    assert comp["size_change_bytes"] < 0
    if syft_executable():
        assert orig["packages"] > mig["packages"] > 0
    assert leftovers() == ([], [])


def test_broken_run_reports_its_line(registry):
    dockerfile = APPS / "broken" / "Dockerfile"
    lines = dockerfile.read_text().splitlines()
    expected = next(i for i, line in enumerate(lines, 1) if "about to fail" in line)
    out = migrate(
        "validate", str(dockerfile), "--platform", "linux/amd64", "--build-arg", f"REGISTRY={registry}", "--json"
    )
    assert out.code == 1, out.stdout + out.stderr
    (p,) = out.data["platforms"]
    assert p["status"] == "failed"
    assert p["smoke"] is None
    err = p["error"]
    assert err["line"] == expected
    assert err["instruction"].startswith("RUN echo")
    assert "about to fail" in err["log_tail"]
    assert leftovers() == ([], [])


def test_broken_run_human_output(registry):
    out = migrate("validate", str(APPS / "broken" / "Dockerfile"), "--platform", "linux/amd64",
                  "--build-arg", f"REGISTRY={registry}")
    assert out.code == 1
    assert "failed" in out.stdout and "line 5" in out.stdout
    assert "result: FAILED (exit 1)" in out.stdout


def test_unknown_image(registry):
    out = migrate(
        "validate",
        str(APPS / "unknown-image" / "Dockerfile"),
        "--platform",
        "linux/amd64",
        "--build-arg",
        f"REGISTRY={registry}",
        "--json",
    )
    assert out.code == 1, out.stdout + out.stderr
    (p,) = out.data["platforms"]
    assert p["status"] == "failed"
    assert p["error"]["line"] == 2
    assert "no-such-image" in p["error"]["log_tail"]


def test_smoke_run_failures_and_servers(registry):
    hello = APPS / "hello" / "Dockerfile"
    common = ["--platform", "linux/amd64", "--build-arg", f"REGISTRY={registry}", "--json"]
    ok = migrate("validate", str(hello), *common)
    assert ok.code == 0, ok.stdout + ok.stderr
    smoke = ok.data["platforms"][0]["smoke"]
    assert {k: smoke[k] for k in ("exit_code", "output", "started")} == {
        "exit_code": 0, "output": "hello from x86_64", "started": True
    }
    assert 0 <= smoke["seconds"] < 60
    failing = migrate("validate", str(hello), *common, "--smoke", "-c 'import sys; print(\"bye\"); sys.exit(3)'")
    assert failing.code == 1
    p = failing.data["platforms"][0]
    assert p["status"] == "failed"
    assert {k: p["smoke"][k] for k in ("exit_code", "output", "started")} == {"exit_code": 3, "output": "bye", "started": True}
    assert p["error"]["line"] == 6  # the CMD the smoke run used
    server = migrate("validate", str(hello), *common, "--smoke", "-m http.server 8080", "--timeout", "4")
    assert server.code == 0, server.stdout + server.stderr
    smoke = server.data["platforms"][0]["smoke"]
    assert smoke["started"] is True and smoke["exit_code"] is None
    built_only = migrate("validate", str(hello), *common, "--no-smoke")
    assert built_only.code == 0 and built_only.data["platforms"][0]["smoke"] is None
    assert leftovers() == ([], [])


def test_emulation_missing(tmp_path, registry):
    empty = tmp_path / "binfmt_misc"
    empty.mkdir()
    out = migrate(
        "validate",
        str(APPS / "hello" / "Dockerfile"),
        "--platform",
        BOTH,
        "--build-arg",
        f"REGISTRY={registry}",
        "--json",
        env={"MIGRATOR_BINFMT_DIR": str(empty)},
    )
    assert out.code == 3, out.stdout + out.stderr
    by_platform = {p["platform"]: p for p in out.data["platforms"]}
    assert by_platform["linux/amd64"]["status"] == "ok"
    assert by_platform["linux/arm64"]["status"] == "skipped"
    assert out.data["builder"]["platforms"]["linux/arm64"]["emulation"] is False
    assert "qemu-user-static" in out.stderr


def test_no_engine(tmp_path, registry):
    empty = tmp_path / "bin"
    empty.mkdir()
    out = migrate(
        "validate",
        str(APPS / "hello" / "Dockerfile"),
        "--json",
        env={"PATH": str(empty)},
    )
    assert out.code == 3
    assert out.data["builder"]["name"] is None
    assert "no usable builder" in out.stderr and "apt-get install docker.io" in out.stderr
    assert all(p["status"] == "skipped" for p in out.data["platforms"])
    assert isinstance(out.data["static"], list)


def test_keep_leaves_the_images(registry):
    import subprocess

    out = migrate(
        "validate",
        str(APPS / "hello" / "Dockerfile"),
        "--platform",
        "linux/amd64",
        "--build-arg",
        f"REGISTRY={registry}",
        "--keep",
        "--json",
    )
    assert out.code == 0
    images, _containers = leftovers()
    assert images
    subprocess.run(["/usr/bin/docker", "rmi", "-f", *images], capture_output=True, timeout=120)
    subprocess.run(["/usr/bin/docker", "container", "prune", "-f"], capture_output=True, timeout=120)
    assert leftovers() == ([], [])
