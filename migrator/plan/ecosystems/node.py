"""Node: the app directory with node_modules goes to the runtime; dev dependencies are pruned."""

from __future__ import annotations

import posixpath
from collections.abc import Callable

from migrator.parse.options import operands, scan
from migrator.parse.words import shell_word
from migrator.plan.ecosystems.base import BuilderInsert, Copy, EcosystemContext, RuntimePlan
from migrator.plan.ecosystems.beside import install_directory, made_beside_the_app
from migrator.plan.facts import Command
from migrator.plan.node_package import NodePackage

_PRODUCTION_FLAGS = ("--production", "--prod")
_PRUNES = (("npm", "npm prune --omit=dev"), ("pnpm", "pnpm prune --prod"))
_NOT_CHECKED = " (package.json was not read: the start was not checked for a devDependency it needs)"
# options of npm, yarn and pnpm install that take a value
_VALUED_SHORT = "Cw"
_VALUED_LONG = frozenset({"--prefix", "--dir", "--cwd", "--registry", "--cache", "--loglevel", "--workspace",
                          "--filter", "--omit", "--include", "--only"})


class Node:
    name = "node"

    def plan_runtime(self, context: EcosystemContext) -> RuntimePlan:
        plan = RuntimePlan()
        managed = context.commands("npm", "pnpm", "yarn")
        package = context.package() if managed else None
        needs_dev = bool(managed) and self._start_needs_dev(context, package, plan)
        prunes = () if needs_dev else _PRUNES
        for tool, prune in prunes:
            installs = [c for c in context.commands(tool) if _subcommand(c.words) in ("ci", "install", "i")]
            trees = [c for c in installs if _creates_tree(c)]
            if not trees or any(_production_only(c) for c in trees):
                continue
            directories = list(dict.fromkeys(_install_directory(c, context) for c in trees))
            extra = [c for c in installs if c not in trees and not {"-g", "--global"} & set(c.words)]
            if None in directories or any(_install_directory(c, context) in directories for c in extra):
                plan.note("MIG517", trees[-1].line, f"dev dependencies are not pruned: `{prune}` would also remove "
                          "what the stage added outside package.json (a package installed by name or path, a "
                          "workspace link), or the directory of the install is not known; prune in the Dockerfile "
                          "if the runtime should not get them")
                break
            for directory in directories:
                here = directory == context.facts.workdir
                where = "" if here else f"cd {shell_word(str(directory))} && "
                plan.builder_appends.append(f"RUN {where}{prune}")
            plan.note("MIG517", trees[-1].line, f"dev dependencies are pruned (`{prune}`, where the install ran: "
                      f"{', '.join(str(d) for d in directories)}) before node_modules is copied to the runtime"
                      f"{_NOT_CHECKED if package is None else ''}: a package the app loads at run time "
                      "must be in package.json's dependencies, not devDependencies (move it there, or delete the "
                      f"`RUN {prune}` line to keep every devDependency)")
            break
        yarn = [c for c in context.commands("yarn") if _subcommand(c.words) in ("", "install")]
        if yarn and not needs_dev and not any("--production" in c.words for c in yarn):
            plan.note("MIG517", yarn[-1].line, "yarn installs dev dependencies too: " + (
                "add `yarn workspaces focus --all --production` (Yarn 2+ has no `install --production`; the "
                "command is built into Yarn 4, a plugin in Yarn 2 and 3) after the build so the runtime only gets "
                "what it needs" if package is not None and _yarn_berry(package) else
                "add `yarn install --production` after the build so the runtime only gets what it needs"))
        static_dir = self._static_site(context)
        if static_dir is not None:
            return self._served_by_nginx(context, static_dir, plan)
        if package is not None:
            _cache_in_the_project(context, package, plan)
        plan.copies += _modules_beside_the_app(context)
        return plan

    def _start_needs_dev(self, context: EcosystemContext, package: NodePackage | None, plan: RuntimePlan) -> bool:
        """The start command needs a package that package.json lists in devDependencies only (it runs `nodemon`,
        preloads `-r ts-node/register`, starts a .ts file: plan.node_dev_start): a production prune would remove
        it, and the start would fail."""
        from migrator.plan.node_dev_start import dev_needs
        from migrator.plan.startcommand import instruction_argv

        facts = context.facts
        started = [i for i in (facts.entrypoint, facts.cmd) if i is not None]
        commands = [instruction_argv(i) for i in started]
        if facts.entrypoint is not None and facts.cmd is not None and facts.entrypoint.json_args() is not None:
            commands.insert(0, commands[0] + commands[1])  # (`ENTRYPOINT ["node"]` with `CMD ["src/index.ts"]`)
        on_image = _on_the_runtime(context)
        reasons = [reason for argv in commands for reason in dev_needs(argv, package, facts.env, on_image)]
        if not reasons:
            return False
        line = started[-1].line if started else facts.stage.from_item.line
        plan.note("MIG517", line, f"dev dependencies are not pruned: {'; '.join(dict.fromkeys(reasons))}")
        return True

    def _static_site(self, context: EcosystemContext) -> str | None:
        """`npx serve -s build` / `http-server dist`: the app is static files after `npm run build`. A `serve` the
        Dockerfile makes itself (`printf ... > /usr/local/bin/serve`) is the app's own program, not the npm one."""
        from migrator.plan.placed_programs import made_by_dockerfile

        for instruction in (context.facts.entrypoint, context.facts.cmd):
            if instruction is None:
                continue
            words = instruction.json_args() or instruction.body.split()
            if words[:1] == ["npx"]:
                words = words[1:]
            if words[:1] not in (["serve"], ["http-server"]) or made_by_dockerfile(context.facts, words[0]):
                continue
            arguments = operands(words[1:], "lpac", ("--listen", "--port", "--config"))
            return context.facts.resolve(arguments[0] if arguments else ".")
        return None

    def _served_by_nginx(self, context: EcosystemContext, static_dir: str, plan: RuntimePlan) -> RuntimePlan:
        plan.image = context.registry_image("nginx:latest")
        plan.copy_app_dirs = False
        plan.copies.append(Copy(static_dir, "/usr/share/nginx/html"))
        plan.image_default_command = True
        plan.expose = ("8080",)
        plan.builder_appends.clear()
        plan.findings.clear()
        line = (context.facts.cmd or context.facts.entrypoint or context.facts.stage.from_item).line
        plan.note("MIG532", line, f"the app is static files ({static_dir}): nginx serves them on port 8080, "
                  "no Node.js at run time")
        return plan


