import json

import pytest

from migrator.validate.builders import detect, emulation_for, parse_platform

PLATFORMS = ["linux/amd64", "linux/arm64"]


def version_json(client: str, server: str | None) -> str:
    data = {"Client": {"Version": client}, "Server": {"Version": server} if server else None}
    return json.dumps(data)


def test_nothing_on_path(stubs, binfmt):
    det = detect(PLATFORMS, path=stubs.path, binfmt_dir=str(binfmt))
    assert det.builder is None
    assert det.problem == "no-builder"
    assert "apt-get install docker.io" in det.message
    assert "podman" in det.message


def test_new_client_without_buildx_refuses_buildkit(stubs, binfmt):
    stubs.add(
        "docker",
        {
            "buildx": ("docker: 'buildx' is not a docker command.\n", 1),
            "version --format": (version_json("28.2.2", "20.10.24"), 0),
        },
    )
    det = detect(PLATFORMS, path=stubs.path, binfmt_dir=str(binfmt))
    assert det.builder is None
    assert det.problem == "no-builder"
    assert "refuses BuildKit" in det.message
    assert [c.name for c in det.candidates] == ["buildx", "buildkit"]


def test_old_client_uses_builtin_buildkit(stubs, binfmt):
    stubs.add(
        "docker",
        {
            "buildx": ("not a docker command\n", 1),
            "version --format": (version_json("20.10.24+dfsg1", "20.10.24+dfsg1"), 0),
            "network inspect bridge": ("[]\n", 0),
        },
    )
    det = detect(PLATFORMS, path=stubs.path, binfmt_dir=str(binfmt))
    b = det.builder
    assert b is not None and b.name == "buildkit"
    assert b.env == {"DOCKER_BUILDKIT": "1"}
    assert b.network is None
    assert b.platforms["linux/amd64"].native
    arm = b.platforms["linux/arm64"]
    assert arm.emulation and arm.emulator == "qemu-aarch64 (binfmt_misc)"
    assert "DOCKER_BUILDKIT=1" in arm.method and "--platform linux/arm64" in arm.method
    assert b.to_dict()["can_run"] is True


def test_engine_without_bridge_builds_with_network_none(stubs, binfmt):
    stubs.add(
        "docker",
        {
            "buildx": ("no\n", 1),
            "version --format": (version_json("20.10.24", "20.10.24"), 0),
            "network inspect bridge": ("Error: No such network: bridge\n", 1),
        },
    )
    b = detect(PLATFORMS, path=stubs.path, binfmt_dir=str(binfmt)).builder
    assert b is not None and b.network == "none"
    assert any("bridge" in n for n in b.notes)
    # an explicit --network wins
    b = detect(PLATFORMS, path=stubs.path, binfmt_dir=str(binfmt), network="host").builder
    assert b is not None and b.network == "host"


def test_buildx_is_preferred(stubs, binfmt):
    stubs.add(
        "docker",
        {
            "buildx version": ("github.com/docker/buildx v0.17.1 abc\n", 0),
            "buildx inspect": ("Name: default\nDriver: docker\nPlatforms: linux/amd64, linux/arm64\n", 0),
            "buildx build --help": ("  --call string  Set method for evaluating build\n", 0),
            "version --format": (version_json("27.3.1", "27.3.1"), 0),
            "network inspect bridge": ("[]\n", 0),
            "info --format": ('[["Backing Filesystem","extfs"]]\n', 0),
        },
    )
    b = detect(PLATFORMS, path=stubs.path, binfmt_dir=str(binfmt)).builder
    assert b is not None and b.name == "buildx"
    assert b.version == "v0.17.1"
    assert b.driver == "docker" and not b.multi_platform
    assert b.supports_check
    assert "--load" in b.platforms["linux/arm64"].method


