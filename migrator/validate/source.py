"""What validation asks of a Dockerfile, answered from the project's one reader (migrator.parse).

Validation reads with `migrator.parse.parse` and `migrator.plan.stages.split_stages`; this module
only adds the few questions they do not answer: which instruction covers a file line, the exec form
of ``HEALTHCHECK CMD [...]``, and an instruction on one line as it is reported after a build.
"""

from __future__ import annotations

import re

from migrator.model import MigratorError
from migrator.parse.dockerfile import Dockerfile, Instruction, json_argv, parse


def read(text: str) -> tuple[Dockerfile, str | None]:
    """The parsed Dockerfile, or (when the reader refuses the text) an empty one and the reason.

    Validation still reports on (and tries to build) a file the reader refuses."""
    try:
        return parse(text), None
    except MigratorError as exc:
        return Dockerfile(items=[]), str(exc)


def instruction_at(doc: Dockerfile, line: int) -> Instruction | None:
    """The instruction whose text (continuations and heredoc bodies included) covers a 1-based line."""
    return next((ins for ins in doc.instructions if ins.line <= line <= ins.end_line), None)


def exec_form(ins: Instruction) -> list[str] | None:
    """The exec-form argument list of RUN/CMD/ENTRYPOINT/SHELL/COPY and of ``HEALTHCHECK CMD``."""
    if ins.keyword != "HEALTHCHECK":
        return ins.json_args()
    match = re.match(r"CMD\s+(.*)$", ins.body, re.IGNORECASE | re.DOTALL)
    return json_argv(match.group(1)) if match else None


def one_line(ins: Instruction) -> str:
    """The instruction on one line, as reported: continuation lines stripped and joined by a space,
    comment lines inside it and heredoc bodies left out."""
    head = ins.raw[: ins.heredocs[0].body_offset] if ins.heredocs else ins.raw
    parts: list[str] = []
    for text in head.splitlines():
        stripped = text.strip()
        if parts and (not stripped or stripped.startswith("#")):
            continue  # blank and comment lines inside a continued instruction
        if stripped.endswith(ins.escape) and (len(stripped) - len(stripped.rstrip(ins.escape))) % 2 == 1:
            stripped = stripped[:-1].strip()
        parts.append(stripped)
    return " ".join(parts).strip()
