"""Start commands whose launcher the runtime image lacks, when what the launcher runs is known.

`uv run X` and `poetry run X` run X from the project's virtualenv, which the runtime has on its
PATH; `yarn start` and `pnpm run build` run a package.json script, which npm (in the node image)
runs too; a Rails binstub (`bin/rails`) starts with `#!/usr/bin/env ruby`, and the ruby image has
no /usr/bin/env, so ruby starts it; so does the interpreter a script started by its path (`./manage.py`) is
written for, as its `#!` line most often goes through /usr/bin/env too.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping

from migrator.parse.words import split_words
from migrator.regex import lazy as lazy_re
from migrator.rules.loader import ChainguardImage

TYPE_CHECKING = False  # not typing's (a cold run's import cost): the annotation only
if TYPE_CHECKING:
    from migrator.plan.node_package import NodePackage

_VENV_RUNNERS = {"uv": "run", "poetry": "run", "pipenv": "run", "pdm": "run"}
_RUNNER_OPTIONS_WITH_VALUE = frozenset({"--with", "--with-requirements", "--with-editable", "--python", "-p",
                                        "--project", "--directory", "--group", "--only-group", "--no-group",
                                        "--extra", "--env-file", "--package", "--index", "--default-index",
                                        "--index-url", "--extra-index-url", "--find-links", "-f", "--config-file",
                                        "--cache-dir", "--color", "--python-preference"})
# options that make the environment at start (packages added for the run, variables from a file): the runtime,
# which has no runner, cannot do it, so the command is not ported (the start check says the runner is missing)
_RUNNER_OPTIONS_AT_START = frozenset({"--with", "--with-requirements", "--with-editable", "--env-file",
                                      "--isolated"})
_SCRIPT_RUNNERS = frozenset({"yarn", "pnpm"})
_NPM_BUILTIN_SCRIPTS = frozenset({"start", "test", "stop", "restart"})
# what `yarn <word>` / `pnpm <word>` runs as the tool's own command, never as a script (yarn 1 and 2+, pnpm 8+)
_BUILTIN_COMMANDS = {
    "yarn": frozenset({"add", "audit", "autoclean", "bin", "cache", "check", "config", "constraints", "create",
                       "dedupe", "dlx", "exec", "explain", "generate-lock-entry", "global", "help", "import", "info",
                       "init", "install", "licenses", "link", "list", "login", "logout", "node", "npm", "outdated",
                       "owner", "pack", "patch", "plugin", "policies", "publish", "rebuild", "remove", "set", "stage",
                       "tag", "team", "unlink", "unplug", "up", "upgrade", "upgrade-interactive", "version",
                       "versions", "why", "workspace", "workspaces"}),
    "pnpm": frozenset({"add", "audit", "bin", "config", "create", "deploy", "dlx", "doctor", "env", "exec", "fetch",
                       "global", "i", "import", "init", "install", "licenses", "link", "list", "ls", "node",
                       "outdated", "pack", "patch", "prune", "publish", "rebuild", "remove", "root", "server", "setup",
                       "store", "unlink", "update", "why"}),
}
# a script started directly, by path, whose language the runtime image has (`CMD ["./manage.py", "runserver"]`)
_SCRIPT_INTERPRETERS = {".py": "python", ".rb": "ruby", ".js": "node", ".mjs": "node", ".cjs": "node", ".php": "php"}
# the `#!` programs of each language the runtime images serve (python2 is none of them)
_SHEBANG_LANGUAGE = lazy_re(r"(?P<python>python3?(?:\.\d+)?$)|(?P<node>node(?:js)?$)|(?P<ruby>ruby[\d.]*$)"
                            r"|(?P<php>php[\d.]*$)")
_RUBY_BINSTUB = lazy_re(r"(^|/)bin/(bundle|rails|rake|rackup|puma|sidekiq|thrust)$")


def port_launcher(argv: list[str], image: ChainguardImage, shebang: str | None = None,
                  project_scripts: Mapping[str, str] | None = None, package: NodePackage | None = None,
                  docker_hub_shebang: tuple[str, str] | None = None) -> tuple[list[str], str] | None:
    """The command the runtime can start instead, and what changed; None when nothing needs to.
    `shebang`: the program the started file's `#!` line runs, when the build context on disk says (None: unknown).
    `project_scripts`: the [scripts] of the project's Pipfile or pyproject (pdm), when the context on disk has one.
    `package`: the package.json in the command's WORKDIR, when the build context on disk has it (plan.node_package).
    `docker_hub_shebang`: (interpreter, script path) when the started file's `#!` line names the interpreter
    where Docker Hub's image keeps it (`#!/usr/local/bin/python`), which the runtime does not have: the file
    is started by the image's interpreter of that language, from PATH (the virtualenv's first), by its path.
    The command a program starts from its arguments (`thrust ./bin/rails server`, `bundle exec ./bin/thrust ...`)
    is ported the same way: thruster starts it with execve, which runs its `#!` line too."""
    from migrator.plan.startcommand import unwrap

    head = unwrap(argv).program_index  # (tini, gosu, env the image keeps: they exec the program)
    if head >= len(argv):
        return None
    words = argv[head:]
    ported = _port_program(words, image, shebang if head == 0 else None, project_scripts, package,
                           docker_hub_shebang if head == 0 else None)
    reasons = [ported[1]] if ported else []
    words = ported[0] if ported else words
    words, inner = _port_started(words, image)
    reasons += inner
    if not reasons:
        return None
    return [*argv[:head], *words], "; ".join(reasons)


def _port_started(words: list[str], image: ChainguardImage) -> tuple[list[str], list[str]]:
    """`words` with the command its program starts in its turn ported (and what that one starts...), and why."""
    from migrator.plan.startcommand import started_command

    started = started_command(words)
    if started is None or started.index >= len(words):
        return words, []
    inner = words[started.index:]
    reasons = []
    nested = None if started.loaded else _port_program(inner, image)
    if nested is not None:
        reasons.append(f"`{' '.join(words[:started.index])}` starts `{' '.join(inner)}` itself, with execve, which "
                       f"runs its `#!` line: {nested[1]}")
        inner = nested[0]
    inner, deeper = _port_started(inner, image)
    return [*words[:started.index], *inner], reasons + deeper


def _port_program(argv: list[str], image: ChainguardImage, shebang: str | None = None,
                  project_scripts: Mapping[str, str] | None = None, package: NodePackage | None = None,
                  docker_hub_shebang: tuple[str, str] | None = None) -> tuple[list[str], str] | None:
    """port_launcher for the program that is argv[0]."""
    if not argv:
        return None
    language = _SHEBANG_LANGUAGE.match(shebang or "")
    if docker_hub_shebang and language and image.has_program(language.lastgroup or ""):
        runs, script = language.lastgroup or "", docker_hub_shebang[1]
        return [runs, script, *argv[1:]], (
            f"`{argv[0]}` starts with `#!{docker_hub_shebang[0]}`, where Docker Hub's image keeps {runs}, and "
            f"{image.name} has it elsewhere: started as `{runs} {script}` ({runs} from the PATH"
            + (", the virtualenv's first)" if runs == "python" else ")"))
    name = posixpath.basename(argv[0])
    if name in _VENV_RUNNERS and not image.has_program(name) and argv[1:2] == [_VENV_RUNNERS[name]]:
        return _from_virtualenv(argv, name, project_scripts)
    if name in _SCRIPT_RUNNERS and not image.has_program(name) and image.has_program("npm"):
        return _with_npm(argv, name, image, package)
    if _RUBY_BINSTUB.search(argv[0]) and image.has_program("ruby") and not image.has_program("env"):
        return ["ruby", *argv], (f"`{argv[0]}` is a binstub (`#!/usr/bin/env ruby`) and {image.name} has no "
                                 f"/usr/bin/env: started as `ruby {argv[0]}`")
    interpreter = _SCRIPT_INTERPRETERS.get(posixpath.splitext(argv[0])[1])
    if shebang:  # its `#!` line, read from the build context, says which (`./run.py` may be a bash script)
        written_for = _SHEBANG_LANGUAGE.match(shebang)
        interpreter = written_for.lastgroup if written_for else None
    if "/" in argv[0] and interpreter and image.has_program(interpreter) and not image.has_program("env"):
        # (its `#!` line is most often `/usr/bin/env python`, which this image cannot run; the interpreter
        # runs the file whatever the line says)
        line = f"which runs {shebang}" if shebang else f"most often `#!/usr/bin/env {interpreter}`"
        return [interpreter, *argv], (f"`{argv[0]}` is started by its `#!` line, {line}, and {image.name} has "
                                      f"no /usr/bin/env: started as `{interpreter} {argv[0]}`")
    return None


def _from_virtualenv(argv: list[str], runner: str, scripts: Mapping[str, str] | None = None
                     ) -> tuple[list[str], str] | None:
    """`uv run gunicorn app:app` -> `gunicorn app:app` (from the virtualenv on the PATH); `uv run -m app` ->
    `python -m app`; `pipenv run start` -> the Pipfile script `start` runs, when `scripts` (its [scripts]) say."""
    index = 2
    module: str | None = None
    while index < len(argv) and argv[index].startswith("-"):
        option = argv[index].split("=", 1)[0]
        if option in _RUNNER_OPTIONS_AT_START:
            return None
        if option in ("-m", "--module"):
            module = argv[index].split("=", 1)[1] if "=" in argv[index] else (argv[index + 1:index + 2] or [""])[0]
            index += 1 if "=" in argv[index] else 2
            break
        index += 2 if option in _RUNNER_OPTIONS_WITH_VALUE and "=" not in argv[index] else 1
    rest = argv[index:]
    if module is not None:
        rest = ["python", "-m", module, *rest] if module else []
    elif rest and scripts is not None and rest[0] in scripts and runner in ("pipenv", "pdm"):
        rest = [*split_words(scripts[rest[0]]), *rest[1:]]  # (a script of the project file: its command)
    if not rest or any(c in " ".join(rest) for c in "$;&|<>`"):
        return None
    if rest[0].endswith(".py"):
        rest = ["python", *rest]
    return rest, (f"`{runner} run` removed: the runtime has no {runner}; `{rest[0]}` starts from the virtualenv "
                  "on the PATH")


def _with_npm(argv: list[str], runner: str, image: ChainguardImage,
              package: NodePackage | None) -> tuple[list[str], str] | None:
    """`yarn [run] <name>` / `pnpm [run] <name>`: the package.json script <name> when package.json has it (npm
    runs it), else the package binary <name> in node_modules/.bin; `yarn workspace <ws> <script>` and `yarn|pnpm
    exec <binary>` likewise. None (the runtime check then says the launcher is missing) when package.json is not
    on disk, under Yarn Plug'n'Play, or for what only yarn or pnpm does."""
    words = argv[1:]
    explicit = words[:1] == ["run"]
    words = words[1:] if explicit else words
    if package is not None and package.pnp:
        return _with_plug_n_play(argv, runner, words, explicit, package)
    if not words or words[0].startswith("-"):
        return None
    name, extra = words[0], words[1:]
    if not explicit and name == "workspace" and runner == "yarn" and len(extra) >= 2:
        return _in_workspace(argv, extra[0], extra[1:], package)
    if not explicit and name == "exec" and extra and not extra[0].startswith("-") and package is not None:
        return _binary(argv, extra[0], extra[1:], runner, image, package)
    if not explicit and name in _BUILTIN_COMMANDS[runner]:
        return None
    if package is None:
        if name not in _NPM_BUILTIN_SCRIPTS:  # (`yarn start` is the start script: no package ships a `start` binary)
            return None
    elif name not in package.scripts:
        if name in _NPM_BUILTIN_SCRIPTS:  # (`yarn start` without a start script stopped there too)
            return None
        return _binary(argv, name, extra, runner, image, package)
    if package is not None and _runs_a_runner(package.scripts, name):
        return None  # (`"start": "yarn migrate && node s.js"`: npm runs it through sh, which finds no yarn there)
    ported = ["npm", name] if name in _NPM_BUILTIN_SCRIPTS else ["npm", "run", name]
    if extra:
        ported += ["--", *extra]
    where = "the same package.json script" if package is not None else "the start script"
    return ported, (f"`{' '.join(argv)}` -> `{' '.join(ported)}`: the node runtime ships npm, not {runner}, and "
                    f"npm runs {where}")


def _with_plug_n_play(argv: list[str], runner: str, words: list[str], explicit: bool,
                      package: NodePackage) -> tuple[list[str], str] | None:
    """`yarn [run] <script>` under Plug'n'Play, whose script is one plain `node ...` command: node started with the
    PnP runtime preloaded, as yarn starts it (NODE_OPTIONS --require .pnp.cjs, and the ESM loader for an ES module
    app). Yarn 2+ runs no pre- or post- scripts. Anything else (a package binary, a shell line) only yarn runs."""
    if runner != "yarn" or not words or words[0].startswith("-"):
        return None
    name, extra = words[0], words[1:]
    if not explicit and name == "node":  # (`yarn node server.js`: yarn's own command, node with the PnP runtime)
        script = "node"
        if not extra:
            return None
    elif (not explicit and name in _BUILTIN_COMMANDS[runner]) or name not in package.scripts:
        return None
    else:
        script = package.scripts[name]
    command = pnp_node_command(package, script, extra)
    if command is None:
        return None
    ported = [*command, *extra]
    what = f"its script `{name}` is `{script}`" if name != "node" or explicit else "`yarn node` runs node"
    return ported, (f"`{' '.join(argv)}` -> `{' '.join(ported)}`: the project uses Yarn Plug'n'Play (no "
                    f"node_modules), {what}, and the node runtime has no "
                    f"yarn: node starts it with the PnP runtime ({package.directory}/.pnp.cjs"
                    + (", and its ESM loader .pnp.loader.mjs" if len(command) > 3 and "--experimental-loader"
                       in command else "") + ") preloaded, as yarn did")


_SHELL_SYNTAX = frozenset("$;&|<>`(){}*?[]~\n\\")
_NODE_PROGRAM = lazy_re(r"^node(js)?$")


def pnp_node_command(package: NodePackage, script: str, extra: list[str] | None = None) -> list[str] | None:
    """The exec-form command for a package.json script that is one plain `node ...` command under Plug'n'Play:
    node with the PnP runtime preloaded; None for any other script."""
    if any(c in _SHELL_SYNTAX for c in script):
        return None
    try:
        words = split_words(script)
    except ValueError:
        return None
    if not words or not _NODE_PROGRAM.match(words[0]):
        return None
    esm = package.module or any(w.endswith(".mjs") for w in [*words[1:], *(extra or [])])
    loader = ["--experimental-loader", posixpath.join(package.directory, ".pnp.loader.mjs")] if esm else []
    return ["node", "--require", posixpath.join(package.directory, ".pnp.cjs"), *loader, *words[1:]]


_RUNNER_WORD = lazy_re(r"(?<![\w./-])(?:yarn|pnpm)(?![\w.-])")


def _runs_a_runner(scripts: dict[str, str], name: str) -> bool:
    """Whether the script `name`, or the pre- and post- scripts npm runs with it, runs yarn or pnpm itself."""
    return any(_RUNNER_WORD.search(scripts.get(n, "")) for n in (f"pre{name}", name, f"post{name}"))


def _in_workspace(argv: list[str], workspace: str, words: list[str],
                  package: NodePackage | None) -> tuple[list[str], str] | None:
    """`yarn workspace api start`: npm runs a script of a workspace with `--workspace`; a workspace's binary
    would need its directory as the working directory, which an exec-form command cannot change to."""
    scripts = package.workspaces.get(workspace) if package is not None else None
    name = words[1] if words[0] == "run" and len(words) > 1 else words[0]
    extra = words[2:] if words[0] == "run" else words[1:]
    if scripts is None or name not in scripts or _runs_a_runner(scripts, name):
        return None
    ported = ["npm", "run", name, f"--workspace={workspace}", *(["--", *extra] if extra else [])]
    return ported, (f"`{' '.join(argv)}` -> `{' '.join(ported)}`: the node runtime ships npm, not yarn, and npm "
                    f"runs the script `{name}` of the workspace `{workspace}` (its package.json)")


def _binary(argv: list[str], name: str, extra: list[str], runner: str, image: ChainguardImage,
            package: NodePackage) -> tuple[list[str], str] | None:
    """A package binary: node_modules/.bin/<name> in package.json's directory, a link to a script whose `#!` line
    is most often `#!/usr/bin/env node` (or pnpm's sh shim): it starts where the image has env and node."""
    if "/" in name or not (image.has_program("env") and image.has_program("node") and image.has_program("sh")):
        return None
    ported = [posixpath.join(package.directory, "node_modules", ".bin", name), *extra]
    return ported, (f"`{' '.join(argv)}` -> `{' '.join(ported)}`: package.json has no script `{name}`, so {runner} "
                    f"ran the package binary `{name}` that the install put in node_modules/.bin; the node runtime "
                    f"ships npm, not {runner}, and `npm run {name}` would stop with \"Missing script\"")
