"""A distribution's configuration layout for a package Wolfi lays out otherwise (rules/package-layouts.yaml).

Debian's nginx reads /etc/nginx/sites-enabled/*, Wolfi's /etc/nginx/conf.d/*.conf; Debian's supervisord reads
/etc/supervisor/supervisord.conf and its conf.d, Wolfi's /etc/supervisord.conf. A stage that installed the
package with the distribution's manager and put its configuration where the distribution reads it would build
(or not: `ln -s` into a directory Wolfi lacks) and then run without it. Each table row says what moves where:
the lines are rewritten here, before the RUN commands are translated; the `ln`/`rm` of site links are dropped
with the other shell commands (`dropped_links`).
"""

from __future__ import annotations

import posixpath
import re

from migrator.findings import finding
from migrator.model import Finding
from migrator.parse.dockerfile import Instruction
from migrator.parse.words import split_words
from migrator.plan.planner import FilePlan, StagePlan
from migrator.plan.stages import Stage

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from migrator.rewrite.command import Cmd, Context, Outcome

_PORTED = "MIG225"
_NOT_PORTED = "MIG226"


def _rows() -> list[dict[str, Any]]:
    from migrator.rules.data import builtin_data

    return list(builtin_data("package-layouts.yaml").get("package_layouts") or [])


def port_layouts(plan: FilePlan, stage_plan: StagePlan) -> list[Finding]:
    """Rewrite the stage's lines for every row that applies to it, in place."""
    stage = stage_plan.stage
    if stage_plan.family == "wolfi" or not any(i.keyword == "RUN" for s in stage.chain() for i in s.instructions):
        return []
    findings: list[Finding] = []
    for row in _rows():
        if stage_plan.family not in row.get("families", []):
            continue
        install = _install_run(stage, set(row["installed_as"]))
        if install is None:
            continue
        own_main = _writes(stage, row["main"])
        findings += _moved_files(stage, row)
        if own_main:
            findings += _unported_directories(stage, row)
        else:
            findings += _moved_directories(plan, stage, row)
            findings += _configured(stage, _descendants(plan, stage), row, install)
        findings += _foreground(plan, stage, row)
        findings += _site_findings(plan, stage, row)
    return findings


def _site_findings(plan: FilePlan, stage: Stage, row: dict[str, Any]) -> list[Finding]:
    from migrator.rewrite.nginx_sites import site_findings  # (a stage that installs a row's package: few files)

    return site_findings(plan, stage, row)


def _install_run(stage: Stage, names: set[str]) -> Instruction | None:
    """The RUN of the stage (or a stage it is built FROM) that installs one of `names`."""
    from migrator.rewrite.packages import run_package_commands

    for current in reversed(stage.chain()):
        for item in current.instructions:
            if item.keyword == "RUN" and any(names & set(c.packages) for c in run_package_commands(item)):
                return item
    return None


def _destination(item: Instruction) -> str | None:
    """The destination a COPY/ADD writes to, as written; None for another instruction or a heredoc."""
    if item.keyword not in ("COPY", "ADD") or item.heredocs or item.flags.get("from"):
        return None
    words = _words(item)
    return words[-1] if len(words) >= 2 else None


def copy_words(item: Instruction) -> list[str]:
    """The sources and destination of a COPY/ADD of the build context (not --from, not a heredoc)."""
    return _words(item) if _destination(item) is not None else []


def _words(item: Instruction) -> list[str]:
    try:
        words = item.json_args() or split_words(item.body)
    except ValueError:
        return []
    return [w for w in words if not w.startswith("--")]


def _writes(stage: Stage, path: str) -> bool:
    for current in stage.chain():
        for item in current.instructions:
            target = _destination(item)
            if target is not None and posixpath.normpath(target) == path:
                return True
    return False


def _replace(stage: Stage, item: Instruction, raw: str) -> None:
    from migrator.parse.dockerfile import parse_instruction

    position = next(i for i, x in enumerate(stage.items) if x is item)
    stage.items[position] = parse_instruction(raw, item.line, item.escape)


def _path_pattern(path: str) -> str:
    return r"(?<![\w/.-])" + re.escape(path) + r"(?![\w.-])"


