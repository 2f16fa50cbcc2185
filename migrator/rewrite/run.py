"""Translate one RUN instruction (package installs, users) by applying shell edits to its raw text."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from migrator.model import Finding
from migrator.parse.dockerfile import Instruction
from migrator.plan.facts import run_body_offset, run_scripts
from migrator.rules.loader import RuleSet

if TYPE_CHECKING:
    from migrator.rewrite.shell import SimpleCommand


@dataclass
class RunOutcome:
    raw: str | None  # None: the RUN became empty and is dropped
    needs_root: bool = False
    findings: list[Finding] = field(default_factory=list)
    line: int = 1
    escape: str = "\\"

    def commands(self) -> list[SimpleCommand]:
        """The simple commands of the translated RUN (read once by each caller that needs them)."""
        from migrator.parse.dockerfile import parse_instruction
        from migrator.rewrite.shell import simple_commands

        if self.raw is None or all(line.lstrip().startswith("#") for line in self.raw.splitlines() if line.strip()):
            return []  # only the comments of a dropped RUN are left
        translated = parse_instruction(self.raw, self.line, self.escape)
        return [c for script, first in run_scripts(translated) for c in simple_commands(script, first)]


def translate_run(instruction: Instruction, family: str, rules: RuleSet) -> RunOutcome:
    from migrator.rewrite.shell import rewrite_script

    scripts = run_scripts(instruction)
    offsets = [h.body_offset for h in instruction.heredocs] if instruction.heredocs else [run_body_offset(instruction)]
    raw = instruction.raw
    outcome = RunOutcome(raw=raw, line=instruction.line, escape=instruction.escape)
    all_empty = bool(scripts)
    # apply from the last script backwards so earlier offsets stay valid
    for (script, first_line), offset in reversed(list(zip(scripts, offsets, strict=False))):
        rewrite = rewrite_script(script, family, rules, first_line)
        outcome.findings = rewrite.findings + outcome.findings
        outcome.needs_root |= rewrite.installs_packages or rewrite.manages_users
        all_empty &= rewrite.empty
        for edit in sorted(rewrite.edits, key=lambda e: e.start, reverse=True):
            raw = raw[: offset + edit.start] + edit.text + raw[offset + edit.end:]
    lost = _lost_comments(instruction, raw)
    if all_empty and not instruction.heredocs:
        outcome.raw = "".join(lost) or None
    else:
        outcome.raw = "".join(lost) + raw
    return outcome


def _lost_comments(instruction: Instruction, raw: str) -> list[str]:
    """Comment lines inside the continued command that went with a removed command.

    They are kept, moved just above the RUN: a comment cannot stay in the middle of a joined line.
    """
    end = instruction.heredocs[0].body_offset if instruction.heredocs else len(instruction.raw)
    remaining = raw.splitlines(keepends=True)
    lost = []
    for line in instruction.raw[:end].splitlines(keepends=True)[1:]:
        if line.lstrip().startswith("#"):
            if line in remaining:
                remaining.remove(line)
            else:
                lost.append(line)
    return lost
