"""Adversary round 9 E4: a start script a RUN writes from another file's text (`sed ... start.sh > /start.sh`,
`cat`, `tr`, `envsubst`) is what that file is, with the first line the command makes of it."""

from __future__ import annotations

from pathlib import Path

import pytest
from migration_tools import codes, final_stage, migrate

from migrator.plan.sed_edits import FirstLine
from migrator.plan.text_filters import text_filter


def _node_app(context: Path, shebang: str = "#!/bin/sh") -> None:
    (context / "package.json").write_text('{"name": "x", "dependencies": {"express": "4"}}')
    (context / "start.sh").write_text(f"{shebang}\nexec node server.js\n")


def _dockerfile(run: str) -> str:
    return (f"FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nRUN npm ci --omit=dev\nRUN {run}\n"
            'CMD ["/start.sh"]\n')


@pytest.mark.parametrize("run", [
    "sed -e 's|/bin/sh|/bin/bash|' start.sh > /start.sh && chmod +x /start.sh",
    "sed 's/^#!\\/bin\\/sh/#!\\/bin\\/bash/' < start.sh > /start.sh && chmod +x /start.sh",
    "sed -E '1s,.*,#!/usr/bin/env bash,' start.sh | tee /start.sh && chmod +x /start.sh",
    "cd /app && sed 's|sh$|bash|' ./start.sh > /tmp/s && install -m 755 /tmp/s /start.sh",
])
def test_a_sh_script_written_as_bash_by_sed_gets_bash(tmp_path: Path, run: str) -> None:
    # the container started /start.sh (#!/bin/bash) on node:latest, which has busybox sh and no bash
    _node_app(tmp_path)
    result = migrate(_dockerfile(run), context=tmp_path)
    assert result.runtime is not None and result.runtime.status == "single-stage"
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/wolfi-base:latest\n"
                                        "RUN apk add --no-cache nodejs npm bash\n")
    assert f"RUN {run}\n" in result.dockerfile and "MIG584" not in codes(result)


@pytest.mark.parametrize("run", [
    "cat start.sh > /start.sh && chmod +x /start.sh",
    "tr -d '\\r' < start.sh > /start.sh && chmod +x /start.sh",
])
def test_a_bash_script_copied_by_a_filter_gets_bash(tmp_path: Path, run: str) -> None:
    _node_app(tmp_path, "#!/bin/bash")
    result = migrate(_dockerfile(run), context=tmp_path)
    assert "RUN apk add --no-cache nodejs npm bash\n" in result.dockerfile


@pytest.mark.parametrize("run", [
    "sed 's/server.js/index.js/' start.sh > /start.sh && chmod +x /start.sh",
    "tr -d '\\r' < start.sh > /start.sh && chmod +x /start.sh",
])
def test_a_sh_script_left_sh_by_the_filter_stays_on_node(tmp_path: Path, run: str) -> None:
    _node_app(tmp_path)
    result = migrate(_dockerfile(run), context=tmp_path)
    assert final_stage(result).startswith("cgr.dev/chainguard/node:latest\n")
    assert "bash" not in result.dockerfile and "MIG584" not in codes(result)
    assert result.runtime is not None and result.runtime.status == "shell-kept"


def test_a_filter_edit_not_read_is_said(tmp_path: Path) -> None:
    _node_app(tmp_path)
    result = migrate(_dockerfile("sed '1{s/sh/bash/}' start.sh > /start.sh"), context=tmp_path)
    warned = [f for f in result.findings if f.code == "MIG584"]
    assert warned and warned[0].line == 5 and warned[0].severity.value == "warning"
    assert "/app/start.sh" in warned[0].message and "cannot read" in warned[0].message


def test_a_filtered_script_not_on_disk_is_said() -> None:
    # no build context: what `s|/bin/sh|/bin/bash|` makes of the line is not known (the `#!` form is: see below)
    result = migrate(_dockerfile("sed -e 's|/bin/sh|/bin/bash|' start.sh > /start.sh"))
    warned = [f for f in result.findings if f.code == "MIG584"]
    assert warned and "give --context" in warned[0].message


def test_a_shebang_made_bash_by_sed_needs_no_context() -> None:
    result = migrate(_dockerfile("sed -e 's|#!/bin/sh|#!/bin/bash|' start.sh > /start.sh"))
    assert "RUN apk add --no-cache nodejs npm bash\n" in result.dockerfile and "MIG584" not in codes(result)


@pytest.mark.parametrize("words, stdin, first, after", [
    (["sed", "-n", "p", "a.sh"], None, "#!/bin/sh", FirstLine(None, 3)),
    (["sed", "-i", "s/a/b/", "a.sh"], None, "#!/bin/sh", None),  # (in place: it writes nothing)
    (["cat", "-A", "a.sh"], None, "#!/bin/sh", None),
    (["tr", "a-z", "A-Z"], "a.sh", "#!/bin/sh", FirstLine("#!/BIN/SH")),
    (["tr", "-s", " "], "a.sh", "#!/bin/sh", FirstLine(None, 3)),
    (["envsubst"], "a.sh", "#!${SHELL}", FirstLine(None, 3)),
    (["envsubst", "$PORT"], "a.sh", "#!${SHELL}", FirstLine("#!${SHELL}")),
    (["envsubst"], None, "#!/bin/sh", None),
])
def test_filters_read_only_what_is_certain(words: list[str], stdin: str | None, first: str,
                                          after: FirstLine | None) -> None:
    read = text_filter(words, stdin, 3)
    assert (read.first_line(first) if read is not None else None) == after


@pytest.mark.parametrize("edit, bash", [("s/hi/ho/", True), ("s|/bin/bash|/bin/sh|", False)])
def test_a_build_step_running_a_filtered_bash_script_gets_bash(tmp_path: Path, edit: str, bash: bool) -> None:
    # a RUN step of a stage on wolfi-base (busybox sh) runs the copy sed wrote of a #!/bin/bash script
    (tmp_path / "setup.sh").write_text("#!/bin/bash\necho hi\n")
    run = f"RUN sed '{edit}' /tmp/setup.sh > /tmp/s2.sh && chmod +x /tmp/s2.sh && /tmp/s2.sh\n"
    result = migrate("FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y curl\nCOPY setup.sh /tmp/\n" + run,
                     context=tmp_path)
    assert result.dockerfile.startswith("FROM cgr.dev/chainguard/wolfi-base:latest\n")
    assert ("RUN apk add --no-cache bash\n" in result.dockerfile) is bash and run in result.dockerfile
