"""Files a stage prepared for OpenShift's arbitrary uid: given to group 0 and made group-writable.

OpenShift's restricted security context runs a container as a random uid whose group is always 0, so
images built for it give their writable trees to group 0 with the group's bits set like the owner's
(`chown -R 1001:0 /app && chmod -R g=u /app`, s2i's `fix-permissions`, `chgrp -R 0 DIR && chmod -R g+rwX`).
The runtime's COPY --chown keeps that group (`--chown=65532:0`); COPY --from keeps the modes the builder set.
"""

from __future__ import annotations

import re

from migrator.findings import finding
from migrator.model import Finding
from migrator.plan.facts import StageFacts

_ROOT_GROUPS = frozenset({"0", "root"})
_NUMERIC_MODE = re.compile(r"0?[0-7]?[0-7]{3}")
_SYMBOLIC_CLAUSE = re.compile(r"([ugoa]*)([-+=])([rwxXstugo]*)")


def _operands(words: tuple[str, ...]) -> list[str]:
    return [w for w in words[1:] if not w.startswith("-")]


def _gives_group_zero(words: tuple[str, ...]) -> bool:
    """`chown -R 1001:0 DIR`, `chown 1001:root DIR`, `chgrp -R 0 DIR`."""
    operands = _operands(words)
    if not operands:
        return False
    if words[0].endswith("chgrp"):
        return operands[0] in _ROOT_GROUPS
    owner = operands[0]
    separator = ":" if ":" in owner else "." if "." in owner else None
    return separator is not None and owner.rsplit(separator, 1)[1] in _ROOT_GROUPS


def group_writable_mode(mode: str) -> bool:
    """Does a chmod mode give the group write access (`g=u`, `g+rwX`, `ug+w`, `775`, `2770`)?"""
    if _NUMERIC_MODE.fullmatch(mode):
        return bool(int(mode[-2]) & 2)
    for clause in mode.split(","):
        match = _SYMBOLIC_CLAUSE.fullmatch(clause)
        if match is None:
            continue
        who, op, perms = match.groups()
        if op != "-" and ("g" in who or "a" in who) and ("w" in perms or "u" in perms):
            return True
    return False


def _makes_group_writable(words: tuple[str, ...]) -> bool:
    operands = _operands(words)
    return bool(operands) and group_writable_mode(operands[0])


def _copied_to_group_zero(facts: StageFacts) -> bool:
    for instruction in facts.stage.instructions:
        owner = instruction.flags.get("chown") if instruction.keyword in ("COPY", "ADD") else None
        if owner and ":" in owner and owner.rsplit(":", 1)[1] in _ROOT_GROUPS:
            return True
    return False


def prepared_for_group_zero(facts: StageFacts) -> bool:
    """Did the stage give files to group 0 and make them group-writable (the OpenShift convention)?"""
    commands = [c.words for c in facts.commands_named("chown", "chgrp", "chmod", "fix-permissions")]
    if any(words[0].endswith("fix-permissions") for words in commands):
        return True
    grouped = _copied_to_group_zero(facts) or any(_gives_group_zero(w) for w in commands
                                                   if not w[0].endswith("chmod"))
    return grouped and any(_makes_group_writable(w) for w in commands if w[0].endswith("chmod"))


def group_zero_finding(facts: StageFacts, uid: int, line: int) -> Finding:
    return finding("MIG580", line, f"--chown={uid}:0: the original gave its files to group 0 and made them "
                   "group-writable, for a platform that runs the container as an arbitrary uid in group 0 "
                   "(OpenShift); the runtime copies keep group 0 and the modes the builder set")
