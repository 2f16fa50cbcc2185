"""Translate one RUN instruction (package installs, users) by applying shell edits to its raw text."""

from __future__ import annotations

import re

from migrator.model import Finding
from migrator.parse.dockerfile import Instruction
from migrator.plan.facts import heredoc_marker_spans, run_body_offset, run_script_spans, run_scripts, script_heredocs
from migrator.records import dataclass, field
from migrator.regex import lazy as lazy_re
from migrator.rules.loader import RuleSet

TYPE_CHECKING = False  # not typing's: importing typing costs 2 ms of a cold run (docs/performance.md)
if TYPE_CHECKING:
    from migrator.rewrite.command import StageKnowledge
    from migrator.rewrite.shell import Edit
    from migrator.rewrite.shell_syntax import SimpleCommand


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
        from migrator.rewrite.shell_syntax import simple_commands

        if self.raw is None or all(line.lstrip().startswith("#") for line in self.raw.splitlines() if line.strip()):
            return []  # only the comments of a dropped RUN are left
        translated = parse_instruction(self.raw, self.line, self.escape)
        return [c for script, first in run_scripts(translated) for c in simple_commands(script, first)]


def translate_run(instruction: Instruction, family: str, rules: RuleSet,
                  knowledge: StageKnowledge | None = None) -> RunOutcome:
    """The RUN with its package and user commands translated. `knowledge`: what the rest of the stage
    installs (see StageKnowledge); without it the RUN is read on its own."""
    from migrator.rewrite.shell import rewrite_script

    if instruction.json_args() is not None:
        return _exec_form(instruction, family, rules)
    spans = run_script_spans(instruction)
    outcome = RunOutcome(raw=instruction.raw, line=instruction.line, escape=instruction.escape)
    readers = script_heredocs(instruction)
    all_empty = bool(spans)
    removed: set[int] = set()
    changes: list[tuple[int, int, str]] = []  # (start, end, text) in the raw text
    for script, first_line, offset in spans:
        body = next((i for i, h in enumerate(instruction.heredocs) if h.body_offset == offset), None)
        errexit = body is not None and _errexit(readers[body])
        rewrite = rewrite_script(script, family, rules, first_line, knowledge, errexit)
        if body is None:  # the command line: it may remove a command with the heredocs it reads
            gone = _removed_heredocs(instruction, offset, rewrite.edits)
            if gone is None:
                return _heredoc_kept(instruction, script, first_line)
            removed.update(gone)
            if instruction.heredocs:
                outcome.findings += _scripts_written(instruction, readers, script, first_line, gone)
            changes += [(instruction.heredocs[i].body_offset, _heredoc_end(instruction, i), "") for i in gone]
        elif body in removed:
            continue  # a script removed with the command that ran it
        outcome.findings += rewrite.findings
        outcome.needs_root |= rewrite.installs_packages or rewrite.manages_users
        all_empty &= rewrite.empty
        changes += [(offset + edit.start, offset + edit.end, edit.text) for edit in rewrite.edits]
    raw = instruction.raw
    body_start = instruction.heredocs[0].body_offset if instruction.heredocs else len(raw)
    for start, end, text in sorted(changes, reverse=True):  # from the end: earlier offsets stay valid
        if start < body_start and not (text[:1] + raw[end : end + 1]).isspace() and _MARKER_END.search(raw[:start]):
            text = " " + text  # `<<EOF && x; y` less ` && x`: `<<EOF;` would be a heredoc named `EOF;`
        raw = raw[:start] + text + raw[end:]
    kept_heredocs = len(instruction.heredocs) - len(removed)
    if kept_heredocs and not _same_heredocs(instruction, raw, removed):
        return _heredoc_kept(instruction, spans[0][0], spans[0][1])
    lost = _lost_comments(instruction, raw)
    if all_empty and not kept_heredocs:
        outcome.raw = "".join(lost) or None
    else:
        outcome.raw = "".join(lost) + raw
    return outcome


