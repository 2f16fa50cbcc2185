"""What the original final stage put into its image that a split runtime does not carry.

The fidelity bar: the files the original image had are in the output, or a finding says they are
gone. Files the stage consumed itself (build inputs a RUN reads, sources in a directory it builds in)
are not the app's; a file that nothing in the stage reads is (`COPY defaults.json /tmp/config/`,
`RUN touch /.in-container`, `RUN echo k=v > /etc/app.conf`).

Files a RUN writes (a redirect, `tee`, `sed -i`, `ln -s`, the destination of `cp`/`mv`/`install`) count
too, except where the runtime image has its own or nothing of the kind: scratch and cache space (/tmp,
/root, apt's and apk's state), the user database `useradd` writes (/etc/passwd: the runtime has its own
nonroot user), package manager and shell set-up (/etc/apt, ~/.bashrc: no apt, no shell). A file that
way is copied from the builder (safe_written_files); a link, a path that may be a system directory, or a
program placed on PATH that the start command does not run (plan.placed_programs copies those it runs) is
only named.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator

from migrator.parse.options import operands
from migrator.plan.copy_commands import COPY_COMMANDS, CopyOperands, copy_operands
from migrator.plan.facts import Command, StageFacts, joined
from migrator.plan.leftovers import last_uses

_UNCARRIABLE = ("/proc", "/dev", "/sys", "/var/cache", "/var/lib/apt", "/var/lib/apk")
# what a written path is not listed for: the runtime has its own, or needs none (see the module's text)
_SYSTEM_WRITES = (
    *_UNCARRIABLE, "/tmp", "/var/tmp", "/run", "/var/run", "/var/log", "/root", "/etc/apt", "/etc/apk",
    "/etc/yum", "/etc/yum.repos.d", "/etc/dnf", "/etc/zypp", "/etc/pki/rpm-gpg", "/usr/share/keyrings",
    "/var/lib/dpkg", "/var/lib/rpm", "/etc/hosts", "/etc/hostname", "/etc/resolv.conf",  # (the engine mounts these)
    "/etc/passwd", "/etc/group", "/etc/shadow", "/etc/gshadow", "/etc/subuid",
    "/etc/subgid", "/etc/sudoers", "/etc/adduser.conf", "/etc/login.defs", "/etc/default/useradd",
    "/etc/profile", "/etc/bash.bashrc", "/etc/bashrc", "/etc/skel",
    "/etc/ld.so.cache", "/etc/locale.gen", "/usr/share/doc", "/usr/share/man",
)
_PATH_DIRECTORIES = frozenset({"/usr/local/bin", "/usr/local/sbin", "/usr/bin", "/usr/sbin", "/bin", "/sbin"})
# directories a `cp FILE DIR` may name: copying one from the builder would bring the -dev image's whole tree
SYSTEM_DIRECTORIES = frozenset({
    "/usr/bin", "/usr/sbin", "/usr/lib", "/usr/lib64", "/usr/libexec", "/usr/share", "/usr/include", "/usr/local",
    "/usr/local/bin", "/usr/local/sbin", "/usr/local/lib", "/usr/local/share", "/usr/local/include", "/etc/ssl",
    "/etc/ssl/certs", "/var/lib", "/lib", "/lib64", "/bin", "/sbin", "/home", "/srv", "/opt", "/etc", "/var",
})


def touched_files(facts: StageFacts) -> list[str]:
    """Absolute paths `touch` creates in the stage (markers such as /.in-container)."""
    from migrator.plan.leftovers import removed_paths

    gone = removed_paths(facts)
    found: list[str] = []
    for command in facts.commands_named("touch"):
        for word in command.words[1:]:
            if word.startswith("-") or any(c in word for c in "*?[$"):
                continue
            path = command.resolve(word, facts.env)
            if path is None or path in found:
                continue
            if not any(_inside(path, target) for target in gone if target != "/"):
                found.append(path)
    return found


_last_read: list[tuple[StageFacts, tuple[object, ...], list[tuple[str, bool]]]] = []


def written_files(facts: StageFacts) -> list[tuple[str, bool]]:
    """(absolute path, safe to copy) of each path the stage's RUN steps write that they do not read
    again or remove: `echo k=v > /etc/app.conf`, `tee`, `sed -i`, `ln -s`, `cp`/`mv`/`install`.
    The last stage's answer is kept: the runtime's copies and MIG561 ask it several times."""
    state = (tuple(facts.commands), tuple(facts.env.items()))
    if _last_read and _last_read[0][0] is facts and _last_read[0][1] == state:
        return list(_last_read[0][2])
    found = _written_files(facts)
    _last_read[:] = [(facts, state, found)]
    return list(found)


def _written_files(facts: StageFacts) -> list[tuple[str, bool]]:
    found: dict[str, bool] = {}
    last_use = last_uses(facts)  # (a write a later command uses was the stage's own)
    position = {id(command): index for index, command in enumerate(facts.commands)}
    for command, word, is_file in _writes(facts):
        if "$" in word or "`" in word:  # `> $CONF` with `ENV CONF=/etc/app.conf`: the path the variables make
            expanded = command.expand(word, facts.env)
            if expanded is None:
                continue  # (a variable the file does not show the value of: where the file goes is not known)
            word = expanded
        if word.startswith("~") or any(c in word for c in "*?[") or not word.strip():
            continue
        path = joined(word, command.workdir).rstrip("/") or "/"
        if path == "/" or _inside_any(path, _SYSTEM_WRITES) or last_use.get(path, -1) > position[id(command)]:
            continue
        # (a program placed on PATH is plan.placed_programs' to copy, when the start command runs it)
        on_path = posixpath.dirname(path) in _PATH_DIRECTORIES
        safe = is_file and not word.endswith("/") and path not in SYSTEM_DIRECTORIES and not on_path
        found[path] = found.get(path, True) and safe
    return list(found.items())


def safe_written_files(facts: StageFacts) -> list[str]:
    """The written files the runtime copies from the builder: plain files, never a link or a system directory."""
    return [path for path, safe in written_files(facts) if safe]


def _writes(facts: StageFacts) -> Iterator[tuple[Command, str, bool]]:
    """(command, path word, is a plain file) for each write of the stage's commands."""
    from migrator.parse.dockerfile import Instruction
    from migrator.plan.facts import run_scripts, seen_through
    from migrator.plan.leftovers import conditional_commands, under_condition
    from migrator.rewrite.shell_syntax import redirect_targets

    conditional = conditional_commands(facts)
    # after a `cd` a relative path is not where the WORKDIR says: only absolute paths are read in such a RUN
    moving = {id(c.instruction) for c in facts.commands if c.words[0] in ("cd", "pushd")}
    seen: set[int] = set()
    for command in facts.commands:
        instruction: Instruction = command.instruction
        moves = id(instruction) in moving
        if id(instruction) not in seen:
            seen.add(id(instruction))
            for script, first_line in run_scripts(instruction):
                for target, _, node in redirect_targets(script, first_line):
                    if not under_condition(node) and (target.startswith("/") or not moves):
                        yield command, target, True
        if (command.line, command.words) in conditional:
            continue  # (a file written on a condition may not be there: the runtime's COPY would fail)
        name = posixpath.basename(command.words[0])
        if name in COPY_COMMANDS:
            yield from _copy_writes(command, moves)
            continue
        operands = _operands(name, command.words[1:])
        if moves:
            operands = [word for word in operands if word.startswith("/")]
        for run in seen_through(command):  # (`nice wget -O f`, `sh -c "curl -o f ..."`: the download all the same)
            runner = posixpath.basename(run.words[0])
            if runner in _DOWNLOADERS:
                yield from ((command, word if word.startswith("/") else posixpath.join(run.workdir, word), True)
                            for word in download_targets(runner, run.words[1:]) if word.startswith("/") or not moves)
        if name == "tee":
            yield from ((command, word, True) for word in operands)
        elif name == "sed" and any(w == "-i" or w.startswith(("-i", "--in-place")) for w in command.words[1:]):
            scripted = any(w in ("-e", "-f") or w.startswith("--expression") for w in command.words[1:])
            yield from ((command, word, True) for word in operands[0 if scripted else 1:])


