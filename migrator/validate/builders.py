"""Which builder can build (and run) images here, for which platforms, and how.

Detection order (the first usable one wins):

1. ``docker buildx`` (any docker client that has the plugin): one multi-platform build on builders
   that support it (docker-container, remote, kubernetes drivers; ``--builder NAME``), else one
   build per platform; images are loaded into the engine for the smoke runs.
2. the engine's built-in BuildKit through a client that still allows it without buildx:
   ``DOCKER_BUILDKIT=1 docker build``, one build per platform. Docker clients 23 and newer refuse
   that ("BuildKit is enabled but the buildx component is missing"), so every docker client is
   tried: the one on PATH, then /usr/bin/docker and /usr/local/bin/docker
   (``MIGRATOR_DOCKER_CLIENTS``, colon-separated, replaces that list). Without a docker on PATH,
   no docker is used.
3. ``buildah`` (smoke runs through podman when present, else ``buildah run``). Builds and
   ``buildah run`` use ``--isolation chroot`` (``BUILDAH_ISOLATION`` overrides it): no OCI runtime
   or container network is needed, which is how CI machines and unprivileged containers run it.
4. ``podman``.

``engine`` (``migrate validate --engine``) restricts the choice to one kind: buildx, buildkit,
buildah or podman (``docker`` means buildx or buildkit).

For every platform: native, or emulated through binfmt_misc (QEMU user mode), or not buildable.
``MIGRATOR_BINFMT_DIR`` (or the ``binfmt_dir`` argument) points the emulation check elsewhere, for
tests. Every command is an argument list; nothing goes through a shell.
"""

from __future__ import annotations

import json
import os
import platform as _platform
import re
import shutil
import subprocess
from pathlib import Path

from migrator.records import dataclass, field

DEFAULT_DOCKER_CLIENTS = ("/usr/bin/docker", "/usr/local/bin/docker")
BINFMT_DIR = "/proc/sys/fs/binfmt_misc"

# platform architecture (OCI) -> names of the CPU (uname -m, QEMU)
ARCH_CPU = {
    "amd64": "x86_64",
    "arm64": "aarch64",
    "arm": "arm",
    "386": "i386",
    "ppc64le": "ppc64le",
    "s390x": "s390x",
    "riscv64": "riscv64",
    "mips64le": "mips64el",
    "loong64": "loongarch64",
}
MACHINE_ARCH = {
    "x86_64": "amd64",
    "amd64": "amd64",
    "aarch64": "arm64",
    "arm64": "arm64",
    "armv7l": "arm",
    "armv6l": "arm",
    "i686": "386",
    "i386": "386",
    "ppc64le": "ppc64le",
    "s390x": "s390x",
    "riscv64": "riscv64",
}
# architectures a host runs without emulation besides its own
ALSO_NATIVE = {"amd64": {"386"}}

INSTALL_HINT = (
    "install a builder: on Debian/Ubuntu `apt-get install docker.io` and start dockerd "
    "(or install docker's buildx plugin), or `apt-get install podman` / `apt-get install buildah`"
)
EMULATION_HINT = (
    "install QEMU user-mode emulation: on Debian/Ubuntu `apt-get install qemu-user-static binfmt-support` "
    "(then `update-binfmts --enable qemu-{cpu}`), or build on a native node with `--builder NAME`"
)


@dataclass
class PlatformSupport:
    platform: str
    native: bool
    emulation: bool  # RUN steps for this platform can execute (natively or emulated)
    emulator: str | None  # e.g. "qemu-aarch64 (binfmt_misc)"
    method: str = ""  # how it is built, filled in once the builder is known
    problem: str | None = None  # why it cannot be built here

    def to_dict(self) -> dict[str, object]:
        return {
            "native": self.native,
            "emulation": self.emulation,
            "emulator": self.emulator,
            "method": self.method,
            "problem": self.problem,
        }


@dataclass
class Builder:
    name: str  # "buildx" | "buildkit" | "buildah" | "podman"
    version: str
    client: str  # path of the executable
    engine_version: str | None = None
    env: dict[str, str] = field(default_factory=dict)  # extra environment for the client
    multi_platform: bool = False  # one build for all platforms
    runner: list[str] | None = None  # command that runs containers (docker/podman), None: none
    builder_name: str | None = None  # buildx --builder
    driver: str | None = None  # buildx driver
    builder_platforms: list[str] = field(default_factory=list)  # what a buildx builder declares
    network: str | None = None  # --network for builds (None: the builder's default)
    isolation: str | None = None  # buildah --isolation (chroot by default)
    supports_check: bool = False  # BuildKit build checks (--call=check)
    notes: list[str] = field(default_factory=list)
    platforms: dict[str, PlatformSupport] = field(default_factory=dict)

    @property
    def docker_like(self) -> bool:
        return self.name in ("buildx", "buildkit")

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "version": self.version,
            "client": self.client,
            "engine_version": self.engine_version,
            "multi_platform": self.multi_platform,
            "builder": self.builder_name,
            "driver": self.driver,
            "network": self.network,
            "isolation": self.isolation,
            "can_run": self.runner is not None,
            "platforms": {p: s.to_dict() for p, s in self.platforms.items()},
            "notes": list(self.notes),
        }


