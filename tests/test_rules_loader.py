"""Rule files: users extend and override them; malformed files get an error naming file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrator.api import migrate_text
from migrator.model import MigratorError, Options
from migrator.rules.loader import load_rules


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize(("text", "expected"), [
    ("images:\n  - match: python\n    ecosystem: [unclosed\n", ":3: invalid YAML"),
    ("images:\n  - match: foo\n    builder: foo:{version}-dev\n", ":2: image rule 'foo' needs 'ecosystem'"),
    ("images:\n  - match: foo\n    ecosystem: cobol\n", ":2: unknown ecosystem 'cobol'"),
    ("images:\n  - match: foo\n    ecosystem: go\n    colour: blue\n", ":2: unknown key(s) colour"),
    ("images:\n  - match: foo\n    ecosystem: go\n    builder: cgr.dev/x/go:latest\n", "without registry"),
    ("packages:\n  curl: curl\n", "'family' must be one of"),
    ("family: debian\npackages:\n  curl: {wrong: x}\n", "package 'curl'"),
    ("imagez: []\n", "unknown top-level key 'imagez'"),
    ("- just\n- a list\n", ":1: a rules file must be a mapping"),
])
def test_malformed_rules_name_file_line_and_problem(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(MigratorError) as error:
        load_rules((path,))
    message = str(error.value)
    assert str(path) in message or path.name in message
    assert expected in message


def test_missing_rules_file(tmp_path: Path) -> None:
    with pytest.raises(MigratorError, match="not found"):
        load_rules((tmp_path / "nope.yaml",))


def test_user_image_rule_comes_first(tmp_path: Path) -> None:
    path = write(tmp_path, "images:\n  - match: registry.internal.example.com/platform/python-base\n"
                           "    ecosystem: python\n    builder: \"python:{version}-dev\"\n"
                           "    runtime: \"python:{version}\"\n")
    text = "FROM registry.internal.example.com/platform/python-base:2024.06\nCOPY . /app\nCMD [\"python\", \"/app/m.py\"]\n"
    assert "MIG202" in {f.code for f in migrate_text(text).findings}
    result = migrate_text(text, Options(rules_files=(path,)))
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/python:latest-dev AS builder\n")
    assert "\nFROM cgr.dev/chainguard/python:latest\n" in result.dockerfile


def test_user_package_entry_overrides_builtin(tmp_path: Path) -> None:
    path = write(tmp_path, "family: debian\npackages:\n  curl: [curl, wget]\n  acme-tool: [jq]\n")
    text = "FROM debian:12 AS b\nRUN apt-get install -y curl acme-tool\nFROM scratch\nCOPY --from=b /x /x\n"
    out = migrate_text(text, Options(rules_files=(path,))).dockerfile
    assert "apk add --no-cache curl wget jq" in out


def test_builtin_rules_cover_the_catalogue() -> None:
    rules = load_rules()
    assert len({r.match for r in rules.images}) >= 80
    assert len(rules.packages["debian"]) >= 300
    assert len(rules.packages["alpine"]) >= 150
    assert len(rules.packages["fedora"]) >= 150
    assert rules.image_facts("python").entrypoint == ("/usr/bin/python",)