def _moved_files(stage: Stage, row: dict[str, Any]) -> list[Finding]:
    """`-c /etc/supervisor/supervisord.conf`, `COPY x /etc/supervisor/supervisord.conf`: Wolfi's path."""
    findings = []
    for item in list(stage.instructions):
        if item.keyword not in ("COPY", "ADD", "RUN", "CMD", "ENTRYPOINT", "ENV") or item.flags.get("from"):
            continue
        raw, done = item.raw, []
        for moved in row.get("files") or []:
            changed = re.sub(_path_pattern(moved["from"]), moved["to"], raw)
            if changed != raw:
                raw = changed
                done.append(f"{moved['from']} -> {moved['to']}")
        if done:
            _replace(stage, item, raw)
            findings.append(finding(_PORTED, item.line, f"{', '.join(done)}: {row['why']}"))
    return findings


def _under(path: str, directory: str) -> bool:
    return path.startswith(directory.rstrip("/") + "/") or path.rstrip("/") == directory


def _moved_directories(plan: FilePlan, stage: Stage, row: dict[str, Any]) -> list[Finding]:
    """`COPY site.conf /etc/nginx/sites-available/app` -> `/etc/nginx/conf.d/app.conf`."""
    findings = []
    for item in list(stage.instructions):
        target = _destination(item)
        if target is None:
            continue
        for moved in row.get("directories") or []:
            if not _under(target, moved["from"]):
                continue
            new = _new_destination(plan, item, target, moved)
            if new is None:
                message = (f"{target}: {row['why']}; the tool cannot tell the names of the files copied there, or "
                           f"they need renaming: put each in {moved['to']} as NAME{moved['suffix']}"
                           + _files_named(plan, item, moved))
                findings.append(finding(_NOT_PORTED, item.line, message))
                break
            cut = item.raw.rindex(target)
            _replace(stage, item, item.raw[:cut] + new + item.raw[cut + len(target):])
            findings.append(finding(_PORTED, item.line, f"{target} -> {new}: {row['why']}"))
            break
    return findings


def _new_destination(plan: FilePlan, item: Instruction, target: str, moved: dict[str, Any]) -> str | None:
    """The file in `to` a COPY into `from` becomes; None when it copies a directory or several files."""
    suffix = moved["suffix"]
    sources = _words(item)[:-1]
    if target.rstrip("/") != moved["from"] and not target.endswith("/"):
        name = posixpath.basename(target)  # sites-available/app: the file's own name
    elif len(sources) == 1 and "*" not in sources[0] and not sources[0].endswith("/") \
            and not plan.files.is_directory(sources[0]) and (plan.files.kind(sources[0]) is not None or "." in
                                                             posixpath.basename(sources[0])):
        name = posixpath.basename(sources[0])  # COPY default.conf /etc/nginx/sites-available/
    elif len(sources) == 1 and _named_for(plan, sources[0], suffix):
        return f"{moved['to']}/"  # COPY sites/ /etc/nginx/sites-enabled/, each file in sites/ a NAME.conf
    else:
        return None
    if "$" in name or not name:
        return None
    return f"{moved['to']}/{name if name.endswith(suffix) else name + suffix}"


def _named_for(plan: FilePlan, source: str, suffix: str) -> bool:
    """The build context on disk has `source` as a directory of files only, each (but hidden ones, which the
    distribution's `include DIR/*` does not read either) named NAME`suffix`: copied whole into `to`, each is
    read there as it was."""
    if not plan.files.is_directory(source) or plan.files.directories_in(source):
        return False
    names = [n for n in plan.files.files_under(source) or [] if not n.startswith(".")]
    return bool(names) and all("/" not in n and n.endswith(suffix) and n != suffix for n in names)


def _files_named(plan: FilePlan, item: Instruction, moved: dict[str, Any]) -> str:
    """` (NAME -> to/NAME.conf, ...)`: where each file of a copied directory would go; "" when not known."""
    sources = _words(item)[:-1]
    names = plan.files.files_under(sources[0]) if len(sources) == 1 and plan.files.is_directory(sources[0]) \
        else None
    shown = [n for n in names or [] if not n.startswith(".") and "/" not in n][:8]
    if not shown or plan.files.directories_in(sources[0]):
        return ""
    suffix = moved["suffix"]
    return " (" + ", ".join(f"{n} -> {moved['to']}/{n if n.endswith(suffix) else n + suffix}" for n in shown) + ")"