@dataclass
class Candidate:
    name: str
    client: str
    usable: bool
    reason: str

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "client": self.client, "usable": self.usable, "reason": self.reason}


@dataclass
class Detection:
    builder: Builder | None
    candidates: list[Candidate]
    problem: str | None = None  # "no-builder" | "no-permission" | "no-such-builder" | "no-such-engine"
    message: str | None = None  # what to install or do

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = (
            self.builder.to_dict()
            if self.builder
            else {"name": None, "version": None, "client": None, "platforms": {}, "can_run": False}
        )
        out["problem"] = self.problem
        out["message"] = self.message
        out["candidates"] = [c.to_dict() for c in self.candidates]
        return out


# ---------------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------------


def _run(argv: list[str], env: dict[str, str] | None = None, timeout: float = 30) -> tuple[int, str, str]:
    try:
        proc = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            env=env,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except FileNotFoundError:
        return 127, "", f"{argv[0]}: not found"
    except PermissionError:
        return 126, "", f"{argv[0]}: permission denied"
    except subprocess.TimeoutExpired:
        return 124, "", f"{' '.join(argv[:3])}: no answer within {timeout:.0f} s"
    except OSError as exc:
        return 126, "", f"{argv[0]}: {exc.strerror}"
    return proc.returncode, proc.stdout, proc.stderr


def _major(version: str) -> int:
    m = re.match(r"\D*(\d+)", version)
    return int(m.group(1)) if m else 0


def _version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", version)[:3]) or (0,)


def host_arch() -> str:
    forced = os.environ.get("MIGRATOR_HOST_ARCH")
    if forced:
        return forced
    machine = _platform.machine().lower()
    return MACHINE_ARCH.get(machine, machine)


def parse_platform(value: str) -> tuple[str, str, str | None]:
    """('linux', 'arm64', 'v8') from 'linux/arm64/v8'; raises ValueError."""
    parts = value.strip().split("/")
    if len(parts) not in (2, 3) or not all(parts):
        raise ValueError(f"{value!r} is not a platform (os/arch[/variant], e.g. linux/arm64)")
    return parts[0].lower(), parts[1].lower(), parts[2].lower() if len(parts) == 3 else None


def emulation_for(plat: str, binfmt_dir: str | None = None, native_arch: str | None = None) -> PlatformSupport:
    """Can RUN steps for `plat` execute on this machine? Native, or QEMU through binfmt_misc."""
    _os, arch, _variant = parse_platform(plat)
    native = native_arch or host_arch()
    if arch == native or arch in ALSO_NATIVE.get(native, set()):
        return PlatformSupport(plat, native=True, emulation=True, emulator=None)
    cpu = ARCH_CPU.get(arch, arch)
    directory = Path(binfmt_dir or os.environ.get("MIGRATOR_BINFMT_DIR") or BINFMT_DIR)
    status = directory / "status"
    try:
        enabled_globally = not status.exists() or status.read_text().strip() != "disabled"
        entries = sorted(directory.iterdir()) if directory.is_dir() else []
    except OSError:
        enabled_globally, entries = False, []
    for entry in entries:
        name = entry.name
        if name in ("status", "register"):
            continue
        if not (name == f"qemu-{cpu}" or name.startswith(f"qemu-{cpu}-") or name == f"qemu-{cpu}-static"):
            continue
        try:
            lines = entry.read_text().splitlines()
        except OSError:
            continue
        fields = dict(line.split(" ", 1) for line in lines[1:] if " " in line)
        interpreter = fields.get("interpreter", "")
        # without the F flag the kernel opens the interpreter at each exec: it must still exist
        fixed = "F" in fields.get("flags:", "")
        usable = fixed or not interpreter.startswith("/") or os.path.exists(interpreter)
        if enabled_globally and lines[:1] == ["enabled"] and usable:
            return PlatformSupport(plat, native=False, emulation=True, emulator=f"{name} (binfmt_misc)")
    return PlatformSupport(
        plat,
        native=False,
        emulation=False,
        emulator=None,
        problem=f"no emulation for {plat}: {directory}/qemu-{cpu} is not enabled; " + EMULATION_HINT.format(cpu=cpu),
    )


