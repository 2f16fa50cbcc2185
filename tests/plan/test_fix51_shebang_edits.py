"""Edits of a start script's `#!` line that name their files by a glob, find, a loop or perl (adversary 10 D5)."""

from __future__ import annotations

from pathlib import Path

import pytest
from migration_tools import codes, final_stage, migrate

from migrator.plan.edited_files import FileSet, _perl_as_sed
from migrator.plan.sed_edits import SedEdit, first_line_after


def _node_app(context: Path, edit: str, shebang: str = "#!/bin/sh") -> str:
    (context / "package.json").write_text('{"name": "x", "dependencies": {"express": "4"}}')
    (context / "scripts").mkdir()
    (context / "scripts" / "start.sh").write_text(f"{shebang}\nexec node server.js\n")
    (context / "scripts" / "seed.py").write_text("#!/usr/bin/env python3\n")
    return (f"FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\n"
            f'RUN {edit} && chmod +x scripts/start.sh\nCMD ["./scripts/start.sh"]\n')


@pytest.mark.parametrize("edit", [
    "sed -i 's|/bin/sh|/bin/bash|' scripts/*.sh",
    "sed -i 's|/bin/sh|/bin/bash|' /app/scripts/st*.sh",
    "find scripts -name '*.sh' -exec sed -i 's|/bin/sh|/bin/bash|' {} +",
    "find /app/scripts -type f -iname '*.SH' -exec sed -i 's|/bin/sh|/bin/bash|' {} \\;",
    "for f in scripts/*.sh; do sed -i 's|/bin/sh|/bin/bash|' \"$f\"; done",
    "for d in scripts; do for f in $d/*.sh; do sed -i 's|/bin/sh|/bin/bash|' $f; done; done",
    "perl -pi -e 's|^#!/bin/sh|#!/bin/bash|' scripts/start.sh",
    "perl -i.bak -pe 's{^#!/bin/sh}{#!/usr/bin/env bash} if $. == 1' scripts/start.sh",
    "find scripts -name '*.sh' | xargs sed -i 's|/bin/sh|/bin/bash|'",
    "for f in $(find scripts -name '*.sh'); do sed -i 's|^#!/bin/sh|#!/bin/bash|' $f; done",
])
def test_a_sh_start_script_made_bash_through_a_glob_find_loop_or_perl_gets_bash(tmp_path: Path, edit: str) -> None:
    # the `sed -i ... scripts/start.sh` form got wolfi-base + bash; these forms left the script on node:latest,
    # whose busybox has no bash: `./scripts/start.sh` could not exec /bin/bash at any start
    result = migrate(_node_app(tmp_path, edit), context=tmp_path)
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/wolfi-base:latest\n")
    assert "apk add --no-cache nodejs npm bash" in result.dockerfile
    assert f"RUN {edit} && chmod +x scripts/start.sh\n" in result.dockerfile
    assert result.runtime is not None and result.runtime.status == "single-stage"


@pytest.mark.parametrize("edit", [
    "sed -i 's|/bin/sh|/bin/bash|' scripts/*.py",  # a glob the start script is not in
    "sed -i 's|/bin/sh|/bin/bash|' other/*.sh",
    "find scripts -name '*.py' -exec sed -i 's|/bin/sh|/bin/bash|' {} +",
    "find lib -name '*.sh' -exec sed -i 's|/bin/sh|/bin/bash|' {} +",
    "for f in scripts/*.py; do sed -i 's|/bin/sh|/bin/bash|' \"$f\"; done",
    "perl -pi -e 's/PORT/8080/g' scripts/start.sh",
    "find scripts -name '*.sh' | xargs sed -i 's/PORT/8080/'",
])
def test_an_edit_that_leaves_the_start_script_keeps_it_sh_on_node(tmp_path: Path, edit: str) -> None:
    result = migrate(_node_app(tmp_path, edit), context=tmp_path)
    assert final_stage(result).startswith("cgr.dev/chainguard/node:latest\n")
    assert "bash" not in result.dockerfile.replace(edit, "") and "MIG584" not in codes(result)


