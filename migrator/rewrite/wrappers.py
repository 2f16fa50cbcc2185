"""Programs that run the command after them (`sudo`, `env A=b`, `timeout 600`, `nice -n 10`, `exec`):
the package translators see the command they run, and the wrapper goes with the translated command,
as `sudo` always did. What runs a package manager where it cannot be translated in place (the script
of `sh -c`, the arguments `xargs` builds) is found here too, so that it is said, not passed silently."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from migrator.records import dataclass


@dataclass(frozen=True)
class Wrapper:
    """A program a RUN step puts before the command it runs (`sudo -u app`, `env A=b`, `timeout 600`)."""

    valued: frozenset[str]  # its options that take a value (`-n 10`, `-n10`, `--adjustment=10`)
    flags: frozenset[str] | None = frozenset()  # its options without one; None: any other option is one
    operands: int = 0  # the words after its options that are its own (timeout's duration, gosu's user)
    assignments: bool = False  # NAME=value words before the command are its (`env A=b cmd`, `sudo A=b cmd`)
    lookups: frozenset[str] = frozenset()  # options with which it runs nothing (`command -v x` looks x up)
    # the package translators rewrite a command behind it in place, the wrapper kept in front (`sudo apt-get
    # install` -> `sudo apk add`); False: a package manager behind it is said (MIG310, hidden_manager), since
    # what it does around the install (doas's rules, fakeroot's faked owners, gosu's user) is not translated
    in_place: bool = True
    # what it is to a start command (ENTRYPOINT, CMD): "init" (tini: reaps children, passes signals; dropped
    # from the command when the runtime lacks it, MIG509), "user" (gosu USER: dropped, the runtime runs as
    # nonroot, MIG508) or "" (a wrapper of RUN steps)
    starts: str = ""
    # why a RUN step means the same without it, where Wolfi has no package for it (rules/tools.yaml: null):
    # it is dropped there (MIG316); "": it stays, and needs its package (MIG313) or fails (MIG314)
    drop: str = ""


# the one table of wrappers: the package translators (wrapper_words), what a RUN's commands are seen through
# (plan.facts.seen_through), the scripts a command runs (plan.scripts) and the shell a heredoc feeds
# (plan.facts) all read it
WRAPPERS: dict[str, Wrapper] = {
    "sudo": Wrapper(frozenset({"-u", "--user", "-g", "--group", "-C", "--close-from", "-D", "--chdir", "-h", "--host",
                               "-p", "--prompt", "-r", "--role", "-t", "--type", "-U", "--other-user", "-T",
                               "--command-timeout", "-R", "--chroot"}), None, assignments=True),
    "doas": Wrapper(frozenset({"-u", "-C"}), None, in_place=False),
    "env": Wrapper(frozenset({"-u", "--unset", "-C", "--chdir", "-S", "--split-string"}),
                   frozenset({"-i", "--ignore-environment", "-0", "--null", "-", "-v", "--debug"}), assignments=True),
    "exec": Wrapper(frozenset({"-a"}), frozenset({"-c", "-l"})),
    "nice": Wrapper(frozenset({"-n", "--adjustment"}), None),
    "ionice": Wrapper(frozenset({"-c", "--class", "-n", "--classdata", "-p", "--pid"}), frozenset({"-t", "--ignore"})),
    "nohup": Wrapper(frozenset()),
    "time": Wrapper(frozenset({"-f", "--format", "-o", "--output"}),
                    frozenset({"-p", "-a", "--append", "-v", "--verbose"})),
    "command": Wrapper(frozenset(), frozenset({"-p"}), lookups=frozenset({"-v", "-V"})),
    "timeout": Wrapper(frozenset({"-s", "--signal", "-k", "--kill-after"}),
                       frozenset({"--preserve-status", "--foreground", "-v", "--verbose"}), operands=1),
    "stdbuf": Wrapper(frozenset({"-i", "-o", "-e", "--input", "--output", "--error"}), None),
    "eatmydata": Wrapper(frozenset(), drop="it only turns fsync off to make the step's writes faster"),
    "chronic": Wrapper(frozenset(), frozenset({"-e", "-v"}),
                       drop="it only hides the output of a step that succeeds"),
    "fakeroot": Wrapper(frozenset({"-i", "-s", "-l", "--lib", "-b", "--faked"}), None, in_place=False),
    "su-exec": Wrapper(frozenset(), operands=1, in_place=False, starts="user"),  # (su-exec USER cmd, gosu USER cmd)
    "gosu": Wrapper(frozenset(), operands=1, in_place=False, starts="user"),
    # (their options are read by plan.startcommand.init_options_end)
    "tini": Wrapper(frozenset({"-p", "-e", "-l"}), None, in_place=False, starts="init"),
    "tini-static": Wrapper(frozenset({"-p", "-e", "-l"}), None, in_place=False, starts="init"),
    "dumb-init": Wrapper(frozenset({"-r", "--rewrite"}), None, in_place=False, starts="init"),
    "catatonit": Wrapper(frozenset(), None, in_place=False, starts="init",
                         drop="it only runs the step as an init process, which a build step does not need"),
}
INIT_WRAPPERS = frozenset(name for name, wrapper in WRAPPERS.items() if wrapper.starts == "init")
USER_WRAPPERS = frozenset(name for name, wrapper in WRAPPERS.items() if wrapper.starts == "user")
_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh"})


def wrapper_words(values: Sequence[str | None], every: bool = False) -> int:
    """How many of a command's words are wrappers (with their options and operands) before the command
    they run; None stands for a word that is not plain text. A wrapper whose options are not known, or
    that runs nothing, is not counted: the command is then left as it is. Only the wrappers a package
    translator rewrites behind (`in_place`), unless `every`: what a command runs, whatever runs it."""
    index = 0
    while index < len(values):
        name = (values[index] or "").rsplit("/", 1)[-1]
        if name not in WRAPPERS or not (every or WRAPPERS[name].in_place):
            break
        end = _wrapped_start(values, index + 1, name)
        if end is None or end >= len(values):
            break
        index = end
    return index


def dropped_wrappers(values: Sequence[str | None], start: int = 0) -> list[tuple[int, int, str]]:
    """(first word, end, name) of each wrapper with a `drop` reason among the wrappers that begin at `start`
    (`eatmydata apt-get install`, `sudo -E eatmydata -- make`, `chronic -e make`)."""
    found: list[tuple[int, int, str]] = []
    index = start
    while index < len(values):
        name = (values[index] or "").rsplit("/", 1)[-1]
        if name not in WRAPPERS:
            break
        end = _wrapped_start(values, index + 1, name)
        if end is None or end >= len(values):
            break
        if WRAPPERS[name].drop:
            found.append((index, end, name))
        index = end
    return found


def _wrapped_start(values: Sequence[str | None], index: int, name: str) -> int | None:
    wrapper = WRAPPERS[name]
    while index < len(values):
        value = values[index]
        if value is None:
            return None
        if value == "--":
            index += 1
            break
        if wrapper.assignments and "=" in value and not value.startswith("-"):
            index += 1  # env NAME=value
            continue
        if not value.startswith("-") or (value == "-" and name != "env"):
            break
        option = value.split("=", 1)[0]
        if option in wrapper.valued:
            index += 1 if "=" in value else 2
        elif value.startswith("--") or len(value) == 2:
            if wrapper.flags is not None and value not in wrapper.flags:
                return None
            index += 1
        else:
            words = _cluster_words(value, wrapper)
            if words is None:
                return None
            index += words
    return index + wrapper.operands


def _cluster_words(cluster: str, wrapper: Wrapper) -> int | None:
    """How many words a cluster of short options takes: 1, or 2 when its last letter takes the next word as its
    value (`sudo -Eu root`); a letter that takes a value before the end has the rest as it (`nice -n10`, `-oL`).
    None: a letter the wrapper does not know."""
    for position, letter in enumerate(cluster[1:], start=1):
        if f"-{letter}" in wrapper.valued:
            return 1 if position < len(cluster) - 1 else 2
        if wrapper.flags is not None and f"-{letter}" not in wrapper.flags:
            return None
    return 1


def looks_up(words: Sequence[str]) -> bool:
    """Whether the command looks a program up rather than running it (`command -v x`)."""
    wrapper = WRAPPERS.get(words[0].rsplit("/", 1)[-1]) if words else None
    return wrapper is not None and len(words) > 1 and words[1] in wrapper.lookups


def hidden_manager(values: Sequence[str | None], managers: frozenset[str]) -> tuple[str, str] | None:
    """(how it runs, the manager) when a command runs a package manager that migrator cannot rewrite in
    place: in the script of `sh -c`, as the command `xargs` builds (`xargs apt-get install -y < list`), or
    behind any other program that runs its arguments (`chroot / apt-get ...`, `su -c "..."`)."""

    skip = wrapper_words(values)
    values = values[skip:]
    if not values or values[0] is None:
        return None
    name = values[0].rsplit("/", 1)[-1]
    if name in _SHELLS:
        for position, value in enumerate(values[1:-1], start=1):
            if value is not None and value.startswith("-") and not value.startswith("--") and "c" in value:
                script = values[position + 1]
                found = manager_in_script(script, managers) if script is not None else None
                return (f"`{name} -c`", found) if found else None
        return None
    if name in managers or name in _NAMES_ONLY:
        return None
    for value in values[1:]:  # a wrapper migrator does not know (su, chroot, flock, eval, strace, xargs...)
        if value is None:
            continue
        if value.rsplit("/", 1)[-1] in managers:
            return f"`{name}`", value.rsplit("/", 1)[-1]
        if any(c.isspace() for c in value) and (found := manager_in_script(value, managers)):
            return f"`{name}`", found  # a string it gives a shell: su -c '...', busybox sh -c '...'
    return None


# commands whose arguments name programs without running them
_NAMES_ONLY = frozenset({"echo", "printf", "which", "type", "command", "test", "[", "hash", "whereis", "grep",
                         "egrep", "fgrep", "rm", "ln", "cp", "mv", "ls", "cat", "touch", "chmod", "chown", "stat",
                         "readlink", "realpath", "dpkg-divert", "update-alternatives", "sed", "awk", "find", "tee",
                         "mkdir", "file", "ldd", "apt-mark", "dpkg", "rpm", "install", "export", "alias", "unset"})


def manager_in_script(script: str, managers: frozenset[str]) -> str | None:
    """The package manager a shell script runs; a script the parser cannot read is searched for a manager
    word in command position (after a start, `;`, `&`, `|`, `(` or a backquote)."""
    import re

    from migrator.rewrite.shell_syntax import simple_commands

    try:
        for command in simple_commands(script):
            found = _manager_of(command.words, managers)
            if found is not None:
                return found
    except ValueError:
        pass
    for match in re.finditer(r"(?:^|[;&|(`]|\bsudo)\s*([\w./-]+)(?=\s)", script):
        if match.group(1).rsplit("/", 1)[-1] in managers:
            return match.group(1).rsplit("/", 1)[-1]
    return None


def _manager_of(words: Sequence[str | None], managers: frozenset[str]) -> str | None:
    rest = words[wrapper_words(words):]
    while rest and rest[0] is not None and "=" in rest[0] and not rest[0].startswith("-"):
        rest = rest[1:]  # NAME=value before the command
    name = (rest[0] or "").rsplit("/", 1)[-1] if rest else ""
    if name in managers:
        return name
    hidden = hidden_manager(rest, managers)
    return hidden[1] if hidden else None


_VARIABLE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")


def is_variable(text: str) -> bool:
    """`$SUDO`, `${SUDO}`, `"$SUDO"`: a word that is one variable, as in `$SUDO apt-get install -y curl`,
    where it names a wrapper (sudo, or nothing when the build runs as root)."""
    return _VARIABLE.fullmatch(text[1:-1] if text[:1] == text[-1:] == '"' else text) is not None
_NAME_PARTS = re.compile(r"[\w./+-]+")


def expanded_manager(name: str, variables: Mapping[str, Sequence[str]],
                     managers: frozenset[str]) -> tuple[str, str] | None:
    """(how it runs, the manager) when a command name that expands something runs a package manager:
    `$PM install -y curl` after `PM=apt-get`, `$(echo apt-get) install`, `apt-get${IFS}install`. The
    shell builds the name when the RUN runs; migrator cannot translate what is not written."""
    variable = _VARIABLE.fullmatch(name.strip('"'))
    if variable is not None:
        for word in variables.get(variable.group(1), ()):
            if word.rsplit("/", 1)[-1] in managers:
                return f"the variable `{variable.group(1)}`", word.rsplit("/", 1)[-1]
        return None
    for part in _NAME_PARTS.findall(name):  # (`${PM:-apt-get}`: the part is `-apt-get`)
        if (program := part.rsplit("/", 1)[-1].lstrip("-")) in managers:
            return "a command name built by the shell", program
    return None