def _which_all(names: list[str], path: str | None) -> list[str]:
    out: list[str] = []
    for n in names:
        found = shutil.which(n, path=path) if not os.path.isabs(n) else (n if os.access(n, os.X_OK) else None)
        if found:
            real = os.path.realpath(found)
            if all(os.path.realpath(o) != real for o in out):
                out.append(found)
    return out


def docker_clients(path: str | None) -> list[str]:
    """The docker on PATH, then the other well-known clients (a newer client on PATH may refuse
    BuildKit where Debian's /usr/bin/docker still allows it). Without a docker on PATH there is
    no docker: the others are not looked for."""
    on_path = _which_all(["docker"], path)
    if not on_path:
        return []
    extra = os.environ.get("MIGRATOR_DOCKER_CLIENTS")
    extras = [p for p in extra.split(":") if p] if extra is not None else list(DEFAULT_DOCKER_CLIENTS)
    return _which_all([on_path[0], *extras], None)


# ---------------------------------------------------------------------------------------------
# docker
# ---------------------------------------------------------------------------------------------


@dataclass
class DockerInfo:
    client: str
    client_version: str
    server_version: str | None
    error: str | None  # why the engine is not reachable
    permission: bool  # False: the socket refused us


def docker_info(client: str, env: dict[str, str]) -> DockerInfo:
    _rc, out, err = _run([client, "version", "--format", "{{json .}}"], env=env, timeout=20)
    client_version, server_version = "", None
    try:
        data = json.loads(out.strip().splitlines()[0]) if out.strip() else {}
    except ValueError:
        data = {}
    if isinstance(data, dict):
        client_version = str((data.get("Client") or {}).get("Version") or "")
        server = data.get("Server") or {}
        server_version = str(server.get("Version")) if isinstance(server, dict) and server.get("Version") else None
    if not client_version:
        rc2, out2, _ = _run([client, "--version"], env=env, timeout=10)
        m = re.search(r"version ([0-9][^\s,]*)", out2)
        client_version = m.group(1) if rc2 == 0 and m else "unknown"
    text = (err or "").strip()
    denied = "permission denied" in text.lower()
    error = None
    if server_version is None:
        error = text.splitlines()[-1] if text else "the docker engine did not answer"
    return DockerInfo(client, client_version, server_version, error, permission=not denied)


def _buildx(client: str, env: dict[str, str], builder_name: str | None) -> tuple[str | None, dict[str, object]]:
    rc, out, _err = _run([client, "buildx", "version"], env=env, timeout=20)
    if rc != 0:
        return None, {}
    m = re.search(r"(v?\d+\.\d+[^\s]*)", out)
    version = m.group(1) if m else out.strip() or "unknown"
    argv = [client, "buildx", "inspect"]
    if builder_name:
        argv.append(builder_name)
    rc, out, err = _run(argv, env=env, timeout=30)
    details: dict[str, object] = {"inspect_ok": rc == 0, "inspect_error": (err or out).strip()}
    if rc == 0:
        for line in out.splitlines():
            key, _, value = line.partition(":")
            key = key.strip().lower()
            if key == "driver" and "driver" not in details:
                details["driver"] = value.strip()
            elif key == "platforms" and "platforms" not in details:
                details["platforms"] = [p.strip().rstrip("*") for p in value.split(",") if p.strip()]
            elif key == "name" and "name" not in details:
                details["name"] = value.strip()
    rc, out, _ = _run([client, "buildx", "build", "--help"], env=env, timeout=20)
    details["check"] = rc == 0 and "--call" in out
    return version, details


def _has_bridge(client: str, env: dict[str, str]) -> bool:
    rc, _out, _err = _run([client, "network", "inspect", "bridge"], env=env, timeout=20)
    return rc == 0


def _containerd_store(client: str, env: dict[str, str]) -> bool:
    rc, out, _ = _run([client, "info", "--format", "{{json .DriverStatus}}"], env=env, timeout=20)
    return rc == 0 and "containerd" in out


# ---------------------------------------------------------------------------------------------
# detection
# ---------------------------------------------------------------------------------------------


