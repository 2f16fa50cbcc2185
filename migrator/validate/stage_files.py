"""Where a file a stage's command runs comes from, for the start check: in the image, copied by COPY/ADD (followed
through the stages it was copied from) or made by a RUN; and what it is (a build-context file, a text the
Dockerfile writes, a build's output, an image's file).

    context = Context(staged, rules, registry)
    located = locate(context.view(stage), context, "server")
"""

from __future__ import annotations

import posixpath
import re

from migrator.plan.buildcontext import BuildContext
from migrator.plan.facts import MODE_CHANGE_NAMES, Command, StageFacts, absolute
from migrator.plan.scripts import WrittenHead, run_written_scripts, writes_files
from migrator.plan.stages import Stage, StagedFile
from migrator.plan.startcommand import (
    looks_like_script,
)
from migrator.records import dataclass, field, replace
from migrator.regex import glob_match
from migrator.regex import lazy as lazy_re
from migrator.rewrite.tools import packages_for, wolfi_name
from migrator.rules.loader import RuleSet
from migrator.validate.stage_view import IMAGE_BIN_DIRS, Placed, StageView, run_text, stage_view

TYPE_CHECKING = False  # not typing's: importing typing costs 2 ms of a cold run (docs/performance.md)
if TYPE_CHECKING:
    from migrator.plan.edited_files import EditedFiles

INSTALLERS = lazy_re(r"\b(pip3?|uv|poetry|pipenv|pdm|npm|yarn|pnpm|gem|bundle|cargo|go|composer)\s+"
                         r"(install|sync|add|ci|i|build)\b")


@dataclass
class Context:
    staged: StagedFile
    rules: RuleSet
    registry: str
    source_shell: str | None = None
    files: BuildContext = field(default_factory=lambda: BuildContext(None))
    # stage name (lower case) -> (repository, family) of the image the ORIGINAL stage was built on; absent: unknown
    sources: dict[str, tuple[str, str]] = field(default_factory=dict)
    # the RUN of the ORIGINAL final stage (or a stage it is built FROM) that made /bin/sh a link to bash (`ln -sf
    # /bin/bash /bin/sh`, line 2): its `#!/bin/sh` scripts ran with bash; None: /bin/sh was the image's
    sh_is_bash: str | None = None
    views: dict[int, StageView] = field(default_factory=dict)
    written: dict[int, dict[str, str]] = field(default_factory=dict)
    copied: dict[int, dict[str, str]] = field(default_factory=dict)
    edits: dict[int, EditedFiles] = field(default_factory=dict)
    # (RUN line, path) of each `sed -i` (or a filter that wrote the file: `sed ... start.sh > /start.sh`) that may
    # have changed a judged file's `#!` line in a way not read: the warning (MIG584)
    unread_edits: dict[tuple[int, str], str] = field(default_factory=dict)
    installs: dict[int, list[tuple[str, list[str] | None]]] = field(default_factory=dict)
    # paths a build may have written under a name the file does not show (`go install ./...` into GOBIN): no
    # proof either way, so the start check says "unverified" rather than "broken" for them
    maybe: list[str] = field(default_factory=list)
    # build-context directories or globs copied over a looked-up path whose names cannot be read (no --context)
    unread: list[str] = field(default_factory=list)

    def go_installs(self, view: StageView) -> list[tuple[str, list[str] | None]]:
        """plan.go_install.go_installs of the view's stage chain, read once."""
        key = view.chain[-1].index
        if key not in self.installs and "go" not in view.runs:
            self.installs[key] = []
        if key not in self.installs:
            from migrator.plan.facts import read_facts
            from migrator.plan.go_install import go_installs

            commands = [c for stage in view.chain for c in read_facts(stage).run_commands()]
            self.installs[key] = go_installs(commands, view.env)
        return self.installs[key]

    def run_copies(self, view: StageView) -> dict[str, str]:
        """{path: the path it was copied from} of each file a RUN `cp`, `mv` or `install` of the view's stage
        chain put in place (the last that placed it), read once."""
        key = view.chain[-1].index
        if key not in self.copied:
            self.copied[key] = _run_copies(view)
        return self.copied[key]

    def written_by_runs(self, view: StageView, heads: bool = False) -> dict[str, str]:
        """plan.scripts.run_written_scripts of the view's stage chain, read once; with `heads`, the files whose
        first line only is known too, or none of it (plan.scripts.WrittenHead)."""
        key = view.chain[-1].index
        if key not in self.written:
            self.written[key] = run_written_scripts(view.chain, heads=True) if writes_files(view.runs) else {}
        if heads:
            return self.written[key]
        return {path: text for path, text in self.written[key].items() if not isinstance(text, WrittenHead)}

    def sed_edits(self, view: StageView) -> EditedFiles:
        """plan.edited_files.edited_files of the view's stage chain, read once."""
        from migrator.plan.edited_files import EditedFiles, edited_files

        key = view.chain[-1].index
        if key not in self.edits:
            facts = _chain_facts(view) if _SED.search(view.runs) else None
            self.edits[key] = edited_files(facts.commands, facts.env) if facts is not None else EditedFiles()
        return self.edits[key]

    def view(self, stage: Stage) -> StageView:
        if stage.index not in self.views:
            self.views[stage.index] = stage_view(stage, self.staged, self.rules, self.registry)
        return self.views[stage.index]


