"""Console scripts of the virtualenv the tool makes: a start command or COPY naming /usr/local/bin/<script>,
where Docker Hub's pip puts console scripts, takes /opt/venv/bin/<script> only with evidence that pip wrote it
(a pip install names its package, rules/dockerhub.yaml `console_scripts`) and that nothing else writes into
/usr/local/bin (a tar -C, make install or a directory copied there writes names no line shows).
"""

from __future__ import annotations

import posixpath
import re

from migrator.parse.dockerfile import Instruction
from migrator.plan.ecosystems.python import VENV, installs_dependencies
from migrator.plan.facts import MODE_CHANGE_NAMES, Command, StageFacts
from migrator.records import dataclass

TYPE_CHECKING = False
if TYPE_CHECKING:
    from migrator.plan.placed_programs import Placement


_LOCAL_SCRIPT = re.compile(r"(?<![\w./-])/usr/local/bin/([\w.+-]+)(?![\w./-])")
_STARTS = ("ENTRYPOINT", "CMD", "HEALTHCHECK", "RUN")  # (a RUN that runs a console script)


def venv_start_commands(facts: StageFacts, installer: StageFacts | None = None
                        ) -> list[tuple[Instruction, str, str, str]]:
    """(instruction, its new text, finding code, why) of each ENTRYPOINT, CMD, HEALTHCHECK and RUN of the stage chain
    that names a console script at /usr/local/bin, where Docker Hub's pip puts them: in the virtualenv the tool
    made they are in /opt/venv/bin. Moved there (MIG515) only with evidence that pip wrote it (pip_scripts) and
    when nothing else in the chain may write into /usr/local/bin; with evidence but such a writer (a tar -C, make
    install or a directory copied there writes names no line shows) the path stays, with a warning (MIG573);
    without evidence, the path stays too: a warning (MIG573) on a start command, an error (MIG574) on a RUN,
    which needs the file in the builder (it runs it, chmods it or links to it).
    `installer`: the stage whose pip installs the scripts (a builder the stage copies the virtualenv from)."""
    from migrator.rules.data import builtin_data

    interpreter = builtin_data("dockerhub.yaml").get("usr_local_bin") or []
    others = LocalBinWriters.of(facts)
    pip = pip_scripts(installer or facts)
    moved: list[str] = []
    kept: list[str] = []
    unproven: list[str] = []

    def script_of_venv(match: re.Match[str]) -> str:
        path, name = match.group(0), match.group(1)
        if others.writes(path) or _is_interpreter(name, interpreter):
            return path
        if not pip.provides(name):
            if pip.unread_line is not None and not others.writes_unnamed():
                unproven.append(name)  # nothing else writes there: most likely pip's, but no line says so
            return path
        if others.any_name and not pip.named(name):
            kept.append(name)  # (a package pip names by name outweighs a make install or tar -C into the directory)
            return path
        moved.append(name)
        return f"{VENV}/bin/{name}"

    found: list[tuple[Instruction, str, str, str]] = []
    for stage in facts.stage.chain():
        for instruction in stage.instructions:
            moved.clear()
            kept.clear()
            unproven.clear()
            raw = _LOCAL_SCRIPT.sub(script_of_venv, instruction.raw) if instruction.keyword in _STARTS else ""
            if moved:
                names = list(dict.fromkeys(moved))
                found.append((instruction, raw, "MIG515", f"`{instruction.keyword}` names "
                              + ", ".join(f"/usr/local/bin/{n}" for n in names) + ", where Docker Hub's pip puts "
                              "console scripts; pip now installs into the virtualenv, so it starts "
                              + ", ".join(f"{VENV}/bin/{n}" for n in names)))
            for name in dict.fromkeys(kept):
                found.append((instruction, raw, "MIG573", f"`{instruction.keyword}` names /usr/local/bin/{name}, "
                              f"a console script pip installs, now into the virtualenv ({VENV}/bin/{name}); the "
                              "path is kept because a step also writes into /usr/local/bin files this tool cannot "
                              f"see ({others.directory_writer}): if pip is what puts {name} there, start "
                              f"{VENV}/bin/{name}"))
            for name in dict.fromkeys(unproven) if instruction.keyword == "RUN" else ():
                found.append((instruction, raw, "MIG574", f"`RUN` at line {instruction.line} needs "
                              f"/usr/local/bin/{name}, which no line of the chain writes: if it is a console script "
                              f"of the pip install at line {pip.unread_line} (its packages are in a file this tool "
                              f"cannot read), pip now writes it to {VENV}/bin/{name} and the step fails or links "
                              f"to nothing: name {VENV}/bin/{name} in the step"))
            for name in dict.fromkeys(unproven) if instruction.keyword != "RUN" else ():
                found.append((instruction, raw, "MIG573", f"`{instruction.keyword}` names /usr/local/bin/{name}, "
                              "which no line of the stage writes: it may be a console script of the pip install "
                              f"at line {pip.unread_line} (its packages are in a file this tool cannot read), which "
                              f"now installs into the virtualenv: the path is kept; if {name} is pip's, start "
                              f"{VENV}/bin/{name}"))
    return found


