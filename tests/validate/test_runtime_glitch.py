"""CI defect (stop 21): buildah's arm64 build of a correct Dockerfile failed at its first RUN with
runc's "Close_Fd sealing memfd copy: Device or resource busy", and validate reported the user's file as
broken. A build that fails in the container runtime is built once more, and the report says so."""

from __future__ import annotations

from pathlib import Path

from migrator.validate import build
from migrator.validate.build_report import Smoke, ValidateOptions
from migrator.validate.builders import Builder, Detection, PlatformSupport
from migrator.validate.process import Proc
from migrator.validate.transient import runtime_glitch

# what buildah 1.28 with runc 1.1.5 printed in CI, building linux/arm64 under QEMU
GLITCH_LOG = """STEP 3/7: RUN apk add --no-cache curl jq ca-certificates
Close_Fd sealing memfd copy: Device or resource busy
subprocess exited with status 1
Error: building at STEP "RUN apk add --no-cache curl jq ca-certificates": exit status 1"""
STEP_FAILED = """STEP 3/7: RUN apk add --no-cache curl jq ca-certificates
ERROR: unable to select packages:
  jqq (no such package):
Error: building at STEP "RUN apk add --no-cache curlx": exit status 1"""


class GlitchingEngine:
    """Fails each platform's first `glitches` builds with the runtime's message, then builds."""

    glitches = 1
    builds: list[str] = []
    smokes: list[str] = []

    def __init__(self, builder: Builder, opts: ValidateOptions) -> None:
        self.b, self.opts = builder, opts

    def smoke(self, tag: str, plat: str, args, timeout: float) -> Smoke:
        GlitchingEngine.smokes.append(plat)
        if GlitchingEngine.smokes.count(plat) <= GlitchingEngine.glitches:
            return Smoke(1, "Close_Fd sealing memfd copy: Device or resource busy", started=False)
        return Smoke(0, "hello", started=True)

    def build(self, dockerfile: Path, context: Path, platforms: list[str], tag, target) -> Proc:
        GlitchingEngine.builds.append(platforms[0])
        if GlitchingEngine.builds.count(platforms[0]) <= GlitchingEngine.glitches:
            return Proc(1, GLITCH_LOG, "", 0.4)
        return Proc(0, "COMMIT", "", 1.0)

    def inspect(self, tag: str) -> dict[str, object]:
        return {"size_bytes": 1000, "layers": 1, "user": "65532"}

    def remove_image(self, tag: str) -> None:
        pass


def _validate(tmp_path, monkeypatch, glitches: int, smoke: bool = False):
    plats = ["linux/amd64", "linux/arm64"]
    support = {p: PlatformSupport(p, p.endswith("amd64"), True, None) for p in plats}
    builder = Builder("buildah", "1.28.2", "/usr/bin/buildah", platforms=support)
    monkeypatch.setattr(build, "detect", lambda *a, **k: Detection(builder, []))
    monkeypatch.setattr(build, "Engine", GlitchingEngine)
    GlitchingEngine.glitches, GlitchingEngine.builds, GlitchingEngine.smokes = glitches, [], []
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text('FROM 127.0.0.1:5000/chainguard/static:latest\nCOPY app /app\nENTRYPOINT ["/app"]\n')
    return build.validate(dockerfile, ValidateOptions(platforms=plats, smoke=smoke))


def test_a_build_that_failed_in_the_container_runtime_is_built_again_and_the_report_says_so(tmp_path, monkeypatch):
    report = _validate(tmp_path, monkeypatch, glitches=1)
    assert [p.status for p in report.platforms] == ["ok", "ok"] and report.exit_code == 0
    assert GlitchingEngine.builds == ["linux/amd64", "linux/amd64", "linux/arm64", "linux/arm64"]
    assert len(report.messages) == 2
    assert all("container runtime" in m and "built again" in m for m in report.messages)


def test_a_runtime_that_fails_twice_is_reported_as_a_failed_build_with_its_log(tmp_path, monkeypatch):
    report = _validate(tmp_path, monkeypatch, glitches=2)
    assert [p.status for p in report.platforms] == ["failed", "failed"] and report.exit_code == 1
    assert len(GlitchingEngine.builds) == 4  # one more try each, not a loop
    assert "sealing memfd copy" in (report.platforms[1].error.log_tail or "")


def test_only_the_runtime_s_own_messages_count_as_a_glitch():
    assert runtime_glitch(GLITCH_LOG) is not None
    assert runtime_glitch(STEP_FAILED) is None
    assert runtime_glitch("exec /bin/sh: exec format error") is None


def test_a_smoke_run_that_failed_in_the_container_runtime_runs_again(tmp_path, monkeypatch):
    report = _validate(tmp_path, monkeypatch, glitches=1, smoke=True)
    assert [p.status for p in report.platforms] == ["ok", "ok"] and report.exit_code == 0
    assert GlitchingEngine.smokes == ["linux/amd64", "linux/amd64", "linux/arm64", "linux/arm64"]
    assert sum("smoke run failed in the container runtime" in m for m in report.messages) == 2