def _exec_form(instruction: Instruction, family: str, rules: RuleSet) -> RunOutcome:
    """`RUN ["dotnet", "restore"]` runs a program without a shell: nothing to translate, unless it is a
    package or user command, which the exec form cannot be rewritten into, or a `bundle` command (also behind a
    wrapper, or in the script of `sh -c`) with flags Bundler 4 removed, which becomes the shell form it needs
    (`bundle config set ... && bundle install`)."""
    from migrator.findings import packages as codes
    from migrator.model import Severity
    from migrator.parse.dockerfile import parse_instruction
    from migrator.plan.facts import shell_script
    from migrator.rewrite.bundler_flags import exec_form_translated
    from migrator.rewrite.packages import MANAGERS, WRAPPERS
    from migrator.rewrite.users import USER_COMMANDS
    from migrator.rewrite.wrappers import wrapper_words

    argv = instruction.json_args() or []
    program = argv[0].rsplit("/", 1)[-1] if argv else ""
    outcome = RunOutcome(raw=instruction.raw, line=instruction.line, escape=instruction.escape)
    run = tuple(argv[wrapper_words(argv):])  # (`["nice", "bundle", ...]`, `["sh", "-c", "bundle ..."]`)
    ruby = bool(run) and (run[0].rsplit("/", 1)[-1] == "bundle" or "bundle" in (shell_script(run) or ""))
    if ruby and (translated := exec_form_translated(instruction, argv, family, rules)) is not None:
        outcome.raw, outcome.findings = translated
        return outcome
    script = shell_script(run)
    named = [w for w in re.split(r"[\s;&|()]+", script or "") if w in MANAGERS or w in WRAPPERS or w in USER_COMMANDS]
    if named and run == tuple(argv) and len(run) == 3 and run[0] in ("sh", "/bin/sh") and run[1] == "-c" \
            and "\n" not in (script or ""):  # (`sh -ec` would lose its -e in the shell form)
        # `RUN ["sh", "-c", "apt-get update && ..."]` is the shell form's own command: written so, it is translated
        shell_form = parse_instruction(f"RUN {script}{_newline(instruction.raw)}", instruction.line,
                                       instruction.escape)
        in_shell_form = translate_run(shell_form, family, rules)
        if in_shell_form.raw != shell_form.raw:
            return in_shell_form
        if not any(f.severity is Severity.ERROR for f in in_shell_form.findings):
            return outcome  # its shell form needs no change (`apk add` on an apk image): it runs as written
    if program == "apk" and run == tuple(argv) and _works_as_written(instruction, argv, family, rules):
        return outcome
    wrapped = run[0].rsplit("/", 1)[-1] if run else ""  # (`["nice", "apt-get", ...]`, `["env", "X=1", "apt-get"]`)
    named += [wrapped] if wrapped != program and (wrapped in MANAGERS or wrapped in USER_COMMANDS) else []
    if program in MANAGERS or program in WRAPPERS or program in USER_COMMANDS or named:
        runs = program if not named else named[0]
        outcome.findings.append(codes.UNSUPPORTED_PACKAGE_COMMAND.finding(
            instruction.line, f"`RUN {instruction.body.strip()}` runs {runs} in exec form: left as written, "
            f"and it fails on Wolfi; write it in shell form so that it can be translated"))
    return outcome


def _works_as_written(instruction: Instruction, argv: list[str], family: str, rules: RuleSet) -> bool:
    """`RUN ["apk", "add", "curl"]` from an apk image (Alpine, Wolfi): its shell form installs the same names
    (only options may change) and no error is found in it, so the exec form runs on Wolfi as it is."""
    import shlex

    from migrator.model import Severity
    from migrator.parse.dockerfile import parse_instruction
    from migrator.rewrite.needs import installed_packages
    from migrator.rewrite.packages import package_command

    shell_form = parse_instruction(f"RUN {shlex.join(argv)}{_newline(instruction.raw)}", instruction.line,
                                   instruction.escape)
    translated = translate_run(shell_form, family, rules)
    written = package_command(tuple(argv))
    return (written is not None and installed_packages(translated.commands()) == list(written.packages)
            and not any(f.severity is Severity.ERROR for f in translated.findings))


def _newline(raw: str) -> str:
    return "\r\n" if raw.endswith("\r\n") else "\n" if raw.endswith("\n") else ""


def _removed_heredocs(instruction: Instruction, offset: int, edits: list[Edit]) -> list[int] | None:
    """The heredocs of a RUN whose heredocs are data that the edits remove with the command reading them
    (`cat <<EOF > /etc/apt/sources.list.d/x.list`), by index; None when an edit would change a `<<EOF`
    marker otherwise, or reach into a body: the script the edits were made on has them blanked."""
    if not instruction.heredocs or offset != run_body_offset(instruction):
        return []  # no heredoc, or a heredoc script (edited in its own text)
    body_start = instruction.heredocs[0].body_offset - offset
    markers = heredoc_marker_spans(instruction, instruction.raw[offset : offset + body_start])
    removed: list[int] = []
    for edit in edits:
        if edit.end > body_start:
            return None
        for index, (begin, end) in enumerate(markers):
            if edit.start < end and begin < edit.end:
                if not (edit.start <= begin and end <= edit.end) or _LEFT.sub("", edit.text) not in ("", "true", ":"):
                    return None  # partly, or rewritten with its command: it is blanked in the edit's text
                removed.append(index)
    if removed and len(markers) != len(instruction.heredocs):
        return None  # which body goes with which marker is not certain
    return sorted(removed)


_LEFT = lazy_re(r"[\s\\;&|]+")  # what a removal leaves: operators, continuations, or `true` in `a || true`