@dataclass(frozen=True)
class Located:
    path: str
    how: str  # "image" | "copied" | "created"
    source: str | None = None  # the name it was copied from


def locate(view: StageView, context: Context, program: str) -> Located | None:
    if "/" in program:
        return _find(view, context, absolute(program, view.workdir, view.env), depth=0, by_name=False)
    # what is certainly there (the image's programs, files copied by name) before what may be there
    # (a name in a directory of unknown contents): the check must not credit a guess over a fact
    for directory in view.path_dirs:
        found = _find(view, context, posixpath.join(directory, program), depth=0, by_name=True, certain=True)
        if found is not None:
            return found
    # then the Dockerfile's own file of that name in a directory it copies from the build context (`COPY bin/
    # /usr/local/bin/`, read on disk), before the guess that an installer's bin/ (a virtualenv's) holds the name
    for directory in view.path_dirs:
        path = posixpath.join(directory, program)
        if _from_context_directory(view, context, path, depth=0):
            return _find(view, context, path, depth=0, by_name=True) or Located(path, "copied")
    for directory in view.path_dirs:
        found = _find(view, context, posixpath.join(directory, program), depth=0, by_name=True)
        if found is not None:
            return found
    return None


def _from_context_directory(view: StageView, context: Context, path: str, depth: int) -> bool:
    """Whether the file at `path` is a build-context file that a COPY of a directory put there (followed through
    the stages it was copied from), as the context on disk shows. Without the context on disk, when the file also
    installs dependencies, a file directly in such a directory (or with a context that lacks the directory) may be
    any name but a console script an install of the file writes (rules/dockerhub.yaml `console_scripts`): the
    Dockerfile's own file, unread, rather than a guess at what pip wrote."""
    if depth > 3:
        return False
    for placed in reversed(view.placed):
        if not placed.tree or not inside(path, placed.path) or placed.path == "/" or placed.external:
            continue
        relative = path[len(placed.path):].lstrip("/")
        if placed.from_stage is None:
            if "*" in placed.source or not relative:
                continue
            directory = placed.source.rstrip("/") or "."
            if not context.files.is_directory(directory):
                return "/" not in relative and _installs(context) and not _console_script(context, relative)
            return context.files.kind(posixpath.join(directory, relative)) is not None
        source_view = context.view(placed.from_stage)
        source_path = absolute(posixpath.normpath(posixpath.join(placed.source.rstrip("/") or "/", relative)),
                               source_view.workdir, source_view.env)
        return _from_context_directory(source_view, context, source_path, depth + 1)
    return False


def _find(view: StageView, context: Context, path: str, depth: int, by_name: bool,
          certain: bool = False) -> Located | None:
    """Is there a file at `path` in this stage: from the image, a COPY/ADD, or a RUN that creates it?

    `by_name`: the path is a PATH lookup, so a directory of unknown contents (a glob copied from the
    build context) is no evidence that this particular name is in it."""
    directory, name = posixpath.split(path)
    copied = next((placed for placed in reversed(view.placed) if placed.path == path), None)
    if copied is not None:  # a file copied by its own name is a fact; a package's programs are a guess
        return Located(path, "copied", copied.source)
    if view.model is not None and directory in IMAGE_BIN_DIRS and (
        view.model.has_program(name) or installed_by_package(name, view.packages, context.rules)
    ):
        return Located(path, "image")
    for placed in reversed(view.placed):
        if placed.path == path:
            return Located(path, "copied", placed.source)
        if (not certain and placed.tree and inside(path, placed.path)
                and _tree_has(placed, path, context, depth, by_name)):
            return Located(path, "copied", placed.source if placed.path == path else None)
    directory, name = posixpath.split(path)
    installs = [names for gobin, names in context.go_installs(view) if gobin == directory]
    if any(names is None for names in installs):
        context.maybe.append(path)
    if (mentions(view.evidence, path) or _in_output_directory(view, path, by_name)
            or any(names is not None and name in names for names in installs)  # (`GOBIN=/out go install ./cmd/x`)
            or path in context.run_copies(view)  # (`cd docker && cp entrypoint.sh /usr/local/bin/`)
            or path in context.written_by_runs(view, heads=True)  # (`cd /usr/local/bin && curl -o app URL`)
            or (by_name and _node_package_binary(view, context, path))):
        return Located(path, "created")
    moved = _moved_from(view, path) if depth < 4 and _RUN_COPIES.search(view.runs) else None
    if moved is not None and _find(view, context, moved, depth + 1, by_name, certain) is not None:
        return Located(path, "created")  # (`cp -a /install/. /usr/local/`: /usr/local/bin/x was /install/bin/x)
    return None


