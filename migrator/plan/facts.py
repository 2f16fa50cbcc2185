"""What a stage does, read from its instructions: work directory, environment, commands, copies."""

from __future__ import annotations

import posixpath
import re
from collections import ChainMap
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache

from migrator.model import ExpansionError
from migrator.parse.dockerfile import Instruction
from migrator.parse.options import scan
from migrator.parse.variables import buildkit_words, expand_args, needs_quoting, process_word
from migrator.parse.words import split_words
from migrator.plan.facts_memo import remembered
from migrator.plan.stages import Stage, parse_arg
from migrator.records import dataclass, field, replace
from migrator.regex import lazy as lazy_re
from migrator.rewrite.shell_syntax import shell_assignments
from migrator.rewrite.wrappers import wrapper_words


@dataclass(frozen=True)
class Command:
    words: tuple[str, ...]  # argv without leading `VAR=value` assignments
    line: int
    instruction: Instruction
    workdir: str  # the WORKDIR in force when the command ran
    assignments: tuple[str, ...] = ()  # the leading `VAR=value` words, e.g. ("CGO_ENABLED=0",)
    # False when a `cd` in the shell script the command runs in went somewhere not known (`sh -c "cd $D && ..."`)
    workdir_known: bool = True
    # what the RUN's shell has that the Dockerfile's variables do not say: HOME (the USER's home), the
    # variables the RUN set before this command (`OUT=/usr/local/bin && go build -o $OUT/app`); None: unknown
    shell: tuple[tuple[str, str | None], ...] = ()
    # an exec-form RUN's shell (`["sh", "-c", SCRIPT]`) whose script's commands follow it among the stage's
    # commands: seen_through does not read the script again
    script_listed: bool = False

    def environment(self, env: Mapping[str, str | None]) -> Mapping[str, str | None]:
        """The variables this command's words see: the stage's, then the shell's own."""
        return ChainMap(dict(self.shell), env) if self.shell else env  # type: ignore[arg-type]

    def expand(self, word: str, env: Mapping[str, str | None]) -> str | None:
        """`word` as the RUN's shell expands it; None when a variable in it has a value this file does not
        show (computed with `$(...)`, set by the base image or nowhere, a loop's): never "" in its place."""
        return run_word(word, self.environment(env))

    def resolve(self, path: str, env: Mapping[str, str | None]) -> str | None:
        """The absolute path a word of the command names; None when it is not known (expand)."""
        expanded = self.expand(path, env)
        return None if expanded is None else joined(expanded, self.workdir)


def run_word(word: str, env: Mapping[str, str | None]) -> str | None:
    """A word of a RUN with the variables `env` knows expanded; None when it names one `env` does not know
    (absent, or None), or runs a command (`$(...)`, backticks) to make itself. A leading `~` is HOME."""
    if word.startswith("~"):
        user, slash, rest = word.partition("/")
        home = env.get("HOME") if user == "~" else None  # (`~app/`: that user's home, from /etc/passwd)
        if home is None:
            return None
        word = home.rstrip("/") + slash + rest if slash else home
    if "$" not in word and "`" not in word:
        return word
    if "`" in word or "$(" in word:
        return None
    if any(name in env and env[name] is None for name in _REFERENCED.findall(word)):
        return None  # (`${ARCH:-x86_64}` after `ARCH=$(uname -m)`: not the default)
    expanded, missing = expand_args(word, env)
    return None if missing or "${" in expanded else expanded


