"""A RUN under bash expands `{a,b}` in its words (`mkdir -p /data/{cache,logs}` makes /data/cache and
/data/logs): the paths the planner reads from it are the expanded ones, never a `/data/{cache,logs}` that
COPY --from would look for and not find. Under sh (dash, busybox ash) the braces are part of the name."""

from __future__ import annotations

import pytest
from migration_tools import final_stage, messages, migrate

from migrator.parse.braces import OPEN, expand_braces, mark
from migrator.rewrite.shell_syntax import simple_commands

APP = """\
FROM python:3.12-slim
{shell}RUN {run}
COPY app.py /app/app.py
CMD ["python", "/app/app.py"]
"""


@pytest.mark.parametrize(("shell", "run"), [
    ('SHELL ["/bin/bash", "-c"]\n', "mkdir -p /data/{cache,logs} && chown -R 1000:1000 /data/{cache,logs}"),
    ('SHELL ["/bin/bash", "-o", "pipefail", "-c"]\n', "mkdir -p /data/cache /data/logs"),
    ("", '["bash", "-c", "mkdir -p /data/{cache,logs}"]'),
])
def test_directories_a_bash_run_makes_with_braces_are_copied_by_their_names(shell: str, run: str) -> None:
    result = migrate(APP.format(shell=shell, run=run))
    final = final_stage(result)
    assert "COPY --from=builder --chown=65532:65532 /data/cache /data/cache\n" in final
    assert "COPY --from=builder --chown=65532:65532 /data/logs /data/logs\n" in final
    assert "{" not in final
    assert any("/data/cache, /data/logs made the app's own" in m for m in messages(result, "MIG555"))


def test_a_bash_stage_inherits_its_parents_shell() -> None:
    result = migrate('FROM python:3.12-slim AS base\nSHELL ["/bin/bash", "-c"]\n'
                     "FROM base\nRUN mkdir -p /var/lib/app/{db,uploads}\nCOPY app.py /app/app.py\n"
                     'CMD ["python", "/app/app.py"]\n')
    final = final_stage(result)
    assert "/var/lib/app/db /var/lib/app/db\n" in final and "/var/lib/app/uploads /var/lib/app/uploads\n" in final


def test_under_sh_the_braces_are_part_of_the_name() -> None:
    result = migrate(APP.format(shell="", run="mkdir -p /srv/{x,y}"))
    assert "COPY --from=builder --chown=65532:65532 /srv/{x,y} /srv/{x,y}\n" in final_stage(result)


def test_programs_a_bash_run_copies_with_braces_are_each_known() -> None:
    result = migrate("FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\n"
                     "RUN go build -o /out/app ./cmd/app && go build -o /out/worker ./cmd/worker\n"
                     'FROM debian:bookworm-slim\nSHELL ["/bin/bash", "-c"]\nCOPY --from=build /out/app /out/worker /tmp/\n'
                     "RUN cp /tmp/{app,worker} /usr/local/bin/\n"
                     'CMD ["/usr/local/bin/app"]\n')
    assert "COPY --from=builder /usr/local/bin/app /usr/local/bin/app\n" in final_stage(result)
    assert any("/usr/local/bin/worker" in m for m in messages(result, "MIG561"))


@pytest.mark.parametrize(("script", "words"), [
    ("mkdir -p /d/{a,b}", ("mkdir", "-p", "/d/a", "/d/b")),
    ("mv f{,.bak} log{01..3}", ("mv", "f", "f.bak", "log01", "log02", "log03")),
    ("cp $D/{c,d} ${X}/{e,{f,g}}", ("cp", "$D/c", "$D/d", "${X}/e", "${X}/f", "${X}/g")),
    ('mkdir "/q/{a,b}" /p/\\{a,b} /x/{a{b,c}}', None),
    ("find . -exec rm {} ;", None),
    ("echo {a..c..2} {5..1..2}", ("echo", "a", "c", "5", "3", "1")),
])
def test_brace_expansion_follows_bash(script: str, words: tuple[str, ...] | None) -> None:
    command = simple_commands(script)[0]
    if words is None:  # quoted or escaped braces, `{a{b,c}}`' outer braces: text
        assert command.braced in (None, ("mkdir", "/q/{a,b}", "/p/{a,b}", "/x/{ab}", "/x/{ac}"))
    else:
        assert command.braced == words


def test_a_brace_expansion_of_thousands_of_words_is_not_read() -> None:
    assert expand_braces(mark("/d/{1..9}{1..9}{1..9}")) is None
    assert OPEN not in "".join(expand_braces(mark("/d/{a")) or [])


def test_directories_a_shell_script_of_a_run_makes_are_carried_unless_conditional() -> None:
    result = migrate(APP.format(shell="", run="sh -c 'test -d /x || mkdir -p /var/lib/y' && "
                                              "bash -c 'mkdir -p /var/lib/app/{db,cache}'"))
    final = final_stage(result)
    assert "COPY --from=builder --chown=65532:65532 /var/lib/app/db /var/lib/app/db\n" in final
    assert "COPY --from=builder --chown=65532:65532 /var/lib/app/cache /var/lib/app/cache\n" in final
    assert "/var/lib/y" not in final  # (made only when /x is missing: a COPY of it could fail the build)
