"""Inline pragmas: `# migrate: ignore=...` for the next instruction, `# migrate: skip-file`."""

from __future__ import annotations

from dataclasses import dataclass

from migrator.model import Finding, Severity
from migrator.parse.pragmas import filter_findings, parse_pragmas

TEXT = """\
# syntax=docker/dockerfile:1
FROM python:3.11
# migrate: ignore=MIG301, mig402

# an ordinary comment between the pragma and its instruction
RUN apt-get update && \\
    # a comment inside the continuation
    apt-get install -y libfoo
RUN <<EOF
apt-get install -y libbar
EOF
RUN apt-get install -y libbaz
"""


def w(code: str, line: int) -> Finding:
    return Finding(code, Severity.WARNING, line, "message")


def test_ignore_covers_the_whole_next_instruction_only() -> None:
    pragmas = parse_pragmas(TEXT)
    assert pragmas.spans == ((2, 2), (6, 8), (9, 11), (12, 12))
    for line in (6, 7, 8):
        assert pragmas.ignored_at(line) == {"MIG301", "MIG402"}
    assert pragmas.ignored_at(2) == set()
    assert pragmas.ignored_at(10) == set()
    findings = [w("MIG301", 8), w("MIG402", 6), w("MIG301", 10), w("MIG302", 8), w("MIG301", 0)]
    assert filter_findings(findings, pragmas) == [w("MIG301", 10), w("MIG302", 8), w("MIG301", 0)]


def test_pragmas_add_up_and_heredoc_bodies_belong_to_their_instruction() -> None:
    text = (
        "FROM a\n# migrate: ignore=MIG301\n# migrate: ignore=MIG302\nRUN <<-EOT\n\tapk add x\n\tEOT\nRUN y\n"
    )
    pragmas = parse_pragmas(text)
    assert pragmas.ignored_at(5) == {"MIG301", "MIG302"}
    assert pragmas.ignored_at(7) == set()


def test_explicit_spans_from_the_reader_win() -> None:
    @dataclass
    class Instruction:
        line: int
        end_line: int

    pragmas = parse_pragmas("FROM a\n# migrate: ignore=MIG301\nRUN x\n")
    assert filter_findings([w("MIG301", 4)], pragmas) == [w("MIG301", 4)]
    assert filter_findings([w("MIG301", 4)], pragmas, [(1, 1), (3, 5)]) == []
    assert filter_findings([w("MIG301", 4)], pragmas, [Instruction(1, 1), Instruction(3, 5)]) == []


def test_backtick_escape_directive_continues_lines() -> None:
    pragmas = parse_pragmas("# escape=`\nFROM a\n# migrate: ignore=MIG301\nRUN a `\n  b\nRUN c \\\n")
    assert pragmas.spans == ((2, 2), (4, 5), (6, 6))
    assert pragmas.ignored_at(5) == {"MIG301"}


def test_skip_file_drops_every_finding() -> None:
    pragmas = parse_pragmas("FROM a\n#migrate:skip-file\nRUN x\n")
    assert pragmas.skip_file
    assert filter_findings([w("MIG301", 3), w("MIG703", 0)], pragmas) == []
    assert not parse_pragmas("FROM a\nRUN echo '# migrate: skip-file'\n").skip_file


def test_an_unreadable_pragma_is_reported_not_ignored() -> None:
    pragmas = parse_pragmas("FROM a\n# migrate: ignore MIG301\nRUN x\n")
    assert pragmas.ignored_at(3) == set()
    (problem,) = filter_findings([], pragmas)
    assert (problem.code, problem.line) == ("MIG701", 2)
    assert "expected 'ignore=CODE[,CODE]' or 'skip-file'" in problem.message
    assert filter_findings([problem], pragmas) == [problem]  # filtering twice adds nothing


def test_crlf_and_bom() -> None:
    pragmas = parse_pragmas("\ufeffFROM a\r\n# migrate: ignore=MIG301\r\nRUN x \\\r\n  y\r\n")
    assert pragmas.spans == ((1, 1), (3, 4))
    assert pragmas.ignored_at(4) == {"MIG301"}