@dataclass
class StageFacts:
    stage: Stage
    workdir: str = "/"
    workdir_at: dict[int, str] = field(default_factory=dict)  # line of an instruction -> the WORKDIR it runs in
    # the source image's WORKDIR when it is the server's own (tomcat's /usr/local/tomcat, redis's /data), not an app's
    server_dir: str | None = None
    env: dict[str, str | None] = field(default_factory=dict)
    commands: list[Command] = field(default_factory=list)
    copy_destinations: list[str] = field(default_factory=list)  # absolute paths
    # (line, absolute path or glob) of what a COPY/ADD put in place (copy_landing): a source's basename inside a
    # directory destination, and the destination itself for a directory's contents; from the build context, a
    # stage or an image
    copied: list[tuple[int, str]] = field(default_factory=list)
    # (line, absolute destination, source as written, --from value or None for the build context) of each
    # directory or glob whose contents land in a destination under names the Dockerfile does not show
    copied_trees: list[tuple[int, str, str, str | None]] = field(default_factory=list)
    # COPY/ADD whose files land in / (or a system directory) under names the file does not show, with
    # their absolute destination: the runtime repeats them
    unplaced_copies: list[tuple[Instruction, str]] = field(default_factory=list)
    directories: set[str] = field(default_factory=set)  # paths the stage makes as directories (WORKDIR)
    copy_from_stages: list[str] = field(default_factory=list)
    user: str | None = None
    cmd: Instruction | None = None
    entrypoint: Instruction | None = None
    has_run: bool = False
    homes: dict[str, str | None] = field(default_factory=dict)  # user name or uid -> home (useradd, adduser)
    # a path a build argument made, as it was written: /app -> ${APP_HOME} (`--build-arg APP_HOME=/srv`)
    arg_paths: dict[str, str] = field(default_factory=dict)
    build_args: set[str] = field(default_factory=set)  # ARG names in force that no ENV has replaced
    # ENV values made from build arguments, as written: APP_HOME -> /srv/${NAME} (`ENV APP_HOME=/srv/${NAME}`)
    arg_env: dict[str, str] = field(default_factory=dict)
    env_names: set[str] = field(default_factory=set)  # names an ENV set (an ARG of the same name does not change them)
    # names whose value was made from variables nothing in the file sets (read as "", as BuildKit does): APP -> (HOME,)
    made_from_unset: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # WORKDIR lines read through such variables: (line, the directory, the variables)
    unset_workdirs: list[tuple[int, str, tuple[str, ...]]] = field(default_factory=list)
    shell: tuple[str, ...] = ("/bin/sh", "-c")  # the SHELL in force: what runs a shell-form RUN

    def braces_expand(self) -> bool:
        """Does the shell of a shell-form RUN expand `{a,b}` (bash, zsh, ksh), or read it as a name (sh)?"""
        return brace_shell(self.shell[0] if self.shell else "sh")

    def copy(self) -> StageFacts:
        """The same facts in containers of their own: the reader of a copy may change it (facts_memo)."""
        return replace(self, workdir_at=dict(self.workdir_at), env=dict(self.env), commands=list(self.commands),
                       copy_destinations=list(self.copy_destinations), copied=list(self.copied),
                       copied_trees=list(self.copied_trees), unplaced_copies=list(self.unplaced_copies),
                       directories=set(self.directories), copy_from_stages=list(self.copy_from_stages),
                       homes=dict(self.homes), arg_paths=dict(self.arg_paths), build_args=set(self.build_args),
                       arg_env=dict(self.arg_env), env_names=set(self.env_names),
                       made_from_unset=dict(self.made_from_unset), unset_workdirs=list(self.unset_workdirs))

    def home(self) -> str | None:
        """HOME in a RUN of the USER in force: /root for root, the home of a user the stage made; None when
        the file does not show it (a user of the base image)."""
        user = (self.user or "root").split(":")[0]
        return "/root" if user in ("root", "0") else self.homes.get(user)

    def note_user(self, words: tuple[str, ...]) -> None:
        """Remember the home of a user `useradd` or `adduser` makes, by name and by uid."""
        program = posixpath.basename(words[0])
        if program not in ("useradd", "adduser"):
            return
        if program == "useradd":
            found = scan(words[1:], "bcdefgGkKpPRsuZ", {"--base-dir", "--comment", "--home-dir", "--home",
                                                        "--expiredate", "--inactive", "--gid", "--groups",
                                                        "--skel", "--key", "--password", "--root", "--shell",
                                                        "--uid", "--prefix", "--selinux-user"})
            home = found.value("-d", "--home-dir", "--home")
            base: str | None = found.value("-b", "--base-dir") or "/home"
        else:  # Debian's adduser (--home; a --system user's is /nonexistent) or busybox's (-h)
            found = scan(words[1:], "hgsGuk", {"--home", "--shell", "--uid", "--gid", "--gecos", "--ingroup",
                                               "--firstuid", "--lastuid", "--conf", "--comment"})
            home = found.value("-h", "--home")
            base = None if found.has("--system") else "/home"
        if not found.operands:
            return
        name = found.operands[0]
        if home is None:
            home = posixpath.join(base, name) if base is not None else None
        elif "$" in home or "`" in home:
            home = run_word(home, self.env)
        uid = found.value("-u", "--uid")
        for key in (name, uid):
            if key:
                self.homes[key] = home

    def commands_named(self, *names: str) -> list[Command]:
        return [c for c in self.run_commands() if c.words and posixpath.basename(c.words[0]) in names]

    def run_commands(self) -> list[Command]:
        """The stage's commands as the programs they run: seen through wrappers (`nice bundle install`,
        `time -p pip install ...`, `env -u X npm ci`) and into the script a shell is given (`sh -c "npm ci"`,
        `bash -lc '...'`, `RUN ["sh", "-c", "..."]`). Every reader of what a stage installs or builds reads
        these, so a wrapper hides an install from none of them."""
        return [run for command in self.commands for run in seen_through(command)]

    def resolve(self, path: str) -> str:
        """An absolute path for a path relative to the stage's final WORKDIR."""
        return absolute(path, self.workdir, self.env)

    def written_path(self, path: str, resolved: str) -> str:
        """The absolute path `path` names, with the build arguments it uses kept as written
        (`${APP_HOME}/static`), so that `--build-arg APP_HOME=/srv` moves the runtime's copy as it moved the
        builder's files; remembered for `as_written`."""
        if "$" in path:
            real, _ = expand_args(path, self.env)
            written, _ = expand_args(path, self.written_values())
            if written != real and not real.startswith("/"):
                base = self.written_base()
                written = posixpath.join(base, written) if base is not None else real
            written = posixpath.normpath(written) if written != real else resolved
        elif path.startswith("/"):
            written = resolved
        else:
            written = posixpath.normpath(posixpath.join(self.as_written(self.workdir), path))
        self.remember(resolved, written)
        return written

    def enter_workdir(self, raw: str, escape: str, line: int = 0) -> None:
        """WORKDIR as BuildKit reads it (`WORKDIR /srv/\\$HOME` is the directory `/srv/$HOME`), relative to the
        one in force; a path made from build arguments is remembered as written (written_path)."""
        real, missing = process_word(raw, self.env, escape)
        resolved = joined(real, self.workdir)
        unset = self.unset_names(raw, missing)
        if unset:
            self.unset_workdirs.append((line, resolved, unset))
        written = resolved
        if not needs_quoting(real):  # (a literal `$` or quote: the path is written as it is, escaped)
            text = process_word(raw, self.written_values(), escape)[0] if "$" in raw else real
            base = self.written_base()
            if real.startswith("/"):
                written = posixpath.normpath(text) if text != real else resolved
            elif base is not None:
                written = posixpath.normpath(posixpath.join(base, text))
        self.remember(resolved, written)
        self.workdir = resolved
        self.directories.add(resolved)

    def written_base(self) -> str | None:
        """The WORKDIR in force as written, for a relative path to be written after it; None when that is a
        directory BuildKit would read otherwise if written bare (`/it's`, `/srv/a\\b`, `/srv/$d`): a
        `${NAME}` after it cannot be kept, so the path is written as it is, quoted."""
        written = self.as_written(self.workdir)
        return None if written == self.workdir and needs_quoting(written) else written

    def note_unset(self, name: str, unset: tuple[str, ...]) -> None:
        if unset:
            self.made_from_unset[name] = unset
        else:
            self.made_from_unset.pop(name, None)

    def unset_names(self, raw: str, missing: list[str]) -> tuple[str, ...]:
        """The variables nothing in the file sets that a value read from `raw` went through, directly
        (`missing`, less the build arguments declared without a default) or by a name made from them."""
        names = [name for name in missing if name not in self.env]
        for name in _REFERENCED.findall(raw) if self.made_from_unset else []:
            names += self.made_from_unset.get(name, ())
        return tuple(dict.fromkeys(names))

    def written_values(self) -> Mapping[str, str | None]:
        """The environment with build arguments kept as written: ${NAME}, and values made from them (a view:
        an ENV line reads it without copying the whole environment, so many ENV lines stay linear)."""
        return ChainMap(self.arg_env, _References(self.build_args), self.env)  # type: ignore[arg-type]

    def assign_env(self, assigned: Mapping[str, str | None], escape: str = "\\") -> None:
        """ENV: the values are processed where they are set, as the builder does (`ENV APP_HOME=/srv/${NAME}`
        then `WORKDIR $APP_HOME` works in /srv/app): quotes removed, escapes taken, a variable the file does
        not set expanded to "" (`ENV APP=$HOME/app` is /app, as BuildKit makes it). `assigned` holds the
        values as written (parse_env_words). All of them are read with the values from before the
        instruction: `ENV A=/srv B=$A/app` sets B to /app when no A was set earlier, as BuildKit does."""
        values: dict[str, str | None] = {}
        written: dict[str, str] = {}
        unset: dict[str, tuple[str, ...]] = {}
        for name, raw in assigned.items():
            values[name] = raw
            if raw is not None:
                values[name], missing = process_word(raw, self.env, escape)
                unset[name] = self.unset_names(raw, missing) if "$" in raw else ()
                if "$" in raw and (self.build_args or self.arg_env) and not needs_quoting(values[name] or ""):
                    text, _ = process_word(raw, self.written_values(), escape)
                    if text != values[name]:
                        written[name] = text
        replaced = {"${" + name + "}" for name in values if name in self.build_args}
        if replaced:  # after this line ${NAME} is the ENV's value: a form written with the argument's is stale
            self.forget_written(replaced)
            written = {name: text for name, text in written.items() if not _mentions(text, replaced)}
        for name, value in values.items():
            self.note_unset(name, unset.get(name, ()))
            self.arg_env.pop(name, None)
            self.env[name] = value
            self.env_names.add(name)
            self.build_args.discard(name)
        self.arg_env.update(written)

    def assign_arg(self, name: str, value: str | None) -> None:
        """ARG: an ENV of the same name wins; a later default replaces an earlier one, so paths written
        with the earlier value can no longer be written as ${NAME} (the runtime declares both ARGs)."""
        if name in self.env_names or (name in self.env and value is None):
            return  # an ENV of this name, or a repeated ARG without a default
        if value is not None and name in self.build_args and self.env.get(name) != value:
            self.forget_written({"${" + name + "}"})
        self.env[name] = value
        if value:
            self.build_args.add(name)
        else:
            self.build_args.discard(name)

    def forget_written(self, references: set[str]) -> None:
        """Drop the paths and ENV values written with these references (`${NAME}`): they no longer name
        what they named when written, so those paths are written as they are."""
        self.arg_paths = {made: text for made, text in self.arg_paths.items() if not _mentions(text, references)}
        self.arg_env = {env: text for env, text in self.arg_env.items() if not _mentions(text, references)}

    def remember(self, resolved: str, written: str) -> None:
        if written != resolved or self.as_written(resolved) != resolved:
            self.arg_paths[resolved] = written

    def as_written(self, path: str) -> str:
        """`path` with the part a build argument made written as that argument: /app/static -> ${APP_HOME}/static."""
        if path in self.arg_paths:
            return self.arg_paths[path]
        for made, written in self.arg_paths.items():
            if path.startswith(made.rstrip("/") + "/"):
                return written + path[len(made.rstrip("/")):]
        return path


