"""Accounts of the original image in a migrated stage.

Numeric ids that meant the original image's user (`USER 1000` on node, `chown -R 33:33` on php,
`COPY --chown=101:101` on nginx): on the Chainguard image that id belongs to nobody and the image's user
is uid 65532, so a migrated stage gets 65532 instead, or the user's name when the stage creates that user
(MIG562) with another uid. A stage that creates a user with the id itself keeps it."""

from __future__ import annotations

import re

from migrator.findings import finding
from migrator.model import Finding
from migrator.parse.dockerfile import Instruction
from migrator.regex import lazy as lazy_re

IMAGE_UID = "65532"
_CREATED_UID = lazy_re(r"(?:\s-u\s*|--uid[= ])[\"']?(\d+)\b")
_USER = lazy_re(r"^(\s*USER\s+)(\d+)(?::(\d+))?(?=\s*$)", re.IGNORECASE | re.MULTILINE)
_COPY_CHOWN = lazy_re(r"--chown=(\d+)(?::(\d+))?(?=\s)")
_RUN_CHOWN = lazy_re(r"\bchown\s+(?:-\S+\s+)*(\d+)(?::(\d+))?(?=\s)")


def source_id_map(upstream: dict[str, str], created_users: set[str], texts: list[str]) -> dict[str, str]:
    """uid of the original image's user -> what a migrated stage writes instead. `created_users`: names
    the stage (or the tool, atop it) creates; `texts`: its RUN lines and the tool's own adduser lines."""
    created = {uid for text in texts for uid in _CREATED_UID.findall(text)}
    return {uid: name if name in created_users else IMAGE_UID
            for uid, name in upstream.items() if uid not in created}


def rewrite_ids(item: Instruction, raw: str, ids: dict[str, str], upstream: dict[str, str],
                image: str) -> tuple[str, list[Finding], set[tuple[int, str]]]:
    """`raw` (the instruction as written out) with the ids rewritten, MIG421 findings, (line, uid) done."""
    pattern = {"USER": _USER, "COPY": _COPY_CHOWN, "ADD": _COPY_CHOWN, "RUN": _RUN_CHOWN}.get(item.keyword)
    if pattern is None or not ids:
        return raw, [], set()
    done: list[str] = []

    def swap(match: re.Match[str]) -> str:
        text, start = match.group(0), match.start(0)
        for group in range(len(match.groups()), 0, -1):
            value = match.group(group)
            if value is None or value not in ids:
                continue
            done.append(value)
            text = text[: match.start(group) - start] + ids[value] + text[match.end(group) - start :]
        return text

    written = pattern.sub(swap, raw)
    if not done:
        return raw, [], set()
    what = {"USER": "USER", "RUN": "chown"}.get(item.keyword, "--chown")
    findings = [finding("MIG421", item.line, (
        f"{what} {uid} -> {ids[uid]}: uid {uid} was the {upstream[uid]} user of the original image; in {image} no "
        f"user has it" + (" and the image's user has uid 65532" if ids[uid] == IMAGE_UID else
                          f" and the stage creates {ids[uid]} with another uid")))
        for uid in dict.fromkeys(done)]
    return written, findings, {(item.line, uid) for uid in done}


def stage_variables(instructions: list[Instruction]) -> set[str]:
    """The names the stage's own ARG and ENV instructions set (`ARG PUID=1000`, `ENV PGID 1000`)."""
    names: set[str] = set()
    for item in instructions:
        if item.keyword in ("ARG", "ENV"):
            body = item.body.strip()
            if not body:
                continue
            if item.keyword == "ENV" and "=" not in body.split(None, 1)[0]:
                names.add(body.split(None, 1)[0])  # (the legacy `ENV NAME value`)
            else:
                names.update(re.findall(r"(?:^|\s)([A-Za-z_]\w*)(?==|\s|$)", body))
    return names


def variables_set_before(instructions: list[Instruction], name: str, changes: dict[str, str]) -> int | None:
    """0: the changes use no variable; else the line of the last ARG/ENV of the stage setting the variables
    they use (`-u $PUID`), where the user is created; None when an instruction names the user before it."""
    used = {m for value in changes.values() for m in re.findall(r"\$\{?([A-Za-z_]\w*)", value)}
    if not used:
        return 0
    setting = [i.line for i in instructions if i.keyword in ("ARG", "ENV")
               and used & stage_variables([i])]
    if not setting:
        return None
    anchor = max(setting)
    named = [i.line for i in instructions if i.keyword in ("USER", "COPY", "ADD", "RUN")
             and re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", i.logical if i.keyword == "RUN" else i.raw)]
    return anchor if all(line > anchor for line in named) else None


def missing_user(item: Instruction, users: set[str], groups: set[str], image: str, image_user: str,
                 image_uid: int) -> tuple[str, Finding] | None:
    """`USER app` (Microsoft's uid 1654) in a stage whose Chainguard image has no such user and which nothing
    creates: BuildKit makes the stage's WORKDIR and runs its RUN lines as that user, and a name missing from
    the image's /etc/passwd stops the build. (the instruction as written out, MIG512) with the image's own user instead:
    its nonroot user, or uid 65532 on a root image (wolfi-base), which needs no name. `users`/`groups`: the
    names that exist there. Numeric ids and variables are left to the callers (MIG421, the image's ENV)."""
    body = item.body.strip()
    name, _, group = body.partition(":")
    missing = [f"{kind} {part}" for kind, part, known in (("user", name, users), ("group", group, groups))
               if part and not part.isdigit() and part not in known]
    if not missing or not name or "$" in body or any(c.isspace() for c in body):
        return None
    new = "65532" if image_uid == 0 else image_user
    start = item.raw.index(body, item.raw.upper().index("USER") + 4)
    raw = item.raw[:start] + new + item.raw[start + len(body):]
    who = "uid 65532, a nonroot user" if image_uid == 0 else f"its nonroot user (uid {image_uid})"
    return raw, finding("MIG512", item.line, (
        f"USER {body} -> USER {new}: {image} has no {' and no '.join(missing)} and nothing in the stage creates "
        f"it; BuildKit makes a WORKDIR and runs RUN as the stage's user and stops where /etc/passwd lacks it; "
        f"{who} instead"))
