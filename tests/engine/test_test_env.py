"""The engine environment is each run's own. A CI machine runs the suite many times: an engine or
registry one run left behind must never serve the next (a dockerd whose data root was removed
under it builds from its cache, then fails every `docker run` with "overlay2/.../committed: no
such file or directory"), and a second run's `down` must not stop the first's."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from .conftest import DOCKER, REPO

pytestmark = pytest.mark.engine

TEST_ENV = REPO / "scripts" / "test-env"


def _state() -> Path:
    state = os.environ.get("MIGRATOR_TEST_ENV_STATE")
    if not state or os.geteuid() != 0:
        pytest.skip("needs the state of scripts/run-tests (root, MIGRATOR_TEST_ENV_STATE)")
    return Path(state)


def _test_env(state: Path, command: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DOCKER_HOST", "CONTAINERS_STORAGE_CONF")}
    env["MIGRATOR_TEST_ENV_STATE"] = str(state)
    return subprocess.run(
        ["bash", str(TEST_ENV), command], capture_output=True, text=True, env=env, timeout=900,
        stdin=subprocess.DEVNULL,
    )


def _exports(text: str) -> dict[str, str]:
    pairs = (line.removeprefix("export ").split("=", 1) for line in text.splitlines() if "=" in line)
    return {name: value.strip('"') for name, value in pairs}


def _root_dir(docker_host: str) -> str:
    out = subprocess.run(
        [DOCKER, "info", "--format", "{{.DockerRootDir}}"], capture_output=True, text=True, timeout=60,
        env={**os.environ, "DOCKER_HOST": docker_host},
    )
    return out.stdout.strip()


def test_the_tests_use_the_engine_of_their_own_state(registry: str):
    state = _state()
    assert _root_dir(os.environ["DOCKER_HOST"]) == str(state / "docker")
    assert os.environ["CONTAINERS_STORAGE_CONF"].startswith(str(state) + "/")


def test_a_second_environment_gets_its_own_engine_and_its_down_leaves_ours_running(registry: str):
    _state()
    second = Path(tempfile.mkdtemp(prefix="migrator-test-env.", dir="/var/lib"))
    try:
        up = _test_env(second, "up")
        assert up.returncode == 0, up.stderr
        theirs = _exports(_test_env(second, "env").stdout)
        assert theirs["MIGRATOR_TEST_REGISTRY"] != registry
        assert _root_dir(theirs["DOCKER_HOST"]) == str(second / "docker")
    finally:
        down = _test_env(second, "down")
    assert down.returncode == 0, down.stderr
    assert not second.exists()
    assert _root_dir(os.environ["DOCKER_HOST"]) == os.environ["MIGRATOR_TEST_ENV_STATE"] + "/docker"
    run = subprocess.run(
        [DOCKER, "run", "--rm", "--network=none", "--entrypoint", "/bin/sh", f"{registry}/busybox:latest", "-c",
         "echo still here"],
        capture_output=True, text=True, timeout=300,
    )
    assert run.stdout.strip() == "still here", run.stderr