def _mentions(text: str, references: set[str]) -> bool:
    return any(reference in text for reference in references)


_REFERENCED = lazy_re(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")


class _References(Mapping[str, str]):
    """Build arguments as references: NAME -> ${NAME}."""

    def __init__(self, names: set[str]) -> None:
        self.names = names

    def __getitem__(self, name: str) -> str:
        if name not in self.names:
            raise KeyError(name)
        return "${" + name + "}"

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)


def absolute(path: str, workdir: str, env: Mapping[str, str | None]) -> str:
    path, _ = expand_args(path, env)
    return joined(path, workdir)


def joined(path: str, workdir: str) -> str:
    """`path` (already expanded) made absolute against `workdir`, normalised."""
    if not path.startswith("/"):
        path = posixpath.join(workdir, path)
    normal = posixpath.normpath(path)
    return "/" if normal in ("", ".") else normal


def seen_through(command: Command, depth: int = 0) -> list[Command]:
    """`command` as the program it runs (the wrappers before it left out), and the commands of the script
    it gives a shell (`sh -c SCRIPT`), each seen through again: the shell's command first, then its
    script's, each with the directory a literal `cd` earlier in that script moved to."""
    words = strip_env_prefix(command.words[wrapper_words(command.words):])
    if not words:
        return []
    seen = [command if words == command.words else
            Command(words, command.line, command.instruction, command.workdir, command.assignments,
                    command.workdir_known, command.shell)]
    script = shell_script(words)
    if script is None or depth > 3 or command.script_listed:
        return seen
    from migrator.rewrite.shell_syntax import simple_commands

    workdir, known = command.workdir, command.workdir_known
    try:
        inner = simple_commands(script, command.line)
    except ValueError:
        return seen
    braces = brace_shell(words[0])
    for run in inner:
        run_words = strip_env_prefix(run.braced if braces and run.braced else run.words)
        if run_words[:1] == ("cd",):
            target = run_words[1] if len(run_words) == 2 else "-"
            known = known and "$" not in target and not target.startswith("-")
            workdir = joined(target, workdir) if known else workdir
            continue
        if run_words:
            seen += seen_through(Command(run_words, command.line, command.instruction, workdir,
                                         run.words[: len(run.words) - len(run_words)], known, command.shell),
                                 depth + 1)
    return seen