def test_buildx_remote_builder_runs_platforms_itself(stubs, tmp_path):
    stubs.add(
        "docker",
        {
            "buildx version": ("github.com/docker/buildx v0.12.0 x\n", 0),
            "buildx inspect": ("Name: farm\nDriver: remote\nPlatforms: linux/amd64*, linux/arm64\n", 0),
            "buildx build --help": ("usage\n", 0),
            "version --format": (version_json("24.0.7", "24.0.7"), 0),
        },
    )
    empty = tmp_path / "nobinfmt"
    empty.mkdir()
    det = detect(PLATFORMS, path=stubs.path, binfmt_dir=str(empty), builder_name="farm")
    b = det.builder
    assert b is not None and b.builder_name == "farm" and b.driver == "remote"
    assert b.multi_platform
    assert b.platforms["linux/arm64"].emulation
    assert "one multi-platform build" in b.platforms["linux/arm64"].method
    assert b.network is None


def test_named_builder_without_buildx(stubs, binfmt):
    stubs.add(
        "docker",
        {"buildx": ("not a docker command\n", 1), "version --format": (version_json("20.10.24", "20.10.24"), 0)},
    )
    det = detect(PLATFORMS, path=stubs.path, binfmt_dir=str(binfmt), builder_name="farm")
    assert det.builder is None and det.problem == "no-such-builder"
    assert "buildx" in det.message


def test_permission_denied(stubs, binfmt):
    denied = (
        "permission denied while trying to connect to the Docker daemon socket at "
        "unix:///var/run/docker.sock: Get ...: dial unix /var/run/docker.sock: connect: permission denied\n"
    )
    stubs.add(
        "docker",
        {"buildx": ("no\n", 1), "version --format": (version_json("20.10.24", None) + "\n" + denied, 1)},
    )
    # the stub prints everything on stdout; make stderr carry the message too
    exe = stubs.bin / "docker"
    exe.write_text(exe.read_text().replace('      cat "$f"\n', '      cat "$f"; cat "$f" >&2\n'))
    det = detect(PLATFORMS, path=stubs.path, binfmt_dir=str(binfmt))
    assert det.builder is None
    assert det.problem == "no-permission"
    assert "docker` group" in det.message


def test_daemon_not_running(stubs, binfmt):
    stubs.add(
        "docker",
        {"buildx": ("no\n", 1), "version --format": (version_json("20.10.24", None), 1)},
    )
    det = detect(PLATFORMS, path=stubs.path, binfmt_dir=str(binfmt))
    assert det.builder is None and det.problem == "no-builder"
    assert "engine not reachable" in det.message


def test_podman_and_buildah(stubs, binfmt):
    stubs.add("podman", {"--version": ("podman version 4.3.1\n", 0), "info": ("host: ...\n", 0)})
    det = detect(PLATFORMS, path=stubs.path, binfmt_dir=str(binfmt))
    assert det.builder is not None and det.builder.name == "podman"
    assert det.builder.runner == [str(stubs.bin / "podman")]
    stubs.add("buildah", {"--version": ("buildah version 1.28.2 (image-spec 1.0.2)\n", 0), "images": ("\n", 0)})
    b = detect(PLATFORMS, path=stubs.path, binfmt_dir=str(binfmt)).builder
    assert b is not None and b.name == "buildah" and b.version == "1.28.2"
    assert b.runner == [str(stubs.bin / "podman")]  # smoke runs through podman


def test_buildah_alone_runs_with_buildah_run(stubs, binfmt):
    stubs.add("buildah", {"--version": ("buildah version 1.33.7\n", 0), "images": ("\n", 0)})
    b = detect(PLATFORMS, path=stubs.path, binfmt_dir=str(binfmt)).builder
    assert b is not None and b.runner is None
    assert any("buildah run" in n for n in b.notes)


def test_emulation(binfmt, tmp_path):
    assert emulation_for("linux/amd64", str(binfmt), "amd64").native
    assert emulation_for("linux/386", str(binfmt), "amd64").native
    arm = emulation_for("linux/arm64", str(binfmt), "amd64")
    assert arm.emulation and not arm.native
    (binfmt / "qemu-aarch64").write_text("disabled\n")
    off = emulation_for("linux/arm64", str(binfmt), "amd64")
    assert not off.emulation
    assert "qemu-user-static" in off.problem and "qemu-aarch64" in off.problem
    # globally disabled binfmt_misc
    (binfmt / "qemu-aarch64").write_text("enabled\n")
    (binfmt / "status").write_text("disabled\n")
    assert not emulation_for("linux/arm64", str(binfmt), "amd64").emulation
    # an arm64 machine needs qemu-x86_64 for amd64
    (binfmt / "status").write_text("enabled\n")
    assert not emulation_for("linux/amd64", str(binfmt), "arm64").emulation
    (binfmt / "qemu-x86_64").write_text("enabled\n")
    assert emulation_for("linux/amd64", str(binfmt), "arm64").emulation
    assert emulation_for("linux/arm64/v8", str(binfmt), "arm64").native