@pytest.mark.parametrize("edit", [
    "find scripts -name '*.sh' | xargs sed -i 's|^#!/bin/sh|#!/usr/bin/python3|'",
    "for f in $(ls scripts); do sed -i '1s|.*|#!/usr/bin/python3|' scripts/$f; done",
    "perl -pi -e 'print \"#!/bin/bash\\n\" if $. == 1' scripts/start.sh",
])
def test_an_edit_of_files_not_named_that_may_change_the_line_is_said(tmp_path: Path, edit: str) -> None:
    result = migrate(_node_app(tmp_path, edit), context=tmp_path)
    warned = [f for f in result.findings if f.code == "MIG584"]
    assert warned and warned[0].severity.value == "warning" and "/app/scripts/start.sh" in warned[0].message
    # (a RUN the migration rewrites, here with `apk add perl` in front, is reported at its own line too: it was
    # reported at the stage's FROM line)
    assert warned[0].line == 5


def test_a_bash_script_a_glob_edit_makes_sh_runs_on_node(tmp_path: Path) -> None:
    # the other way round: the glob does name the start script, and what it makes of it is read
    result = migrate(_node_app(tmp_path, "sed -i '1s|bash|sh|' scripts/*.sh", "#!/bin/bash"), context=tmp_path)
    assert final_stage(result).startswith("cgr.dev/chainguard/node:latest\n")


def test_a_build_step_running_a_script_made_bash_by_a_loop_gets_bash(tmp_path: Path) -> None:
    (tmp_path / "setup").mkdir()
    (tmp_path / "setup" / "a.sh").write_text("#!/bin/sh\necho set up\n")
    result = migrate("FROM alpine:3.19\nRUN apk add --no-cache curl\nCOPY setup /setup\n"
                     "RUN for f in /setup/*.sh; do sed -i 's|#!/bin/sh|#!/bin/bash|' $f; done && /setup/a.sh\n",
                     context=tmp_path)
    assert "RUN apk add --no-cache bash\n" in result.dockerfile


@pytest.mark.parametrize("path, matched", [
    ("/app/scripts/start.sh", True), ("/app/scripts/sub/start.sh", True), ("/app/start.sh", False),
    ("/app/scripts/start.py", False)])
def test_a_find_is_matched_by_its_roots_and_names(path: str, matched: bool) -> None:
    assert FileSet(roots=("/app/scripts",), names=(("*.sh", False),)).matches(path) is matched


def test_a_find_test_not_read_may_match() -> None:
    assert FileSet(roots=("/app",), names=(("*.sh", False),), partial=True).matches("/app/start.sh") is None
    assert FileSet(globs=("/app/*/start.sh",)).matches("/app/scripts/start.sh") is True
    assert FileSet(globs=("/app/*.sh",)).matches("/app/scripts/start.sh") is False


@pytest.mark.parametrize("code, script", [
    ("s|^#!/bin/sh|#!/bin/bash|", "s\x01^#!/bin/sh\x01#!/bin/bash\x01"),
    ("s/a(b)/$1&/g; s{x}{y}i if $. == 1", "s\x01a(b)\x01\\1\\&\x01g\n1s\x01x\x01y\x01i"),
    ("$. == 1 && s/sh/bash/", "1s\x01sh\x01bash\x01"),
    ("s/a/$x/", None), ("s/a/b/e", None), ("print", None), ("tr/a/b/", None),
])
def test_perl_substitutions_read_as_sed(code: str, script: str | None) -> None:
    assert _perl_as_sed(code) == script


def test_an_edit_that_may_not_touch_the_file_is_taken_when_it_makes_bash() -> None:
    maybe = SedEdit("/s", 4, "s|/bin/sh|/bin/bash|", maybe=True)
    assert first_line_after("#!/bin/sh", [maybe]).text == "#!/bin/bash"
    other = SedEdit("/s", 4, "s|/bin/sh|/bin/dash|", maybe=True)
    assert first_line_after("#!/bin/sh", [other]).unread == 4


@pytest.mark.parametrize("edit", ["sed -i 's|/bin/sh|/bin/bash|' scripts/*.sh",
                                  "for f in scripts/*.sh; do sed -i 's|/bin/sh|/bin/bash|' \"$f\"; done"])
def test_without_the_context_the_glob_edit_is_said_as_the_named_one_is(edit: str) -> None:
    # the script cannot be read (no context on disk): what `s|/bin/sh|/bin/bash|` makes of it is not known, which
    # is said (as for `sed -i ... scripts/start.sh`), not left a silent shell-kept
    result = migrate("FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\n"
                     f'RUN {edit}\nCMD ["./scripts/start.sh"]\n')
    warned = [f for f in result.findings if f.code == "MIG584"]
    assert warned and warned[0].line == 5 and "/app/scripts/start.sh" in warned[0].message