# commands that change a file's mode or owner: they neither make, read nor remove it (`chmod +x run` makes nothing;
# `curl -o f && chmod 640 f` leaves f where it was). Callers that match RUN text build their pattern from it.
MODE_CHANGES = ("chmod", "chown", "chgrp")
MODE_CHANGE_NAMES = "|".join(MODE_CHANGES)  # (the alternation a pattern takes: `(?:chmod|chown|chgrp)`)


def shell_script(words: tuple[str, ...]) -> str | None:
    """The script of `sh -c SCRIPT` (`bash -lc`, `bash -o pipefail -c`, `sh -ec`); None for any other command."""
    index = shell_script_index(words)
    return words[index] if index is not None else None


def shell_script_index(words: Sequence[str | None]) -> int | None:
    """Where the script of `sh -c SCRIPT` is among its words (None: a word that is not plain text)."""
    if not words or posixpath.basename(words[0] or "") not in _SHELLS:
        return None
    given = False
    index = 1
    while index < len(words):
        word = words[index]
        if word is None or not word.startswith(("-", "+")) or len(word) == 1:
            return index if given else None
        if word == "--":
            return index + 1 if given and index + 1 < len(words) else None
        if word in ("-o", "+o", "-O", "+O"):
            index += 1
        elif not word.startswith("--"):  # (--login, --norc)
            given |= word.startswith("-") and "c" in word[1:]
        index += 1
    return None


def brace_shell(program: str) -> bool:
    """Does this shell expand `{a,b}` in words? bash, zsh and ksh do; sh, ash, dash and busybox do not."""
    return posixpath.basename(program) in ("bash", "zsh", "ksh", "mksh")


def strip_env_prefix(words: tuple[str, ...]) -> tuple[str, ...]:
    """`DEBIAN_FRONTEND=x CGO_ENABLED=0 go build` -> `go build` (and `env A=b cmd`)."""
    index = 0
    if words and words[0] == "env":
        index = 1
    while index < len(words) and "=" in words[index] and _ASSIGNMENT.match(words[index]):
        index += 1
    return words[index:]


_ASSIGNMENT = lazy_re(r"^[A-Za-z_][A-Za-z0-9_]*=")


def source_sh_shell(stage: Stage) -> tuple[str, ...]:
    """The shell of a shell-form RUN before any SHELL: the source image's /bin/sh, which is bash on UBI or Fedora
    (Stage.sh_is_bash: its RUNs ran under bash, `{a,b}` expanded)."""
    return ("/bin/bash", "-c") if stage.root_stage().sh_is_bash else ("/bin/sh", "-c")


def read_facts(stage: Stage, inherited: StageFacts | None = None,
               global_args: dict[str, str | None] | None = None) -> StageFacts:
    """`global_args`: the ARG defaults before the first FROM, which an `ARG NAME` in the stage takes. A stage
    read without `inherited` is read once per migration (facts_memo)."""
    if inherited is not None:
        return _read_facts(stage, inherited, global_args)
    return remembered((stage,), ("stage", *(global_args or {}).items()), lambda: _read_facts(stage, None, global_args))


def chain_facts(chain: Sequence[Stage]) -> StageFacts | None:
    """The facts of the last stage of `chain` (a stage and the stages it is built FROM, the root first), each stage
    read on from what the one before it left, with the commands of all of them; None for no stage. Read once per
    migration (facts_memo)."""
    return remembered(chain, ("chain",), lambda: _read_chain(chain)) if chain else None


def _read_chain(chain: Sequence[Stage]) -> StageFacts:
    facts = None
    for stage in chain:
        inherited = facts
        facts = read_facts(stage, inherited)
        if inherited is not None:
            facts.commands = inherited.commands + facts.commands
    assert facts is not None
    return facts


