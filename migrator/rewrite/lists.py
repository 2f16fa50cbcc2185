"""Package lists kept in ARG/ENV defaults: `ARG BUILD_DEPS="g++ libpq-dev"` + `apt-get install $BUILD_DEPS`.

The install is translated where it stands; the names are translated where they are written, in
the instruction's default value, once an install of the stage has used the variable.
"""

from __future__ import annotations

from migrator.findings import finding
from migrator.model import Finding
from migrator.parse.dockerfile import Instruction, Item
from migrator.regex import lazy as lazy_re
from migrator.rewrite.command import PackageList, StageKnowledge

_ASSIGNMENT = lazy_re(
    r"""(?P<name>[A-Za-z_][A-Za-z0-9_]*)=(?P<quote>["']?)(?P<value>[A-Za-z0-9.+_:=~<>* -]*)(?P=quote)"""
)
_NAMES = lazy_re(r"^[A-Za-z0-9.+_:=~<>*-]+(?:\s+[A-Za-z0-9.+_:=~<>*-]+)*$")


def package_list_defaults(items: list[Item]) -> dict[str, PackageList]:
    """ARG/ENV defaults of the stage that look like package lists, by variable name."""
    found: dict[str, PackageList] = {}
    for item in items:
        if not isinstance(item, Instruction) or item.keyword not in ("ARG", "ENV"):
            continue
        for match in _ASSIGNMENT.finditer(item.body):
            value = match.group("value").strip()
            if value and _NAMES.match(value) and not (match.group("quote") == "" and " " in value):
                found[match.group("name")] = PackageList(value.split(), item.line)
    return found


def translated_default(item: Instruction, knowledge: StageKnowledge) -> tuple[str, Finding] | None:
    """The instruction with the package names of its default translated, when an install used them."""
    raw = item.raw
    changed: list[str] = []
    for match in _ASSIGNMENT.finditer(raw):
        variable = knowledge.variables.get(match.group("name"))
        if variable is None or variable.line != item.line or variable.translated in (None, variable.words):
            continue
        names = " ".join(variable.translated or [])
        quote = match.group("quote") or ('"' if " " in names else "")
        raw = raw.replace(match.group(0), f"{match.group('name')}={quote}{names}{quote}", 1)
        changed.append(f"{match.group('name')}: {' '.join(variable.words)} -> {names}")
    if not changed:
        return None
    message = f"package list in {item.keyword} translated to Wolfi names ({'; '.join(changed)})"
    return raw, finding("MIG301", item.line, message)
