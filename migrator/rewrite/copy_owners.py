"""COPY/ADD --chown in a final stage kept on a distroless runtime, whose RUN lines were dropped.

Next.js's runner stage makes `nextjs:nodejs` with addgroup/adduser and copies with `--chown=nextjs:nodejs`.
On the runtime image the user-making RUN is gone (there is no shell to run it), and BuildKit resolves a
--chown name in the image's own /etc/passwd and /etc/group: an unknown name stops the build. Such a name
(or a uid the dropped RUN gave its user: `adduser -u 1001`) becomes the uid the stage really runs as, the
runtime's user (65532); names the image has (root, nonroot, node, Wolfi's base accounts) stay.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from migrator.findings import finding
from migrator.model import Finding
from migrator.parse.dockerfile import Instruction, Item, parse_instruction
from migrator.regex import lazy as lazy_re
from migrator.rules.loader import ChainguardImage

_USER_MAKERS = frozenset({"adduser", "addgroup", "useradd", "groupadd"})
_CHOWN_FLAG = lazy_re(r"--chown=(\S+)")


def made_accounts(runs: Iterable[Instruction], env: Mapping[str, str | None]) -> dict[str, int]:
    """Names and ids the user-making commands of `runs` create -> the line of the RUN that makes them (`env`: the
    stage's variables, for `adduser -D $APP_USER`)."""
    from migrator.plan.facts import run_scripts, run_word
    from migrator.rewrite.shell_syntax import simple_commands

    made: dict[str, int] = {}
    for run in runs:
        for script, line in run_scripts(run):
            for command in simple_commands(script, line):
                if command.words and command.words[0].rsplit("/", 1)[-1] in _USER_MAKERS:
                    for word in command.words[1:]:
                        made.setdefault(run_word(word, env) or word, run.line)
    return made


def image_accounts(image: ChainguardImage) -> set[str]:
    """Users and groups the image has by name or id: Wolfi's base accounts and the image's own user."""
    from migrator.rules.data import builtin_data

    accounts = builtin_data("wolfi/accounts.yaml")
    known = {"root", "0", "nonroot", "65532", image.user, str(image.uid), *image.accounts}
    for table in ("users", "groups"):
        for name, uid in (accounts.get(table) or {}).items():
            known.update({str(name), str(uid)})
    return known


def runtime_owner(item: Item, image: ChainguardImage, uid: int, made: dict[str, int], still_made: set[str],
                  env: Mapping[str, str | None], findings: list[Finding]) -> Item:
    """`COPY --chown=nextjs:nodejs` -> `--chown=65532:65532` when the image has neither name; a numeric id
    stays unless a dropped RUN made it (an id the stage did not make is left to source_accounts). `made`: what
    the dropped RUN lines made (-> their line); `still_made`: what a kept RUN makes (the image has it then); `env`:
    the stage's variables (`--chown=${APP_USER}` is looked up as BuildKit expands it)."""
    from migrator.plan.facts import run_word

    if not isinstance(item, Instruction) or item.keyword not in ("COPY", "ADD") or not item.flags.get("chown"):
        return item
    match = _CHOWN_FLAG.search(item.raw)
    if match is None:
        return item
    known = image_accounts(image) | still_made
    owner = match.group(1)
    parts = owner.split(":")
    values = [run_word(part, env) or "" for part in parts]
    if len(parts) > 2:
        return item

    def missing(value: str) -> bool:
        return bool(value) and value not in known and (not value.isdigit() or value in made)

    gone = [value for value in values if missing(value)]
    if not gone:
        return item
    written = ":".join(str(uid) if missing(value) else part for part, value in zip(parts, values, strict=True))
    raw = item.raw[: match.start(1)] + written + item.raw[match.end(1):]
    made_by = [f"{name} (line {made[name]})" for name in dict.fromkeys(gone) if name in made]
    lacks = [name for name in dict.fromkeys(gone) if name not in made]
    why = [f"{image.name} has no {' or '.join(lacks)}"] if lacks else []
    if made_by:
        lines = {made[name] for name in gone if name in made}
        runs = "the RUN lines that made {} are" if len(lines) > 1 else "the RUN that made {} is"
        why.insert(0, runs.format(" and ".join(made_by)) + " dropped from the runtime stage")
    runs_as = f"uid {uid}" + (f" ({image.user})" if image.user not in ("root", "nonroot") and uid == image.uid else "")
    findings.append(finding("MIG588", item.line, (
        f"--chown={owner} -> --chown={written}: {'; '.join(why)}, and BuildKit resolves a --chown name in the "
        f"image's own /etc/passwd and /etc/group (an id nothing made there belongs to nobody); the stage runs "
        f"as {runs_as}")))
    return parse_instruction(raw, item.line, item.escape)
