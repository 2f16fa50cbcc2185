"""Output formats: what CI systems and people read (text, json, sarif, github, gitlab)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest

from migrator.model import Finding, Result, Severity
from migrator.report.formats import escape_data, escape_property, render_findings


def sample(path: str = "svc/Dockerfile") -> list[Result]:
    findings = [
        Finding("MIG301", Severity.WARNING, 3, "package 'libfoo' has no Wolfi name: kept"),
        Finding("MIG202", Severity.ERROR, 1, "unknown base image 'registry:5000/x'"),
        Finding("MIG703", Severity.ERROR, 0, "about the whole file"),
        Finding("MIG201", Severity.INFO, 1, "FROM python:3.11 -> cgr.dev/chainguard/python:latest-dev"),
    ]
    return [Result(path, "FROM x\n", "FROM y\n", findings=findings), Result("other/Dockerfile", "", "")]


def test_text_is_one_line_per_finding_in_file_order() -> None:
    assert render_findings(sample(), "text").splitlines() == [
        "svc/Dockerfile: error MIG703 about the whole file",
        "svc/Dockerfile:1: error MIG202 unknown base image 'registry:5000/x'",
        "svc/Dockerfile:1: info MIG201 FROM python:3.11 -> cgr.dev/chainguard/python:latest-dev",
        "svc/Dockerfile:3: warning MIG301 package 'libfoo' has no Wolfi name: kept",
    ]
    assert render_findings([], "text") == ""


def test_json_is_hadolints_flat_array() -> None:
    items = json.loads(render_findings(sample(), "json"))
    assert items[1] == {
        "file": "svc/Dockerfile",
        "line": 1,
        "column": 1,
        "level": "error",
        "code": "MIG202",
        "message": "unknown base image 'registry:5000/x'",
    }
    assert items[0]["line"] == 1  # whole-file findings still point at a real line
    assert json.loads(render_findings([], "json")) == []


# The official SARIF 2.1.0 schema cannot be fetched here (no network) and is too large to copy in;
# this is a minimal schema of our own covering the parts that code-scanning uploads require.
SARIF_MINIMAL_SCHEMA = {
    "type": "object",
    "required": ["version", "runs", "$schema"],
    "properties": {
        "version": {"const": "2.1.0"},
        "runs": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["tool", "results"],
                "properties": {
                    "tool": {
                        "type": "object",
                        "required": ["driver"],
                        "properties": {
                            "driver": {
                                "type": "object",
                                "required": ["name", "rules"],
                                "properties": {
                                    "name": {"type": "string"},
                                    "rules": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "required": [
                                                "id",
                                                "name",
                                                "shortDescription",
                                                "fullDescription",
                                                "help",
                                                "defaultConfiguration",
                                            ],
                                            "properties": {
                                                "shortDescription": {"$ref": "#/$defs/message"},
                                                "fullDescription": {"$ref": "#/$defs/message"},
                                                "help": {"$ref": "#/$defs/message"},
                                                "defaultConfiguration": {
                                                    "type": "object",
                                                    "properties": {"level": {"$ref": "#/$defs/level"}},
                                                },
                                            },
                                        },
                                    },
                                },
                            }
                        },
                    },
                    "results": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["ruleId", "level", "message", "locations"],
                            "properties": {
                                "level": {"$ref": "#/$defs/level"},
                                "message": {"$ref": "#/$defs/message"},
                                "locations": {
                                    "type": "array",
                                    "minItems": 1,
                                    "items": {
                                        "type": "object",
                                        "required": ["physicalLocation"],
                                        "properties": {
                                            "physicalLocation": {
                                                "type": "object",
                                                "required": ["artifactLocation", "region"],
                                                "properties": {
                                                    "artifactLocation": {
                                                        "type": "object",
                                                        "required": ["uri"],
                                                        "properties": {
                                                            "uri": {"type": "string", "pattern": "^[^/]"}
                                                        },
                                                    },
                                                    "region": {
                                                        "type": "object",
                                                        "required": ["startLine"],
                                                        "properties": {
                                                            "startLine": {"type": "integer", "minimum": 1}
                                                        },
                                                    },
                                                },
                                            }
                                        },
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
    },
    "$defs": {
        "level": {"enum": ["none", "note", "warning", "error"]},
        "message": {
            "type": "object",
            "required": ["text"],
            "properties": {"text": {"type": "string", "minLength": 1}},
        },
    },
}


def test_sarif_has_the_structure_code_scanning_needs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    absolute = str(tmp_path / "my app" / "Dockerfile")
    log = json.loads(render_findings(sample(absolute), "sarif"))
    jsonschema.validate(log, SARIF_MINIMAL_SCHEMA)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["MIG703", "MIG202", "MIG201", "MIG301"]
    mig703 = rules[0]
    assert mig703["shortDescription"]["text"] == "File cannot be read as a Dockerfile"
    assert "exclude the file" in mig703["help"]["text"]  # the catalogue's doc
    assert mig703["defaultConfiguration"]["level"] == "error"
    first = run["results"][0]
    assert first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "my%20app/Dockerfile"
    assert [r["level"] for r in run["results"]] == ["error", "error", "note", "warning"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_github_annotations_escape_per_the_workflow_command_rules() -> None:
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a,b:c%") == "a%2Cb%3Ac%25"
    lines = render_findings(sample("dir,x/Docker:file"), "github").splitlines()
    assert (
        lines[1]
        == "::error file=dir%2Cx/Docker%3Afile,line=1,title=MIG202::unknown base image 'registry:5000/x'"
    )
    assert lines[2].startswith("::notice file=")
    assert lines[3].startswith("::warning file=dir%2Cx/Docker%3Afile,line=3,title=MIG301::")


def test_github_annotations_show_control_and_bidi_characters_escaped_as_the_text_format_does() -> None:
    name = "x\u202e\x1b[31mred/Dockerfile"
    line = render_findings(sample(name), "github").splitlines()[1]
    assert line.startswith("::error file=x\\u202e\\x1b[31mred/Dockerfile,line=1,")
    assert line.isprintable()
    assert "x\\u202e\\x1b[31mred/Dockerfile:1:" in render_findings(sample(name), "text")
    assert escape_data("a\x07b\nc") == "a\\x07b%0Ac"


def test_gitlab_code_quality_report() -> None:
    issues = json.loads(render_findings(sample(), "gitlab"))
    assert issues[1]["check_name"] == "MIG202"
    assert issues[1]["severity"] == "major"
    assert issues[1]["location"] == {"path": "svc/Dockerfile", "lines": {"begin": 1}}
    assert issues[1]["description"].startswith("MIG202: unknown base image")
    assert {i["severity"] for i in issues} <= {"info", "minor", "major", "critical", "blocker"}
    assert len({i["fingerprint"] for i in issues}) == len(issues)


def test_gitlab_fingerprints_are_stable_when_lines_move_and_distinct_for_repeats() -> None:
    def report(line: int, repeats: int = 1) -> list[str]:
        finding = Finding("MIG301", Severity.WARNING, line, "package kept")
        result = Result("Dockerfile", "", "", findings=[finding] * repeats)
        return [i["fingerprint"] for i in json.loads(render_findings([result], "gitlab"))]

    assert report(3) == report(30)
    first, second = report(3, repeats=2)
    assert first != second and first == report(3)[0]


def test_paths_are_reported_relative_to_the_working_directory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    results = [
        Result(os.path.join(str(tmp_path), "a", "Dockerfile"), "", "", findings=sample()[0].findings[:1])
    ]
    assert json.loads(render_findings(results, "json"))[0]["file"] == "a/Dockerfile"


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="choose one of text, json, sarif, github, gitlab"):
        render_findings([], "xml")
