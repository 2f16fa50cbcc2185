"""CMD / ENTRYPOINT / HEALTHCHECK for a runtime without a shell: exec form, no wrappers."""

from __future__ import annotations

import posixpath
import re

from migrator.findings import finding
from migrator.model import Finding
from migrator.parse.dockerfile import Instruction, argv_json, json_argv
from migrator.parse.variables import expand_args
from migrator.parse.words import split_words
from migrator.records import dataclass, field
from migrator.regex import lazy as lazy_re
from migrator.rewrite.wrappers import INIT_WRAPPERS, USER_WRAPPERS, WRAPPERS

TYPE_CHECKING = False  # not typing's: importing typing costs 2 ms of a cold run (docs/performance.md)
if TYPE_CHECKING:
    from tree_sitter import Node

    from migrator.rewrite.shell_syntax import Source

# name -> words to drop (tool + user)
_PRIVILEGE_DROPPERS = {name: 1 + WRAPPERS[name].operands for name in USER_WRAPPERS}
_SHELLS = {"sh", "bash", "ash", "dash", "zsh"}


@dataclass
class CommandOutcome:
    argv: list[str] | None  # None: keep the instruction as written
    findings: list[Finding] = field(default_factory=list)


def exec_form(keyword: str, argv: list[str], newline: str) -> str:
    return f"{keyword} {argv_json(argv)}{newline}"


def convert_command(instruction: Instruction, env: dict[str, str | None], runtime_tools: set[str],
                    runtime_has_shell: bool, build_args: frozenset[str] = frozenset(),
                    sh_runs_scripts: bool = False) -> CommandOutcome:
    """Exec form for CMD/ENTRYPOINT, without gosu/su-exec and init wrappers the runtime lacks.

    A shell-form command runs through the container's shell when it starts: its variables are the
    container's environment (ENV, `docker run -e`), never `build_args` (names only an ARG sets). A
    shell-form ENTRYPOINT ignores CMD and the arguments of `docker run`: on a runtime with a shell it
    stays `/bin/sh -c` (runtime.py says what its exec form changes where there is none)."""
    outcome = CommandOutcome(argv=None)
    argv = instruction.json_args()
    changed = False
    env = {name: value for name, value in env.items() if name not in build_args}
    if argv is None and instruction.keyword == "ENTRYPOINT" and runtime_has_shell:
        outcome.findings.append(finding("MIG504", instruction.line, "shell-form ENTRYPOINT kept in `/bin/sh -c`: "
                                        "the runtime image has a shell, and in exec form it would pass CMD and "
                                        "the arguments of `docker run` to the program, which the original ignored"))
        argv = ["/bin/sh", "-c", instruction.body.strip()]
        changed = True
    elif argv is None:
        argv = _shell_to_argv(instruction.body, instruction.line, env, runtime_has_shell, outcome, build_args,
                              sh_runs_scripts)
        changed = True
    elif _is_shell_c(argv) and not runtime_has_shell:
        # ["/bin/sh", "-c", "exec java -jar app.jar"]: the same as the shell form
        converted = _shell_to_argv(argv[2], instruction.line, env, runtime_has_shell, outcome, build_args)
        changed = converted != argv
        argv = converted
    elif not runtime_has_shell and not _is_shell_c(argv):
        written = _literal_paths_written(argv, env, instruction.line, outcome)
        changed = written != argv
        argv = written
    stripped = strip_wrappers(argv, instruction.line, runtime_tools, outcome)
    changed |= stripped != argv
    outcome.argv = stripped if changed else None
    return outcome


# an exec-form argument that is only a variable (`${DATA}`, `--data=$DATA`): Docker passes it as text
_LITERAL_VARIABLE_ARGUMENT = lazy_re(r"(-{1,2}[A-Za-z0-9][\w.-]*=)?\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))")
# programs that read `${NAME}` in their own arguments (Spring placeholders) or run them as code
_EXPANDS_ITS_ARGUMENTS = _SHELLS | {"java", "env", "envsubst", "node", "python", "python3", "ruby", "php", "perl"}


