"""What Docker would refuse is refused (or reported), and no migration makes a file worse.

Issue 12, defects 4 (exit 3 on odd texts) and 10 (FROM continuations, unclosed heredocs, malformed
FROM lines, unknown instructions, files that are not Dockerfiles).
"""

from __future__ import annotations

import pytest

from migrator.api import migrate_text
from migrator.model import MigratorError
from migrator.parse import parse


def test_from_continued_after_its_flags_keeps_continuation_and_stage_name() -> None:
    text = ("FROM --platform=$BUILDPLATFORM \\\n    golang:1.22 AS build\nRUN CGO_ENABLED=0 go build -o /app .\n"
            "FROM gcr.io/distroless/static-debian12\nCOPY --from=build /app /app\nCMD [\"/app\"]\n")
    out = migrate_text(text).dockerfile
    assert out.startswith("FROM --platform=$BUILDPLATFORM \\\n    cgr.dev/chainguard/go:latest-dev AS build\n")
    assert migrate_text(out).dockerfile == out


def test_from_with_as_on_the_next_line_gets_no_second_as() -> None:
    text = "FROM python:3.12-slim \\\n  AS builder\nRUN pip install flask\nCMD [\"python\", \"app.py\"]\n"
    out = migrate_text(text).dockerfile
    first = out.split("\n\n")[0]
    assert first.startswith("FROM cgr.dev/chainguard/python:latest-dev \\\n  AS builder-build\n")
    assert first.upper().count(" AS ") == 1
    assert migrate_text(out).dockerfile == out


def test_comment_inside_a_from_continuation() -> None:
    text = "FROM \\\n# the base\n  python:3.12-slim AS app\nCMD [\"python\"]\n"
    out = migrate_text(text).dockerfile
    assert out.startswith("FROM \\\n# the base\n  cgr.dev/chainguard/python:latest-dev AS app-build\n")


@pytest.mark.parametrize(("text", "message"), [
    ("FROM python:3.12-slim\nRUN <<EOF\npip install flask\n", "line 2: heredoc <<EOF is never closed"),
    ("FROM python:3.12-slim\nCOPY <<-'END' /app/x\n\thello\n", "heredoc <<END is never closed"),
    ("FROM python:3.12-slim builder\nCMD [\"python\"]\n", "line 1: FROM takes IMAGE [AS NAME], got 'python:3.12-slim builder'"),
    ("FROM python:3.12-slim AS\nCMD [\"python\"]\n", "FROM takes IMAGE [AS NAME]"),
    ("FROM python:3.12-slim AS 1st\nCMD [\"python\"]\n", "'1st' is not a valid stage name"),
    ("FROM --platform=linux/amd64\nCMD [\"python\"]\n", "FROM takes IMAGE [AS NAME], got 'nothing'"),
    ("FROM python:3.12-slim\nFROBNICATE x\nCMD [\"python\"]\n", "line 2: unknown instruction 'FROBNICATE'"),
    ("FROM python:3.12-slim\nONBUILD ONBUILD RUN x\n", "ONBUILD cannot trigger 'ONBUILD'"),
    ("#!/bin/sh\nfrom python import x\n", "line 2: FROM takes IMAGE [AS NAME], got 'python import x'"),
    # found by tests/property: the runtime stage appended after it became part of the HEALTHCHECK
    ("FROM node:20-slim\nRUN npm ci\nHEALTHCHECK CMD curl -f http://localhost:3000/ || exit 1 \\\n",
     "line 3: the file ends inside this instruction"),
    ("FROM node:20-slim\nWORKDIR /app\n", None),
    # found by tests/property: an instruction before the first FROM (BuildKit: no build stage)
    ("WORKDIR /app\nFROM node:20-slim\nCMD [\"node\"]\n", "line 1: WORKDIR before the first FROM"),
])
def test_what_docker_refuses_is_refused_with_the_line(text: str, message: str | None) -> None:
    if message is None:  # the control case
        assert migrate_text(text).changed
        return
    with pytest.raises(MigratorError) as error:
        migrate_text(text)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_lenient_reading_keeps_the_problem_for_validation() -> None:
    doc = parse("FROM x\nFOO bar\n")
    assert [i.keyword for i in doc.instructions] == ["FROM", "FOO"]
    assert doc.problems == ["line 2: unknown instruction 'FOO' (Docker refuses this file)"]


def test_stage_names_with_args_are_left_to_buildkit() -> None:
    assert parse("ARG N=x\nFROM alpine:3.20 AS ${N}-base\n", strict=True).problems == []


@pytest.mark.parametrize("text", [
    'FROM node:20\nHEALTHCHECK CMD curl -f "http://localhost:3000/health || exit 1\n',
    'FROM python:3.12\nRUN apt-get update \\\n# comment\nCMD ["python"]\n',
])
def test_odd_texts_of_issue_12_are_migrated_without_an_internal_error(text: str) -> None:
    result = migrate_text(text)
    assert migrate_text(result.dockerfile).dockerfile == result.dockerfile


def test_an_instruction_swallowed_by_a_continuation_is_reported() -> None:
    result = migrate_text('FROM python:3.12\nRUN apt-get update \\\n# comment\nCMD ["python"]\n')
    assert [(f.code, f.line) for f in result.findings if f.code == "MIG103"] == [("MIG103", 4)]
    quiet = migrate_text("FROM python:3.12\nRUN apt-get install -y \\\n  # the client\n  curl\n")
    assert not [f for f in quiet.findings if f.code == "MIG103"]