def _yarn_berry(package: NodePackage) -> bool:
    """Yarn 2 or later: Plug'n'Play, or package.json's packageManager names such a release."""
    manager = package.package_manager
    return package.pnp or (manager.startswith("yarn@") and not manager.startswith("yarn@1.")
                           and manager[5:6].isdigit())


_GLOBAL_CACHE_OFF = "YARN_ENABLE_GLOBAL_CACHE=false"


def _cache_in_the_project(context: EcosystemContext, package: NodePackage, plan: RuntimePlan) -> None:
    """Yarn Plug'n'Play loads every package from its zip archive in the cache, where .pnp.cjs points: with Yarn 4's
    global cache that is the home of the builder's user (/root/.yarn/berry/cache), which the runtime, given the
    app's directory, does not get. The install keeps its cache in the project (.yarn/cache) instead."""
    if not package.global_cache or "YARN_ENABLE_GLOBAL_CACHE" in context.facts.env:
        return
    installs = [c for c in context.commands("yarn") if _subcommand(c.words) in ("", "install")]
    if not installs:
        return
    line = installs[0].line
    plan.builder_inserts.append(BuilderInsert(line, f"ENV {_GLOBAL_CACHE_OFF}"))
    plan.note("MIG239", line, f"ENV {_GLOBAL_CACHE_OFF} before the install: the project uses Yarn Plug'n'Play "
              f"(packageManager {package.package_manager or 'not named'}), whose install keeps the packages in "
              "Yarn's global cache in the builder user's home (Yarn 4's default), where .pnp.cjs loads them "
              f"from; the runtime gets {package.directory} only, so the cache goes into the project's .yarn/cache")


def _on_the_runtime(context: EcosystemContext) -> Callable[[str], bool]:
    """Whether a program a start script runs is on the runtime's PATH without node_modules/.bin: the image's own
    (busybox's applets, npm), or a file the Dockerfile makes (a COPY, a RUN that writes it)."""
    from migrator.plan.placed_programs import made_by_dockerfile

    image = context.rules.image_model(context.runtime_image) if context.runtime_image else None
    return lambda name: (image is not None and image.has_program(name)) or made_by_dockerfile(context.facts, name)