def _literal_paths_written(argv: list[str], env: dict[str, str | None], line: int,
                           outcome: CommandOutcome) -> list[str]:
    """`["server", "--data", "${DATA_DIR}"]`: exec form passes `${DATA_DIR}` as text, a relative path the
    original's root user created under the working directory at start; uid 65532 cannot create it in `/`.
    Where ENV gives the variable an absolute path, the path the author meant is written instead."""
    if not argv or posixpath.basename(argv[0]) in _EXPANDS_ITS_ARGUMENTS:
        return argv
    written = list(argv)
    for index, word in enumerate(argv[1:], start=1):
        match = _LITERAL_VARIABLE_ARGUMENT.fullmatch(word)
        name = match and (match.group(2) or match.group(3))
        value = env.get(name) if name else None
        if match is None or value is None or not value.startswith("/") or "$" in value:
            continue
        written[index] = (match.group(1) or "") + value
        outcome.findings.append(finding("MIG570", line, f"`{word}` written as `{written[index]}`: exec form passes "
                                        f"variables as text, so the original's program got the relative path "
                                        f"`{word[len(match.group(1) or ''):]}` (its root user could create it in "
                                        "the working directory; uid 65532 cannot) while ENV names "
                                        f"{value}"))
    return written


def _is_shell_c(argv: list[str]) -> bool:
    return len(argv) == 3 and posixpath.basename(argv[0]) in _SHELLS and argv[1] == "-c"


def _shell_to_argv(body: str, line: int, env: dict[str, str | None], runtime_has_shell: bool,
                   outcome: CommandOutcome, build_args: frozenset[str] = frozenset(),
                   sh_runs_scripts: bool = False) -> list[str]:
    body = original = body.strip()
    exec_prefix = "exec " if body.startswith("exec ") else ""
    exec_body, renamed, exec_why = without_exec(body)
    body = _drop_jvm_option_variables(exec_body if exec_why is None else body[len(exec_prefix):].strip(), env,
                                      line, outcome)
    argv, why, substituted = shell_argv(body, env) if exec_why is None else (None, exec_why, False)
    if argv is not None and not runtime_has_shell and posixpath.basename(argv[0]) == "env":
        argv, why = without_env(argv)
    if argv is not None and renamed is not None and not (substituted and runtime_has_shell):
        outcome.findings.append(finding("MIG504", line, f"`exec -a {renamed}` dropped: exec form cannot name the "
                                        f"process; it runs as `{argv[0]}`"))
    if argv is None or (substituted and runtime_has_shell):
        # a shell keeps running the command: `exec` stays, so what runs after it still never does
        body = original if renamed is not None else exec_prefix + body
    if argv is None:
        if runtime_has_shell:
            outcome.findings.append(finding("MIG504", line, "shell-form command kept in "
                                            "`/bin/sh -c`: the runtime image has a shell"))
            return ["/bin/sh", "-c", body]
        arguments = sorted(build_args & set(_VARIABLE_NAME.findall(body)))
        if arguments:
            kind = "is a build argument" if len(arguments) == 1 else "are build arguments"
            why += f"; {', '.join(arguments)} {kind} (ARG), which the container's shell saw unset"
        outcome.findings.append(finding("MIG505", line, f"`{body}` needs a shell ({why}); the runtime has none"))
        return ["/bin/sh", "-c", body]
    if substituted and runtime_has_shell:  # the container's shell keeps reading them when it starts
        outcome.findings.append(finding("MIG504", line, "shell-form command kept in `/bin/sh -c`: it reads "
                                        "variables when the container starts, and the runtime image has a shell"))
        return ["/bin/sh", "-c", body]
    if sh_runs_scripts and _shell_script(argv[0]):
        # `/bin/sh -c /entrypoint.sh` ran a script without a shebang as an sh script (execve's ENOEXEC);
        # exec form would fail with "exec format error": the shell runs it, as before
        argv = ["/bin/sh", *argv]
        outcome.findings.append(finding("MIG504", line, f"converted to exec form: {argv_json(argv)}: the shell "
                                        f"runs `{argv[1]}` as the shell form did, whether or not it has a shebang"))
        return argv
    if substituted:
        names = list(dict.fromkeys(_VARIABLE_NAME.findall(body)))
        values = ", ".join(f"${name}" + (f" (ENV {name}={env[name]})" if env.get(name) is not None else " (its "
                                          "default: no ENV sets it)") for name in names)
        them = "it" if len(names) == 1 else "them"
        outcome.findings.append(finding("MIG559", line, f"converted to exec form with {values} fixed at build time: "
                                        f"{argv_json(argv)}. The original's shell read {them} when the container "
                                        "started, so `docker run -e` (or a platform setting PORT) changed the "
                                        f"command; now it does not, and the runtime has no shell to read {them}"))
    else:
        outcome.findings.append(finding("MIG504", line, f"converted to exec form: {argv_json(argv)}"))
    return argv


