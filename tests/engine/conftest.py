"""Engine tests: real builds on the local engine against the stand-in images that
`scripts/test-env up` pushes to the loopback registry. They skip, saying why, when that
environment is not up; `scripts/run-tests` starts it and exports what `scripts/test-env env` says
(DOCKER_HOST, MIGRATOR_TEST_REGISTRY, CONTAINERS_STORAGE_CONF). Run by hand after
`scripts/test-env up`, the tests read the same from the default state's env file."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
APPS = Path(__file__).resolve().parent / "apps"
DEFAULT_PREFIX = "127.0.0.1:5000/chainguard"
DOCKER = "/usr/bin/docker"
DEFAULT_ENV_FILE = Path("/var/lib/migrator-test-env/env")


def _adopt_test_env(env_file: Path = DEFAULT_ENV_FILE) -> None:
    """Take the engine, registry and buildah store of `scripts/test-env up` when the caller did not
    say which (scripts/run-tests always says)."""
    if "MIGRATOR_TEST_REGISTRY" in os.environ:
        return
    try:
        lines = env_file.read_text().splitlines()
    except OSError:
        return
    for line in lines:
        name, sep, value = line.partition("=")
        if sep:
            os.environ.setdefault(name, value)


_adopt_test_env()


def _registry_answers(host: str) -> bool:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"http://{host}/v2/", timeout=3) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _engine_answers() -> bool:
    if not os.path.exists(DOCKER):
        return False
    try:
        p = subprocess.run(
            [DOCKER, "version", "--format", "{{.Server.Version}}"], capture_output=True, text=True, timeout=20
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return p.returncode == 0 and bool(p.stdout.strip())


@pytest.fixture(scope="session")
def registry() -> str:
    """The registry prefix of the Chainguard stand-ins, e.g. 127.0.0.1:5000/chainguard."""
    prefix = os.environ.get("MIGRATOR_TEST_REGISTRY") or DEFAULT_PREFIX
    host = prefix.split("/", 1)[0]
    if not _registry_answers(host):
        pytest.skip(f"engine tests: no registry answers on {host} (run `scripts/test-env up`, or scripts/run-tests)")
    if not _engine_answers():
        pytest.skip(f"engine tests: no docker engine answers through {DOCKER} (run `scripts/test-env up`)")
    return prefix


@dataclass
class Outcome:
    code: int
    data: dict | None
    stderr: str
    stdout: str


def migrate(*args: str, env: dict[str, str] | None = None, timeout: float = 900) -> Outcome:
    """Run `python -m migrator ARGS` (the `migrate` command) and parse its JSON output if any."""
    full_env = dict(os.environ)
    full_env["PYTHONPATH"] = str(REPO) + os.pathsep + full_env.get("PYTHONPATH", "")
    if env:
        full_env.update(env)
    p = subprocess.run(
        [sys.executable, "-m", "migrator", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=full_env,
        cwd=REPO,
        stdin=subprocess.DEVNULL,
    )
    data = None
    if "--json" in args and p.stdout.strip().startswith("{"):
        data = json.loads(p.stdout)
    return Outcome(p.returncode, data, p.stderr, p.stdout)


def leftovers() -> tuple[list[str], list[str]]:
    """Images and containers that validate runs leave behind (there should be none), in docker
    and in buildah's store."""
    images = subprocess.run(
        [DOCKER, "images", "-q", "migrator-validate"], capture_output=True, text=True, timeout=60
    ).stdout.split()
    containers = subprocess.run(
        [DOCKER, "ps", "-aq", "--filter", "name=migrator-smoke-"], capture_output=True, text=True, timeout=60
    ).stdout.split()
    if shutil.which("buildah"):
        listing = subprocess.run(
            ["buildah", "images", "--format", "{{.Name}} {{.ID}}"], capture_output=True, text=True, timeout=60
        ).stdout
        images += [f"buildah:{line.split()[1]}" for line in listing.splitlines() if "migrator-validate" in line]
        listing = subprocess.run(
            ["buildah", "containers", "--format", "{{.ContainerName}} {{.ImageName}}"],
            capture_output=True, text=True, timeout=60,
        ).stdout
        containers += [f"buildah:{line.split()[0]}" for line in listing.splitlines() if "migrator-validate" in line]
    return images, containers


@dataclass
class Timing:
    app: str
    engine: str
    platform: str
    status: str
    build_seconds: float | None
    smoke_seconds: float | None


_TIMINGS: list[Timing] = []


@pytest.fixture
def timings() -> list[Timing]:
    """Build and smoke times of the ecosystem tests, printed at the end of the session (and written
    as JSON to $MIGRATOR_ENGINE_TIMINGS when set)."""
    return _TIMINGS


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if not _TIMINGS:
        return
    tr = terminalreporter
    tr.section("engine tests: build and smoke seconds per app, builder and platform")
    tr.write_line(f"{'app':<12} {'builder':<9} {'platform':<12} {'status':<7} {'build':>7} {'smoke':>7}")
    for t in _TIMINGS:
        build = f"{t.build_seconds:.1f}" if t.build_seconds is not None else "-"
        smoke = f"{t.smoke_seconds:.1f}" if t.smoke_seconds is not None else "-"
        tr.write_line(f"{t.app:<12} {t.engine:<9} {t.platform:<12} {t.status:<7} {build:>7} {smoke:>7}")
    target = os.environ.get("MIGRATOR_ENGINE_TIMINGS")
    if target:
        Path(target).write_text(json.dumps([t.__dict__ for t in _TIMINGS], indent=1))