def _read_facts(stage: Stage, inherited: StageFacts | None, global_args: dict[str, str | None] | None) -> StageFacts:
    from migrator.rewrite.shell_syntax import simple_commands

    facts = StageFacts(stage, shell=source_sh_shell(stage))
    if inherited is not None:
        facts.workdir, facts.env, facts.user = inherited.workdir, dict(inherited.env), inherited.user
        facts.server_dir = inherited.server_dir
        facts.arg_paths = dict(inherited.arg_paths)
        facts.build_args = set(inherited.build_args)
        facts.arg_env, facts.env_names = dict(inherited.arg_env), set(inherited.env_names)
        facts.made_from_unset = dict(inherited.made_from_unset)
        facts.homes = dict(inherited.homes)
        facts.shell = inherited.shell
    for instruction in stage.instructions:
        keyword = instruction.keyword
        facts.workdir_at[instruction.line] = facts.workdir
        if keyword in ("WORKDIR", "ENV", "ARG"):
            try:
                _read_variables(instruction, facts, global_args or {})
            except ExpansionError as exc:
                raise exc.at(instruction.line) from None
        elif keyword == "USER":
            facts.user = instruction.body.strip()
        elif keyword == "SHELL":
            facts.shell = tuple(instruction.json_args() or ()) or facts.shell
        elif keyword == "CMD":
            facts.cmd = instruction
        elif keyword == "ENTRYPOINT":
            facts.entrypoint = instruction
        elif keyword in ("COPY", "ADD"):
            _read_copy(instruction, facts)
        elif keyword == "RUN":
            facts.has_run = True
            argv = instruction.json_args()
            if argv:  # `RUN ["bash", "scripts/setup.sh"]`: no shell, the list is the command
                words = strip_env_prefix(tuple(argv))
                if words:
                    facts.commands += _exec_form_commands(Command(words, instruction.line, instruction, facts.workdir))
                continue
            braces = facts.braces_expand()
            for script, first_line in run_scripts(instruction):
                shell = RunShell(facts, script, first_line)
                for command in simple_commands(script, first_line):
                    words = strip_env_prefix(command.braced if braces and command.braced else command.words)
                    if words:
                        assignments = _assignments(script[command.start : command.end])
                        assignments += command.words[: len(command.words) - len(words)]
                        facts.commands.append(Command(words, command.line, instruction, facts.workdir,
                                                      tuple(assignments), shell=shell.at(command.start)))
                        facts.note_user(words)
    return facts


def _exec_form_commands(command: Command) -> list[Command]:
    """An exec-form RUN's command; for a shell's (`["/busybox/sh", "-c", "mkdir -p /data && cd web && npm ci"]`),
    the shell, then the commands of its script as the shell form's are read, each in the directory a `cd` before it
    moved to (every reader of the stage's commands sees what the script does, not only those that look into it)."""
    if shell_script(command.words) is None:
        return [command]
    try:
        inner = seen_through(command)[1:]
    except ValueError:
        return [command]
    return [replace(command, script_listed=True), *inner]


class RunShell:
    """The variables of a RUN's shell that the Dockerfile's do not give: HOME, which the shell has from
    /etc/passwd for the USER in force (/root for root) where no ENV sets it, and what the script assigns
    (`OUT=/usr/local/bin &&`, `export OUT=...;`) for the commands after the assignment."""

    def __init__(self, facts: StageFacts, script: str, first_line: int) -> None:
        self.env = facts.env
        self.local: dict[str, str | None] = {} if "HOME" in facts.env else {"HOME": facts.home()}
        self.pending = shell_assignments(script, first_line) if "=" in script or "for" in script else []
        self.pending.sort(key=lambda assignment: assignment.start, reverse=True)

    def at(self, position: int) -> tuple[tuple[str, str | None], ...]:
        while self.pending and self.pending[-1].start <= position:
            assignment = self.pending.pop()
            value = assignment.value
            self.local[assignment.name] = None if value is None else run_word(value, ChainMap(self.local, self.env))
        return tuple(self.local.items())


def _read_variables(instruction: Instruction, facts: StageFacts, global_args: dict[str, str | None]) -> None:
    """WORKDIR, ENV, ARG: what expands variables."""
    if instruction.keyword == "WORKDIR":
        facts.enter_workdir(instruction.body.strip(), instruction.escape, instruction.line)
    elif instruction.keyword == "ENV":
        facts.assign_env(parse_env_words(instruction.body, instruction.escape), instruction.escape)
    else:
        for name, value in parse_env_words(instruction.body, instruction.escape, arg=True).items():
            if value is not None and name not in facts.env_names:
                raw = value
                value, missing = process_word(raw, facts.env, instruction.escape)
                facts.note_unset(name, facts.unset_names(raw, missing))
            facts.assign_arg(name, value if value is not None else global_args.get(name))


def build_only_args(stage: Stage) -> frozenset[str]:
    """Names an ARG sets and no ENV does, in `stage` and the stages it is built FROM: variables of the
    build, which the container's environment (and so a shell-form CMD) does not have."""
    arguments: set[str] = set()
    environment: set[str] = set()
    current: Stage | None = stage
    while current is not None:
        for instruction in current.instructions:
            if instruction.keyword == "ARG":
                arguments |= set(parse_arg(instruction.body))
            elif instruction.keyword == "ENV":
                environment |= set(parse_env_words(instruction.body, instruction.escape))
        current = current.parent
    return frozenset(arguments - environment)


def _assignments(text: str) -> tuple[str, ...]:
    """The `NAME=value` words that prefix a simple command's text."""
    found = []
    for word in _shell_words(text.replace("\\\n", " ")):
        if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", word):
            break
        found.append(word)
    return tuple(found)


def workdir_after(body: str, workdir: str, env: Mapping[str, str | None], escape: str = "\\") -> str:
    """The working directory a `WORKDIR body` line makes, read as BuildKit reads it (process_word)."""
    return joined(process_word(body.strip(), env, escape)[0], workdir)


def env_values(body: str, env: Mapping[str, str | None], escape: str = "\\") -> dict[str, str]:
    """What an `ENV body` line sets, read as BuildKit reads it, each value with the values from before it."""
    return {name: process_word(raw or "", env, escape)[0] for name, raw in parse_env_words(body, escape).items()}


def parse_env_words(body: str, escape: str = "\\", arg: bool = False) -> dict[str, str | None]:
    """ENV (or ARG, `arg`) names and their values as written, quotes and escapes kept, split where BuildKit
    splits them: at white space outside quotes and not escaped. The legacy `ENV NAME value with spaces`
    gives the rest of the line; an ARG without `=` has no default (None)."""
    return dict(_env_words(body, escape, arg))  # (a copy: callers may add to it)