def _moved_from(view: StageView, path: str) -> str | None:
    """Where the file at `path` was before a RUN of the stage copied or moved a directory's contents into a directory
    above it (`cp -a /install/* /usr/local/` makes /usr/local/bin/x of /install/bin/x)."""
    from migrator.plan.copy_commands import moved_into

    facts = _chain_facts(view)
    directory = posixpath.dirname(path)
    while facts is not None and directory not in ("", "/"):
        moved = moved_into(facts, directory)
        if moved is not None:
            return posixpath.join(moved[0], path[len(directory):].lstrip("/"))
        directory = posixpath.dirname(directory)
    return None


_NODE_INSTALLS = lazy_re(r"\b(npm\s+(install|ci|i)|yarn|pnpm\s+(install|i))\b")


def _node_package_binary(view: StageView, context: Context, path: str) -> bool:
    """`ENV PATH=/app/node_modules/.bin:$PATH`: an npm/yarn/pnpm install of the stage puts there the programs of
    the packages /app/package.json names. Known when package.json is on disk; without it the name cannot be
    checked, and the start check says so (unverified) rather than that the program is missing."""
    bin_directory, name = posixpath.split(path)
    if not bin_directory.endswith("/node_modules/.bin") or not _NODE_INSTALLS.search(view.runs):
        return False
    from migrator.plan.node_package import package_in  # (json and typing: not for every file's start check)

    project = posixpath.dirname(posixpath.dirname(bin_directory))
    package = package_in(view.chain[-1], context.staged, context.rules, context.files, project)
    if package is None:
        context.unread.append("package.json")
        return False
    return package.installs_program(name)


def _tree_has(placed: Placed, path: str, context: Context, depth: int, by_name: bool) -> bool:
    if placed.from_stage is None or depth > 3:
        # the build context (readable with --context: `COPY bin/ /usr/local/bin/` of a bin/myapp there) or another
        # image: otherwise its files are not ours to see
        if placed.from_stage is None and not placed.external and by_name and (
                context.files.directories_in(placed.source) is None):  # (no context, a glob, or not this one)
            if posixpath.dirname(path) == placed.path.rstrip("/"):  # (into the PATH directory itself)
                context.unread.append(placed.source)
            return placed.path == path
        if placed.from_stage is None and not placed.external and by_name:
            relative = path[len(placed.path):].lstrip("/")
            inside_context = posixpath.join(placed.source.rstrip("/") or ".", relative)
            return placed.path == path or context.files.kind(inside_context) is not None
        return placed.path == path or not by_name
    relative = path[len(placed.path):].lstrip("/")
    source_path = posixpath.join(placed.source.rstrip("/") or "/", relative) if relative else placed.source
    view = context.view(placed.from_stage)
    source_path = absolute(posixpath.normpath(source_path), view.workdir, view.env)
    if _find(view, context, source_path, depth + 1, by_name) is not None:
        return True
    source_root = absolute(placed.source.rstrip("/") or "/", view.workdir, view.env)
    if not by_name and source_root != "/" and mentions(view.evidence, source_root):
        return True  # a directory the source stage fills (mv, tar -C, mkdir): its files are not listed
    if posixpath.basename(posixpath.dirname(source_path)) != "bin" or not INSTALLERS.search(view.evidence):
        return False
    if (_made_elsewhere(view, context, source_path) or _pip_installed_elsewhere(view, source_path)
            or _below_a_prefix_bin(view, source_path) or _installed_only_into_other_trees(view, source_path)):
        return False  # (`printf ... > /usr/local/bin/start`: the stage's `start` is that file)
    # a guess: the copied bin/ of an install tree (/opt/venv/bin, /usr/local/bundle/bin) holds what its installer
    # wrote, but not a program an OS package of the stage installs (apt nodejs's node is in /usr/bin)
    return not _os_package_program(view, context, posixpath.basename(source_path))


def _installs(context: Context) -> bool:
    """Whether a RUN of the file installs dependencies whose bin/ the start check may guess a name is in."""
    return any(INSTALLERS.search(run_text(i)) for stage in context.staged.stages for i in stage.instructions
               if i.keyword == "RUN")