def _copy_writes(command: Command, moves: bool) -> Iterator[tuple[Command, str, bool]]:
    """What `cp`/`mv`/`install` write (a file, or the destination when it may be a directory) and the link
    `ln` makes. After a `cd` (`moves`) only an absolute destination is known."""
    operands = copy_operands(command.words)
    if operands is None or (moves and not operands.destination.startswith("/")):
        return
    link = posixpath.basename(command.words[0]) == "ln"
    if operands.into_directory is None and operands.destination.rstrip("/") in SYSTEM_DIRECTORIES:
        operands = CopyOperands(operands.sources, operands.destination, True)  # (`cp app.conf /etc`)
    for _, target in operands.targets():
        yield command, target, not link  # a link: its target may be a path the runtime lacks


# per downloader: short and long options that take a value (curl's -o is its output; wget's -o is its log)
_DOWNLOADERS: dict[str, tuple[str, frozenset[str]]] = {
    "curl": ("AbcCdDEeFHhKmoPQrTtuUwxXyYz", frozenset({
        "--output", "--output-dir", "--header", "--data", "--data-binary", "--data-raw", "--data-urlencode",
        "--user", "--user-agent", "--request", "--cookie", "--cookie-jar", "--max-time", "--retry", "--proxy",
        "--form", "--cacert", "--cert", "--key", "--config", "--write-out", "--range", "--upload-file",
        "--connect-timeout", "--retry-delay", "--retry-max-time", "--referer", "--dump-header", "--resolve"})),
    "wget": ("OoaPeitTwQlARDIXUB", frozenset({
        "--output-document", "--output-file", "--append-output", "--directory-prefix", "--tries", "--timeout",
        "--wait", "--user", "--password", "--header", "--user-agent", "--input-file", "--execute"})),
}


