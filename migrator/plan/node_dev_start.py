"""What a node start command needs from devDependencies, which a production prune (`npm prune --omit=dev`) removes.

Read from the start command and the package.json scripts it runs (`npm start`, `npm run X` chains and their pre-
and post- scripts, a shell's `-c` script): a package binary a script runs (`nodemon server.js`; `npx prisma`,
`yarn prisma`, node_modules/.bin/prisma), a module node loads before the app (`-r`/`--require`, `--import`,
`--loader`/`--experimental-loader`, on node's command line or in NODE_OPTIONS, set by ENV, before a command or by
`export`), and a TypeScript start file (`node src/index.ts`), which runs through a loader (ts-node, tsx) that is
nearly always a devDependency. A module's package is its specifier's first part (`ts-node/register` -> ts-node,
`@scope/pkg/sub` -> @scope/pkg). Without package.json a preloaded package may be a devDependency: that counts too.
With package.json read, a program a script runs must be known to stay after the prune: a shell builtin, a program
of the image (`on_image`), or one a runtime dependency installs (its own name, or the program package-lock.json or
rules/npm-programs.yaml gives it). Any other (`my-server`, of no package known) may be a devDependency's: that
counts too.
cross-env, which sets variables for the command after it, is such a program itself.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator, Mapping, Sequence

from migrator.parse.words import split_words
from migrator.plan.facts import shell_script
from migrator.plan.node_package import NodePackage
from migrator.regex import lazy as lazy_re

_MAX_DEPTH = 8
_RUNNERS = ("npm", "yarn", "pnpm")
_NODE = lazy_re(r"^node(js)?[\d.]*$")
_ASSIGNMENT = lazy_re(r"^[A-Za-z_][A-Za-z0-9_]*=")
_TYPESCRIPT = lazy_re(r"(?<!\.d)\.[mc]?ts$")
# node options that load a module before the app; then node's other options that take the next word as value
_PRELOADS = frozenset({"-r", "--require", "--import", "--loader", "--experimental-loader"})
_NODE_VALUED = frozenset({"-C", "--conditions", "--input-type", "--title", "--env-file", "--disable-warning",
                          "--watch-path", "--inspect-port", "--stack-size", "--openssl-config", "--icu-data-dir",
                          "--experimental-default-type", "--redirect-warnings", "--report-dir", "--diagnostic-dir"})
_SCRIPT_OPTIONS = frozenset({"-e", "--eval", "-p", "--print", "-c", "--check", "-i", "--interactive"})
_CROSS_ENV = ("cross-env", "cross-env-shell")  # (npm packages that set VAR=value for the command after them)
# what the shell of a package.json script (sh -c) runs itself, found on no PATH
_SHELL_BUILTINS = frozenset({"cd", "export", "set", "unset", "exit", "eval", ".", "source", ":", "shift", "read",
                             "return", "trap", "wait", "umask", "ulimit", "alias", "local", "readonly", "type",
                             "true", "false", "test", "[", "echo", "printf", "if", "then", "else", "fi"})
OnImage = Callable[[str], bool]


def _nowhere(_: str) -> bool:
    return False


def dev_needs(argv: Sequence[str], package: NodePackage | None, env: Mapping[str, str | None],
              on_image: OnImage = _nowhere) -> list[str]:
    """Why the start command `argv` would fail without devDependencies, one reason each (none: a prune is safe
    as far as the command tells). `package`: package.json in the WORKDIR, when known; `env`: the stage's ENV;
    `on_image`: whether a program is on the runtime's PATH without node_modules (the image's, the Dockerfile's)."""
    reasons = list(_node_options_needs(env.get("NODE_OPTIONS"), package, "ENV NODE_OPTIONS"))
    reasons += _command_needs(list(argv), package, False, 0, set(), on_image)
    return list(dict.fromkeys(reasons))


def package_name(module: str) -> str | None:
    """The package a module specifier loads (`ts-node/register` -> ts-node, `@scope/pkg/sub` -> @scope/pkg); None for
    a file (`./tracing.js`, `/app/x.js`, `file:`), a builtin (`node:fs`), a URL or an expansion (`$HOOK`)."""
    if not module or module.startswith((".", "/", "~")) or re.match(r"^[a-z][a-z+.-]*:", module) or "$" in module:
        return None
    parts = module.split("/")
    if module.startswith("@"):
        return "/".join(parts[:2]) if len(parts) > 1 and parts[1] else None
    return parts[0]