@lru_cache(maxsize=64)
def _env_words(body: str, escape: str, arg: bool) -> dict[str, str | None]:
    """parse_env_words, once per line: a stage's readers ask about the same ENV line many times, and reading
    a very long value character by character is what a 1 MiB ENV line costs."""
    words = buildkit_words(body, escape)
    if not arg and words and "=" not in words[0]:
        name, _, value = body.strip().partition(" ")
        return {name: value.strip()}
    values: dict[str, str | None] = {}
    for word in words:
        name, sep, value = word.partition("=")
        values[name] = value if sep or not arg else None
    return values


def _read_copy(instruction: Instruction, facts: StageFacts) -> None:
    """Where a COPY/ADD puts its files: one destination per source when the destination is a directory
    (`COPY a.sh b.sh /` puts /a.sh and /b.sh). Sources whose files land in / without a name the
    stage can see (`COPY rootfs/ /`, `COPY --from=b /out/x .` with no WORKDIR) are kept whole."""
    source = instruction.flags.get("from")
    external = source is not None and ("/" in source or ":" in source)
    if source:
        facts.copy_from_stages.append(source)
    # (a heredoc's destination is read like any COPY word: `'/etc/my app.conf'` and `it\'s` lose their quoting)
    words = (None if instruction.heredocs else instruction.json_args()) or _shell_words(instruction.body)
    if len(words) < 2:
        return
    destination = words[-1]
    sources = [w for w in words[:-1] if not w.startswith("<<")]
    raw = instruction.body.split()[-1] if instruction.json_args() is None and not instruction.heredocs else ""
    if instruction.escape in raw:  # `/srv/\$HOME/`: the literal directory (the words above took the escape)
        target = joined(process_word(raw, facts.env, instruction.escape)[0], facts.workdir)
        written = target
        facts.remember(target, target)
    else:
        target = facts.resolve(destination)
        written = facts.written_path(destination, target)
    into_directory = copies_into_directory(destination, len(sources))
    placed: list[str] = []
    unplaced = False
    if instruction.heredocs and not sources:  # `COPY <<EOF /etc/app.conf`: a file named by its delimiter in a directory
        many = into_directory or len(instruction.heredocs) > 1
        placed = [posixpath.join(target, h.delimiter) if many else target for h in instruction.heredocs]
        facts.copied += [(instruction.line, path) for path in placed]
    for source_word in sources:
        item = expand_args(source_word, facts.env)[0] if "$" in source_word else source_word  # `${JAR}.jar`: app.jar
        name = posixpath.basename(item.rstrip("/"))
        unpacked = instruction.keyword == "ADD" and "://" not in item and _LOCAL_ARCHIVE.search(name)
        # (`COPY --from=b /bin/app /bin`: a file goes into the directory the image has)
        inside = into_directory or (target in _SYSTEM_DIRECTORIES and _names_a_program(item))
        if not (unpacked or "$" in item):
            facts.copied += [(instruction.line, path) for path in _landings(item, target, inside)]
            if not _names_a_file(item):
                facts.copied_trees.append((instruction.line, target, item, source))
        if unpacked:
            placed.append(target)  # (ADD unpacks a local archive into the directory: the archive is not there)
        elif inside and not into_directory:
            placed.append(copy_landing(item, target, inside))
        elif not into_directory:
            placed.append(target)
        elif _names_a_file(item) or (target in _SYSTEM_DIRECTORIES and _names_a_program(item)):
            placed.append(copy_landing(item, target, into_directory))
        elif target != "/" and target not in _SYSTEM_DIRECTORIES:
            placed.append(target)  # a directory's contents or a glob, or one file: all inside the target
        else:
            # into / or a directory the image fills itself, with names this file does not show (`COPY scripts/
            # /usr/local/bin/`, `COPY --from=build /out/app /bin/`: a file, or a directory whose contents land
            # there): the runtime repeats the copy; the whole directory would bring the builder's own files
            unplaced = True
    if external:
        # files from another image (a tool, a prebuilt app): a runtime repeats the copy from that image
        facts.unplaced_copies.append((instruction, target))
        return
    if unplaced:
        facts.unplaced_copies.append((instruction, target))
    facts.copy_destinations += placed
    for path in placed:
        facts.remember(path, written + path[len(target):] if path.startswith(target) and target != "/" else path)


def _landings(source: str, target: str, into_directory: bool) -> list[str]:
    """What StageFacts.copied records for one source: where it lands by its own name (a glob's pattern there:
    `/usr/local/bin/*.sh`), and the destination itself when the source may be a directory, whose contents
    land there under names the Dockerfile does not show (`COPY scripts /usr/local/bin/`, `COPY . /srv/`)."""
    found = [] if source.endswith("/") or source in (".", "./") else [copy_landing(source, target, into_directory)]
    if into_directory and not _names_a_file(source) and not any(c in source for c in "*?["):
        found.append(target)
    return found


def copies_into_directory(destination: str, sources: int) -> bool:
    """COPY/ADD puts each source inside its destination, under the source's own name, when the destination
    ends in `/`, is the WORKDIR itself (`.`), or there are several sources (`COPY a.sh b.sh /srv`)."""
    return destination.endswith("/") or destination in (".", "./") or sources > 1


def copy_landing(source: str, target: str, into_directory: bool) -> str:
    """Where a COPY/ADD source lands, `target` being the absolute destination: `COPY run.sh /usr/local/bin/`
    puts /usr/local/bin/run.sh (a directory source's contents land in that path when it is not one)."""
    return posixpath.join(target, posixpath.basename(source.rstrip("/"))) if into_directory else target