def _console_script(context: Context, name: str) -> bool:
    """Whether a pip install of the file writes a console script of this name, as far as its lines show."""
    from migrator.plan.ecosystems.python_scripts import pip_scripts
    from migrator.plan.facts import read_facts

    return any(pip_scripts(read_facts(stage)).provides(name) for stage in context.staged.stages)


def _made_elsewhere(view: StageView, context: Context, path: str) -> bool:
    """Whether a RUN of the stage writes (`printf ... > /usr/local/bin/start`) or copies into a bin/ directory
    (`cp`, `mv`, `install`) a file of this name at another known path: that file is the program the name
    starts, not a guess at what an installer put in a bin/ directory."""
    name = posixpath.basename(path)
    copied = [p for p in context.run_copies(view) if posixpath.basename(posixpath.dirname(p)) in ("bin", "sbin")]
    made = [*context.written_by_runs(view, heads=True), *copied]  # (`mv dist /opt/app` moves a directory)
    return any(posixpath.basename(other) == name and other != path for other in made)


def _pip_installed_elsewhere(view: StageView, path: str) -> bool:
    """Whether a pip install of the stage names the package of the console script at `path` (its script, or its
    own name: `pip install uv gunicorn`) and writes it into another directory than `path`'s install tree: that
    install puts the program where its own pip writes (the active VIRTUAL_ENV, or the system's), not into any
    tree an installer filled (`uv sync` makes /app/.venv, which holds neither uv nor gunicorn)."""
    from migrator.plan.ecosystems.python_scripts import pip_scripts
    from migrator.plan.facts import read_facts

    tree, name = posixpath.dirname(posixpath.dirname(path)), posixpath.basename(path)
    for stage in view.chain:
        facts = read_facts(stage)
        if not pip_scripts(facts).named(name):
            continue
        installs = [c for c in facts.run_commands() if pip_scripts(_only(facts, c)).named(name)]
        trees = {facts.env.get("VIRTUAL_ENV"), *(_uv_project_venv(c) for c in installs),
                 *(_user_base(facts) for c in installs if "--user" in c.words)}
        return tree not in trees and not mentions(view.runs, tree)
    return False


def _below_a_prefix_bin(view: StageView, path: str) -> bool:
    """Whether `path` is in a `pip install --prefix=P` tree of the stage but not in P/bin, where pip writes the
    programs: `COPY --from=b /install /usr` puts them in /usr/bin, and /usr/local/bin (/install/local/bin) has none."""
    if "--prefix" not in view.runs:
        return False
    from migrator.plan.ecosystems.python import pip_prefixes
    from migrator.plan.facts import read_facts

    return any(inside(path, prefix) and posixpath.dirname(path) != posixpath.join(prefix, "bin")
               for stage in view.chain for prefix in pip_prefixes(read_facts(stage)))


def _installed_only_into_other_trees(view: StageView, path: str) -> bool:
    """Whether every install of the stage that may write the program at `path` is a `pip install --prefix=P` (or
    `--target`) of another tree than the one whose bin/ `path` is in: the program is in P/bin, and the virtualenv's
    bin/ (/opt/venv/bin) does not have it. (A pip install of named packages that are not the program's, such as
    `pip install --upgrade pip`, writes other programs.)"""
    from migrator.plan.copy_commands import moved_into
    from migrator.plan.ecosystems.python import is_pip_install, pip_install_tree
    from migrator.plan.ecosystems.python_scripts import pip_scripts
    from migrator.plan.facts import read_facts

    tree, name = posixpath.dirname(posixpath.dirname(path)), posixpath.basename(path)
    trees: list[str] = []
    for stage in view.chain:
        facts = read_facts(stage)
        if (moved := moved_into(facts, tree)) is not None:
            trees.append(posixpath.normpath(moved[0]))  # (`mv /install/* /usr/local/`: /install's bin/ is there)
            tree = trees[-1]
        for command in facts.run_commands():
            if not INSTALLERS.search(" ".join(command.words)):
                continue
            if (written := pip_install_tree(command, facts)) is not None:
                trees.append(posixpath.normpath(written))
                continue
            scripts = pip_scripts(_only(facts, command)) if is_pip_install(command) else None
            if scripts is None or scripts.unread_line is not None or scripts.named(name):
                return False
    return bool(trees) and tree not in trees


def _user_base(facts: StageFacts) -> str | None:
    """Where `pip install --user` writes: PYTHONUSERBASE, else ~/.local of the user in force (/root/.local)."""
    base = facts.env.get("PYTHONUSERBASE")
    home = facts.home()
    return base or (posixpath.join(home, ".local") if home else None)


def _only(facts: StageFacts, command: Command) -> StageFacts:
    """The facts of a stage that ran this one command."""
    return replace(facts, commands=[command])