def _unported_directories(stage: Stage, row: dict[str, Any]) -> list[Finding]:
    """The stage writes its own main configuration, which may read the distribution's directories: they are
    kept, but Wolfi's package does not create them. A COPY/ADD makes its destination's directories itself; a RUN
    that writes or links into one that no earlier line (nor the RUN itself, with `mkdir`) made fails."""
    findings = []
    made: set[str] = set()
    for item in stage.instructions:
        named = [d["from"] for d in row.get("directories") or []
                 if re.search(_path_pattern(d["from"]), item.raw)]
        target = _destination(item)
        if target is not None:
            made.update(d for d in named if _under(target, d))
            continue
        if item.keyword != "RUN":
            continue
        made.update(d for d in named if re.search(r"\bmkdir\b[^;&|]*" + _path_pattern(d), item.raw))
        missing = [d for d in named if d not in made]
        if missing:
            findings.append(finding(_NOT_PORTED, item.line, _missing_message(row, missing)))
    return findings


def _missing_message(row: dict[str, Any], missing: list[str]) -> str:
    to = dict.fromkeys(d["to"] for d in row.get("directories") or [] if d["from"] in missing)
    return (f"{', '.join(missing)} left as written: {row['why']}; the stage writes its own {row['main']}, which "
            f"decides what is read, and nothing creates {' or '.join(missing)} before this line: create it "
            f"(`mkdir -p {' '.join(missing)}`) first, or put the files in {', '.join(to)}")


def _descendants(plan: FilePlan, stage: Stage) -> list[Stage]:
    """The stage and every stage built FROM it (directly or through others)."""
    return [s for s in plan.staged.stages if any(c is stage for c in s.chain())]


def _configured(stage: Stage, built_from: list[Stage], row: dict[str, Any], install: Instruction) -> list[Finding]:
    """Wolfi's configuration files written as the distribution's read (its includes, its default site), in the
    RUN that installs the package; not when the start command gives a configuration of its own. What the stage,
    and the stages built FROM it (`built_from`), copy and start decides, as they inherit the installed package:
    the stage that installs it writes them (its RUN, as root before any USER)."""
    config = row.get("config")
    if not config or install not in stage.instructions or install.json_args() is not None or install.heredocs:
        return []
    wolfis = {w["path"] for w in config["writes"]} | {f["to"] for f in row.get("files") or []}
    later = [i for s in built_from for i in s.instructions]
    for item in later:
        words = item.words() if item.keyword in ("CMD", "ENTRYPOINT") else []
        if any(posixpath.basename(w) == row["program"] for w in words) and _own_configuration(
                words, tuple(config["own"]), wolfis):
            return []
    others = [i.raw for i in later if i.keyword in ("COPY", "ADD", "RUN") and i is not install]
    commands, shown = [], []
    for write in config["writes"]:
        when = write.get("when")
        whens = [when] if isinstance(when, str) else list(when or [])  # (a path, or a list: any of them)
        if whens and not any(re.search(_path_pattern(w), raw) for w in whens for raw in others):
            continue
        redirect = ">>" if write["write"] == "append" else ">"
        made = f"mkdir -p {posixpath.dirname(write['path'])} && " if write.get("mkdir") else ""
        commands.append(f"{made}printf '{write['text']}' {redirect} {write['path']}")
        shown.append(f"`printf ... {redirect} {write['path']}`")
    if not commands:
        return []
    body = install.raw.rstrip()
    _replace(stage, install, body + "".join(f" && {c}" for c in commands) + install.raw[len(body):])
    return [finding(_PORTED, install.line, f"{', '.join(shown)} added: {config['why']}")]


def _own_configuration(words: list[str], own: tuple[str, ...], wolfis: set[str]) -> bool:
    """The start command names a configuration of its own (`-c FILE`); not when FILE is the one Wolfi's package
    reads anyway (`-c /etc/supervisord.conf`, Debian's path already rewritten to it), which the writes complete."""
    for index, word in enumerate(words):
        option, equals, value = word.partition("=")
        if option not in own:
            continue
        if not equals:
            value = words[index + 1] if index + 1 < len(words) else ""
        if posixpath.normpath(value) not in wolfis if value else True:
            return True
    return False