def venv_script_source(facts: StageFacts, path: str) -> str | None:
    """Where a builder whose pip now installs into the tool's virtualenv has the file the original copied out of
    its /usr/local/bin (`COPY --from=builder /usr/local/bin/gunicorn ...`): the venv's script, when nothing but
    pip can have written it there (nothing else writes into the directory, or a pip install names its package)."""
    from migrator.rules.data import builtin_data

    match = _LOCAL_SCRIPT.fullmatch(path.rstrip("/"))
    if match is None:
        return None
    name = match.group(1)
    others = LocalBinWriters.of(facts)
    if others.writes(path) or _is_interpreter(name, builtin_data("dockerhub.yaml").get("usr_local_bin") or []):
        return None
    if others.any_name and not pip_scripts(facts).provides(name):
        return None
    return f"{VENV}/bin/{name}"


def _is_interpreter(name: str, patterns: list[str]) -> bool:
    from migrator.regex import glob_match

    return any(glob_match(name, p) for p in patterns)


# a RUN or ENV that names /usr/local, /usr/local/bin or /usr/local/sbin as a directory (`tar -C /usr/local/bin`,
# `unzip -d /usr/local/bin/`, `--prefix=/usr/local`, `GOBIN=/usr/local/bin`, `cd /usr/local/bin`): not a PATH list
_NAMES_THE_DIRECTORY = re.compile(r"(?<![\w./-])/usr/local(?:/s?bin)?/?(?=$|[\s;&|)\"'`\\])", re.MULTILINE)
# installers whose default prefix is /usr/local (make install, cmake --install, meson/ninja install, npm -g)
_INSTALLS_UNDER_USR_LOCAL = re.compile(
    r"(?<![\w-])(?:g?make\b[^;&|\n]*\binstall\b|cmake\s+--install\b|(?:ninja|meson)\b[^;&|\n]*\binstall\b"
    r"|npm\s+(?:install|i)\b[^;&|\n]*\s(?:-g|--global)\b)")
# commands that name a directory without writing new files into it (`find /usr/local -name '*.pyc' -delete`)
_LEAVES_NAMES = frozenset({"find", "rm", "chmod", "chown", "chgrp", "ls", "du", "strip", "test", "["})
_PREFIX = re.compile(r"(?:--prefix[= ]|\bPREFIX=)(\S+)")


def _writes_the_directory(run: str) -> bool:
    """Whether a RUN may write files of any name into /usr/local/bin: a command that names the directory (or
    /usr/local), other than one that only reads or removes (find, rm, chmod), or an install under /usr/local."""
    for segment in re.split(r"&&|\|\||[;|\n]", run):
        words = [w for w in segment.replace("\\", " ").split() if w != "RUN" and "=" not in w.split("/")[0]]
        if words and posixpath.basename(words[0]) in _LEAVES_NAMES:
            continue
        if _NAMES_THE_DIRECTORY.search(segment):
            return True
    if not _INSTALLS_UNDER_USR_LOCAL.search(run):
        return False
    prefixes = [p.strip("'\"").rstrip("/") for p in _PREFIX.findall(run)]
    return not prefixes or "/usr/local" in prefixes  # (`./configure --prefix=/usr && make install`: not there)


_ABOVE_LOCAL_BIN = frozenset({"/usr/local", "/usr", "/"})