def _uv_project_venv(command: Command) -> str | None:
    """The virtualenv a uv install writes when none is active: the project's .venv (`uv venv && uv pip install
    gunicorn` or `uv add gunicorn` in WORKDIR /app write /app/.venv), unless it installs into the system's."""
    words = command.words
    if posixpath.basename(words[0]) != "uv" or "--system" in words or not (
            words[1:2] == ("add",) or words[1:3] == ("pip", "install")):
        return None
    return posixpath.join(command.workdir, ".venv")


# what a virtualenv's bin/ holds besides console scripts, even when an OS package installs the same names
_VENV_TOOLCHAIN = lazy_re(r"(?:python|pip)[\d.]*$")


def _os_package_program(view: StageView, context: Context, name: str) -> bool:
    """Whether `name` is the program of an OS package a stage of the file installs (rules/tools.yaml, Wolfi's
    `cmd:` names), and no pip install of the source stage's chain names the package of a console script of that
    name (an install from a file this tool cannot read is no such evidence). The interpreter of the image's own
    language, and a virtualenv's python and pip, are not: an install tree may hold them."""
    from migrator.plan.ecosystems.python_scripts import pip_scripts
    from migrator.plan.facts import read_facts
    from migrator.rules.wolfi import providers

    language = context.rules.language_of(name)
    if _VENV_TOOLCHAIN.match(name) or (language is not None and view.has_language(language)):
        return False
    # the stages the file is copied through install with apk what the original's did (a builder's nodejs)
    packages = [p for stage in context.staged.stages for p in context.view(stage).packages]
    packaged = installed_by_package(name, packages, context.rules) or any(
        p in packages for p in providers(f"cmd:{name}"))
    return packaged and not any(pip_scripts(read_facts(stage)).named(name) for stage in view.chain)


_OUTPUT_OPTION = lazy_re(r"(?:^|\s)(?:-o|--output|--out|--prefix|--root|--target-dir|--install-dir|-d|-C)"
                            r"(?:=|\s+)[\"']?(/[^\s\"';&|]+)")


def _in_output_directory(view: StageView, path: str, by_name: bool) -> bool:
    """A build writes its output into a directory named by an option (`dotnet publish -o /app`)."""
    directory = posixpath.dirname(path)
    return any(match.rstrip("/") == directory for match in _OUTPUT_OPTION.findall(view.evidence))


def installed_by_package(program: str, packages: list[str], rules: RuleSet) -> bool:
    language = rules.language_of(program)
    providers = packages_for(program)  # rules/tools.yaml: maven installs mvn
    # (another distribution's name of a program Wolfi's package names otherwise: cronie has crond, no cron)
    by_name = wolfi_name(program) in (None, program)
    for package in packages:
        if package in providers:
            return True
        if language is not None and any(glob_match(package, g) for g in language.packages):
            return True
        if by_name and (package == program or (len(package) >= 4 and not looks_like_script(program) and (
                program.startswith(package) or package.startswith(program)))):
            return True
    return False


def inside(path: str, directory: str) -> bool:
    return directory == "/" or path == directory or path.startswith(directory.rstrip("/") + "/")


def mentions(text: str, path: str) -> bool:
    return bool(text) and re.search(rf"(?<![\w/.-]){re.escape(path)}(?![\w.-])", text) is not None


def _origin(view: StageView, context: Context, path: str, depth: int,
            run_copied: bool = False) -> tuple[str, str | None]:
    """_origin_as_placed, with what a `sed -i` of the stage did to the file's first line."""
    return _edited(view, context, path, *_origin_as_placed(view, context, path, depth, run_copied))


def _edited(view: StageView, context: Context, path: str, origin: str, source: str | None
            ) -> tuple[str, str | None]:
    """The origin of a file after the `sed -i` edits of its first line (`s|#!/bin/sh|#!/bin/bash|`): its text
    ("written") when the whole text was known, else its first line ("head"); as it was when no edit changed it.
    An edit that may change it in a way not read is noted in the context (MIG584)."""
    from migrator.plan.sed_edits import first_line_after

    edits = context.sed_edits(view).of(path)
    if not edits:
        return origin, source
    text = source if origin in ("written", "head") else (
        context.files.text(source) if origin == "context" and source is not None else None)
    first = text.split("\n", 1)[0] if text else None
    after = first_line_after(first, edits)
    if after.unread:
        edit = next(e for e in edits if e.line == after.unread)
        tool = edit.tool
        how = (f"may edit {path}, which the start command runs (it names files this tool cannot tell: a loop over "
               "a command's output, xargs), and change its first line" if edit.maybe else
               f"edits the first line of {path}, which the start command runs, in a way this tool cannot read")
        context.unread_edits[(after.unread, path)] = (
            f"`{tool}` {how}: it is judged by its `#!` line before the edit; check that the runtime has the "
            "interpreter the edited line names")
        return origin, source
    if after.text is None or after.text == first:
        return origin, source
    if text is not None and origin in ("written", "context"):
        return "written", after.text + text[len(first or ""):]
    return "head", after.text + "\n"