def _foreground(plan: FilePlan, stage: Stage, row: dict[str, Any]) -> list[Finding]:
    """`CMD ["supervisord"]` without -n, where no file the stage copies sets nodaemon=true: supervisord would
    fork into the background and the container stop with its PID 1."""
    foreground = row.get("foreground")
    if not foreground:
        return []
    for item in stage.instructions:
        if item.keyword not in ("CMD", "ENTRYPOINT"):
            continue
        words = item.words()
        index = next((i for i, w in enumerate(words) if posixpath.basename(w) == row["program"]), None)
        if index is None or any(w in foreground["options"] or w.startswith("--nodaemon") for w in words):
            continue
        if _copied_setting(plan, stage, foreground["setting"]):
            return []
        raw = _with_option(item, words[index], foreground["option"])
        if raw is None:
            continue
        _replace(stage, item, raw)
        message = (f"{foreground['option']} added to `{words[index]}`: no file the stage copies sets "
                   f"{foreground['setting'].replace(chr(92) + 's*', '')} (that the tool can read), and without it "
                   f"{row['program']} forks into the background: the container would stop at once")
        return [finding(_PORTED, item.line, message)]
    return []


def _with_option(item: Instruction, program: str, option: str) -> str | None:
    """The instruction with `option` right after the program's word, in its own form."""
    import json  # (lazy: the hot path does not load json)

    if item.json_args() is not None:
        match = re.search(re.escape(json.dumps(program)) + r"\s*(?=[,\]])", item.raw)
        return None if match is None else f"{item.raw[:match.end()]}, {json.dumps(option)}{item.raw[match.end():]}"
    match = re.search(r"(?<![\w/.-])" + re.escape(program) + r"(?=\s|$)", item.raw)
    return None if match is None else f"{item.raw[:match.end()]} {option}{item.raw[match.end():]}"


def _copied_setting(plan: FilePlan, stage: Stage, setting: str) -> bool:
    """A file of the build context the stage copies in sets it (a directory copied whole: its files)."""
    pattern = re.compile(rf"(?im)^\s*{setting}\b")
    for current in stage.chain():
        for item in current.instructions:
            if _destination(item) is None:
                continue
            for source in _words(item)[:-1]:
                names = [posixpath.join(source, n) for n in plan.files.files_under(source) or []] \
                    if plan.files.is_directory(source) else [source]
                for name in names or []:
                    text = plan.files.text(name)
                    if text is not None and pattern.search(text):
                        return True
    return False


def dropped_links(cmd: Cmd, ctx: Context) -> Outcome | None:
    """`ln -s /etc/nginx/sites-available/app /etc/nginx/sites-enabled/`: enabling a site in a directory Wolfi's
    package neither has nor reads; the COPY that wrote the site put it where it is read (port_layouts), so the
    command goes. `rm /etc/nginx/sites-enabled/default`: disabling one: the file removed is Wolfi's path of it."""
    from migrator.rewrite.command import Outcome

    if cmd.name not in ("ln", "rm", "unlink") or ctx.family == "wolfi":
        return None
    operands = [(i, w) for i, w in enumerate(cmd.words) if i and not w.is_option]
    for row in _rows():
        if ctx.family not in row.get("families", []) or row["package"] not in ctx.stage.installed:
            continue
        if any(posixpath.normpath(path) == row["main"] for _, path in ctx.stage.copied):
            continue
        directories = [d["from"] for d in row.get("directories") or []]
        inside = [(i, w) for i, w in operands
                  if w.value is not None and any(_under(w.value, d) for d in directories)]
        if not inside or (cmd.name == "ln" and inside[-1] != operands[-1]):
            continue
        text = " ".join(w.text for w in cmd.words)
        if cmd.name == "ln":
            message = f"`{text}` removed: {row['why']}; the files written there go to {row['directories'][0]['to']}"
            return Outcome(remove=True, findings=[finding(_PORTED, cmd.line, message)])
        replace = {cmd.word_index(i): _mapped(w.text, row) for i, w in inside}
        moved = ", ".join(f"{w.text} -> {replace[cmd.word_index(i)]}" for i, w in inside)
        message = f"`{text}`: {moved}: {row['why']}"
        return Outcome(replace=replace, findings=[finding(_PORTED, cmd.line, message)])
    return None


def _mapped(path: str, row: dict[str, Any]) -> str:
    """The path on Wolfi of a path in one of the row's directories: the directory's files are `to`/*`suffix`."""
    for moved in row.get("directories") or []:
        if not _under(path, moved["from"]):
            continue
        name = path[len(moved["from"]):].strip("/") or "*"
        return f"{moved['to']}/{name if name.endswith(moved['suffix']) else name + moved['suffix']}"
    return path
