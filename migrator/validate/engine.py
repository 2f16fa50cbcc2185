"""How to build, inspect, smoke-run, probe and remove images with each builder (docker with BuildKit or buildx,
podman, buildah), and the tags of the images `migrate validate` builds."""

from __future__ import annotations

import json
import os
import posixpath
import re
import secrets
import subprocess
import time
from pathlib import Path

from migrator.validate import static
from migrator.validate.build_failure import image_refs
from migrator.validate.build_report import Smoke, ValidateOptions, build_arg_map
from migrator.validate.builders import Builder, parse_platform
from migrator.validate.process import Proc, run, run_group, tail
from migrator.validate.source import read


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
        args = static.global_args(df, build_arg_map(self.opts.build_args))
        log = []
        for ref in dict.fromkeys(image for _ins, image in image_refs(df, args)):
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
            rc, out, timed_out = run_group([*command, name, "--", *argv], self.env, timeout)
            if timed_out:
                return Smoke(None, tail(out), started=True, timed_out=True)
            if rc != 0 and BUILDAH_RUN_STDIO.search(out):
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


BUILDAH_RUN_STDIO = re.compile(
    r'"/dev/std(?:out|err)" failed \(13: Permission denied\)|/dev/std(?:out|err): Permission denied'
)


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


def image_tag(run_id: str, plat: str, kind: str = "") -> str:
    _os, arch, variant = parse_platform(plat)
    return f"migrator-validate:{run_id}{kind}-{arch}{variant or ''}"