def _origin_as_placed(view: StageView, context: Context, path: str, depth: int,
                      run_copied: bool = False) -> tuple[str, str | None]:
    """Where the file at `path` comes from: ("context", its path in the build context) through any stage,
    ("written", its text) when the Dockerfile writes it (a COPY heredoc, `RUN printf ... > path`),
    ("built", None) when a RUN made it, ("image", None) when copied from an image, or ("unknown", None). A
    file copied by its own name is followed first, then a RUN that names it, then a directory copied whole.
    `run_copied`: `path` is the source of a RUN cp/mv/install, which names it as a COPY of it would."""
    from migrator.plan.scripts import unread

    for placed in reversed(view.placed):
        if placed.path == path:
            return _placed_origin(placed, placed.source, context, depth)
    copied_from = _run_copy_source(view, context, path) if depth < 4 else None
    if copied_from is not None:  # `RUN cp /app/run.sh /tmp/ && cp /tmp/run.sh /sbin/`: followed to the COPY
        return _origin(view, context, copied_from, depth + 1, run_copied=True)
    if (text := context.written_by_runs(view).get(path)) is not None:
        return "written", text  # `RUN printf '#!/bin/sh\n...' > /start.sh`: its text is in the Dockerfile
    if (text := context.written_by_runs(view, heads=True).get(path)) is not None:
        # (`echo '#!/bin/bash' > /start.sh && echo "exec $APP" >> /start.sh`; `cat start.tpl > /start.sh`: unread)
        if (derived := _derived_origin(view, context, path, text, depth)) is not None:
            return derived
        return ("unread", downloaded_name(text)) if unread(text) else ("head", text)
    made = _MODE_CHANGES.sub(" ", _RUN_COPY_COMMANDS.sub(" ", view.runs))
    if mentions(made, path) or _in_output_directory(view, path, False):
        return "built", None  # (`chmod +x` or `chown` on a copied file makes nothing)
    for index in range(len(view.placed) - 1, -1, -1):
        placed = view.placed[index]
        if placed.tree and inside(path, placed.path):
            relative = path[len(placed.path):].lstrip("/")
            source = posixpath.join(placed.source.rstrip("/") or "/", relative)
            if _context_tree_without(view.placed[:index], placed, source, path, context):
                continue
            if (not looks_like_script(path) and _built_in_tree(view, path, placed.path, run_copied)
                    and not _context_file_kept(view, context, placed, source, path)):
                return "built", None  # the stage builds or installs in what it copied (`go build -o app`)
            return _placed_origin(placed, source, context, depth)
    return "unknown", None


def _context_tree_without(earlier: list[Placed], placed: Placed, source: str, path: str, context: Context) -> bool:
    """Whether a build-context directory copied over `path` (`COPY . .`) does not provide it, so that an earlier
    COPY stands (`COPY --from=builder /app/.venv .venv`, an in-project virtualenv, then the app's sources): the
    context on disk does not send the file (it is not there, or .dockerignore leaves it out); without the context
    on disk, an earlier COPY from a stage or an image names the path more closely (a directory inside the one the
    context fills), or puts it in a directory installers fill (.venv, node_modules), which a context leaves out."""
    if placed.from_stage is not None or placed.external or placed.text is not None or "://" in placed.source:
        return False
    providers = [o for o in earlier if (o.from_stage is not None or o.external) and inside(path, o.path)]
    if not providers:
        return False  # (the context copy is the only source: a file it lacks on disk may be in the real context)
    if context.files.is_directory(placed.source.rstrip("/") or "."):
        return context.files.lacks(source)
    for other in providers:
        deeper = other.path.rstrip("/") != placed.path.rstrip("/") and inside(other.path, placed.path)
        if deeper or any(part in _INSTALLED_DIRECTORIES for part in path[len(other.path):].split("/")):
            return True
    return False


def context_source(stage: Stage, staged: StagedFile, rules: RuleSet, files: BuildContext, path: str) -> str | None:
    """The build-context path of the file at absolute `path` in `stage`'s image, when the build context put
    it there as it is (a COPY of it or of its directory, through stages and RUN cp); None otherwise."""
    context = Context(staged, rules, "", None, files)
    origin, source = _origin(context.view(stage), context, path, 0)
    return posixpath.normpath(source.lstrip("/")) if origin == "context" and source is not None else None