def _scripts_written(instruction: Instruction, readers: list[list[str] | None], script: str, first_line: int,
                     removed: list[int]) -> list[Finding]:
    """E MIG310 for a data heredoc that is a shell script running a package manager, when it is one to run:
    it starts with `#!`, or the RUN runs the file it is written to (`cat <<EOF > /setup.sh && sh /setup.sh`).
    migrator does not translate files a RUN writes; on Wolfi the script fails."""
    from migrator.findings import packages as pcodes
    from migrator.rewrite.packages import MANAGERS, WRAPPERS
    from migrator.rewrite.shell_syntax import simple_commands
    from migrator.rewrite.wrappers import manager_in_script

    managers = frozenset({*MANAGERS, *WRAPPERS} - {"apk"})
    command_line = instruction.raw[run_body_offset(instruction) : instruction.heredocs[0].body_offset]
    written = set(_WRITTEN.findall(command_line))
    run = [c.words for c in simple_commands(script, first_line)
           if c.words[0] in written or (c.words[0] in _RUNNERS and c.words[1:2] and c.words[1] in written)]
    found = []
    for index, heredoc in enumerate(instruction.heredocs):
        if readers[index] is not None or index in removed or not (heredoc.body.startswith("#!") or run):
            continue
        manager = manager_in_script(heredoc.body, managers)
        if manager is not None:
            found.append(pcodes.UNSUPPORTED_PACKAGE_COMMAND.finding(heredoc.body_line, (
                f"the heredoc <<{heredoc.delimiter} is a shell script that runs {manager}, written to a file: "
                f"migrator does not translate files, and {manager} does not exist on Wolfi, so the script fails "
                f"where it runs. Translate it by hand (apk add ...), or give it to a shell (`RUN <<{heredoc.delimiter} "
                "sh`) so that migrator translates it")))
    return found


_RUNNERS = frozenset({"sh", "bash", "dash", "ash", "/bin/sh", "/bin/bash", "source", "."})
_WRITTEN = lazy_re(r"(?:>>?|\btee(?:[ \t]+-a)?)[ \t]*([^\s;&|<>()]+)")  # files a command line writes


_MARKER_END = lazy_re(r"<<-?[ \t]*(?:\"[^\"\n]*\"|'[^'\n]*'|[^\s<>|&;\"']+)\Z")


def _same_heredocs(instruction: Instruction, raw: str, removed: set[int]) -> bool:
    """Does BuildKit read the translated RUN with the heredocs it should have (the same delimiters, in order)?"""
    from migrator.parse.dockerfile import parse_instruction

    try:
        translated = parse_instruction(raw, instruction.line, instruction.escape)
    except ValueError:
        return False
    expected = [h.delimiter for i, h in enumerate(instruction.heredocs) if i not in removed]
    return [h.delimiter for h in translated.heredocs] == expected and translated.raw == raw


def _heredoc_end(instruction: Instruction, index: int) -> int:
    """Offset in raw just after the delimiter line of heredoc `index`."""
    following = instruction.heredocs[index + 1 :]
    return following[0].body_offset if following else len(instruction.raw)


def _heredoc_kept(instruction: Instruction, script: str, first_line: int) -> RunOutcome:
    """The RUN as written, with a finding: its translation would have rewritten a command with the `<<EOF`
    it reads, or one in front of it. An error where what stays fails on Wolfi."""
    from migrator.findings import packages as pcodes
    from migrator.findings import shell as scodes
    from migrator.plan.facts import strip_env_prefix
    from migrator.rewrite.packages import MANAGERS, WRAPPERS
    from migrator.rewrite.php_helpers import INSTALLERS
    from migrator.rewrite.shell_syntax import simple_commands
    from migrator.rewrite.users import USER_COMMANDS
    from migrator.rewrite.wrappers import wrapper_words

    failing = ((pcodes.UNSUPPORTED_PACKAGE_COMMAND, {*MANAGERS, *WRAPPERS} - {"apk"}),
               (scodes.USER_COMMAND_UNTRANSLATABLE, USER_COMMANDS - {"adduser", "addgroup"}),
               (scodes.DOCKERHUB_HELPER_LEFT, INSTALLERS))
    commands = [strip_env_prefix(c.words) for c in simple_commands(script, first_line)]
    names = [words[skip].rsplit("/", 1)[-1] for words in commands if len(words) > (skip := wrapper_words(words))]
    message = "the translation of this RUN would rewrite a command that reads a heredoc (`<<`): left as written"
    found = scodes.RUN_UNPARSED.finding(instruction.line, message)
    for code, programs in failing:
        if program := next((name for name in names if name in programs), None):
            found = code.finding(instruction.line, f"{message}; {program} does not exist on Wolfi, so the RUN "
                                 "fails. Write that command on its own, without the heredoc")
            break
    outcome = RunOutcome(raw=instruction.raw, line=instruction.line, escape=instruction.escape)
    outcome.findings.append(found)
    return outcome


def _errexit(reader: list[str] | None) -> bool:
    """`RUN bash -e <<EOF`, `RUN <<EOF sh -ex`: the heredoc script runs under `set -e`."""
    if not reader:
        return False
    from migrator.rewrite.failures import shell_flags

    return shell_flags(reader[1:])[0]


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