def download_targets(name: str, words: tuple[str, ...]) -> list[str]:
    """The files curl or wget writes, as written: `-o FILE` (curl), `-O FILE` (wget), or the URL's own name
    (`curl -O URL`, `wget URL`) in the directory given (`--output-dir`, `-P`) or the current one. Standard
    output (`-o -`, `-qO-`) is none."""
    from migrator.parse.options import scan

    valued_short, valued_long = _DOWNLOADERS[name]
    scanned = scan(words, valued_short, valued_long)
    urls = [w for w in scanned.operands if "://" in w]
    if name == "curl":
        named = [value for option, value in scanned.options if option in ("-o", "--output") and value]
        remote = scanned.has("-O", "--remote-name", "--remote-name-all") or scanned.has("-J")
        directory = scanned.value("--output-dir") or ""
    else:
        named = [value for option, value in scanned.options if option in ("-O", "--output-document") and value]
        remote = not named
        directory = scanned.value("-P", "--directory-prefix") or ""
    if named:
        return [posixpath.join(directory, n) if name == "curl" and directory else n
                for n in named if n not in ("-", "/dev/null")]
    if not remote:
        return []
    names = [posixpath.basename(u.split("?", 1)[0].split("#", 1)[0]) for u in urls]
    return [posixpath.join(directory, n) if directory else n for n in names if n]


def _operands(name: str, words: tuple[str, ...]) -> list[str]:
    """The words after the program that are no options (an `-e EXPR` of sed counts as an option)."""
    if name == "sed":  # (`-i.bak`: the suffix is the option's own, never a value of another letter)
        words = tuple("-i" if w.startswith("-i") else w for w in words)
        return operands(words, "efl", {"--expression", "--file", "--line-length"})
    return operands(words)


def app_file(path: str) -> bool:
    """A path a RUN writes that is the app's, not set-up the runtime image has its own of (_SYSTEM_WRITES)."""
    return path.startswith("/") and "$" not in path and not _inside_any(path.rstrip("/"), _SYSTEM_WRITES)


def _inside_any(path: str, directories: tuple[str, ...]) -> bool:
    return any(path == d or path.startswith(d + "/") or (d.endswith("sudoers") and path.startswith(d))
               for d in directories)


def build_inputs(facts: StageFacts) -> set[str]:
    """Paths the stage's own commands name: what a RUN reads (`pip install -r /tmp/requirements.txt`)."""
    named: set[str] = set()
    for command in facts.commands:
        if command.words and posixpath.basename(command.words[0]) in ("touch", "mkdir", "chmod", "chown"):
            continue
        for word in command.words[1:]:
            value = word.split("=", 1)[-1]
            if ("/" in value or "." in value) and (path := command.resolve(value, facts.env)) is not None:
                named.add(path.rstrip("/"))
    return named


def consumed(path: str, facts: StageFacts, inputs: set[str]) -> bool:
    """A copied path the stage used up: named by a command, or inside a directory a command ran in."""
    if any(_inside(path, named) or _inside(named, path) for named in inputs):
        return True
    return any(command.workdir != "/" and _inside(path, command.workdir) for command in facts.commands)


def uncarried(facts: StageFacts, carried: list[str], made: list[str]) -> list[str]:
    """Paths the original final stage copied, touched or made (`made`: its mkdir directories) that no
    runtime copy carries and that the stage did not consume itself."""
    inputs = build_inputs(facts)
    candidates = list(dict.fromkeys(facts.copy_destinations + touched_files(facts) + made))
    in_carried = _within(carried)
    lost = []
    for path in candidates:
        if path == "/" or path.startswith(_UNCARRIABLE) or "$" in path:
            continue
        if in_carried(path) or consumed(path, facts, inputs):
            continue
        lost.append(path)
    written = [path for path, _ in written_files(facts) if path not in lost]
    return lost + [path for path in written if not in_carried(path)]


def _within(directories: list[str]) -> Callable[[str], bool]:
    """`inside(p)`: any(_inside(p, d) for d in directories), one look-up per directory above p (asked for each
    of thousands of written paths, the scan of thousands of carried paths was quadratic)."""
    tops = {d.rstrip("/") for d in directories}
    exact = set(directories)

    def inside(path: str) -> bool:
        if "" in tops or path in exact:
            return True
        while path:
            if path in tops:
                return True
            path = path.rsplit("/", 1)[0]
        return False

    return inside


def _inside(path: str, directory: str) -> bool:
    return directory == "/" or path == directory or path.startswith(directory.rstrip("/") + "/")