@dataclass(frozen=True)
class LocalBinWriters:
    """What besides pip writes into /usr/local/bin in a stage chain."""
    placements: tuple[Placement, ...]  # cp, mv, install, ln
    runs: str  # the RUN lines' text
    destinations: tuple[str, ...]  # files a COPY or ADD writes
    named: frozenset[str]  # names a COPY into /usr/local/bin/ writes
    any_name: bool  # a COPY of a directory or pattern, or a RUN writing into the directory without naming files
    directory_writer: str = ""  # the first such line, for a message

    @classmethod
    def of(cls, facts: StageFacts) -> LocalBinWriters:
        from migrator.plan.placed_programs import placed_files

        chain = [i for s in facts.stage.chain() for i in s.instructions]
        runs = "\n".join(i.raw for i in chain if i.keyword == "RUN")
        copies = [c for c in chain if c.keyword in ("COPY", "ADD") and len(c.words()) > 1]
        into_bin = [c for c in copies if c.words()[-1].rstrip("/") == "/usr/local/bin"]
        above = [c for c in copies if (c.words()[-1].rstrip("/") or "/") in _ABOVE_LOCAL_BIN]
        writers = [c for c in into_bin if _may_write_any_name(c)]
        writers += [c for c in above if _may_write_any_name(c)
                    or any("." not in posixpath.basename(w.rstrip("/")) for w in c.words()[:-1])]
        writers += [i for i in chain if (i.keyword == "RUN" and _writes_the_directory(i.raw))
                    or (i.keyword in ("ENV", "ARG") and _NAMES_THE_DIRECTORY.search(i.raw))]
        first = min(writers, key=lambda i: i.line) if writers else None
        return cls(tuple(placed_files(facts.commands, facts.env, facts.directories)), runs,
                   tuple(facts.copy_destinations + [target for _, target in facts.unplaced_copies]),
                   frozenset(posixpath.basename(w.rstrip("/")) for c in into_bin for w in c.words()[:-1]),
                   first is not None, f"{first.keyword} at line {first.line}" if first else "")

    def writes(self, path: str) -> bool:
        """Whether a line names this file as one it writes (or may: a RUN that names it at all)."""
        return (any(p.places(path) for p in self.placements)  # cp, mv, install, ln
                or _names_it(self.runs, path)  # curl -o, chmod, echo >
                or any(path == d.rstrip("/") for d in self.destinations)
                or posixpath.basename(path) in self.named)

    def writes_any(self) -> bool:
        """Whether anything besides pip writes files into /usr/local/bin at all (so a builder has the directory
        and something in it): a copy or placement into it, a RUN writing into the directory, or a download or
        redirection to a file there (`curl -o`, `wget -O`, `>`); a RUN that only runs a file there does not."""
        return (self.any_name or bool(self.named) or any(_inside(d, "/usr/local/bin") for d in self.destinations)
                or any(p.path.startswith("/usr/local/bin/") for p in self.placements)
                or _WRITES_A_FILE_THERE.search(self.runs) is not None)

    def writes_unnamed(self) -> bool:
        """Whether a line may write into /usr/local/bin files whose names no line shows: a copy of a directory or
        pattern, a RUN writing into the directory, or a RUN naming a file there spelled with a variable.
        A link or copy to a named file (`ln -s /usr/local/bin/mytool /usr/local/bin/mt`) writes only that name."""
        return self.any_name or _A_NAME_WITH_A_VARIABLE.search(self.runs) is not None


# what precedes a path a RUN runs (`RUN /usr/local/bin/x`, `&& /usr/local/bin/x`): a start, not a write
_RUNS_IT = r"(?:RUN|&&|\|\||[;|(]|\bexec|\bthen|\bdo)\s{1,8}"
def _names_it(runs: str, path: str) -> bool:
    """Whether a RUN names the path other than to run it, change its mode or owner, or link to it: those need the
    file to be there already (`chmod 755 /usr/local/bin/gunicorn`, `ln -s /usr/local/bin/supervisord /usr/bin/`)."""
    pattern = rf"{re.escape(path)}(?![\w.+-])"
    used = _LINKS.sub(_link_destination, _MODE_CHANGES.sub(" ", re.sub(r"\\\r?\n", " ", runs)))
    return re.search(pattern, re.sub(rf"({_RUNS_IT}){pattern}", r"\1", used)) is not None


# chmod, chown, chgrp and rm up to the end of their command: they write no new file (and but for `rm -f`, their
# operands must exist)
_MODE_CHANGES = re.compile(rf"(?<![\w./-])(?:{MODE_CHANGE_NAMES}|rm)\s[^;&|\n]*")
# ln, cp, mv and install up to the end of their command: their sources must be there already, they write only the
# destination (`cp /usr/local/bin/celery /usr/local/bin/worker` needs celery)
_LINKS = re.compile(r"(?<![\w./-])(?:ln|cp|mv|install)\s[^;&|\n]*")


def _link_destination(match: re.Match[str]) -> str:
    """An `ln`, `cp`, `mv` or `install` command with only what it writes: its last operand, or the directory of
    `-t` (its sources must exist already)."""
    words = match.group(0).split()
    for index, word in enumerate(words[1:], 1):
        if word.startswith("--target-directory="):
            return f"ln {word.partition('=')[2]} "
        if word == "--target-directory" or (word[:1] == "-" and word[1:2] != "-" and word.endswith("t")):
            return f"ln {' '.join(words[index + 1:index + 2])} "  # (-t DIR, -st DIR)
        if word[:1] == "-" and word[1:2] != "-" and "t" in word:
            return f"ln {word[word.index('t') + 1:]} "  # (-tDIR)
    return f"ln {words[-1]} " if len(words) > 1 else match.group(0)