# the archives ADD unpacks when they come from the build context (gzip, bzip2, xz; a plain tar)
_LOCAL_ARCHIVE = lazy_re(r"\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst)$")

# directories an image fills itself: copying one whole from a builder would replace the runtime's own
_SYSTEM_DIRECTORIES = frozenset({"/usr", "/usr/bin", "/usr/sbin", "/usr/lib", "/usr/lib64", "/usr/share", "/usr/local",
                                 "/usr/local/bin", "/usr/local/sbin", "/usr/local/lib", "/bin", "/sbin", "/lib",
                                 "/lib64", "/etc"})


def _unnamed(source: str) -> bool:
    """A source whose files' names the Dockerfile does not show: a glob or a directory's contents."""
    name = posixpath.basename(source.rstrip("/"))
    return source.endswith("/") or source in (".", "./") or "*" in name or "?" in name


def _names_a_file(source: str) -> bool:
    """`docker-entrypoint.sh` names a file; `.`, `src/`, `*.jar` and `app` may be directories or many files."""
    name = posixpath.basename(source.rstrip("/"))
    return not source.endswith("/") and "*" not in name and "?" not in name and "." in name.strip(".")


def _names_a_program(source: str) -> bool:
    """`/bin/server`, `bin/run-server`, `/go/bin/app`: a file inside a bin directory (a program), not a directory
    whose contents a COPY would spread into its destination."""
    parent = posixpath.basename(posixpath.dirname(source))
    return _names_a_file(source) or (not _unnamed(source) and parent in ("bin", "sbin")
                                     and not any(c in source for c in "*?["))


def _shell_words(text: str) -> list[str]:
    try:
        return split_words(text)
    except ValueError:
        return text.split()


def run_scripts(instruction: Instruction) -> list[tuple[str, int]]:
    """The shell scripts a RUN executes: its command line and any heredoc bodies fed to a shell.

    Each script is returned as written in the file (length and line breaks preserved), with comment
    lines inside `\\` continuations blanked, so that offsets map back onto the raw text.
    """
    return [(script, first_line) for script, first_line, _ in run_script_spans(instruction)]


def run_script_spans(instruction: Instruction) -> list[tuple[str, int, int]]:
    """run_scripts, each with its offset in the instruction's raw text.

    Unless the command line is nothing but a shell reading the heredocs, it is a script too, as BuildKit
    gives the shell the command line and the bodies together: each `<<EOF` read as a redirect from a
    file (`<____`), and the bodies blanked (same length, same lines). Then come the bodies that a shell
    of the line runs (`apt-get update && bash <<EOF`), in their own text; the other bodies are data.
    """
    start = run_body_offset(instruction)
    bodies: list[tuple[str, int, int]] = []
    if instruction.heredocs:
        body_start = instruction.heredocs[0].body_offset
        command_line = instruction.raw[start:body_start]
        readers = script_heredocs(instruction)
        bodies = [(heredoc.body, heredoc.body_line, heredoc.body_offset)
                  for heredoc, reader in zip(instruction.heredocs, readers, strict=True) if reader is not None]
        if _feeds_a_shell(command_line):
            return bodies
        masked = list(command_line)
        for begin, end in heredoc_marker_spans(instruction, command_line):
            # an input redirect of the same length: it stays with its command, which the rewrite then
            # cannot remove without touching it (see rewrite.run)
            masked[begin:end] = "<" + "_" * (end - begin - 1)
        script = "".join(masked) + re.sub(r"[^\n]", " ", instruction.raw[body_start:])
    else:
        script = instruction.raw[start:]
    script = blank_continuation_comments(script, instruction.escape)
    if instruction.escape != "\\":
        # `# escape=\`` files continue lines with a backtick; the shell parser wants a backslash
        script = re.sub(rf"{re.escape(instruction.escape)}(?=[ \t]*\r?\n)", "\\\\", script)
    first_line = instruction.line + instruction.raw[:start].count("\n")
    return [(script, first_line, start), *bodies]


def script_heredocs(instruction: Instruction) -> list[list[str] | None]:
    """For each heredoc of a RUN, the words of the shell that runs it as a script (`RUN <<EOF`: none), or
    None when it is data. `RUN <<EOF bash`, `RUN cat <<EOF | sh` feed every heredoc to the shell; in
    `RUN apt-get update && bash <<EOF` the shell is one command of several, and reads its own heredoc."""
    start = run_body_offset(instruction)
    if not instruction.heredocs:
        return []
    command_line = instruction.raw[start : instruction.heredocs[0].body_offset]
    if _feeds_a_shell(command_line):
        return [_reader_words(command_line)] * len(instruction.heredocs)
    spans = heredoc_marker_spans(instruction, command_line)
    if len(spans) != len(instruction.heredocs):
        return [None] * len(instruction.heredocs)  # which body goes with which marker is not certain
    pipelines = _pipelines(command_line)
    found: list[list[str] | None] = []
    for begin, _ in spans:
        pipeline = next(command_line[s:e] for s, e in pipelines if s <= begin < e).strip(" \t\r\n\\(){}")
        reader = _reader_words(pipeline)
        found.append(reader if reader and _heredoc_is_script(pipeline) else None)
    return found


def _feeds_a_shell(command_line: str) -> bool:
    """Is the whole command line a shell that reads the heredocs (`<<EOF bash`, `cat <<EOF | sh`), and
    nothing else? Then only the bodies are scripts to translate."""
    pipelines = [(s, e) for s, e in _pipelines(command_line) if command_line[s:e].strip(" \t\r\n\\")]
    return len(pipelines) <= 1 and _heredoc_is_script(command_line)


