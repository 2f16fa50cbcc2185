"""Apps of the same kinds as tests/engine/apps but shaped differently (tests/engine/apps/unseen/*):
a multi-package Go program built static onto debian-slim, a Node ES-module app on node:22 run
through `ENTRYPOINT ["node"]`, a single-stage Java build on eclipse-temurin, a Python package run
with `python -m` as a user the Dockerfile creates. The migrator was not tuned on them. Each is
migrated as a user does it, `migrate Dockerfile --registry <the test registry>`, then validated:
built for linux/amd64 and linux/arm64 (QEMU) with the engine's BuildKit and smoke-run, printing
the CPU it ran on and what it computed.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass

import pytest

from .conftest import APPS, Timing, leftovers, migrate

pytestmark = pytest.mark.engine

BOTH = ("linux/amd64", "linux/arm64")
UNSEEN = APPS / "unseen"


@dataclass(frozen=True)
class Unseen:
    name: str
    images: tuple[str, ...]  # the Chainguard images the migrated file must build on
    arch: dict[str, str]  # platform -> the "arch" the app prints there
    printed: dict[str, object]  # what else it prints, on every platform


APPS_UNSEEN = [
    Unseen("go-wordfreq", ("go:latest-dev", "static:latest"), {"linux/amd64": "amd64", "linux/arm64": "arm64"},
           {"greeting": "hello from a go word counter", "uid": 65532,
            "top": [{"word": "the", "count": 5}, {"word": "fox", "count": 3}, {"word": "dog", "count": 2}]}),
    Unseen("node-esm", ("node:latest-dev", "node:latest"), {"linux/amd64": "x64", "linux/arm64": "arm64"},
           {"greeting": "hello from an es module", "uid": 65532,
            "digest": hashlib.sha256(b"unseen").hexdigest()[:12]}),
    Unseen("java-single-stage", ("jdk:latest-dev", "jre:latest"), {"linux/amd64": "amd64", "linux/arm64": "aarch64"},
           {"greeting": "hello from a single-stage java build", "primes": 10}),
    Unseen("python-module", ("python:latest-dev", "python:latest"),
           {"linux/amd64": "x86_64", "linux/arm64": "aarch64"},
           {"greeting": "hello from a python module", "uid": 65532, "total": 7}),
]  # fmt: skip


@pytest.mark.parametrize("app", APPS_UNSEEN, ids=lambda a: a.name)
def test_unseen_app_migrated_with_registry_builds_and_runs_on_both_platforms(app: Unseen, tmp_path, registry,
                                                                             timings):  # fmt: skip
    ctx = tmp_path / app.name
    shutil.copytree(UNSEEN / app.name, ctx)
    out = migrate(str(ctx / "Dockerfile"), "--registry", registry)
    assert out.code == 0, out.stderr
    froms = [line.split()[1] for line in out.stdout.splitlines() if line.upper().startswith("FROM ")]
    assert sorted({f"{registry}/{image}" for image in app.images}) == sorted(set(froms)), out.stdout
    migrated = ctx / "Dockerfile.migrated"
    migrated.write_text(out.stdout)

    result = migrate("validate", str(migrated), "--context", str(ctx), "--platform", ",".join(BOTH), "--json",
                     "--engine", "buildkit")  # fmt: skip
    data = result.data
    assert data is not None, result.stdout + result.stderr
    for p in data["platforms"]:
        smoke = p.get("smoke") or {}
        timings.append(Timing(app.name, "buildkit", p["platform"], p["status"], p["seconds"], smoke.get("seconds")))
    failures = {p["platform"]: (p["error"] or {}).get("log_tail") for p in data["platforms"] if p["status"] != "ok"}
    assert result.code == 0 and not failures, json.dumps(failures, indent=1)[-4000:] + result.stderr[-2000:]
    assert [f for f in data["static"] if f["severity"] == "error"] == []
    by_platform = {p["platform"]: p for p in data["platforms"]}
    for plat in BOTH:
        smoke = by_platform[plat]["smoke"]
        assert smoke["started"] is True and smoke["exit_code"] == 0, smoke
        printed = json.loads(smoke["output"].strip().splitlines()[-1])
        assert printed == {"arch": app.arch[plat], **app.printed}
    assert leftovers() == ([], [])