def _modules_beside_the_app(context: EcosystemContext) -> list[Copy]:
    """`COPY package.json server.js /srv/` + `RUN cd /srv && npm install` (or `npm ci --prefix /srv`, `yarn --cwd
    /srv install`, `pnpm -C /srv install`): node_modules is made beside the files the stage copied there. One made
    where node looks is the app's too: where NODE_PATH says (`npm install --prefix /opt/deps express` with
    NODE_PATH=/opt/deps/node_modules), or in a directory above the WORKDIR (an install in `/` before `WORKDIR /app`),
    which node searches from the app's files up to `/`."""
    installs = [c for c in context.commands("npm", "pnpm", "yarn")
                if _subcommand(c.words) in ("ci", "install", "i", "", "add") and _installs_locally(c)]
    made = [(_install_directory(c, context), "node_modules") for c in installs]
    looked_in = {posixpath.normpath(p) for p in (context.facts.env.get("NODE_PATH") or "").split(":")
                 if p.startswith("/") and "$" not in p}
    workdir = context.facts.workdir
    searched = [Copy(path, path) for directory, name in made if directory is not None
                for path in [posixpath.join(directory, name)]
                if (path in looked_in or (_inside(workdir, directory) and directory != workdir))
                and (workdir == "/" or not _inside(path, workdir))]
    return list(dict.fromkeys([*made_beside_the_app(context, made), *searched]))


def _inside(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip("/") + "/")


def _installs_locally(command: Command) -> bool:
    """An install that makes node_modules where it runs: the tree package.json describes, or packages it names;
    not a global one (`npm install -g`), which goes to the image's prefix."""
    scanned = scan(_after_subcommand(command.words), _VALUED_SHORT, _VALUED_LONG)
    return not scanned.has("-g", "--global")


def global_packages(words: tuple[str, ...]) -> list[str]:
    """The packages a command installs globally, named without their version: `npm install -g pm2@5`, `yarn global
    add pm2`, `pnpm add -g pm2` (each puts the packages' programs on the PATH, in the image's prefix)."""
    tool = posixpath.basename(words[0]) if words else ""
    sub = _subcommand(words) if tool in ("npm", "pnpm", "yarn") else ""
    rest = _after_subcommand(words) if sub else []
    if tool == "yarn" and sub == "global":
        scanned = scan(rest, _VALUED_SHORT, _VALUED_LONG)
        named = list(scanned.operands[1:]) if scanned.operands[:1] == ("add",) else []
    elif (tool, sub) in _GLOBAL_INSTALLS and (scanned := scan(rest, _VALUED_SHORT, _VALUED_LONG)).has("-g", "--global"):
        named = list(scanned.operands)
    else:
        named = []
    return [n[:1] + n[1:].split("@")[0] for n in named]  # (@scope/name@1.2: @scope/name)


_GLOBAL_INSTALLS = frozenset({("npm", "install"), ("npm", "i"), ("npm", "add"), ("pnpm", "add"), ("pnpm", "install"),
                              ("pnpm", "i")})


def _subcommand(words: tuple[str, ...]) -> str:
    """The word that says what npm, yarn or pnpm does, after the options that come before it (`yarn --cwd /srv
    install`, `pnpm -C /srv install`, `npm --prefix /srv ci`); "" for none (a bare `yarn` installs)."""
    index = 1
    while index < len(words) and words[index].startswith("-"):
        word = words[index]
        takes_value = "=" not in word and (word in _VALUED_LONG or (len(word) == 2 and word[1] in _VALUED_SHORT))
        index += 2 if takes_value else 1
    return words[index] if index < len(words) else ""


def _after_subcommand(words: tuple[str, ...]) -> list[str]:
    """The words after the subcommand, with the options written before it (`yarn --cwd /srv install`)."""
    sub = _subcommand(words)
    if not sub:
        return list(words[1:])
    index = words.index(sub, 1)
    return [*words[1:index], *words[index + 1:]]


def _production_only(command: Command) -> bool:
    """`npm ci --omit=dev` (or `--omit dev`), `--only=production`, `pnpm install --prod`: no dev dependencies."""
    scanned = scan(_after_subcommand(command.words), _VALUED_SHORT, _VALUED_LONG)
    wanted = {("--omit", "dev"), ("--only", "production"), ("--only", "prod")}
    return scanned.has(*_PRODUCTION_FLAGS) or bool(wanted & set(scanned.options))


def _creates_tree(command: Command) -> bool:
    """`npm ci`, `npm install` with no package named: the tree package.json describes, which prune
    keeps to its production part. `npm install -g x` or `npm install ./lib` add packages instead."""
    scanned = scan(_after_subcommand(command.words), _VALUED_SHORT, _VALUED_LONG)
    return not scanned.operands and not scanned.has("-g", "--global", "--no-save")


def _install_directory(command: Command, context: EcosystemContext) -> str | None:
    """Where the install made node_modules: its WORKDIR, a `--prefix`, or a literal `cd` before it in
    the same RUN; None when a `cd` goes somewhere not known."""
    return install_directory(command, context, ("--prefix", "-C", "--dir", "--cwd"))


ECOSYSTEM = Node()
