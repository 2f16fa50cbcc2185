"""ONBUILD triggers in the runtime stage are judged the same in every form (adversary round 5, L1; round 4, B2).

A trigger runs in every build FROM the migrated image, on the runtime image, as its user. `RUN yarn install`
fails there whether it is written in exec form, shell form, through `sh -c` or `/usr/bin/env`; so does
`apk add` on a runtime without apk, or as nonroot. Each such trigger is dropped with one MIG525; a trigger that
is kept gets one MIG102, never both.
"""

from __future__ import annotations

import pytest
from migration_tools import final_stage, migrate

from migrator.api import migrate_text
from migrator.model import Finding


def _node(trigger: str) -> tuple[str, list[Finding]]:
    result = migrate(f'FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci\n{trigger}\nCMD ["node","server.js"]\n')
    runtime = result.dockerfile[result.dockerfile.index("\nFROM cgr.dev/chainguard/node:latest\n"):]
    return runtime, [f for f in result.findings if f.code in ("MIG525", "MIG102", "MIG310")]


@pytest.mark.parametrize("trigger, program", [
    ('ONBUILD RUN ["yarn","install"]', "yarn"),
    ("ONBUILD RUN yarn install", "yarn"),
    ('ONBUILD RUN ["sh","-c","yarn install"]', "yarn"),
    ("ONBUILD RUN npm ci && yarn build", "yarn"),
    ('ONBUILD RUN ["/usr/bin/env","yarn","install"]', "yarn"),
    ("ONBUILD RUN env CI=1 yarn install", "yarn"),
    ("ONBUILD CMD yarn start", "yarn"),
    ('ONBUILD RUN ["apk","add","git"]', "apk"),
    ("ONBUILD RUN apk add --no-cache git", "apk"),
    ("ONBUILD RUN apt-get update && apt-get install -y git", "apt-get"),
    ("ONBUILD RUN <<EOF\nyarn install\nEOF", "yarn"),
])
def test_a_trigger_running_what_the_runtime_lacks_is_dropped_in_every_form(trigger: str, program: str) -> None:
    runtime, found = _node(trigger)
    assert "ONBUILD" not in runtime
    assert [f.code for f in found] == ["MIG525"]
    assert f"it runs {program}, which the runtime does not have" in found[0].message


@pytest.mark.parametrize("trigger", [
    "ONBUILD RUN npm ci", 'ONBUILD RUN ["sh","-c","npm ci && node build.js"]', "ONBUILD RUN cd /app && npm run build",
    "ONBUILD COPY . /app",
])
def test_a_trigger_the_runtime_can_run_is_kept_with_one_warning(trigger: str) -> None:
    runtime, found = _node(trigger)
    assert f"\n{trigger}\n" in runtime
    assert [f.code for f in found] == ["MIG102"]


def test_a_trigger_needing_root_is_dropped_on_a_nonroot_runtime() -> None:
    runtime, found = _node("ONBUILD RUN adduser -D app")
    assert "ONBUILD" not in runtime
    assert [f.code for f in found] == ["MIG525"] and "which needs root, and the runtime runs as uid 65532" in found[0].message


def test_env_itself_is_a_program_a_distroless_runtime_lacks() -> None:
    result = migrate_text('FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n'
                          'ONBUILD RUN ["/usr/bin/env","python","-m","compileall","."]\nCMD ["python","app.py"]\n')
    runtime = final_stage(result)
    assert "ONBUILD" not in runtime
    [dropped] = [f.message for f in result.findings if f.code in ("MIG525", "MIG102")]
    assert "it runs env, which the runtime does not have" in dropped


def test_a_trigger_of_a_stage_that_is_not_split_keeps_its_warning() -> None:
    result = migrate_text("FROM debian:12\nONBUILD RUN echo hi\nCMD [\"bash\"]\n")
    assert [f.line for f in result.findings if f.code == "MIG102"] == [2]


def test_apk_add_on_a_dev_runtime_is_dropped_because_the_trigger_runs_as_nonroot() -> None:
    text = ("FROM ruby:3.3-alpine AS b\nWORKDIR /app\nCOPY . .\nRUN gem install rails\nFROM ruby:3.3-alpine\n"
            "RUN apk add --no-cache nodejs\nWORKDIR /app\nCOPY --from=b /app /app\n"
            "ONBUILD RUN apk add --no-cache git\nONBUILD RUN [\"bundle\",\"install\"]\n")
    result = migrate_text(text)
    runtime = final_stage(result)
    assert runtime.startswith("cgr.dev/chainguard/ruby:latest-dev\n")  # (apk is there, root is not)
    assert "ONBUILD RUN apk" not in runtime and '\nONBUILD RUN ["bundle","install"]\n' in runtime
    assert [(f.code, f.line) for f in result.findings if f.code in ("MIG525", "MIG102")] == [
        ("MIG525", 9), ("MIG102", 10)]
    assert "it runs apk, which needs root" in next(f.message for f in result.findings if f.code == "MIG525")


def test_bash_c_on_a_runtime_with_only_busybox_sh_names_bash() -> None:
    runtime, found = _node('ONBUILD RUN ["bash","-c","npm ci"]')
    assert "ONBUILD" not in runtime
    assert [f.code for f in found] == ["MIG525"] and "it runs bash, which the runtime does not have" in found[0].message


@pytest.mark.parametrize("interpreter, kept", [("node", True), ("python3", False)])
def test_a_heredoc_trigger_with_a_shebang_is_judged_by_its_interpreter(interpreter: str, kept: bool) -> None:
    trigger = f"ONBUILD RUN <<EOF\n#!/usr/bin/env {interpreter}\nimport('fs')\nEOF"
    runtime, found = _node(trigger)
    assert (f"\n{trigger}\n" in runtime) == kept
    assert [f.code for f in found] == (["MIG102"] if kept else ["MIG525"])