def detect(
    platforms: list[str],
    *,
    path: str | None = None,
    binfmt_dir: str | None = None,
    builder_name: str | None = None,
    network: str | None = None,
    engine: str | None = None,
) -> Detection:
    """Find the builder to use for `platforms` (e.g. ["linux/amd64", "linux/arm64"]).

    `path` replaces $PATH for finding executables (tests); `builder_name` is a buildx builder;
    `engine` allows only one kind of builder (ENGINES).
    """
    allowed = ENGINES.get(engine or "") if engine else None
    if engine and allowed is None:
        return Detection(None, [], "no-such-engine", f"unknown engine {engine!r} (one of {', '.join(ENGINES)})")
    env = dict(os.environ)
    if path is not None:
        env["PATH"] = path
    search = env.get("PATH", os.defpath)
    candidates: list[Candidate] = []
    denied: list[str] = []
    clients = docker_clients(search)
    infos: dict[str, DockerInfo] = {}

    def info(client: str) -> DockerInfo:
        if client not in infos:
            infos[client] = docker_info(client, env)
        return infos[client]

    # 1. docker buildx
    for client in clients if _allows(allowed, "buildx") else []:
        version, details = _buildx(client, env, builder_name)
        if version is None:
            candidates.append(Candidate("buildx", client, False, "no buildx plugin"))
            continue
        if builder_name and not details.get("inspect_ok"):
            candidates.append(
                Candidate(
                    "buildx", client, False, f"no buildx builder {builder_name!r}: {details.get('inspect_error')}"
                )
            )
            continue
        driver = str(details.get("driver") or "docker")
        d = info(client)
        if driver == "docker" and d.server_version is None:
            if not d.permission:
                denied.append(f"{client}: {d.error}")
            candidates.append(Candidate("buildx", client, False, f"engine not reachable: {d.error}"))
            continue
        b = Builder(
            "buildx",
            version,
            client,
            engine_version=d.server_version,
            builder_name=builder_name or (str(details["name"]) if details.get("name") else None),
            driver=driver,
            builder_platforms=list(details.get("platforms") or []),  # type: ignore[call-overload]
            supports_check=bool(details.get("check")),
        )
        b.multi_platform = driver != "docker" or _containerd_store(client, env)
        b.runner = [client] if d.server_version else None
        b.network = network if network is not None else _default_network(client, env, d, b)
        candidates.append(Candidate("buildx", client, True, f"buildx {version}, driver {driver}"))
        return _finish(Detection(b, candidates), platforms, binfmt_dir)

    if builder_name:
        return Detection(
            None,
            candidates,
            "no-such-builder",
            f"--builder {builder_name} needs docker buildx with that builder; "
            "install the buildx plugin (docker-buildx) and `docker buildx create --name "
            f"{builder_name} ...`",
        )

    # 2. the engine's built-in BuildKit through a client that allows it
    for client in clients if _allows(allowed, "buildkit") else []:
        d = info(client)
        if _major(d.client_version) >= 23:
            candidates.append(
                Candidate(
                    "buildkit",
                    client,
                    False,
                    f"docker client {d.client_version} refuses BuildKit without the buildx plugin",
                )
            )
            continue
        if d.server_version is None:
            if not d.permission:
                denied.append(f"{client}: {d.error}")
            candidates.append(Candidate("buildkit", client, False, f"engine not reachable: {d.error}"))
            continue
        if _version_tuple(d.server_version) < (18, 9):
            candidates.append(Candidate("buildkit", client, False, f"engine {d.server_version} has no BuildKit"))
            continue
        b = Builder(
            "buildkit",
            d.client_version,
            client,
            engine_version=d.server_version,
            env={"DOCKER_BUILDKIT": "1"},
            runner=[client],
        )
        b.network = network if network is not None else _default_network(client, env, d, b)
        candidates.append(Candidate("buildkit", client, True, f"DOCKER_BUILDKIT=1, engine {d.server_version}"))
        return _finish(Detection(b, candidates), platforms, binfmt_dir)

    # 3. buildah, 4. podman
    podman = _which_all(["podman"], search)
    for name in ("buildah", "podman"):
        for exe in _which_all([name], search) if _allows(allowed, name) else []:
            rc, out, err = _run([exe, "--version"], env=env, timeout=20)
            m = re.search(r"version\s+(\S+)", out)
            if rc != 0 or not m:
                candidates.append(Candidate(name, exe, False, (err or out).strip() or "does not run"))
                continue
            version = m.group(1)
            probe = [exe, "info"] if name == "podman" else [exe, "images", "--quiet"]
            rc, out, err = _run(probe, env=env, timeout=60)
            if rc != 0:
                reason = (err or out).strip().splitlines()[-1:] or ["does not work here"]
                if "permission" in reason[0].lower():
                    denied.append(f"{exe}: {reason[0]}")
                candidates.append(Candidate(name, exe, False, reason[0]))
                continue
            b = Builder(name, version, exe, env={})
            b.runner = [exe] if name == "podman" else ([podman[0]] if podman else None)
            if name == "buildah":
                b.isolation = os.environ.get("BUILDAH_ISOLATION") or "chroot"
                b.notes.append(f"builds use --isolation {b.isolation}")
                if not podman:
                    b.notes.append("smoke runs use `buildah run` (podman is not installed)")
            b.network = network
            if name == "buildah" and network == "none" and b.isolation == "chroot":
                b.notes.append("--network none with chroot isolation: base images pulled first, then the build "
                               "runs in a new network namespace (unshare --net)")
            candidates.append(Candidate(name, exe, True, f"{name} {version}"))
            return _finish(Detection(b, candidates), platforms, binfmt_dir)

    if denied:
        return Detection(
            None,
            candidates,
            "no-permission",
            "no permission to use the container engine ("
            + "; ".join(denied)
            + "): run as root, add the user to the `docker` group, or use rootless podman",
        )
    if allowed is not None and not candidates:
        return Detection(None, candidates, "no-builder", f"no {engine} builder found; {INSTALL_HINT}")
    found = ", ".join(f"{c.client} ({c.reason})" for c in candidates) or "no docker, buildah or podman on PATH"
    return Detection(None, candidates, "no-builder", f"no usable builder ({found}); {INSTALL_HINT}")