def _context_file_kept(view: StageView, context: Context, placed: Placed, source: str, path: str) -> bool:
    """Whether a file of a build-context tree the stage copied is still the context's own: the context on disk
    has it, and no step builds it, writes it (a chmod or cp makes nothing) or installs where it lies.
    `pip install -r requirements.txt` next to `COPY . .` does not make `./run`: the context's file is what runs,
    and its first bytes say what it is."""
    if placed.from_stage is not None or placed.external or context.files.kind(source) is None:
        return False
    if _BUILDS.search(view.runs) or any(part in _INSTALLED_DIRECTORIES for part in path.split("/")):
        return False
    made = _MODE_CHANGES.sub(" ", _RUN_COPY_COMMANDS.sub(" ", view.runs))  # (`chmod +x run` makes nothing)
    return not _mentions_name(made, posixpath.basename(path))


def _built_in_tree(view: StageView, path: str, tree: str, run_copied: bool) -> bool:
    """Whether a RUN may have made `path` inside a directory the stage copied. A file a RUN cp copies out of it by
    its path (`cp bin/run /usr/local/bin/`) is the build context's, as its COPY form is, unless a build ran, the
    file lies where an installer writes (node_modules, vendor) or another command names it (`curl -o run`):
    pip or npm installing elsewhere in the stage does not make it."""
    name = posixpath.basename(path)
    if _BUILDS.search(view.runs):
        return True
    if not run_copied:
        return bool(INSTALLERS.search(view.runs) or _mentions_name(view.runs, name))
    if any(part in _INSTALLED_DIRECTORIES for part in path.split("/")):
        return True
    others = _COPY_COMMANDS.sub(" ", _MODE_CHANGES.sub(" ", view.runs))
    return _mentions_name(others, name) or _mentions_name(others, path[len(tree):].lstrip("/"))


_INSTALLED_DIRECTORIES = frozenset({"node_modules", "vendor", ".venv", "venv", "site-packages", ".bundle"})


# cp, mv, install or ln up to the end of the command (the copy that names the file makes nothing)
_COPY_COMMANDS = lazy_re(r"\b(?:cp|mv|install|ln)\s[^;&|\n]*")


def located_origin(view: StageView, context: Context, located: Located) -> tuple[str, str | None]:
    """_origin of a file the start command runs: a COPY's, or the source's of a RUN that copied it in place."""
    if located.how == "copied":
        return _origin(view, context, located.path, 0)
    return _edited(view, context, located.path, *_created_origin(view, context, located))


def _created_origin(view: StageView, context: Context, located: Located) -> tuple[str, str | None]:
    from migrator.plan.scripts import unread

    copied_from = _run_copy_source(view, context, located.path) if located.how == "created" else None
    if copied_from:
        return _origin(view, context, copied_from, 1, run_copied=True)
    if located.how == "created" and (text := context.written_by_runs(view, heads=True).get(located.path)) is not None:
        if (derived := _derived_origin(view, context, located.path, text, 0)) is not None:
            return derived
        if unread(text):
            return "unread", downloaded_name(text)  # (`cat start.tpl > /start.sh`; `curl URL > /start`)
        return ("written", text) if text == context.written_by_runs(view).get(located.path) else ("head", text)
    return located.how, None


def _derived_origin(view: StageView, context: Context, path: str, text: str, depth: int
                    ) -> tuple[str, str | None] | None:
    """The origin of a file a RUN writes from another file's text (plan.scripts.Derived: `sed
    's|/bin/sh|/bin/bash|' start.sh > /start.sh`): that file's, with the first line the command makes of it, as
    for a `sed -i` (_edited); None when that file's first line cannot be read (the file is then unread). A
    command that may change the line in a way not read is noted in the context (MIG584)."""
    from migrator.plan.scripts import Derived

    read = text.read if isinstance(text, Derived) else None
    if read is None or depth > 3 or read.source == path:
        return None
    origin, source = _origin(view, context, read.source, depth + 1)
    whole = source if origin in ("written", "head") else (
        context.files.text(source) if origin == "context" and source is not None else None)
    first = whole.split("\n", 1)[0] if whole else None
    after = read.first_line(first)
    if after.unread:
        how = "changing its first line in a way this tool cannot read" if first is not None else (
            "which this tool cannot read (give --context), and may change its first line")
        context.unread_edits[(after.unread, path)] = (
            f"`{read.tool}` writes {path}, which the start command runs, from {read.source}, {how}: check that the "
            "runtime has the interpreter its `#!` line names")
    if after.text is None:
        return None
    if after.text == first and origin in ("context", "written", "head"):
        return origin, source
    if whole is not None and origin in ("written", "context"):
        return "written", after.text + whole[len(first or ""):]
    return "head", after.text + "\n"


