"""Adversary 8, E1: a COPY/ADD into a directory destination puts each source there under its own name
(`COPY docker-entrypoint.sh /usr/local/bin/`), so a later `chmod +x /usr/local/bin/docker-entrypoint.sh`
runs on a file the stage made: no E MIG412 (path of the source image), on any base, in every spelling of
the directory destination. A path that no COPY put there is still reported."""

from __future__ import annotations

import pytest
from migration_tools import codes, errors, migrate

from migrator.model import Severity
from migrator.parse.dockerfile import parse
from migrator.plan.facts import read_facts
from migrator.plan.stages import split_stages

ENTRY = "/usr/local/bin/docker-entrypoint.sh"


def app(base: str, copy: str, run: str = f"RUN chmod +x {ENTRY}", workdir: str = "/app") -> str:
    install, command = (("RUN npm ci --omit=dev", '["node","server.js"]') if base.startswith("node")
                        else ("RUN pip install -r requirements.txt", '["python","app.py"]'))
    return (f"FROM {base}\nWORKDIR {workdir}\nCOPY . .\n{install}\n{copy}\n{run}\n"
            f'ENTRYPOINT ["docker-entrypoint.sh"]\nCMD {command}\n')


COPIES = [
    "COPY docker-entrypoint.sh /usr/local/bin/",  # the usual form: a directory destination
    "COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh",
    "COPY wait-for-it.sh docker-entrypoint.sh /usr/local/bin/",  # several sources
    "COPY wait-for-it.sh docker-entrypoint.sh /usr/local/bin",  # several sources: a directory without the slash
    'COPY ["docker-entrypoint.sh", "/usr/local/bin/"]',
    "ADD docker-entrypoint.sh /usr/local/bin/",
    "COPY --chmod=755 scripts/docker-entrypoint.sh /usr/local/bin/",
]


@pytest.mark.parametrize("base", ["node:20-alpine", "python:3.12-slim", "node:20"])
@pytest.mark.parametrize("copy", COPIES)
def test_a_file_copied_into_a_directory_is_the_stages_own(base: str, copy: str) -> None:
    result = migrate(app(base, copy))
    assert not errors(result, "MIG412"), copy
    assert f"\nRUN chmod +x {ENTRY}\n" in result.dockerfile  # (ADD of a local file may become COPY)


@pytest.mark.parametrize("base", ["node:20-alpine", "python:3.12-slim"])
def test_a_workdir_relative_destination_is_joined_with_the_workdir(base: str) -> None:
    text = app(base, "WORKDIR /usr/local/bin\nCOPY docker-entrypoint.sh ./\nWORKDIR /app", workdir="/app")
    assert not errors(migrate(text), "MIG412")
    text = app(base, "WORKDIR /usr/local/bin\nCOPY docker-entrypoint.sh .\nWORKDIR /app", workdir="/app")
    assert not errors(migrate(text), "MIG412")


@pytest.mark.parametrize("copy", ["COPY *.sh /usr/local/bin/", "COPY scripts/ /usr/local/bin/",
                                  "COPY scripts /usr/local/bin/"])
def test_a_glob_or_a_directory_copied_into_the_directory_may_have_put_it_there(copy: str) -> None:
    assert not errors(migrate(app("node:20-alpine", copy)), "MIG412")


def test_a_path_no_copy_put_there_is_still_reported() -> None:
    # the copy lands in /usr/local/bin/entrypoint.sh: docker-entrypoint.sh is still the node image's own path
    result = migrate(app("node:20-alpine", "COPY entrypoint.sh /usr/local/bin/"))
    assert [m for m in errors(result, "MIG412") if ENTRY in m]
    assert "MIG412" in codes(result, Severity.ERROR)


def test_a_copy_after_the_command_does_not_make_the_path() -> None:
    text = app("node:20-alpine", f"RUN chmod +x {ENTRY}", run="COPY docker-entrypoint.sh /usr/local/bin/")
    assert errors(migrate(text), "MIG412")


@pytest.mark.parametrize("body, landed", [
    ("a.sh /usr/local/bin/", ["/usr/local/bin/a.sh"]),
    ("a.sh b.sh /usr/local/bin", ["/usr/local/bin/a.sh", "/usr/local/bin/b.sh"]),
    ("a.sh ./", ["/srv/a.sh"]),
    ("a.sh .", ["/srv/a.sh"]),
    ("a.sh /opt/run.sh", ["/opt/run.sh"]),
    ("bin /opt/", ["/opt/bin", "/opt"]),  # a file, or a directory whose contents land in /opt
    ("scripts/ /opt/", ["/opt"]),  # a directory's contents: names the file does not show
    (". /opt/", ["/opt"]),
    ("*.sh /opt/", ["/opt/*.sh"]),
])
def test_the_stage_facts_say_where_each_copied_source_landed(body: str, landed: list[str]) -> None:
    stage = split_stages(parse(f"FROM alpine\nWORKDIR /srv\nCOPY {body}\n")).stages[0]
    assert [path for _, path in read_facts(stage).copied] == landed


@pytest.mark.parametrize("destination", ["./", ".", "/srv/"])
def test_a_heredoc_copied_into_a_directory_is_named_by_its_delimiter(destination: str) -> None:
    from migrator.validate.stage_view import placed_by

    staged = split_stages(parse(f"FROM alpine\nWORKDIR /srv\nCOPY <<run.sh {destination}\necho hi\nrun.sh\n"))
    stage = staged.stages[0]
    copy = next(i for i in stage.instructions if i.keyword == "COPY")
    assert [p.path for p in placed_by(copy, "/srv", {}, staged, stage)] == ["/srv/run.sh"]
    assert [path for _, path in read_facts(stage).copied] == ["/srv/run.sh"]