ENGINES: dict[str, tuple[str, ...]] = {
    "buildx": ("buildx",),
    "buildkit": ("buildkit",),
    "docker": ("buildx", "buildkit"),
    "buildah": ("buildah",),
    "podman": ("podman",),
}


def _allows(allowed: tuple[str, ...] | None, kind: str) -> bool:
    return allowed is None or kind in allowed


def _default_network(client: str, env: dict[str, str], d: DockerInfo, b: Builder) -> str | None:
    """An engine started without its bridge (dockerd --bridge=none) cannot give RUN steps the
    default network ("network bridge not found"): build with --network=none there."""
    if b.driver not in (None, "docker"):
        return None
    if d.server_version and not _has_bridge(client, env):
        b.notes.append("the engine has no bridge network: builds use --network=none")
        return "none"
    return None


def _finish(det: Detection, platforms: list[str], binfmt_dir: str | None) -> Detection:
    b = det.builder
    assert b is not None
    remote = b.name == "buildx" and b.driver not in (None, "docker", "docker-container")
    for plat in platforms:
        support = emulation_for(plat, binfmt_dir)
        declared = _declares(b.builder_platforms, plat)
        if b.name == "buildx" and b.driver not in (None, "docker") and declared:
            # the buildx builder itself runs the platform (its own emulators or native nodes)
            if not support.emulation:
                support.emulation = True
                support.emulator = f"buildx builder {b.builder_name or ''} ({b.driver})".replace("  ", " ")
                support.problem = None
        elif remote and not declared and b.builder_platforms:
            support.emulation = False
            support.problem = f"buildx builder {b.builder_name} does not list {plat} ({', '.join(b.builder_platforms)})"
        how = {
            "buildx": (
                f"docker buildx build --platform {','.join(platforms)} (one multi-platform build)"
                if b.multi_platform and len(platforms) > 1
                else f"docker buildx build --platform {plat} --load"
            ),
            "buildkit": f"DOCKER_BUILDKIT=1 {b.client} build --platform {plat}",
            "buildah": f"buildah build --isolation {b.isolation} --platform {plat}",
            "podman": f"podman build --platform {plat}",
        }[b.name]
        kind = "native" if support.native else (support.emulator or "no emulation")
        support.method = f"{how} [{kind}]"
        b.platforms[plat] = support
    return det


def _declares(declared: list[str], plat: str) -> bool:
    _os, arch, variant = parse_platform(plat)
    for d in declared:
        try:
            _o2, a2, v2 = parse_platform(d)
        except ValueError:
            continue
        if a2 == arch and (variant is None or v2 is None or v2 == variant):
            return True
    return False


def doctor_report(path: str | None = None, binfmt_dir: str | None = None) -> dict[str, object]:
    """Everything `migrate doctor` prints: builders found, platforms and emulators."""
    common = ["linux/amd64", "linux/arm64", "linux/arm/v7", "linux/ppc64le", "linux/s390x", "linux/riscv64"]
    det = detect(["linux/amd64", "linux/arm64"], path=path, binfmt_dir=binfmt_dir)
    emulators = {p: emulation_for(p, binfmt_dir).to_dict() for p in common}
    from migrator.validate.compare import syft_executable

    syft = syft_executable() if path is None else shutil.which("syft", path=path)
    return {
        "host_arch": host_arch(),
        "builder": det.to_dict(),
        "platforms": emulators,
        "syft": syft,
    }
