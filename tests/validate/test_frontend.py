"""Issue 9, item 2: `# syntax=docker/dockerfile:1` offline. BuildKit cannot pull the frontend image and
every build failed with its raw log; validate now builds a copy without the directive (MIG625)."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.validate import build
from migrator.validate.build_report import ValidateOptions
from migrator.validate.builders import Builder, Detection, PlatformSupport
from migrator.validate.frontend import Syntax, frontend_unavailable, syntax_directive, without_directive
from migrator.validate.process import Proc

# what the engine's BuildKit 20.10 printed here, offline (the registry lookup fails)
OFFLINE_LOG = """\
#3 resolve image config for docker.io/docker/dockerfile:1
#3 ERROR: failed to do request: Head "https://registry-1.docker.io/v2/docker/dockerfile/manifests/1": dial tcp: lookup registry-1.docker.io: no such host
------
 > resolve image config for docker.io/docker/dockerfile:1:
------
failed to solve with frontend dockerfile.v0: failed to solve with frontend gateway.v0: failed to do request
"""
BUILDX_LOG = "ERROR: failed to solve: docker/dockerfile:1: failed to resolve source metadata for docker.io/docker/dockerfile:1"
BASE_MISSING = "failed to solve with frontend dockerfile.v0: failed to resolve source metadata for 127.0.0.1:5000/x:latest"


def test_the_directive_is_found_only_among_the_parser_directives():
    assert syntax_directive("# syntax=docker/dockerfile:1\nFROM x\n") == Syntax(1, "docker/dockerfile:1")
    assert syntax_directive("# escape=`\n#syntax = docker/dockerfile:1.7\nFROM x\n") == Syntax(2, "docker/dockerfile:1.7")
    assert syntax_directive("# a comment\n# syntax=docker/dockerfile:1\nFROM x\n") is None
    assert syntax_directive("FROM x\n# syntax=docker/dockerfile:1\n") is None


def test_the_offline_failure_is_told_apart_from_a_missing_base_image():
    syntax = Syntax(1, "docker/dockerfile:1")
    assert frontend_unavailable(OFFLINE_LOG, syntax) and frontend_unavailable(BUILDX_LOG, syntax)
    assert not frontend_unavailable(BASE_MISSING, syntax)


def test_the_copy_keeps_every_other_line_where_it_was():
    text = "# syntax=docker/dockerfile:1\n# escape=`\nFROM x\nRUN a `\n  b\n"
    copy = without_directive(text, Syntax(1, "docker/dockerfile:1"))
    assert copy == "# escape=`\n#\nFROM x\nRUN a `\n  b\n"
    assert syntax_directive(copy) is None and copy.splitlines()[2:] == text.splitlines()[2:]


class FakeEngine:
    """BuildKit offline: a file with the directive fails to fetch the frontend; without it, it builds."""

    builds: list[str] = []

    def __init__(self, builder: Builder, opts: ValidateOptions) -> None:
        self.b = builder

    def build(self, dockerfile: Path, context: Path, platforms: list[str], tag, target) -> Proc:
        text = dockerfile.read_text()
        FakeEngine.builds.append(text)
        if syntax_directive(text) is not None:
            return Proc(1, OFFLINE_LOG, "", 0.5)
        return Proc(0, "#5 DONE", "", 1.0)

    def inspect(self, tag: str) -> dict[str, object]:
        return {"size_bytes": 1000, "layers": 1, "user": "65532"}

    def remove_image(self, tag: str) -> None:
        pass


@pytest.mark.parametrize("name", ["buildkit", "buildx"])
def test_validate_builds_with_the_builtin_frontend_and_says_so(tmp_path, monkeypatch, name):
    plats = ["linux/amd64", "linux/arm64"]
    support = {p: PlatformSupport(p, p.endswith("amd64"), True, None) for p in plats}
    builder = Builder(name, "20.10", "/usr/bin/docker", platforms=support)
    monkeypatch.setattr(build, "detect", lambda *a, **k: Detection(builder, []))
    monkeypatch.setattr(build, "Engine", FakeEngine)
    FakeEngine.builds = []
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("# syntax=docker/dockerfile:1\nFROM cgr.dev/chainguard/static:latest\nCOPY app /app\n"
                          'ENTRYPOINT ["/app"]\n')
    report = build.validate(dockerfile, ValidateOptions(platforms=plats, smoke=False))
    assert [p.status for p in report.platforms] == ["ok", "ok"] and report.exit_code == 0
    notes = [f for f in report.static if f.code == "MIG625"]
    assert len(notes) == 1 and notes[0].line == 1 and "docker/dockerfile:1" in notes[0].message
    # one failed try with the directive, then the copy for every platform
    assert [syntax_directive(t) is not None for t in FakeEngine.builds] == [True, False, False]
    assert dockerfile.read_text().startswith("# syntax=")  # the user's file is untouched


def test_a_build_that_fails_for_another_reason_is_not_retried(tmp_path, monkeypatch):
    class Failing(FakeEngine):
        def build(self, dockerfile, context, platforms, tag, target) -> Proc:
            FakeEngine.builds.append(dockerfile.read_text())
            return Proc(1, BASE_MISSING, "", 0.5)

    support = {"linux/amd64": PlatformSupport("linux/amd64", True, True, None)}
    builder = Builder("buildkit", "20.10", "/usr/bin/docker", platforms=support)
    monkeypatch.setattr(build, "detect", lambda *a, **k: Detection(builder, []))
    monkeypatch.setattr(build, "Engine", Failing)
    FakeEngine.builds = []
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("# syntax=docker/dockerfile:1\nFROM 127.0.0.1:5000/x:latest\n")
    report = build.validate(dockerfile, ValidateOptions(platforms=["linux/amd64"], smoke=False))
    assert report.platforms[0].status == "failed" and len(FakeEngine.builds) == 1
    assert not [f for f in report.static if f.code == "MIG625"]
