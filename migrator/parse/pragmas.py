"""Inline pragmas: `# migrate: ignore=CODE[,CODE]` and `# migrate: skip-file`.

    pragmas = parse_pragmas(text)
    if pragmas.skip_file: ...                      # leave the file alone
    findings = filter_findings(findings, pragmas, spans)

`ignore=` applies to the next instruction: the one that starts on the first line after the pragma
that is neither blank nor a comment, over that instruction's whole line span (continuation lines and
heredoc bodies included). Several pragmas before one instruction add up. `skip-file` may stand on
any comment line outside an instruction. A `# migrate:` comment we cannot read is reported
(MIG701) rather than silently doing nothing.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence

from migrator.model import Finding, Severity
from migrator.parse.dockerfile import heredoc_markers, line_continues
from migrator.records import dataclass, field
from migrator.regex import lazy as lazy_re

_PRAGMA = lazy_re(r"^\s*#\s*migrate\s*:\s*(.*?)\s*$", re.IGNORECASE)
_IGNORE = lazy_re(r"^ignore\s*=\s*([A-Za-z]+[0-9]+(?:\s*,\s*[A-Za-z]+[0-9]+)*)\s*,?$", re.IGNORECASE)
_SKIP_FILE = lazy_re(r"^skip-file$", re.IGNORECASE)
_ESCAPE = lazy_re(r"^#\s*escape\s*=\s*(\S)\s*$", re.IGNORECASE)
_DIRECTIVE = lazy_re(r"^#\s*[A-Za-z][A-Za-z0-9_-]*\s*=")
_HEREDOC_KEYWORDS = ("RUN", "COPY", "ADD")

BAD_PRAGMA = "MIG701"

Span = tuple[int, int]


@dataclass(frozen=True)
class Pragmas:
    skip_file: bool = False
    # instruction start line -> codes ignored on that instruction
    ignores: dict[int, frozenset[str]] = field(default_factory=dict)
    # (first line, last line) of every instruction, from a light scan of the text
    spans: tuple[Span, ...] = ()
    # unreadable `# migrate:` comments, as findings (code MIG701)
    problems: tuple[Finding, ...] = ()

    def ignored_at(self, line: int, spans: Sequence[Span] | None = None) -> set[str]:
        """Codes ignored for a finding on `line` (any line of an instruction's span)."""
        if not self.ignores:
            return set()
        start = _start_of(line, self.spans if spans is None else spans)
        return set(self.ignores.get(start, ()))


def parse_pragmas(text: str) -> Pragmas:
    lines = text.lstrip("\ufeff").splitlines()
    escape = "\\"
    skip_file = False
    pending: set[str] = set()
    ignores: dict[int, frozenset[str]] = {}
    spans: list[Span] = []
    problems: list[Finding] = []
    in_preamble = True  # parser directives are only read before anything else
    index = 0
    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        number = index + 1
        if not stripped or stripped.startswith("#"):
            if in_preamble and stripped and _DIRECTIVE.match(stripped) and not _PRAGMA.match(stripped):
                match = _ESCAPE.match(stripped)
                if match and match.group(1) in "\\`":
                    escape = match.group(1)
            else:
                in_preamble = False
            pragma = _PRAGMA.match(line)
            if pragma:
                body = pragma.group(1)
                ignore = _IGNORE.match(body)
                if ignore:
                    pending.update(code.strip().upper() for code in ignore.group(1).split(","))
                elif _SKIP_FILE.match(body):
                    skip_file = True
                else:
                    problems.append(
                        Finding(
                            BAD_PRAGMA,
                            Severity.WARNING,
                            number,
                            f"unreadable pragma '# migrate: {body}': "
                            "expected 'ignore=CODE[,CODE]' or 'skip-file'",
                        )
                    )
            index += 1
            continue
        in_preamble = False
        end = _instruction_end(lines, index, escape)
        spans.append((number, end + 1))
        if pending:
            ignores[number] = frozenset(pending)
            pending = set()
        index = end + 1
    return Pragmas(skip_file, ignores, tuple(spans), tuple(problems))


def filter_findings(
    findings: Iterable[Finding], pragmas: Pragmas, instruction_spans: Iterable[object] | None = None
) -> list[Finding]:
    """Drop findings ignored by pragmas; every finding of a skipped file is dropped.

    `instruction_spans` are (first, last) line pairs, or objects with `line` and `end_line` (the
    reader's instructions); without them the light scan done by `parse_pragmas` is used. Findings
    about the whole file (line 0) are never dropped by `ignore=`, only by `skip-file`. The pragmas'
    own problems are added.
    """
    if pragmas.skip_file:
        return []
    spans = None if instruction_spans is None else [_as_span(item) for item in instruction_spans]
    kept = [f for f in findings if f.line <= 0 or f.code.upper() not in pragmas.ignored_at(f.line, spans)]
    return kept + [p for p in pragmas.problems if p not in kept]


def _as_span(item: object) -> Span:
    if isinstance(item, tuple):
        return (int(item[0]), int(item[1]))
    return (int(item.line), int(item.end_line))  # type: ignore[attr-defined]


def _start_of(line: int, spans: Sequence[Span]) -> int:
    """The first line of the instruction spanning `line` (spans are in file order, not overlapping)."""
    index = bisect.bisect_right(spans, (line, _AFTER_ANY_LINE)) - 1
    if index >= 0 and spans[index][0] <= line <= spans[index][1]:
        return spans[index][0]
    return line


_AFTER_ANY_LINE = 1 << 62


def _continues(line: str, escape: str) -> bool:
    return not line.lstrip().startswith("#") and line_continues(line, escape)


def _instruction_end(lines: list[str], index: int, escape: str) -> int:
    """Index of the last line of the instruction starting at lines[index]."""
    keyword = lines[index].split(None, 1)[0].upper() if lines[index].split() else ""
    heredoc_text = ""
    end = index
    while True:
        line = lines[end]
        if not line.lstrip().startswith("#"):
            heredoc_text += line + "\n"
        if end + 1 >= len(lines):
            break
        if line.strip() and line.lstrip().startswith("#"):
            end += 1  # a comment inside a continued instruction: keep going
            continue
        if not line.strip() and end > index:
            end += 1  # blank lines inside a continuation are allowed by BuildKit
            continue
        if _continues(line, escape):
            end += 1
            continue
        break
    if keyword in _HEREDOC_KEYWORDS or keyword == "ONBUILD":
        for strip_tabs, _, delimiter in heredoc_markers(heredoc_text):
            while end + 1 < len(lines):
                end += 1
                candidate = lines[end].lstrip("\t") if strip_tabs else lines[end]
                if candidate.rstrip("\r") == delimiter:
                    break
    return end