def _command_needs(words: list[str], package: NodePackage | None, in_script: bool, depth: int,
                   seen: set[str], on_image: OnImage = _nowhere) -> Iterator[str]:
    """`in_script`: the command runs in a package.json script, where node_modules/.bin is on PATH."""
    words, assigned, wrappers = _unwrapped(words)
    for value in assigned:
        yield from _node_options_needs(value, package, "NODE_OPTIONS")
    for wrapper in wrappers if in_script else ():  # (cross-env is node_modules/.bin's, as the program after it)
        yield from _program_needs(wrapper, package, on_image)
    if not words or depth > _MAX_DEPTH:
        return
    program, script = posixpath.basename(words[0]), shell_script(tuple(words))
    if script is not None:
        yield from _script_needs(script, package, in_script, depth + 1, seen, on_image)
    elif _NODE.match(program):
        yield from _node_needs(words[1:], package)
    elif program == "npx":
        yield from _binary_needs(next((w for w in words[1:] if not w.startswith("-")), ""), package, named=True)
    elif program in _RUNNERS:
        yield from _runner_needs(program, words[1:], package, depth, seen, on_image)
    elif "node_modules/.bin/" in words[0]:
        yield from _binary_needs(program, package, named=True)
    elif in_script and "/" not in words[0]:
        yield from _program_needs(program, package, on_image)


def _unwrapped(words: list[str]) -> tuple[list[str], list[str], list[str]]:
    """The command after `VAR=value` words, cross-env and the wrappers of the one table (`env`, `exec`, tini,
    gosu USER...), the values given to NODE_OPTIONS on the way, and the cross-env programs passed."""
    from migrator.rewrite.wrappers import wrapper_words

    options: list[str] = []
    packaged: list[str] = []
    while words:
        packaged += [posixpath.basename(words[0])] if posixpath.basename(words[0]) in _CROSS_ENV else []
        taken = 1 if _ASSIGNMENT.match(words[0]) or posixpath.basename(words[0]) in _CROSS_ENV else 0
        taken = taken or wrapper_words(words, every=True)
        if not taken:
            break
        options += [word.split("=", 1)[1] for word in words[:taken] if word.startswith("NODE_OPTIONS=")]
        words = words[taken:]
    return words, options, packaged


def _script_needs(script: str, package: NodePackage | None, in_script: bool, depth: int,
                  seen: set[str], on_image: OnImage = _nowhere) -> Iterator[str]:
    from migrator.rewrite.shell_syntax import shell_assignments, simple_commands

    for assignment in shell_assignments(script):
        if assignment.name == "NODE_OPTIONS":
            yield from _node_options_needs(assignment.value, package, "NODE_OPTIONS")
    for command in simple_commands(script):
        yield from _command_needs([*command.assignments, *command.words], package, in_script, depth, seen, on_image)


def _runner_needs(tool: str, words: list[str], package: NodePackage | None, depth: int,
                  seen: set[str], on_image: OnImage = _nowhere) -> Iterator[str]:
    """`npm start`, `npm run X`, `yarn X`, `pnpm exec X`: the scripts it runs (with npm's pre- and post- scripts),
    else the package binary (yarn and pnpm run one by name; `npm exec` too)."""
    operands = [w for w in words if not w.startswith("-")]
    verb = operands[0] if operands[:1] in (["run"], ["run-script"], ["exec"], ["x"]) else None
    operands = operands[1:] if verb is not None else operands
    if not operands or (tool == "npm" and verb is None and operands[0] not in ("start", "test", "stop", "restart")):
        return
    name = operands[0]
    scripts = package.scripts if package is not None else {}
    if verb not in ("exec", "x") and name in scripts:
        for script in (f"pre{name}", name, f"post{name}"):
            if script in scripts and script not in seen:
                seen.add(script)
                yield from _script_needs(scripts[script], package, True, depth + 1, seen, on_image)
    elif tool != "npm" or verb in ("exec", "x"):
        yield from _program_needs(name, package, on_image, named=verb in ("exec", "x"))


