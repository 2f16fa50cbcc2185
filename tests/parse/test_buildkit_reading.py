"""Where migrator read a Dockerfile differently from BuildKit's parser (second adversarial round, D6).
Each case is what `docker build` does with the file; the reading decides what the migration keeps."""

from __future__ import annotations

import pytest

from migrator.api import migrate_text
from migrator.model import MigratorError
from migrator.parse.dockerfile import parse
from migrator.parse.variables import expand_args


def readings(text: str) -> list[tuple[int, str, tuple[str, ...]]]:
    return [(i.line, i.keyword, tuple(h.delimiter for h in i.heredocs)) for i in parse(text, strict=True).instructions]


@pytest.mark.parametrize(("run", "heredocs"), [
    ("RUN cat << EOF > /etc/app.conf", ("EOF",)),  # dockerfile 1.16: blanks after <<
    ("RUN cat << 'EOF' > /etc/app.conf", ("EOF",)),
    ("RUN echo Don\\'t panic && cat <<EOF > /etc/motd", ("EOF",)),  # an escaped quote opens no string
    ('RUN echo "<<X" && cat <<EOF > /f', ("EOF",)),
    ("RUN cat 2<<EOF", ("EOF",)),
])
def test_a_heredoc_is_where_buildkit_finds_one(run: str, heredocs: tuple[str, ...]) -> None:
    """These files were refused ('unknown instruction PORT=8000')."""
    text = f"FROM python:3.12-slim\n{run}\nport=8000\nEOF\nCMD [\"python\"]\n"
    assert readings(text) == [(1, "FROM", ()), (2, "RUN", heredocs), (5, "CMD", ())]


def test_no_heredoc_where_buildkit_finds_none() -> None:
    """`cat<<EOF` (not the start of a word) and `<<- EOF` open no heredoc for BuildKit."""
    for run in ("RUN cat<<EOF", "RUN cat <<- EOF"):
        with pytest.raises(MigratorError, match="unknown instruction 'X'"):
            parse(f"FROM a\n{run}\nx\nEOF\n", strict=True)


def test_three_trailing_backslashes_end_the_instruction() -> None:
    """BuildKit continues a line only when the escape before the end follows another character; the RUN
    swallowed the CMD, and the migrated runtime had no command at all."""
    text = 'FROM python:3.12-slim\nCOPY app.py /app/app.py\nRUN echo C:\\\\\\\nCMD ["python","/app/app.py"]\n'
    assert [k for _, k, _ in readings(text)] == ["FROM", "COPY", "RUN", "CMD"]
    assert migrate_text(text).dockerfile.endswith('CMD ["python","/app/app.py"]\n')
    assert [k for _, k, _ in readings("FROM a\nRUN a \\\x0c\nCMD b\n")] == ["FROM", "RUN", "CMD"]  # \f: no blank


@pytest.mark.parametrize("text", [
    "# foo=bar\n# escape=`\nFROM debian:12\nRUN apt-get update && \\\n    apt-get install -y curl\n",
    "# escape=\\\n# foo=bar\n# escape=`\nFROM debian:12\nRUN apt-get update && \\\n    apt-get install -y curl\n",
])
def test_directives_end_at_the_first_line_that_is_not_one(text: str) -> None:
    """`# foo=bar` is a comment for BuildKit, and no directive follows it: the escape stays `\\`."""
    doc = parse(text, strict=True)
    assert doc.escape == "\\" and [i.keyword for i in doc.instructions] == ["FROM", "RUN"]


def test_an_indented_directive_counts_and_a_repeated_one_is_refused() -> None:
    assert parse("  # escape=`\nFROM a\nRUN echo `\n  hi\n", strict=True).escape == "`"
    with pytest.raises(MigratorError, match="only one 'escape' parser directive"):
        parse("# escape=`\n# escape=`\nFROM a\n", strict=True)


def test_a_default_may_hold_another_reference() -> None:
    """`${V:-${X}}` stopped at the first `}`: `python:3.12}-slim`, and the stage was left untouched."""
    assert expand_args("python:${V:-${X}}-slim", {"V": "3.12"}) == ("python:3.12-slim", [])
    assert expand_args("${IMG:-${DEF:-debian}}:12", {}) == ("debian:12", [])
    result = migrate_text('ARG V=3.12\nFROM python:${V:-${X}}-slim AS b\nRUN pip install flask\nCMD ["python","app.py"]\n')
    assert not any(f.code == "MIG202" for f in result.findings)
    assert "cgr.dev/chainguard/python" in result.dockerfile
