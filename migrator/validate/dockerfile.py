"""A small Dockerfile reader for validation: instructions with their line spans, grouped in stages.

Validation needs little: the keyword, the arguments, the flags (``--from=``), exec form vs shell
form, and the 1-based lines an instruction covers (to point at the failing one after a build).
Line continuations (with the ``# escape=`` directive), comment lines inside a continued
instruction and heredocs (``RUN <<EOF``) are understood.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

_DIRECTIVE = re.compile(r"^#\s*([a-zA-Z][a-zA-Z0-9_-]*)\s*=\s*(.*?)\s*$")
_HEREDOC = re.compile(r"<<(-?)\s*([\"']?)([A-Za-z_][A-Za-z0-9_]*)\2")


@dataclass
class Instruction:
    keyword: str  # upper case: RUN, COPY, ...
    args: str  # everything after the keyword (continuations joined, flags included)
    line: int  # first line, 1-based
    end_line: int  # last line, 1-based (heredoc bodies included)
    original: str  # the logical line as written (continuations joined with spaces)
    heredocs: list[str] = field(default_factory=list)

    @property
    def flags(self) -> dict[str, str]:
        """Leading ``--name=value`` / ``--name`` flags (COPY --from=x, RUN --mount=...)."""
        out: dict[str, str] = {}
        for word in self.args.split():
            if not word.startswith("--"):
                break
            name, _, value = word[2:].partition("=")
            out.setdefault(name.lower(), value)
        return out

    @property
    def rest(self) -> str:
        """The arguments after the leading flags."""
        words = self.args.split(" ")
        i = 0
        while i < len(words) and (words[i].startswith("--") or words[i] == ""):
            i += 1
        return " ".join(words[i:]).strip()

    @property
    def exec_form(self) -> list[str] | None:
        """The JSON array of an exec-form RUN/CMD/ENTRYPOINT/SHELL, else None."""
        text = self.rest
        if self.keyword == "HEALTHCHECK":
            m = re.match(r"^(?:--\S+\s+)*CMD\s+(.*)$", self.args.strip(), re.I | re.S)
            text = m.group(1) if m else ""
        text = text.strip()
        if not text.startswith("["):
            return None
        try:
            value = json.loads(text)
        except ValueError:
            return None
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return value
        return None


@dataclass
class Stage:
    index: int
    name: str | None  # the AS alias, lower case
    image: str  # the FROM reference as written
    platform: str | None
    from_instruction: Instruction
    instructions: list[Instruction] = field(default_factory=list)  # after FROM

    @property
    def label(self) -> str:
        return self.name if self.name is not None else str(self.index)


@dataclass
class Dockerfile:
    instructions: list[Instruction]
    stages: list[Stage]
    escape: str = "\\"

    def stage_by_ref(self, ref: str, before: int | None = None) -> Stage | None:
        """The stage a ``--from=`` / ``FROM`` reference names (by alias or index), if any."""
        limit = len(self.stages) if before is None else before
        ref_l = ref.lower()
        for stage in self.stages[:limit]:
            if stage.name == ref_l:
                return stage
        if ref.isdigit() and int(ref) < limit:
            return self.stages[int(ref)]
        return None


def parse(text: str) -> Dockerfile:
    lines = text.splitlines()
    escape = "\\"
    # parser directives: only at the very top, before any other line
    for raw in lines:
        m = _DIRECTIVE.match(raw.strip())
        if not m:
            break
        if m.group(1).lower() == "escape" and m.group(2) in ("\\", "`"):
            escape = m.group(2)

    instructions: list[Instruction] = []
    i = 0
    n = len(lines)
    while i < n:
        stripped = lines[i].strip()
        if not stripped or stripped.startswith("#"):
            i += 1
            continue
        start = i
        parts: list[str] = []
        while True:
            cur = lines[i]
            body = cur.rstrip()
            if body.endswith(escape) and i + 1 < n:
                parts.append(body[:-1])
                i += 1
                # comment and empty lines inside a continued instruction are skipped
                while i < n and (not lines[i].strip() or lines[i].lstrip().startswith("#")):
                    i += 1
                if i >= n:
                    break
                continue
            parts.append(body[:-1] if body.endswith(escape) else body)
            break
        logical = " ".join(p.strip() for p in parts).strip()
        end = i
        keyword, _, args = logical.partition(" ")
        heredocs: list[str] = []
        for m in _HEREDOC.finditer(args) if keyword.upper() in ("RUN", "COPY", "ADD") else ():
            strip_tabs, word = m.group(1) == "-", m.group(3)
            body_lines = []
            while i + 1 < n:
                i += 1
                candidate = lines[i].lstrip("\t") if strip_tabs else lines[i]
                if candidate == word:
                    break
                body_lines.append(lines[i])
            heredocs.append("\n".join(body_lines))
            end = i
        instructions.append(
            Instruction(
                keyword=keyword.upper(),
                args=args.strip(),
                line=start + 1,
                end_line=end + 1,
                original=logical,
                heredocs=heredocs,
            )
        )
        i += 1

    stages: list[Stage] = []
    for ins in instructions:
        if ins.keyword == "FROM":
            words = ins.args.split()
            platform = None
            while words and words[0].startswith("--"):
                flag = words.pop(0)
                if flag.lower().startswith("--platform="):
                    platform = flag.split("=", 1)[1]
            image = words[0] if words else ""
            name = words[2].lower() if len(words) >= 3 and words[1].lower() == "as" else None
            stages.append(Stage(len(stages), name, image, platform, ins))
        elif stages:
            stages[-1].instructions.append(ins)
    return Dockerfile(instructions, stages, escape)
