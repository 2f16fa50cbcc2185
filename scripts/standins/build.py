#!/usr/bin/env python3
"""Build the stand-in images for the engine tests, offline, from Debian packages, and push them.

The real Chainguard images (and Docker Hub's originals) cannot be pulled on the test machines, so
`scripts/test-env up` builds look-alikes from Debian bookworm packages and pushes them as
multi-arch (amd64 + arm64) images to the loopback registry. What each is made of, and how it
follows the real image's layout, is in catalog.py; README.md lists them and what their `apk` can
install.

    build.py --cache DIR --key KEY --list            repo:tag of every image
    build.py --cache DIR --key KEY --rootfs-only     build the layers (needs apt and the network)
    build.py --cache DIR --key KEY --registry HOST   build what is missing, then push everything

Layers are cached under DIR/layers by their inputs; the image plan of inputs KEY is written to
DIR/rootfs/KEY/plan.json. Images are assembled and pushed over the registry's HTTP API: no
container engine is involved. Every external command is run with an argument list, never a shell.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import catalog
import compose
import registry
from layers import Blob

ARCHES = ("amd64", "arm64")


def native_arch() -> str:
    return subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True, check=True).stdout.strip()


def selected(only: list[str]) -> tuple[list[catalog.Image], list[catalog.Twin]]:
    images = [i for i in catalog.IMAGES if not only or i.name in only]
    twins = [t for t in catalog.TWINS if not only or t.name in only]
    return images, twins


def config_of(image: catalog.Image) -> dict[str, object]:
    cfg: dict[str, object] = {"Env": [f"{k}={v}" for k, v in image.env.items()]}
    if image.uid:
        cfg["User"] = str(image.uid)
    if image.workdir:
        cfg["WorkingDir"] = image.workdir
    if image.entrypoint is not None:
        cfg["Entrypoint"] = image.entrypoint
    if image.cmd is not None:
        cfg["Cmd"] = image.cmd
    if image.stop_signal:
        cfg["StopSignal"] = image.stop_signal
    return cfg


def twin_config(twin: catalog.Twin) -> dict[str, object]:
    cfg: dict[str, object] = {"Env": [f"{k}={v}" for k, v in twin.env.items()]}
    if twin.cmd:
        cfg["Cmd"] = twin.cmd
    if twin.workdir:
        cfg["WorkingDir"] = twin.workdir
    return cfg


def build_plan(cache: Path, only: list[str], jobs: int = 2) -> dict[str, object]:
    """Build every layer (two at a time); returns {ref: {arch: {"layers", "history", "config"}}}."""
    native = native_arch()
    builder = compose.Builder(cache, native)
    images, twins = selected(only)
    arches = sorted(ARCHES, key=lambda a: a != native)  # native first: its .pyc files are reused
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for done in [pool.submit(builder.prepare, arch) for arch in arches]:
            done.result()
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures: dict[tuple[str, str], Future] = {}
        for arch in arches:
            for image in images:
                for comp in image.components:
                    if (comp, arch) not in futures:
                        futures[(comp, arch)] = pool.submit(builder.component, comp, arch)
                futures[("id:" + image.name, arch)] = pool.submit(builder.identity, image, arch)
            if arch == native:  # `migrate validate --original` builds the original for this machine only
                for twin in twins:
                    futures[("twin:" + twin.name, arch)] = pool.submit(builder.twin, twin, arch)
        blobs = {key: f.result() for key, f in futures.items()}
    plan: dict[str, dict[str, object]] = {}
    for arch in arches:
        for image in images:
            parts = [(c, blobs[(c, arch)]) for c in image.components]
            parts.append((f"{image.name} accounts and directories", blobs[("id:" + image.name, arch)]))
            entry = {
                "layers": [b.to_json() for _c, b in parts],
                "history": [f"stand-in layer: {c}" for c, _b in parts],
                "config": config_of(image),
            }
            for tag in image.tags:
                plan.setdefault(f"{image.repo}:{tag}", {})[arch] = entry
        for twin in twins if arch == native else []:
            twin_blobs: list[Blob] = blobs[("twin:" + twin.name, arch)]  # type: ignore[assignment]
            entry = {"layers": [b.to_json() for b in twin_blobs],
                     "history": ["stand-in original: debian", f"stand-in original: {twin.name}"][: len(twin_blobs)],
                     "config": twin_config(twin)}  # fmt: skip
            for tag in twin.tags:
                plan.setdefault(f"{twin.repo}:{tag}", {})[arch] = entry
    return plan


def prune(cache: Path, plan: dict[str, object]) -> None:
    """Drop cached layers no image of this plan uses (older inputs)."""
    used = set()
    for per_arch in plan.values():
        for entry in per_arch.values():  # type: ignore[attr-defined]
            used.update(layer["path"] for layer in entry["layers"])
    for f in (cache / "layers").glob("*.tar.gz"):
        if f.name not in used:
            f.unlink()
            f.with_suffix(".json").unlink(missing_ok=True)


def push(cache: Path, plan: dict[str, dict[str, dict]], host: str) -> None:
    reg = registry.Registry(host)
    pushed_in: dict[str, str] = {}  # blob digest -> a repository that has it
    for ref, per_arch in sorted(plan.items()):
        repo, tag = ref.rsplit(":", 1)
        manifests = []
        for arch in [a for a in ARCHES if a in per_arch]:
            entry = per_arch[arch]
            blobs = [Blob(cache / "layers" / layer["path"], layer["digest"], layer["diff_id"], layer["size"])
                     for layer in entry["layers"]]  # fmt: skip
            for blob in blobs:
                reg.push_blob(repo, blob.digest, blob.size, path=blob.path, mount_from=pushed_in.get(blob.digest))
                pushed_in.setdefault(blob.digest, repo)
            config = registry.image_config(arch, [b.diff_id for b in blobs], entry["history"], entry["config"])
            reg.push_blob(repo, registry.digest_bytes(config), len(config), data=config)
            man = registry.manifest(config, [(b.digest, b.size) for b in blobs])
            reg.put_manifest(repo, registry.digest_bytes(man), registry.MANIFEST, man)
            manifests.append((arch, man))
        reg.put_manifest(repo, tag, registry.MANIFEST_LIST, registry.manifest_list(manifests))
        print(f"standins: pushed {host}/{ref}", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--cache", required=True, type=Path)
    ap.add_argument("--key", required=True, help="hash of the inputs (scripts/standins)")
    ap.add_argument("--registry", default="127.0.0.1:5000")
    ap.add_argument("--docker", help="unused (kept for older callers)")
    ap.add_argument("--rootfs-only", action="store_true", help="build the layers, push nothing")
    ap.add_argument("--only", action="append", default=[], help="image name(s) to build")
    ap.add_argument("--list", action="store_true", help="print repo:tag of every image and stop")
    ap.add_argument("--busybox", action="store_true", help="build busybox (busybox.sh) and print its directory")
    args = ap.parse_args()
    if args.busybox:
        print(compose.busybox_binaries(args.cache))
        return 0
    catalog.check()
    images, twins = selected(args.only)
    if args.list:
        for i in images:
            for t in i.tags:
                print(f"{i.repo}:{t}")
        for tw in twins:
            for t in tw.tags:
                print(f"{tw.repo}:{t}")
        return 0
    cache: Path = args.cache
    plan_file = cache / "rootfs" / args.key / "plan.json"
    if plan_file.exists() and not args.only:
        plan = json.loads(plan_file.read_text())
    else:
        plan = build_plan(cache, args.only)
        if not args.only:
            plan_file.parent.mkdir(parents=True, exist_ok=True)
            plan_file.write_text(json.dumps(plan, indent=1, sort_keys=True))
            prune(cache, plan)
            for old in (cache / "rootfs").iterdir():
                if old.name != args.key:
                    shutil.rmtree(old, ignore_errors=True)
    if args.rootfs_only:
        return 0
    push(cache, plan, args.registry)
    return 0


if __name__ == "__main__":
    sys.exit(main())