def downloaded_name(text: str) -> str | None:
    """The name of the URL a file a RUN downloads comes from (`wait-for-it.sh` of `curl URL/wait-for-it.sh -o
    /usr/local/bin/wait-for-it`), or None."""
    from migrator.plan.scripts import Downloaded

    return text.source or None if isinstance(text, Downloaded) else None


def file_kind(context: Context, origin: str, source: str | None) -> str | None:
    """What the file is (plan.buildcontext.BuildContext.kind): read from the build context on disk, or from
    its text when the Dockerfile writes it (`origin` "written": `source` is that text; "head": its first line,
    the rest unknown)."""
    from migrator.plan.scripts import written_kind

    if source is None:
        return None
    if origin in ("written", "head"):
        return written_kind(source)
    return context.files.kind(source) if origin == "context" else None


def _run_copy_source(view: StageView, context: Context, path: str) -> str | None:
    """The path a RUN `cp`, `mv` or `install` copied the file at `path` from (the last that placed it there):
    `RUN cp docker/entrypoint.sh /sbin/` puts the build context's file in place as a COPY would."""
    return context.run_copies(view).get(path)


def _chain_facts(view: StageView) -> StageFacts | None:
    """The facts of the view's stage chain, with the commands of every stage in it."""
    from migrator.plan.facts import chain_facts

    return chain_facts(view.chain)


def _run_copies(view: StageView) -> dict[str, str]:
    from migrator.plan.placed_programs import placed_files

    if not _RUN_COPIES.search(view.runs):
        return {}
    facts = _chain_facts(view)
    found: dict[str, str] = {}
    for placement in placed_files(facts.commands, facts.env, facts.directories) if facts else []:
        if placement.command.words[0].rsplit("/", 1)[-1] in ("cp", "mv", "install"):
            if placement.source.startswith("/dev/"):  # (`install -m 755 /dev/stdin f <<EOF`: a written file)
                found.pop(placement.path, None)
            elif placement.source != placement.path:
                found[placement.path] = placement.source
            else:
                found.pop(placement.path, None)
    return found


_RUN_COPIES = lazy_re(r"\b(?:cp|mv|install)\b")
_SED = lazy_re(r"\b(?:sed|perl)\b")


_RUN_COPY_COMMANDS = lazy_re(r"\b(?:cp|mv|install)\b[^;&|\n]*")  # (a file a RUN copies, it does not make)


# commands that change a file's mode or owner, or its line ends, up to the end of the command
_MODE_CHANGES = lazy_re(rf"\b(?:{MODE_CHANGE_NAMES}|dos2unix)\b[^;&|\n]*")


def _placed_origin(placed: Placed, source: str, context: Context, depth: int) -> tuple[str, str | None]:
    if placed.text is not None:
        return "written", placed.text
    if placed.external:
        return "image", None
    if placed.from_stage is None:
        if "://" in placed.source:  # (`ADD https://.../wait-for-it.sh /usr/local/bin/wait-for-it`: a download)
            return "unread", posixpath.basename(placed.source.split("?", 1)[0].split("#", 1)[0]) or None
        return "context", source
    if depth > 3:
        return "unknown", None
    view = context.view(placed.from_stage)
    return _origin(view, context, absolute(posixpath.normpath(source), view.workdir, view.env), depth + 1)


# commands that write programs into the directory they run in
_BUILDS = lazy_re(r"(?<![\w/.-])(make|cmake|ninja|gcc|g\+\+|cc|clang|go\s+build|cargo\s+build|"
                     r"dotnet\s+(publish|build)|mvn|mvnw|gradle|gradlew|zig\s+build|swift\s+build)(?![\w.-])")


def _mentions_name(text: str, name: str) -> bool:
    return bool(text) and re.search(rf"(?<![\w/.-]){re.escape(name)}(?![\w.-])", text) is not None


def in_context_tree(view: StageView, context: Context, path: str, depth: int = 0) -> str | None:
    """The build-context path of `path` inside a directory copied from the context (`COPY . .`), through the
    stages it was copied from (`COPY --from=builder /app /app`)."""
    for placed in reversed(view.placed):
        if placed.external or not inside(path, placed.path) or not (placed.tree or placed.path == path):
            continue
        relative = path[len(placed.path):].lstrip("/")
        source = posixpath.join(placed.source.rstrip("/") or ".", relative) if relative else placed.source
        if placed.from_stage is None:
            return source if placed.tree else None
        if depth > 3:
            return None
        parent = context.view(placed.from_stage)
        return in_context_tree(parent, context, absolute(posixpath.normpath(source), parent.workdir, parent.env),
                                depth + 1)
    return None
