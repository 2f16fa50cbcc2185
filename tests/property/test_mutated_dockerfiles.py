"""Property test: real Dockerfiles, mutated the way hands and tools damage them, stay inside the contract.

Seeds are the pattern fixtures and the samples. Mutations: delete, duplicate or swap lines, CRLF
line ends, a BOM, a keyword's case, add or remove a `\\` continuation, insert random bytes, cut the
file short (an interrupted write), splice in a line of another seed. For every
mutant, `migrate` either refuses it (MigratorError: one line, exit 2) or migrates it, and then:

- no other exception (what the CLI would report as an internal error);
- the output is idempotent: migrating it again changes nothing;
- untouched lines come out byte for byte: every comment and blank line of the input is in the
  output, and every input instruction is in the output as written unless a finding is reported
  on one of its lines (every change is explained);
- no new instruction appears that was neither in the input nor planned by the tool: an output
  instruction not written as in the input is one the tool writes (FROM, RUN, COPY, ENV, USER,
  ENTRYPOINT, CMD, LABEL, WORKDIR, EXPOSE; ARG with a translated package list);
- Docker would accept the output whenever it would accept the input.

The `ci` profile runs 2,000 derandomized examples (about 4 s here); `thorough` 5,000 random ones, and
MIGRATOR_PROPERTY_CORPUS=1 adds the git-ignored real-world corpus as seeds (see conftest.py).
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import event, given
from hypothesis import strategies as st

from migrator.api import decode_dockerfile, encode_dockerfile, migrate_text
from migrator.model import MigratorError
from migrator.parse.dockerfile import Instruction, Trivia, parse

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "tests" / "fixtures" / "patterns").glob("*.Dockerfile")) + sorted(
    (ROOT / "samples").glob("*/Dockerfile"))
if os.environ.get("MIGRATOR_PROPERTY_CORPUS"):  # the git-ignored real-world corpus, locally
    SEEDS += sorted((ROOT / ".corpus").glob("*.Dockerfile"))
SEED_BYTES = {path.relative_to(ROOT).as_posix(): path.read_bytes() for path in SEEDS}
# what the tool writes itself; ARG and ENV too: package lists in their defaults are translated; HEALTHCHECK: a
# curl or wget check ported to the runtime's interpreter
PLANNED = frozenset({"FROM", "RUN", "COPY", "ENV", "ARG", "USER", "ENTRYPOINT", "CMD", "LABEL", "WORKDIR", "EXPOSE",
                     "HEALTHCHECK"})
INTERESTING_BYTES = b"\\\"'#$<>`{}[]&|;= \t\n\r\xc3\xa9\xff\x80"


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


@st.composite
def mutants(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(SEED_BYTES)))
    data = SEED_BYTES[name]
    steps = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["delete", "duplicate", "crlf", "bom", "case", "continue", "uncontinue",
                                     "bytes", "truncate", "splice", "swap"]))
        lines = _lines(data)
        at = draw(st.integers(0, max(0, len(lines) - 1)))
        if kind == "delete" and len(lines) > 1:
            del lines[at]
        elif kind == "duplicate" and lines:
            lines.insert(at, lines[at])
        elif kind == "crlf":
            lines = [line.rstrip(b"\r\n") + b"\r\n" if line.endswith(b"\n") else line for line in lines]
        elif kind == "bom" and not data.startswith(b"\xef\xbb\xbf"):
            lines = [b"\xef\xbb\xbf", *lines]
        elif kind == "case" and lines:
            word, rest = lines[at][:12], lines[at][12:]
            lines[at] = draw(st.sampled_from([word.lower(), word.upper(), word.swapcase()])) + rest
        elif kind == "continue" and lines:
            body = lines[at].rstrip(b"\r\n")
            lines[at] = body + b" \\" + lines[at][len(body):]
        elif kind == "uncontinue" and lines:
            body = lines[at].rstrip(b"\r\n")
            lines[at] = body.rstrip(b"\\ \t") + lines[at][len(body):]
        elif kind == "truncate":  # an interrupted write or copy
            joined = b"".join(lines)
            lines = [joined[: draw(st.integers(0, len(joined)))]]
        elif kind == "splice":  # a line from another real Dockerfile
            other = _lines(SEED_BYTES[draw(st.sampled_from(sorted(SEED_BYTES)))])
            if other:
                lines.insert(at, draw(st.sampled_from(other)))
        elif kind == "swap" and len(lines) > 1:
            other_at = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other_at] = lines[other_at], lines[at]
        elif kind == "bytes":
            joined = b"".join(lines)
            where = draw(st.integers(0, len(joined)))
            extra = draw(st.binary(min_size=1, max_size=3) | st.sampled_from(
                [bytes([b]) for b in INTERESTING_BYTES]))
            lines = [joined[:where] + extra + joined[where:]]
        data = b"".join(lines)
        steps.append(kind)
    return f"{name} {'+'.join(steps)}", data


def _outcome(data: bytes) -> tuple[str, object]:
    """('refused', message) or ('migrated', (text, result)); any other exception propagates (a bug)."""
    try:
        text = decode_dockerfile(data, "Dockerfile")
        return "migrated", (text, migrate_text(text))
    except MigratorError as exc:
        message = str(exc)
        assert "\n" not in message, message  # one line
        return "refused", message


@given(mutants())
def test_mutated_real_dockerfiles_stay_inside_the_contract(mutant: tuple[str, bytes]) -> None:
    label, data = mutant
    kind, value = _outcome(data)
    event(kind)
    if kind == "refused":
        return
    text, result = value  # type: ignore[misc]
    output = result.dockerfile
    assert encode_dockerfile(output).decode("utf-8", "surrogateescape") == output, label  # bytes round-trip

    again = migrate_text(output)
    assert again.dockerfile == output, f"{label}: not idempotent"

    _check_untouched(label, text, output, result.findings)
    _check_no_new_instructions(label, text, output)
    if not parse(text).problems:
        assert not parse(output).problems, f"{label}: the output is something Docker refuses"


def _check_untouched(label: str, text: str, output: str, findings: list) -> None:
    explained = {f.line for f in findings}
    for item in parse(text).items:
        raw = item.raw.rstrip("\r\n")
        if not raw.strip() or raw in output:
            continue
        assert isinstance(item, Instruction), f"{label}: line {item.line} ({raw!r}) was lost or changed"
        lines = set(range(item.line, item.end_line + 1))
        assert lines & explained or 0 in explained, f"{label}: line {item.line} changed without a finding"


def _check_no_new_instructions(label: str, text: str, output: str) -> None:
    written = {_normal(i) for i in parse(text).instructions}
    for instruction in parse(output).instructions:
        if _normal(instruction) in written:
            continue
        assert instruction.keyword in PLANNED, (
            f"{label}: new {instruction.keyword} at output line {instruction.line}: {instruction.raw!r}")


def _normal(instruction: Instruction | Trivia) -> str:
    return " ".join(instruction.raw.split()).lower() if isinstance(instruction, Instruction) else ""
