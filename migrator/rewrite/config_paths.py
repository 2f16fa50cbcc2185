"""Paths the migration renames, named inside configuration files the final stage copies from the build context
(adversary round 14, H2 and H3).

The tool moves Docker Hub paths to the Chainguard image's in the Dockerfile's own lines (rules/dockerhub.yaml
`renamed_paths`, MIG407), but a config file copied from the build context kept them: nginx's `proxy_cache_path
/var/cache/nginx/api` (Chainguard's nginx has no /var/cache/nginx, and uid 65532 cannot create it: nginx stops at
start, `[emerg] mkdir() ... failed`), php-fpm.conf's `include=/usr/local/etc/php-fpm.d/*.conf` (the pool moved to
/etc/php/php-fpm.d: no pool, php-fpm stops).

The user's file is not changed. Where the final stage is split, its builder holds the copied file and the runtime
takes it from there, so the builder renames the path in its copy, as the Dockerfile's own lines are renamed (I
MIG578): the directory the Chainguard image has in its place is the one the program can write to. Creating the old
directory instead would leave a config that names a Docker Hub layout, and a file that includes a moved directory
would include nothing. Without a builder (no shell to change the file), E MIG579 names the file, the line and the
path. `rules/dockerhub.yaml` `config_directories` says which directories a program of the image reads its
configuration from.
"""

from __future__ import annotations

import posixpath
import re
import shlex

from migrator.findings import finding
from migrator.model import Finding
from migrator.parse.dockerfile import Instruction
from migrator.plan.ecosystems.base import RuntimePlan
from migrator.plan.planner import FilePlan
from migrator.plan.stages import Stage
from migrator.regex import glob_match
from migrator.rules.data import builtin_data

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def renamed_config_paths(plan: FilePlan, runtime_plan: RuntimePlan | None) -> list[Finding]:
    """I MIG578 (and a builder step in `runtime_plan`) or E MIG579 for each config file the final stage copies from
    the build context that names a path the Chainguard image keeps elsewhere."""
    final = plan.final
    if plan.files.root is None or not final.migrated:
        return []
    data = builtin_data("dockerhub.yaml")
    root = plan.root_of(final).stage.ref
    image = root.short_name if root is not None else ""
    directories = [row["directory"] for row in data.get("config_directories") or [] if glob_match(image, row["image"])]
    rules = [rule for rule in data.get("renamed_paths") or []
             if rule["from"].startswith("/") and rule.get("image") and glob_match(image, rule["image"])]
    missing = [row for row in data.get("config_missing_paths") or [] if glob_match(image, row["image"])]
    if not directories or not (rules or missing):
        return []
    lines = [i for s in final.stage.chain() for i in s.instructions]
    rewrite = final.split and runtime_plan is not None
    findings: list[Finding] = []
    rewritten: dict[str, list[tuple[str, str]]] = {}
    for item, name, destination, text in _copied_configs(plan, lines, directories):
        findings += _missing_paths(item, name, destination, text, missing)
        named = _named_paths(text, rules)
        if not named:
            continue
        where = "; ".join(f"line {number}: {old}" for old, _, number in named)
        if rewrite and not any(c in destination for c in "\n\r"):
            rewritten[destination] = [(old, new) for old, new, _ in named]
            moves = ", ".join(f"{old} -> {new}" for old, new, _ in named)
            findings.append(finding("MIG578", item.line, (
                f"{_shown(name)} ({where}) names a path the Chainguard image keeps elsewhere: the builder renames "
                f"it in its copy, {destination} ({moves}), which the runtime takes; change it in your file too")))
            continue
        moves = ", ".join(f"{old} with {new}" for old, new, _ in named)
        findings.append(finding("MIG579", item.line, (
            f"{_shown(name)} ({where}) names a path the Chainguard image does not have (it keeps it elsewhere), "
            f"and no builder holds the file to rename it: the program stops at start; replace {moves} in the "
            "file")))
    if rewritten and runtime_plan is not None:
        runtime_plan.builder_appends.append(_builder_step(final.stage.chain(), rewritten, runtime_plan.builder_appends))
    return findings