def test_emulation_needs_its_interpreter_unless_fixed(binfmt, tmp_path):
    (binfmt / "qemu-aarch64").write_text("enabled\ninterpreter /nonexistent/qemu-aarch64\nflags: P\n")
    assert not emulation_for("linux/arm64", str(binfmt), "amd64").emulation
    (binfmt / "qemu-aarch64").write_text("enabled\ninterpreter /nonexistent/qemu-aarch64\nflags: PF\n")
    assert emulation_for("linux/arm64", str(binfmt), "amd64").emulation


def test_emulation_dir_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("MIGRATOR_BINFMT_DIR", str(tmp_path))
    assert not emulation_for("linux/arm64", None, "amd64").emulation


@pytest.mark.parametrize("bad", ["arm64", "linux/", "linux/arm64/v8/x", ""])
def test_parse_platform_rejects(bad):
    with pytest.raises(ValueError):
        parse_platform(bad)


def test_docker_clients_beyond_path_only_with_a_docker_on_path(stubs, binfmt, monkeypatch, tmp_path):
    other = tmp_path / "other-docker"
    other.write_text("#!/bin/sh\nexit 1\n")
    other.chmod(0o755)
    monkeypatch.setenv("MIGRATOR_DOCKER_CLIENTS", str(other))
    det = detect(PLATFORMS, path=stubs.path, binfmt_dir=str(binfmt))
    assert det.candidates == []  # no docker on PATH: the extra client is not tried
    stubs.add("docker", {"buildx": ("no\n", 1), "version --format": (version_json("28.0.0", "28.0.0"), 0)})
    det = detect(PLATFORMS, path=stubs.path, binfmt_dir=str(binfmt))
    assert {c.client for c in det.candidates} == {str(stubs.bin / "docker"), str(other)}


def _docker_and_buildah(stubs):
    stubs.add(
        "docker",
        {
            "buildx": ("no\n", 1),
            "version --format": (version_json("20.10.24", "20.10.24"), 0),
            "network inspect bridge": ("[]\n", 0),
        },
    )
    stubs.add("buildah", {"--version": ("buildah version 1.28.2\n", 0), "images": ("\n", 0)})


def test_engine_picks_one_kind_of_builder(stubs, binfmt, monkeypatch):
    monkeypatch.delenv("BUILDAH_ISOLATION", raising=False)
    _docker_and_buildah(stubs)
    assert detect(PLATFORMS, path=stubs.path, binfmt_dir=str(binfmt)).builder.name == "buildkit"
    assert detect(PLATFORMS, path=stubs.path, binfmt_dir=str(binfmt), engine="docker").builder.name == "buildkit"
    b = detect(PLATFORMS, path=stubs.path, binfmt_dir=str(binfmt), engine="buildah").builder
    assert b is not None and b.name == "buildah" and b.isolation == "chroot"
    assert b.platforms["linux/arm64"].method.startswith("buildah build --isolation chroot --platform linux/arm64")
    missing = detect(PLATFORMS, path=stubs.path, binfmt_dir=str(binfmt), engine="podman")
    assert missing.builder is None and missing.problem == "no-builder" and "no podman builder" in missing.message
    unknown = detect(PLATFORMS, path=stubs.path, binfmt_dir=str(binfmt), engine="kaniko")
    assert unknown.builder is None and unknown.problem == "no-such-engine"


def test_buildah_isolation_from_the_environment(stubs, binfmt, monkeypatch):
    monkeypatch.setenv("BUILDAH_ISOLATION", "oci")
    stubs.add("buildah", {"--version": ("buildah version 1.28.2\n", 0), "images": ("\n", 0)})
    b = detect(PLATFORMS, path=stubs.path, binfmt_dir=str(binfmt), network="none").builder
    assert b is not None and b.isolation == "oci"
    assert not any("unshare" in n for n in b.notes)  # oci isolation takes --network none itself