def without_exec(body: str) -> tuple[str, str | None, str | None]:
    """A `sh -c` body without its leading `exec` and what exec form cannot say: (the command, the name
    `exec -a NAME` gave the process or None, why a shell is needed or None). `exec -c` (an empty
    environment) and `exec -l` (a login name) need the shell."""
    words = body.split(None, 1)
    if len(words) < 2 or words[0] != "exec":
        return body, None, None
    rest, renamed = words[1], None
    while rest.startswith("-"):
        option, _, after = rest.partition(" ")
        if option == "--":
            rest = after.lstrip()
            break
        if option == "-a" and after.strip():
            renamed, _, rest = after.lstrip().partition(" ")
            rest = rest.lstrip()
            continue
        return body, None, f"`exec {option}` changes how the program starts, which exec form cannot say"
    return rest, renamed, None


def without_env(argv: list[str]) -> tuple[list[str] | None, str]:
    """`env prog ...` on a runtime without env (distroless images have no /usr/bin/env): the program itself;
    `env VAR=value prog` sets variables, which exec form cannot: ENV must."""
    rest = argv[1:]
    if rest and not rest[0].startswith("-") and "=" not in rest[0]:
        return rest, ""
    settings = " ".join(word for word in rest if word.startswith("-") or "=" in word)
    return None, (f"`env {settings}` sets the command's environment, and distroless images have no env: set it "
                  "with ENV instead")


def _shell_script(program: str) -> bool:
    """A shell script by its name (`entrypoint.sh`), which may have no shebang."""
    return posixpath.basename(program).endswith(".sh")


