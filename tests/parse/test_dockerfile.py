"""The reader is lossless and understands what BuildKit accepts in the wild."""

from __future__ import annotations

import pytest

from migrator.model import MigratorError
from migrator.parse import Instruction, Trivia, parse

ROUND_TRIP = {
    "plain": "FROM python:3.12\nRUN echo hi\n",
    "no trailing newline": "FROM python:3.12\nCMD [\"python\"]",
    "crlf": "FROM python:3.12\r\nRUN apt-get update && \\\r\n    apt-get install -y curl\r\n",
    "bom": "\ufeffFROM alpine\nRUN echo hi\n",
    "tabs": "FROM\talpine\n\tRUN\techo hi\n",
    "comment in continuation": "FROM debian\nRUN apt-get update \\\n  # curl for healthchecks\n  && apt-get install -y curl\n",
    "blank line in continuation": "FROM debian\nRUN echo a \\\n\n  b\n",
    "backtick escape": "# escape=`\nFROM mcr.microsoft.com/windows/servercore\nRUN dir `\n  c:\\\n",
    "heredoc": "FROM debian\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\nCMD [\"bash\"]\n",
    "heredoc tab strip": "FROM debian\nRUN <<-EOT bash\n\techo one\n\tEOT\n",
    "two heredocs": "FROM debian\nRUN <<A cat > /a && <<'B' cat > /b\none\nA\ntwo\nB\n",
    "copy heredoc": "FROM nginx\nCOPY <<EOF /etc/nginx/conf.d/x.conf\nserver {}\nEOF\n",
    "lowercase": "from alpine as Build\nrun echo hi\ncopy --from=build /a /b\n",
    "onbuild": "FROM node\nONBUILD COPY . /app\nONBUILD RUN npm install\n",
    "directives": "# syntax=docker/dockerfile:1\n# check=skip=JSONArgsRecommended\nFROM alpine\n",
    "arg before from": "ARG BASE=python:3.12\nARG TAG\nFROM ${BASE:-python:3} AS app\n",
}


@pytest.mark.parametrize("text", ROUND_TRIP.values(), ids=ROUND_TRIP.keys())
def test_render_gives_the_input_back_byte_for_byte(text: str) -> None:
    assert parse(text).render() == text


def test_continuation_joins_lines_and_drops_inner_comments() -> None:
    doc = parse(ROUND_TRIP["comment in continuation"])
    run = doc.instructions[1]
    assert run.keyword == "RUN"
    assert run.line == 2 and run.end_line == 4
    assert "#" not in run.logical
    assert run.logical.split() == ["RUN", "apt-get", "update", "&&", "apt-get", "install", "-y", "curl"]


def test_heredoc_bodies_belong_to_their_instruction() -> None:
    doc = parse(ROUND_TRIP["two heredocs"])
    run = doc.instructions[1]
    assert [h.delimiter for h in run.heredocs] == ["A", "B"]
    assert run.heredocs[0].body == "one\n" and run.heredocs[1].body == "two\n"
    assert run.heredocs[1].quoted and not run.heredocs[0].quoted
    assert run.heredocs[1].body_line == 5
    assert [i.keyword for i in doc.instructions] == ["FROM", "RUN"]


def test_heredoc_tab_strip_finds_indented_delimiter() -> None:
    doc = parse(ROUND_TRIP["heredoc tab strip"])
    assert [i.keyword for i in doc.instructions] == ["FROM", "RUN"]
    assert doc.instructions[1].heredocs[0].strip_tabs


def test_quoted_heredoc_marker_is_not_a_heredoc() -> None:
    doc = parse('FROM alpine\nRUN echo "<<EOF"\nCMD ["x"]\n')
    assert [i.keyword for i in doc.instructions] == ["FROM", "RUN", "CMD"]
    assert not doc.instructions[1].heredocs


def test_backtick_escape_directive_changes_continuation() -> None:
    doc = parse(ROUND_TRIP["backtick escape"])
    assert doc.escape == "`"
    assert doc.directives == {"escape": "`"}
    assert len(doc.instructions) == 2


def test_directives_are_read_only_at_the_top() -> None:
    doc = parse("FROM alpine\n# syntax=docker/dockerfile:1\n")
    assert doc.directives == {}
    doc = parse(ROUND_TRIP["directives"])
    assert doc.directives == {"syntax": "docker/dockerfile:1", "check": "skip=JSONArgsRecommended"}
    assert isinstance(doc.items[0], Trivia) and doc.items[0].directive == ("syntax", "docker/dockerfile:1")


def test_flags_and_exec_form() -> None:
    doc = parse("FROM --platform=$BUILDPLATFORM golang AS b\nRUN --mount=type=cache,target=/root/.cache go build\n"
                'CMD ["./app", "--port", "80"]\nENTRYPOINT ./run.sh\n')
    from_, run, cmd, entry = doc.instructions
    assert from_.flags == {"platform": "$BUILDPLATFORM"}
    assert run.flags == {"mount": "type=cache,target=/root/.cache"}
    assert run.body == "go build"
    assert cmd.json_args() == ["./app", "--port", "80"]
    assert entry.json_args() is None


def test_crlf_file_reports_its_newline() -> None:
    assert parse(ROUND_TRIP["crlf"]).newline == "\r\n"
    assert parse(ROUND_TRIP["plain"]).newline == "\n"


def test_bom_is_remembered() -> None:
    doc = parse(ROUND_TRIP["bom"])
    assert doc.bom
    assert isinstance(doc.items[0], Instruction) and doc.items[0].keyword == "FROM"


@pytest.mark.parametrize("text", [
    "hello world\nthis is prose\nnot a dockerfile\n",
    "# only a comment\n",
    "RUN echo without from\n",
])
def test_text_that_is_not_a_dockerfile_is_refused(text: str) -> None:
    with pytest.raises(MigratorError):
        parse(text)


def test_dockerfile_parse_loses_what_we_keep() -> None:
    """dockerfile-parse reads heredoc bodies as instructions and drops --platform on rewrite; we do not."""
    dockerfile_parse = pytest.importorskip("dockerfile_parse")
    import tempfile

    text = "FROM --platform=$BUILDPLATFORM python:3.12 AS b\nRUN <<EOF\napt-get update\nEOF\n"
    with tempfile.TemporaryDirectory() as tmp:
        theirs = dockerfile_parse.DockerfileParser(path=tmp)
        theirs.content = text
        their_instructions = [i["instruction"] for i in theirs.structure]
        theirs.baseimage = "cgr.dev/chainguard/python:latest-dev"
        rewritten = theirs.content
    assert len(their_instructions) > 2  # heredoc body lines read as instructions
    assert "--platform" not in rewritten.splitlines()[0]
    ours = parse(text)
    assert [i.keyword for i in ours.instructions] == ["FROM", "RUN"]
    from migrator.api import migrate_text

    assert migrate_text(text).dockerfile.splitlines()[0].startswith("FROM --platform=$BUILDPLATFORM cgr.dev/")