def _binary_needs(name: str, package: NodePackage | None, named: bool = False) -> Iterator[str]:
    """A program of node_modules/.bin: its package's own name, or one package-lock.json says (`tsc`: typescript).
    `named`: the command names it as a package's program (`npx ts-node`, `pnpm exec tsx`, node_modules/.bin/tsx),
    which without package.json may be a devDependency: that counts too (`yarn start` may be a script, and is not)."""
    if package is None:
        if named and name:
            yield (f"the start command runs `{name}`, a package's program, and package.json was not read, so whether "
                   "it is a devDependency is not known")
        return
    owner = package.programs.get(name, name)
    if owner not in package.dev_only:
        return
    yield (f"the start command runs `{name}`, which package.json lists in devDependencies only" if owner == name else
           f"the start command runs `{name}`, a program of `{owner}`, which package.json lists in devDependencies only")


def _program_needs(name: str, package: NodePackage | None, on_image: OnImage, named: bool = False) -> Iterator[str]:
    """A program a script or runner runs by name: a devDependency's (as _binary_needs, told `named`), or, with
    package.json read, one that is neither the shell's, nor the image's, nor known to be a runtime dependency's."""
    yield from _binary_needs(name, package, named)
    if package is None or name in _SHELL_BUILTINS or on_image(name):
        return
    owner = package.programs.get(name, name)
    if owner not in package.dependencies:
        yield (f"the start command runs `{name}`, which no package package.json names is known to install (a "
               "program of another name than its package's is known from package-lock.json, or the well-known ones "
               "of rules/npm-programs.yaml), so it may be a devDependency's")


def _node_needs(arguments: list[str], package: NodePackage | None) -> Iterator[str]:
    """node's own options (the modules it preloads) and its start file."""
    index = 0
    while index < len(arguments):
        word = arguments[index]
        if word == "--" or not word.startswith("-"):
            start = arguments[index + 1 if word == "--" else index:][:1]
            yield from _start_file_needs(start[0], package) if start else ()
            return
        option, joined, value = word.partition("=")
        if option in _SCRIPT_OPTIONS:
            return
        if option in _PRELOADS:
            if not joined:
                index += 1
                value = arguments[index] if index < len(arguments) else ""
            yield from _preload_needs(option, value, package, "node")
        elif option in _NODE_VALUED and not joined:
            index += 1
        index += 1


def _start_file_needs(path: str, package: NodePackage | None) -> Iterator[str]:
    """A TypeScript start file; a file in node_modules (`node node_modules/nodemon/bin/nodemon.js`)."""
    if _TYPESCRIPT.search(path):
        yield (f"the start command runs TypeScript source (`{path}`) with node, not JavaScript compiled in the build: "
               "what runs it (ts-node, tsx, typescript) is nearly always a devDependency")
        return
    inside = path.split("node_modules/", 1)[1] if "node_modules/" in path else ""
    if inside.startswith(".bin/"):
        yield from _binary_needs(posixpath.basename(inside), package)
    elif package_name(inside) is not None and package is not None and package_name(inside) in package.dev_only:
        yield f"the start command runs a file of `{package_name(inside)}`, which package.json lists in " \
              "devDependencies only"


def _node_options_needs(value: str | None, package: NodePackage | None, where: str) -> Iterator[str]:
    if not value:
        return
    try:
        words = split_words(value)
    except ValueError:
        words = value.split()
    index = 0
    while index < len(words):
        option, joined, module = words[index].partition("=")
        if option in _PRELOADS:
            if not joined:
                index += 1
                module = words[index] if index < len(words) else ""
            yield from _preload_needs(option, module, package, where)
        index += 1


def _preload_needs(option: str, module: str, package: NodePackage | None, where: str) -> Iterator[str]:
    owner = package_name(module)
    if owner is None:
        return
    loaded = f"`{module}` ({where} {option})"
    if package is None:
        yield (f"node loads {loaded} before the app, and package.json was not read, so whether `{owner}` is a "
               "devDependency is not known")
    elif owner in package.dev_only:
        yield f"node loads {loaded} before the app, and package.json lists `{owner}` in devDependencies only"