_VARIABLE_NAME = lazy_re(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")


def shell_argv(body: str, env: dict[str, str | None]) -> tuple[list[str] | None, str, bool]:
    """The argv `/bin/sh -c BODY` would run, read with the shell parser: (argv, "", substituted), or
    (None, why it needs a shell, False). A trailing `# comment` is the shell's, not an argument;
    `VAR=value cmd` sets a variable, which exec form cannot."""
    from migrator.rewrite.shell_syntax import parsed_or_none

    src = parsed_or_none(body, with_errors=True)
    if src is None:
        return None, "it cannot be parsed", False
    if src.root.has_error:
        return None, "it is not a complete command line: an unclosed quote?", False
    statements = [node for node in src.root.named_children if node.type != "comment"]
    if len(statements) != 1 or statements[0].type != "command":
        return None, "shell syntax" if statements else "no command, only a comment", False
    argv: list[str] = []
    substituted = False
    for child in statements[0].children:
        if child.type == "variable_assignment":
            return None, f"`{src.slice(child)}` sets a variable for the command: set it with ENV instead", False
        if child.type == "comment":
            continue
        if not child.is_named:
            return None, "shell syntax", False
        node = child.named_children[0] if child.type == "command_name" and child.named_children else child
        words, why = _argument(src, node, env)
        if words is None:
            return None, why, False
        substituted |= why == "substituted"
        argv.extend(words)
    return argv, "", substituted


_GLOB = lazy_re(r"[*?\[]|^~")
_WHOLE_VAR = lazy_re(r"^\$(?:\{[A-Za-z_][A-Za-z0-9_]*(?::?[-+][^}]*)?\}|[A-Za-z_][A-Za-z0-9_]*)$")


def _argument(src: Source, node: Node, env: dict[str, str | None]) -> tuple[list[str] | None, str]:
    """The words one argument node becomes: (words, "" or "substituted"), or (None, why a shell is needed)."""
    kind = node.type
    if kind in ("simple_expansion", "expansion"):  # unquoted: the shell splits the value into words
        value, why = _part(src, node, env)
        return (None, why) if value is None else (value.split(), why)
    if kind == "concatenation":
        parts = [_part(src, child, env) for child in node.children]
        for child, (value, why) in zip(node.children, parts, strict=True):
            if value is None:
                return None, why
            if child.type in ("simple_expansion", "expansion") and value != " ".join(value.split()[:1]):
                return None, "word splitting of a variable inside a word"
        substituted = any(why == "substituted" for _, why in parts)
        return ["".join(value or "" for value, _ in parts)], "substituted" if substituted else ""
    value, why = _part(src, node, env)
    return (None, why) if value is None else ([value], why)


_DOUBLE_QUOTED_ESCAPE = lazy_re(r'\\([$`"\\\n])')


def _part(src: Source, node: Node, env: dict[str, str | None]) -> tuple[str | None, str]:
    """One piece of a word: a literal, a quoted string or a known variable; (None, why) otherwise."""
    from migrator.rewrite.shell_syntax import literal

    kind, text = node.type, src.slice(node)
    if kind in ("word", "number"):
        if _GLOB.search(text):
            return None, "globbing"
        return literal(src, node), ""
    if kind == "raw_string":
        return text[1:-1], ""
    if kind == "string":
        inner = text[1:-1]
        if "$" not in inner and "`" not in inner:
            return _DOUBLE_QUOTED_ESCAPE.sub(r"\1", inner), ""
        if "\\" in inner or "`" in inner or "$(" in inner:
            return None, "shell syntax"
        expanded, missing = expand_args(inner, env)
        if missing:
            return None, "variables without a known value (" + ", ".join(missing) + ")"
        return (expanded, "substituted") if "$" not in expanded else (None, "a parameter expansion")
    if kind in ("simple_expansion", "expansion"):
        if not _WHOLE_VAR.match(text):
            return None, "a parameter expansion"
        expanded, missing = expand_args(text, env)
        if missing:
            return None, "variables without a known value (" + ", ".join(missing) + ")"
        if _GLOB.search(expanded):
            return None, "globbing"
        return expanded, "substituted"
    return None, "shell syntax"


_JVM_OPTION_VARIABLES = lazy_re(r"\s+\$\{?(JAVA_OPTS|JAVA_OPTIONS|JVM_OPTS)\}?(?=\s|$)")


def _drop_jvm_option_variables(body: str, env: dict[str, str | None], line: int, outcome: CommandOutcome) -> str:
    """`java $JAVA_OPTS -jar app.jar` needs a shell; the JVM reads JAVA_TOOL_OPTIONS by itself."""
    words = body.split()
    if not words or posixpath.basename(words[0]) != "java":
        return body
    match = _JVM_OPTION_VARIABLES.search(body)
    if match is None or env.get(match.group(1)):
        return body
    outcome.findings.append(finding("MIG529", line, f"${match.group(1)} removed from the java command line: "
                                    "set JAVA_TOOL_OPTIONS instead, which the JVM reads without a shell"))
    return _JVM_OPTION_VARIABLES.sub("", body)


def strip_wrappers(argv: list[str], line: int, runtime_tools: set[str], outcome: CommandOutcome,
                   keep: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """`argv` without the gosu/su-exec (the runtime runs as nonroot) and the init wrappers not in
    `runtime_tools` in front; the wrappers in `keep` stay."""
    result = list(argv)
    while result:
        name = posixpath.basename(result[0])
        if name in keep:
            break
        if name in _PRIVILEGE_DROPPERS and len(result) > _PRIVILEGE_DROPPERS[name]:
            outcome.findings.append(finding("MIG508", line, f"`{name} {result[1]}` removed: the runtime "
                                            "already runs as nonroot"))
            result = result[_PRIVILEGE_DROPPERS[name]:]
        elif name in INIT_WRAPPERS and name not in runtime_tools:
            from migrator.plan.startcommand import init_options_end

            rest = result[1:]
            rest = rest[init_options_end(rest):]  # (the program's own options stay: `app --port 80`)
            outcome.findings.append(finding("MIG509", line, f"`{name}` removed: the runtime image does not "
                                            "ship it; use `docker run --init` if the app spawns children"))
            result = rest
        else:
            break
    return result


def healthcheck_needs_shell(instruction: Instruction, runtime_tools: set[str], runtime_has_shell: bool) -> bool:
    """True when the HEALTHCHECK cannot run in the runtime (no shell, or curl/wget missing)."""
    body = instruction.body.strip()
    if body.upper() == "NONE":
        return False
    match = re.search(r"\bCMD(-SHELL)?\b", body, re.IGNORECASE)
    if match is None:
        return False
    command = body[match.end():].strip()
    argv = json_argv(command)
    if match.group(1) or not argv:
        if not runtime_has_shell:
            return True  # CMD-SHELL and shell form run through /bin/sh
        try:
            argv = split_words(command) if command and not command.startswith("[") else [command]
        except ValueError:  # an unclosed quote: broken as written too; judge by the words
            argv = command.split()
    tool = posixpath.basename(str(argv[0])) if argv else ""
    if tool in _SHELLS and not runtime_has_shell:
        return True
    if tool in _SHELLS and len(argv) == 3 and argv[1] == "-c":
        inner = str(argv[2]).split()
        tool = posixpath.basename(inner[0]) if inner else ""  # ["/bin/sh", "-c", "curl -f ..."]
    return tool in {"curl", "wget", "nc"} and tool not in runtime_tools