_WRITES_A_FILE_THERE = re.compile(r"(?:\s-[a-zA-Z]*[oO]|--output(?:-document)?=?|>>?)\s*[\"']?/usr/local/bin/[\w.+-]+")
_A_NAME_WITH_A_VARIABLE = re.compile(r"/usr/local/bin/[\w.+-]*\$")  # (`cp x /usr/local/bin/$TOOL`, `curl -o`)


def _inside(path: str, directory: str) -> bool:
    return path.rstrip("/") == directory or path.startswith(directory + "/")


# options of `pip install` that take a value; those that read a file this tool does not open
_PIP_VALUED = frozenset({"-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url",
                         "--extra-index-url", "-f", "--find-links", "-t", "--target", "--prefix", "--root",
                         "--platform", "--python-version", "--implementation", "--abi", "--trusted-host", "--proxy",
                         "--src", "--upgrade-strategy", "--progress-bar", "--report", "-C", "--config-settings",
                         "--global-option", "--no-binary", "--only-binary", "--cache-dir", "--log", "--timeout",
                         "--retries", "--python", "-p", "--group"})
_PIP_FILES = frozenset({"-r", "--requirement", "-e", "--editable", "--group"})
_REQUIREMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


@dataclass(frozen=True)
class PipScripts:
    """The console scripts a stage's installs write, as far as its lines show."""
    scripts: frozenset[str]  # of the packages named on a pip command line (rules/dockerhub.yaml console_scripts)
    packages: frozenset[str]  # those packages' names, normalised
    listed: frozenset[str]  # every script the table lists
    unread_line: int | None  # the first install from a file this tool does not open (-r requirements.txt, `.`)

    def provides(self, name: str) -> bool:
        """Whether the installs certainly write a console script of this name: a named package's script or own
        name; or, with an install from unread files, a script the table lists."""
        return self.named(name) or (self.unread_line is not None and name in self.listed)

    def named(self, name: str) -> bool:
        """Whether a pip command line names the package that writes this console script (or is named so)."""
        return name in self.scripts or _normalized(name) in self.packages


def pip_scripts(facts: StageFacts) -> PipScripts:
    from migrator.rules.data import builtin_data

    table: dict[str, list[str]] = builtin_data("dockerhub.yaml").get("console_scripts") or {}
    packages: set[str] = set()
    unread: int | None = None
    for command in facts.run_commands():
        if not installs_dependencies(command):
            continue
        arguments = _pip_arguments(command)
        named, reads = _requirements(arguments) if arguments is not None else (set(), True)
        packages |= named
        if reads and unread is None:
            unread = command.line
    return PipScripts(frozenset(s for p in packages for s in table.get(p, [])), frozenset(packages),
                      frozenset(s for names in table.values() for s in names), unread)


def _pip_arguments(command: Command) -> tuple[str, ...] | None:
    """The words after `install` of a pip (or `uv pip`) install; None for a project tool (poetry, uv sync)."""
    words = command.words
    for index in range(len(words) - 1):
        if posixpath.basename(words[index]).startswith("pip") and words[index + 1] == "install":
            return words[index + 2:]
    return None


def _requirements(arguments: tuple[str, ...]) -> tuple[set[str], bool]:
    """(package names, whether a file this tool does not read is installed) of pip install's arguments."""
    names: set[str] = set()
    unread = False
    index = 0
    while index < len(arguments):
        word = arguments[index].strip("'\"")
        index += 1
        option, equals, _ = word.partition("=")
        if word.startswith("-"):
            unread = unread or option in _PIP_FILES or (len(option) > 2 and option[:2] in ("-r", "-e"))
            index += 1 if option in _PIP_VALUED and not equals else 0
            continue
        match = _REQUIREMENT.match(word)
        if "/" in word or "://" in word or word.startswith(".") or match is None or "$" in word:
            unread = True
        elif not re.search(r"\.(whl|zip|tar\.gz|tgz)$", word):
            names.add(_normalized(match.group(0)))
        else:
            unread = True
    return names, unread


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _may_write_any_name(copy: Instruction) -> bool:
    """Whether a COPY into a directory may put files of any name there: a source that is a directory's contents
    (`bin/`, `.`, a `bin` or `sbin` tree) or a pattern. One named file (`/src/jbig2`) writes only its own name."""
    sources = copy.words()[:-1]
    return any(w.endswith("/") or w in (".", "./") or any(c in w for c in "*?[$")
               or posixpath.basename(w.rstrip("/")) in ("bin", "sbin") for w in sources)