def _missing_paths(item: Instruction, name: str, destination: str, text: str, rows: list[dict[str, Any]]
                   ) -> list[Finding]:
    """E MIG579 for each path of the Docker Hub image that the Chainguard image lacks, with no path of its own
    standing for it (rules/dockerhub.yaml `config_missing_paths`), named by a file its program reads at start."""
    findings = []
    for row in rows:
        if not any(destination == place or destination.startswith(place.rstrip("/") + "/") for place in row["in"]):
            continue
        for old, _, number in _named_paths(text, [{"from": row["path"], "to": ""}]):
            findings.append(finding("MIG579", item.line, (
                f"{_shown(name)} (line {number}: {old}) names a path the Chainguard image does not have: {row['why']}; "
                f"{row['instead']}")))
    return findings


def _named_paths(text: str, rules: list[dict[str, Any]]) -> list[tuple[str, str, int]]:
    """(old path, new path, first line) of each renamed path the file names outside a comment."""
    found: list[tuple[str, str, int]] = []
    for rule in rules:
        old = rule["from"]
        if old not in text or any(old == seen for seen, _, _ in found):
            continue
        pattern = re.compile(r"(?<![\w/.-])" + re.escape(old) + r"(?![\w.-])")
        for number, line in enumerate(text.splitlines(), 1):
            if not line.lstrip().startswith(("#", ";")) and pattern.search(line.split("#", 1)[0]):
                found.append((old, rule["to"], number))
                break
    return found


def _copied_configs(plan: FilePlan, lines: list[Instruction], directories: list[str]
                    ) -> list[tuple[Instruction, str, str, str]]:
    """(the COPY, the file's context path, where it lands in the image, its text) for each file of the build
    context the stage copies into one of `directories`."""
    from migrator.plan.facts import copies_into_directory, copy_landing
    from migrator.rewrite.package_layouts import copy_words

    found = []
    for item in lines:
        words = copy_words(item)
        if len(words) < 2 or item.heredocs:
            continue
        destination, sources = words[-1], words[:-1]
        inside = [d for d in directories if (destination + "/").startswith(d.rstrip("/") + "/")]
        if not inside or "$" in destination:
            continue
        into = copies_into_directory(destination, len(sources))
        for source in sources:
            if plan.files.is_directory(source):
                pairs = [(posixpath.join(source, n), posixpath.join(destination, n))
                         for n in plan.files.files_under(source) or []]
            else:
                pairs = [(source, copy_landing(source, destination, into))]
            for name, landing in pairs:
                text = plan.files.text(name)
                if text is not None:
                    found.append((item, name, landing, text))
    return found


def _builder_step(chain: list[Stage], rewritten: dict[str, list[tuple[str, str]]], earlier: list[str]) -> str:
    """One RUN of the builder: sed renames each path in the files that name it (busybox's or GNU's sed -E: POSIX
    classes; a path is renamed only where it is a whole path, not the start of a longer name)."""
    moves: dict[tuple[str, str], list[str]] = {}
    for destination, pairs in rewritten.items():
        for pair in pairs:
            moves.setdefault(pair, []).append(destination)
    commands = []
    for (old, new), files in moves.items():
        expression = f"s#(^|[^[:alnum:]_/.-]){_sed_literal(old)}([^[:alnum:]_.-]|$)#\\1{_sed_replacement(new)}\\2#"
        # (repeated until none is left: `g` would miss a path right after another, its first character taken)
        commands.append(f"sed -i -E -e ':a' -e {shlex.quote(expression)} -e 'ta' "
                        + " ".join(shlex.quote(f) for f in files))
    # (the -dev image's user may not own the copied file: the step runs as root. A stage with its own USER, or a RUN
    # line, gets root from the writer; an earlier step of another rewrite may have asked for it already)
    runs = any(i.keyword == "RUN" for stage in chain for i in stage.instructions)
    asked = any(step.startswith("USER root\n") for step in earlier)
    own_user = any(i.keyword == "USER" for stage in chain for i in stage.instructions)
    root = "USER root\n" if not own_user and not runs and not asked else ""
    return f"{root}RUN " + " && ".join(commands)


def _sed_literal(path: str) -> str:
    return re.sub(r"([.\[\]*^$\\#+?(){}|])", r"\\\1", path)


def _sed_replacement(path: str) -> str:
    return re.sub(r"([\\&#])", r"\\\1", path)


def _shown(path: str) -> str:
    return path.replace("\n", "\\n").replace("\r", "\\r")