def _reader_words(command_line: str) -> list[str]:
    """The words of the command that reads a heredoc: markers left out, the last command of a pipeline."""
    rest = _HEREDOC_MARKER.sub(" ", _CONTINUATION.sub(" ", command_line))
    if "|" in rest and "||" not in rest:
        rest = rest.rsplit("|", 1)[1]
    return rest.split()


def _pipelines(text: str) -> list[tuple[int, int]]:
    """(start, end) of the pipelines of a command line: split at `&&`, `||`, `;`, `&` and line ends that
    are not inside quotes, escaped or part of a redirect (`2>&1`)."""
    spans: list[tuple[int, int]] = []
    start = index = 0
    quote = ""
    while index < len(text):
        char = text[index]
        if char == "\\" and quote != "'":
            index += 2
            continue
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in ";\n" or text.startswith(("&&", "||"), index) or (
                char == "&" and text[index - 1 : index] not in "<>" and text[index + 1 : index + 2] != ">"):
            spans.append((start, index))
            index += 2 if text.startswith(("&&", "||"), index) else 1
            start = index
            continue
        index += 1
    return [*spans, (start, len(text))]


def heredoc_marker_spans(instruction: Instruction, command_line: str) -> list[tuple[int, int]]:
    """(start, end) in the command line of each `<<EOF` marker that opens one of the instruction's heredocs."""
    delimiters = {heredoc.delimiter for heredoc in instruction.heredocs}
    quoted = _quoted(command_line)
    spans = []
    for match in _HEREDOC_MARKER.finditer(command_line):
        delimiter = _HEREDOC_OPENING.sub("", match.group()).strip("'\"")
        if delimiter in delimiters and not quoted[match.start()]:
            spans.append(match.span())
    return spans


def _quoted(text: str) -> list[bool]:
    """For each character of a command line, is it inside quotes or escaped (`echo "<<EOF"`)?"""
    flags = [False] * (len(text) + 1)
    quote = ""
    index = 0
    while index < len(text):
        char = text[index]
        flags[index] = bool(quote)
        if char == "\\" and quote != "'":
            flags[index : index + 2] = [True] * len(flags[index : index + 2])
            index += 2
            continue
        if quote and char == quote:
            quote = ""
        elif not quote and char in "'\"":
            quote = char
        index += 1
    return flags


_HEREDOC_MARKER = lazy_re(r"""\d*<<-?[ \t]*(?:"[^"\n]*"|'[^'\n]*'|[^\s<>|&;"']+)""")
_CONTINUATION = lazy_re(r"\\\r?\n")
_HEREDOC_OPENING = lazy_re(r"^\d*<<-?[ \t]*")
_SHELLS = frozenset({"sh", "bash", "dash", "ash", "ksh", "zsh"})


def _heredoc_is_script(command_line: str) -> bool:
    """`RUN <<EOF`, `RUN bash <<EOF`, `RUN sh -e <<EOF`, `RUN <<EOF sh -s --`, `RUN <<EOF sudo sh`,
    `RUN cat <<EOF | sh` feed the heredoc to a shell; in `RUN <<EOF cat > f` or `RUN sh ./setup.sh <<EOF`
    it is what a command reads (data, not commands to translate)."""
    rest = " ".join(_HEREDOC_MARKER.sub(" ", _CONTINUATION.sub(" ", command_line)).split())
    if not rest:
        return True
    if "|" in rest and "||" not in rest:
        rest = rest.rsplit("|", 1)[1]  # a pipeline ending in a shell runs what the heredoc's reader passes on
    return _reads_script(rest.split())


def _reads_script(words: list[str]) -> bool:
    """Is `words` a shell (behind wrappers such as env or sudo) that reads its script from stdin?"""
    from migrator.rewrite.wrappers import wrapper_words

    index = wrapper_words(words, every=True)  # (`env A=b sh`, `sudo -u app sh`, `gosu app sh`)
    if index < len(words) and words[index] == "busybox":
        index += 1
    if index >= len(words) or posixpath.basename(words[index]) not in _SHELLS:
        return False
    from_stdin = False
    options = iter(words[index + 1 :])
    for word in options:
        if word in ("-", "/dev/stdin", "/proc/self/fd/0"):
            return True  # `sh /dev/stdin`, `sh -`: the script is the standard input
        if word == "--" or not word.startswith(("-", "+")):
            return from_stdin or (word == "--" and next(options, None) is None)
        if word.startswith("--"):
            continue  # --norc, --login
        if "c" in word[1:]:
            return False  # `sh -c SCRIPT`: the heredoc is the script's input
        from_stdin |= "s" in word[1:]
        if word[1:] == "o":
            next(options, None)
    return True


_RUN_LEAD = lazy_re(r"^[ \t]*[A-Za-z]+(?:[ \t]+--[^\s]+|[ \t]*\\\r?\n)*[ \t]*")


def run_body_offset(instruction: Instruction) -> int:
    """Offset in raw where the command starts (after the keyword and any --mount/--network flags)."""
    match = _RUN_LEAD.match(instruction.raw)
    return match.end() if match else 0


def blank_continuation_comments(script: str, escape: str) -> str:
    """Blank comment lines inside a continued command, keeping the continuation going.

    Docker drops such lines; a shell would end the command there. Each one becomes spaces ending in
    a backslash, so the shell sees one continued command and every offset stays where it was.
    """
    lines = script.split("\n")
    out: list[str] = []
    continuing = False
    for line in lines:
        body = line.rstrip("\r")
        ending = line[len(body):]
        if continuing and body.lstrip().startswith("#"):
            out.append(" " * (len(body) - 1) + "\\" + ending)
            continue
        out.append(line)
        continuing = body.rstrip().endswith(escape)
    return "\n".join(out)
