"""Write the distroless runtime stage: what the original final stage declared, plus the copies."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence

from migrator.findings import finding
from migrator.model import Finding
from migrator.parse.dockerfile import Instruction, Item, Trivia, argv_json, json_argv
from migrator.parse.variables import dockerfile_word, escaped_word
from migrator.parse.words import split_words
from migrator.plan.buildcontext import BuildContext
from migrator.plan.copy_commands import moved_into
from migrator.plan.ecosystems.base import Copy, RuntimePlan
from migrator.plan.facts import Command, StageFacts, build_only_args, copies_into_directory
from migrator.plan.leftovers import gone_at_end, made_directories, removed_paths, unknown_directories
from migrator.plan.stages import Stage, StagedFile
from migrator.plan.writable import made_data_directories, ran_as_root
from migrator.records import dataclass, field
from migrator.rewrite.commands import convert_command, exec_form, healthcheck_needs_shell
from migrator.rewrite.launchers import port_launcher
from migrator.rewrite.majors import jvm_env_finding, jvm_options_finding, removed_jvm_env_options, removed_jvm_options
from migrator.rewrite.modernize import modernized
from migrator.rewrite.trust_stores import trust_store_copies
from migrator.rewrite.uncarried import SYSTEM_DIRECTORIES as _SYSTEM_DIRECTORIES
from migrator.rewrite.uncarried import build_inputs, consumed, safe_written_files, touched_files, uncarried
from migrator.rewrite.volumes import once_each
from migrator.rewrite.workdir import chain_instructions, relies_on_default
from migrator.rules.loader import ChainguardImage, RuleSet, UpstreamDefaults

TYPE_CHECKING = False  # not typing's (a cold run's import cost): the annotation only
if TYPE_CHECKING:
    from migrator.plan.node_package import NodePackage
    from migrator.plan.run_data import RunData

# instructions a runtime stage keeps from the original final stage
CARRIED_FIRST = ("ARG", "ENV")
CARRIED_LAST = ("LABEL", "EXPOSE", "VOLUME", "STOPSIGNAL", "USER", "HEALTHCHECK", "ENTRYPOINT", "CMD",
                "MAINTAINER", "ONBUILD")
_ROOT_USERS = {"root", "0", "root:root", "0:0"}
_SKIPPED_PREFIXES = ("/tmp", "/var/tmp", "/run", "/var/run", "/var/cache", "/var/lib/apt", "/proc", "/dev")
_TEMPORARY = ("/tmp/", "/var/tmp/")
# the files that say which users and groups a stage has (a whole /etc brings them)
_ACCOUNT_FILES = frozenset({"/etc", "/etc/passwd", "/etc/group", "/etc/shadow"})


@dataclass
class RuntimeContext:
    facts: StageFacts  # the original final stage
    plan: RuntimePlan
    image: ChainguardImage  # facts about the runtime image
    source_entrypoint: tuple[str, ...]  # the ORIGINAL base image's ENTRYPOINT (rules: upstream)
    newline: str
    rules: RuleSet
    chown: bool = False
    findings: list[Finding] = field(default_factory=list)
    ecosystem: str | None = None
    keep_root: str | None = None  # why the program must run as root (rootness.py), or None
    java: int = 26  # the Java major the runtime serves (options it refuses are dropped from a java command)
    source_shell: str | None = None  # the original image's shell: bash | sh | none
    files: BuildContext = field(default_factory=lambda: BuildContext(None))  # the build context on disk
    staged: StagedFile | None = None  # the original file's stages
    upstream: UpstreamDefaults | None = None  # what the ORIGINAL base image sets (rules: upstream)
    group_zero: bool = False  # the original gave its files to group 0, group-writable (OpenShift: MIG580)

    def own_user(self) -> str | None:
        """The USER of a stage that copies its own /etc/passwd, as written (_runtime_user keeps it): that file
        names its users and ids, not the image's, so the files the runtime gives away go to that user."""
        user = self.facts.user
        if self.keep_root or user is None or user.split(":")[0] in _ROOT_USERS:
            return None
        return user if self.facts.stage.copies_own_passwd() else None

    def owner(self) -> str:
        """Whom the runtime's --chown gives files: the stage's own user (own_user), or the uid it runs as."""
        return self.own_user() or f"{self.uid}:{0 if self.group_zero else self.uid}"

    @property
    def uid(self) -> int:
        """The uid the runtime runs as: the image's user, or 65532 on a root image (wolfi-base) when the
        original ran as a nonroot user."""
        if self.keep_root:
            return 0
        if self.image.uid != 0 or self.facts.user is None or self.facts.user in _ROOT_USERS:
            return self.image.uid
        return 65532


def needs_chown(facts: StageFacts) -> bool:
    user_set = facts.user is not None and facts.user not in _ROOT_USERS
    return user_set or bool(facts.commands_named("chown", "chmod"))


def _builder_has_workdir(context: RuntimeContext) -> bool:
    """Is the stage's working directory there in the builder? Docker Hub's default (php's /var/www/html)
    is written into the builder only when the stage relied on it (workdir.py); otherwise the -dev image
    starts elsewhere, nothing was put there, and copying it would fail the build. A server's own (tomcat's
    /usr/local/tomcat) is not copied whole: the runtime image has its own server there, and takes what the
    stage put in it."""
    facts = context.facts
    if facts.workdir == "/" or facts.workdir == facts.server_dir:
        return False
    chain = chain_instructions(facts.stage)  # (a WORKDIR creates its directory; the default is written when relied on)
    if any(i.keyword == "WORKDIR" for i in chain) or facts.workdir in facts.directories or relies_on_default(chain):
        return True
    return facts.workdir == (context.image.workdir or "/")


def runtime_copies(context: RuntimeContext) -> list[Copy]:
    facts, plan = context.facts, context.plan
    # (a build output installed and then removed, `cp /out/app /usr/local/bin/ && rm -rf /out`: not in the builder)
    removed = gone_at_end(facts)
    wanted: list[Copy] = [copy for copy in plan.copies if not removed(copy.source)]
    # (a tree a RUN moved where the runtime image does not look, `cp -a /install/. /usr/local/`: carried, then moved)
    wanted += [Copy(old, old, root_owned=True) for old, _, _ in relocations(context)
               if old not in facts.copy_destinations]
    dropped = _image_script_path(context)  # (`ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]`: dropped, not copied)
    if plan.copy_app_dirs:
        if _builder_has_workdir(context):
            wanted.append(Copy(facts.workdir, facts.workdir))
        gone = removed_paths(facts)  # `COPY src /build` ... `rm -rf /build`: gone
        for destination in facts.copy_destinations:
            if not any(target != "/" and _inside(destination, target) for target in gone):
                wanted.append(Copy(destination, destination, root_owned=root_owned_program(facts, destination)))
        owned = set(made_data_directories(facts))  # (the app wrote there as root: now as uid 65532)
        wanted += [Copy(path, path, chown=path in owned) for path in made_directories(facts)]
        wanted += [c for c in _absolute_paths_the_command_runs(facts) if not removed(c.source) and c.source != dropped
                   and not _source_image_only(c.source, facts, context.rules)]
        roots = [root for root in script_roots(facts) if not removed(root)]  # (`python /srv/tool/main.py`)
        wanted += [Copy(root, root, root_owned=root_owned_program(facts, root)) for root in roots]
    else:
        wanted += _copied_files_the_command_uses(facts)
        # what the original final stage received besides its build inputs (config, scripts, assets):
        # not inside a directory where the stage builds (sources, manifests)
        workdirs = {command.workdir for command in facts.commands if command.workdir != "/"}
        wanted += [Copy(d, d, root_owned=root_owned_program(facts, d)) for d in facts.copy_destinations
                   if not any(_inside(d, w) for w in workdirs)]
        wanted += [c for c in _absolute_paths_the_command_runs(facts, healthcheck_only=True)
                   if any(_inside(c.source, d) for d in facts.copy_destinations)]
    wanted += _seeding_sources(context)  # (`tar cf - -C /usr/src/app . | tar xf -` in the start script)
    # (`touch /.in-container`; under the WORKDIR of an app that ran as root, a file it may write: `touch app.log`)
    owned_workdir = facts.workdir != "/" and not context.keep_root and ran_as_root(facts)
    wanted += [Copy(path, path, chown=owned_workdir and _inside(path, facts.workdir)) for path in touched_files(facts)
               if not removed(path)]
    wanted += trust_store_copies(facts)  # (`update-ca-certificates` after a COPY of the company's root)
    wanted += [Copy(path, path) for path in safe_written_files(facts) if not removed(path)]  # `echo k=v > /etc/x`
    # (`nltk.downloader -d /usr/share/nltk_data`, a model cache)
    data = [Copy(d.source, d.destination, chown=d.owned and not context.keep_root) for d in _run_data(context)
            if d.source is not None and d.destination is not None and not removed(d.source)]
    wanted += data
    if not plan.copy_app_dirs and not plan.image_default_command:  # (nginx serving the build: no app started there)
        wanted += [c for c in _made_in_workdir(facts) if not any(
            o.destination != c.destination and _inside(o.destination, c.destination) for o in wanted)]
    wanted = [c for c in wanted if not _copied_elsewhere(c, plan)]
    inputs = build_inputs(facts)
    # a file copied into /tmp that no command of the stage reads is the app's (`COPY defaults.json /tmp/config/`)
    app_files = {d for d in facts.copy_destinations if d.startswith(_TEMPORARY) and not consumed(d, facts, inputs)}
    app_files |= {d.source for d in data}  # (TORCH_HOME=/var/cache/torch: the app's data)
    app_files |= set(script_roots(facts)) if plan.copy_app_dirs else set()  # (`COPY . /tmp/src`, run from there)
    resolved = {facts.workdir, *facts.directories, *facts.copy_destinations}
    kept: list[Copy] = []
    covered = _Directories()  # one look-up per copy: a stage with thousands of COPY lines stays linear
    for copy in sorted(wanted, key=lambda c: (c.destination.count("/"), c.destination)):
        skipped = any(_inside(copy.source, p) for p in _SKIPPED_PREFIXES) and copy.source not in app_files
        unknown = "$" in copy.source and copy.source not in resolved  # (a `$` of a path read: a character)
        if copy.source == "/" or unknown or skipped:
            continue
        if covered.contains(copy.destination):
            continue
        if copy.destination in plan.owned and not copy.chown:
            copy = Copy(copy.source, copy.destination, chown=True)  # the app writes there: owned wins
        kept.append(copy)
        covered.add(copy.destination)
    first: dict[tuple[str, str], int] = {}  # (a kept copy may have gained --chown: found by its paths)
    for index, copy in enumerate(wanted):
        first.setdefault((copy.source, copy.destination), index)
    ordered = sorted(kept, key=lambda c: first.get((c.source, c.destination), 0))
    moves = {old: new for old, new, _ in relocations(context)}
    return [_moved(c, moves[c.destination]) if c.destination in moves else c for c in ordered]


def _made_in_workdir(facts: StageFacts) -> list[Copy]:
    """The directories the stage made under its WORKDIR (`mkdir -p /opt/app/tmp`, the JVM's java.io.tmpdir), for a
    runtime that copies the build's output only: the app started there writes into them, as it did in the original
    (a runtime that copies the whole WORKDIR has them already; one that copies a file in them has them as its
    directory). Made outside the WORKDIR they are MIG561's to name. Given to the runtime user where the app wrote
    there as root (made_data_directories), else as the stage's other copies are."""
    workdir = facts.workdir
    if workdir == "/":
        return []
    owned = set(made_data_directories(facts))
    return [Copy(path, path, chown=path in owned) for path in made_directories(facts)
            if path != workdir and _inside(path, workdir)]


def _seeding_sources(context: RuntimeContext) -> list[Copy]:
    """What the start script the runtime keeps copies from when the container starts (Docker Hub's application
    images: /usr/src/<app> into the docroot volume), where a line of the stage makes it: the script needs it."""
    from migrator.plan.seeded_trees import builder_has, start_script_seeds

    if context.plan.image_default_command or context.files.root is None:
        return []
    script = start_script_seeds(context.facts.stage, context.files, context.facts.workdir)
    if script is None:
        return []
    return [Copy(seed.source, seed.source, root_owned=True) for seed in script.seeds
            if builder_has(seed.source, context.facts.stage)]


def _copied_elsewhere(copy: Copy, plan: RuntimePlan) -> bool:
    """A file kept at its path (`cp app /usr/local/cargo/bin/` written by a RUN) that the plan copies to where the
    runtime has its directory's programs (plan.moved: /usr/local/bin): copied once, there."""
    if copy.source != copy.destination or posixpath.dirname(copy.source) not in plan.moved:
        return False
    return any(c.source == copy.source and c.destination != c.source for c in plan.copies)


def _moved(copy: Copy, destination: str) -> Copy:
    """A relocated tree: into /usr it is the image's own (site-packages, console scripts), root-owned as the
    original's /usr/local was, unless the original gave it away; a home (~/.local) stays as it was."""
    system = destination == "/usr" or destination.startswith("/usr/")
    return Copy(copy.source, destination, copy.chown, copy.root_owned or (system and not copy.chown))


def _run_data(context: RuntimeContext) -> list[RunData]:
    """The data the stage's RUN steps leave (plan/run_data.py), for the runtime's user."""
    from migrator.plan.run_data import run_data

    home = "/root" if context.uid == 0 else f"/home/{context.image.user}"
    return run_data(context.facts, home, context.files.root)


def _note_unread_data(context: RuntimeContext) -> None:
    """Name each RUN whose data the runtime cannot be given because where it writes is not readable (MIG591)."""
    made = {command.instruction.line for command in context.facts.commands
            if command.words and command.words[0].rsplit("/", 1)[-1] == "mkdir"}
    for data in _run_data(context):
        if data.source is None and data.unread and data.command.instruction.line not in made:
            # (a RUN that makes its own directory, `mkdir -p /var/www/static && ... collectstatic`: copied as made)
            context.findings.append(finding("MIG591", data.command.line, f"`{' '.join(data.command.words[:4])}` "
                                            f"writes {data.tool} to a directory this tool cannot tell "
                                            f"({data.unread}): the {context.image.name} runtime copies the app "
                                            "and its dependencies from the builder, not that directory: copy it "
                                            "too (COPY --from=builder), or make the command write under the "
                                            "WORKDIR"))


def relocations(context: RuntimeContext) -> list[tuple[str, str, str]]:
    """(path, where the runtime puts it, why) for each tree the stage copied in from a builder that the runtime
    image would not look for where it was (`COPY --from=builder /install /usr/local`, `pip install --prefix`:
    under /usr; /root/.local: the nonroot user's home). The runtime copies the stage's path to the new place."""
    from migrator.rewrite.relocate import relocation, replaced_homes

    staged, stage = context.staged, context.facts.stage
    if staged is None or context.keep_root:
        return []
    homes = replaced_homes(context.facts, context.keep_root)
    found: list[tuple[str, str, str]] = []
    for owner, instruction in ((s, i) for s in stage.chain() for i in s.instructions):  # (a parent's COPY too)
        source = instruction.flags.get("from") if instruction.keyword == "COPY" else None
        builder = staged.stage_by_reference(source, before=owner.index) if source else None
        if builder is None:
            continue
        try:
            words = instruction.json_args() or split_words(instruction.body)
        except ValueError:  # (an unclosed quote: BuildKit's error to report, not this reader's)
            continue
        if len(words) != 2:
            continue
        change = relocation(staged, context.ecosystem, builder, words[0], words[1], homes)
        if change is not None and change[0].rstrip("/") != words[1].rstrip("/"):
            found.append((words[1].rstrip("/") or "/", change[0], change[1]))
    if not any(old == "/usr/local" for old, _, _ in found) and moved_into(context.facts, "/usr/local") is not None:
        # (`cp -a /install/. /usr/local/` in the stage: the tree it moved there is asked about as a COPY's would be)
        change = relocation(staged, context.ecosystem, stage, "/usr/local", "/usr/local", homes)
        if change is not None and change[0] != "/usr/local":
            found.append(("/usr/local", change[0], change[1]))
    return found


def follow_relocations(instruction: Instruction, moves: list[tuple[str, str, str]]) -> Instruction:
    """An ENV line of the runtime that names a relocated path (PATH=/root/.local/bin:$PATH) follows it."""
    from migrator.parse.dockerfile import parse_instruction

    if not moves or instruction.keyword != "ENV":
        return instruction
    raw = instruction.raw
    for old, new, _ in moves:
        raw = re.sub(rf"{re.escape(old)}(?=[/:\"'\s]|$)", new, raw)
    return instruction if raw == instruction.raw else parse_instruction(raw, instruction.line, instruction.escape)


# where a program the original copied in stays root's: the app user must not be able to rewrite what it runs
_PROGRAM_DIRECTORIES = frozenset({"/bin", "/sbin", "/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin"})


def root_owned_program(facts: StageFacts, path: str) -> bool:
    """A file a COPY/ADD put into a PATH directory without --chown (`COPY --from=build /bin/server /bin/`), which no
    RUN of the stage gave away (chown): root-owned in the original, whatever its USER; so in the runtime."""
    if posixpath.dirname(path) not in _PROGRAM_DIRECTORIES:
        return False
    lines = {line for line, copied in facts.copied if copied == path}
    copies = [i for i in facts.stage.instructions if i.line in lines and i.keyword in ("COPY", "ADD")]
    if not copies or any("chown" in i.flags for i in copies):
        return False
    return not any(command.resolve(word, facts.env) in (path, posixpath.dirname(path))
                   for command in facts.commands_named("chown", "chgrp") for word in command.words[1:]
                   if not word.startswith("-"))


def _source_image_only(path: str, facts: StageFacts, rules: RuleSet) -> bool:
    """A path only the original image had (rules: chainguard-images.yaml `dockerhub_paths`: s2i's
    /usr/libexec/s2i/run), which no COPY or RUN of the stage made (running it makes nothing): the builder does not
    have it, and a `COPY --from` of it would fail the build (the start check says the program is missing)."""
    from migrator.regex import glob_root

    for pattern in rules.dockerhub_paths:
        root = glob_root(path, pattern)
        if root is None or pattern in rules.dockerhub_env:
            continue
        if any(_inside(d, root) or _inside(root, d) for d in facts.copy_destinations):
            return False
        return not _MadePaths(facts).has(path)
    return False


class _Directories:
    """Paths, each with what is inside it: `contains(p)` is any(_inside(p, d) for d in the paths added)."""

    def __init__(self) -> None:
        self.exact: set[str] = set()
        self.prefixes: set[str] = set()  # each path without its trailing "/"

    def add(self, path: str) -> None:
        self.exact.add(path)
        self.prefixes.add(path.rstrip("/"))

    def contains(self, path: str) -> bool:
        if path in self.exact:
            return True
        slash = path.find("/")
        while slash != -1:
            if path[:slash] in self.prefixes:  # path.startswith(that + "/")
                return True
            slash = path.find("/", slash + 1)
        return False


_SYSTEM_PREFIXES = ("/bin/", "/sbin/", "/usr/bin/", "/usr/sbin/", "/usr/lib/", "/lib/", "/etc/", "/proc/", "/dev/")


def _healthcheck_words(facts: StageFacts) -> list[str]:
    stage: Stage | None = facts.stage
    checks: list[Instruction] = []
    while stage is not None:
        checks = [i for i in stage.instructions if i.keyword == "HEALTHCHECK"] + checks
        stage = stage.parent
    if not checks:
        return []
    body = checks[-1].body
    command = body[body.upper().find("CMD") + 3:] if "CMD" in body.upper() else ""
    return _argument_words(json_argv(command), command)


def _absolute_paths_the_command_runs(facts: StageFacts, healthcheck_only: bool = False) -> list[Copy]:
    """`/opt/mssql/bin/sqlservr` or `/whoami` in CMD, `/healthcheck.sh` in HEALTHCHECK: installed or
    copied there by the original stage. An argument path (`--db /data/app.db`, `--log /var/log/app.log`)
    is copied only when the stage made it or copied it in: what the app writes at run time is not in the
    builder, and a `COPY --from` of it fails the build (its directory is the app's: plan.writable)."""
    found: list[Copy] = []
    words = _healthcheck_words(facts) if healthcheck_only else _command_words(facts) + _healthcheck_words(facts)
    programs = set(_program_words(facts))
    made: _MadePaths | None = None  # (read only for an argument path: it costs a reading of the stage's RUNs)
    for word in _class_path_pieces(words):
        if not word.startswith("/") or word.startswith(_SYSTEM_PREFIXES) or "$" in word:
            continue
        if any(c in posixpath.basename(word) for c in "*?["):
            word = posixpath.dirname(word)  # (`/opt/lib/*` of a class path: its directory, when the stage made it)
            if not _a_copy_or_run_made(word, facts):
                continue
        parts = word.split("/")
        path = "/".join(parts[:3]) if parts[1] == "opt" and len(parts) > 3 else word.rstrip("/")
        if path in _SYSTEM_DIRECTORIES:
            continue  # (`CMD ["hello.py", "/etc"]`: never the -dev image's whole /etc over the runtime's)
        if word not in programs:
            made = made or _MadePaths(facts)
            if not made.has(word.rstrip("/")):
                continue
        found.append(Copy(path, path))
    return found


def interpreter_scripts(facts: StageFacts) -> list[str]:
    """The absolute paths of the app's files that an interpreter of ENTRYPOINT, CMD or HEALTHCHECK runs (`python
    /srv/tool/main.py`, `node server.js` under WORKDIR /app, `sh -c "cd /srv && php artisan serve"`)."""
    from migrator.plan.startcommand import interpreter_script, is_shell_c, unwrap

    found: list[str] = []
    argvs = _command_argvs(facts)
    entrypoint, cmd = facts.entrypoint, facts.cmd
    if entrypoint is not None and cmd is not None and entrypoint.json_args() and cmd.json_args() is not None:
        argvs.append([*(entrypoint.json_args() or []), *(cmd.json_args() or [])])  # (`ENTRYPOINT ["python"]`)
    for argv in argvs:
        argv = argv[unwrap(argv).program_index:]
        commands = [(argv, "")]
        if is_shell_c(argv):
            commands = _shell_commands(_shell_words(argv[2]))
        for words, directory in commands:
            index = interpreter_script(words)
            if index is None:
                continue
            script = posixpath.join(directory, words[index]) if directory else words[index]
            path = facts.resolve(script)
            if path.startswith("/") and "$" not in path:
                found.append(posixpath.normpath(path))
    return list(dict.fromkeys(found))


def _shell_commands(words: list[str]) -> list[tuple[list[str], str]]:
    """The simple commands of a `sh -c` line, each with the directory a literal `cd` before it went to."""
    commands: list[tuple[list[str], str]] = []
    current: list[str] = []
    directory = ""
    for word in [*words, ";"]:
        if word not in _COMMAND_STARTS:
            current.append(word)
            continue
        if current[:1] == ["cd"] and len(current) == 2 and "$" not in current[1]:
            directory = posixpath.join(directory, current[1])
        elif current:
            commands.append((current, directory))
        current = []
    return commands


# directories no app is rooted in: a script there is the app's own file, copied by its name
_NO_APP_ROOTS = _SYSTEM_DIRECTORIES | {"/", "/tmp", "/var/tmp", "/usr", "/root", "/run", "/var/run", "/var/cache"}


def script_roots(facts: StageFacts) -> list[str]:
    """The app directory of each file an interpreter of the start command runs: the directory the Dockerfile
    put there, a COPY's destination (`COPY . /tmp/src` for `python /tmp/src/src/app.py`) or a directory a RUN
    names (`git clone URL /srv/tool` for `python /srv/tool/main.py`), the topmost one above the script. The
    script imports or requires the files beside it (its modules, templates, data), so the runtime needs the
    whole tree, not the script alone. Nothing for a script whose directory the Dockerfile did not put there."""
    roots: list[str] = []
    made: _MadePaths | None = None
    for script in interpreter_scripts(facts):
        if script.startswith(_SYSTEM_PREFIXES):
            continue
        above = [d.rstrip("/") for d in facts.copy_destinations
                 if d.rstrip("/") not in _NO_APP_ROOTS and script.startswith(d.rstrip("/") + "/")]
        if not above:
            made = made or _MadePaths(facts)
            above = [d for d in made.named if d not in _NO_APP_ROOTS and script.startswith(d + "/")]
        if above:
            roots.append(min(above, key=len))  # (the app's top: `cd /srv/tool/src && make` is inside it)
    return list(dict.fromkeys(roots))


def _class_path_pieces(words: list[str]) -> list[str]:
    """The words, with a list of absolute paths (a class path `/opt/app.jar:/opt/lib/*`) split into its paths."""
    pieces: list[str] = []
    for word in words:
        parts = word.split(":")
        pieces += parts if len(parts) > 1 and all(p.startswith("/") for p in parts) else [word]
    return pieces


class _MadePaths:
    """What the stage's chain put at a path: a COPY into it (or a directory it is in), a file a RUN wrote or
    touched, a path a RUN names (`curl -o /opt/app.jar`, `tar -C /opt/tool`) or a directory it is in. A
    directory a RUN only made or gave away (`mkdir -p /data`, `chown app /data`) holds no file of its own."""

    _EMPTY_MAKERS = frozenset({"mkdir", "chown", "chmod", "chgrp", "rm", "rmdir"})

    def __init__(self, facts: StageFacts) -> None:
        self.copied = list(facts.copy_destinations)
        self.named: set[str] = set(touched_files(facts)) | set(safe_written_files(facts))
        self.inside: set[str] = set()  # paths a RUN names, and each directory above them
        for command in facts.commands:
            if posixpath.basename(command.words[0]) in self._EMPTY_MAKERS:
                continue
            for word in command.words[1:]:
                value = word.split("=", 1)[-1]
                if "/" not in value or "$" in value:
                    continue
                path = (command.resolve(value, facts.env) or "").rstrip("/")
                if path and path not in _SYSTEM_DIRECTORIES:
                    self.named.add(path)
                while path:
                    self.inside.add(path)
                    path = path.rsplit("/", 1)[0]

    def names(self, path: str) -> bool:
        """Whether a RUN names the path, or a path inside it (`tar -C /opt/lib`, `cp x.jar /opt/lib/`)."""
        return path in self.inside

    def has(self, path: str) -> bool:
        if path in self.inside or any(_inside(path, d) for d in self.copied):
            return True
        while path:
            if path in self.named:
                return True
            path = path.rsplit("/", 1)[0]
        return False


def _program_words(facts: StageFacts) -> list[str]:
    """The words of ENTRYPOINT, CMD and HEALTHCHECK that name a program (after tini, gosu, `env`), not one
    of its arguments; in a `sh -c` script, the first word of each command."""
    from migrator.plan.startcommand import is_shell_c, unwrap

    programs: list[str] = []
    for argv in _command_argvs(facts):
        argv = argv[unwrap(argv).program_index:]
        if is_shell_c(argv):
            words = _shell_words(argv[2])
            programs += [w for i, w in enumerate(words) if i == 0 or words[i - 1] in _COMMAND_STARTS]
        elif argv:
            programs.append(argv[0])
    return programs


_COMMAND_STARTS = frozenset({"&&", "||", ";", "|", "exec", "then", "do", "else"})


def _command_argvs(facts: StageFacts) -> list[list[str]]:
    argvs: list[list[str]] = []
    for instruction in (facts.entrypoint, facts.cmd):
        if instruction is not None:
            argvs.append(instruction.json_args() or _shell_words(instruction.body))
    check = _healthcheck_words(facts)
    if check:
        argvs.append(check)
    return argvs


def _command_words(facts: StageFacts) -> list[str]:
    """The words of ENTRYPOINT and CMD; a `sh -c "..."` string counts as the words inside it."""
    words: list[str] = []
    for instruction in (facts.entrypoint, facts.cmd):
        if instruction is not None:
            words += _argument_words(instruction.json_args(), instruction.body)
    return words


def _argument_words(argv: list[str] | None, body: str) -> list[str]:
    """The words a command runs with: an exec-form argument is one word (`/srv/my dir/app.py`), the
    script of `sh -c` and a shell-form body are split as the shell splits them."""
    if argv is None:
        return _shell_words(body)
    words: list[str] = []
    for index, argument in enumerate(argv):
        words += _shell_words(argument) if index and argv[index - 1] == "-c" else [argument]
    return words


def _shell_words(text: str) -> list[str]:
    try:
        return split_words(text)
    except ValueError:
        return text.split()


def _copied_files_the_command_uses(facts: StageFacts) -> list[Copy]:
    used: list[Copy] = []
    for word in _class_path_pieces(_command_words(facts)):
        if word.startswith("-"):
            continue  # an option (`-javaagent:/srv/agent.jar=opts`) is no path: its jar is the ecosystem's to copy
        if "/" in word or word.endswith((".sh", ".py", ".js", ".jar", ".rb", ".php")):
            path = facts.resolve(word)
            if any(c in posixpath.basename(path) for c in "*?[") and not _a_copy_or_run_made(
                    posixpath.dirname(path), facts):
                continue  # (`-cp /opt/app.jar:/opt/lib/*` with no /opt/lib: java skips it; a COPY of it fails)
            if any(_inside(path, d) for d in facts.copy_destinations):
                used.append(Copy(path, path))
    return used


def _a_copy_or_run_made(directory: str, facts: StageFacts) -> bool:
    """Whether a COPY names the directory as its destination, or a RUN made or names it."""
    return directory in facts.copy_destinations or directory in made_directories(facts) or _MadePaths(
        facts).names(directory)


def _inside(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip("/") + "/")


def _known_part(command: Command, word: str, facts: StageFacts) -> str | None:
    """The deepest directory of a path word whose value this file shows (`$APP_HOME/data/$d` -> /srv/app/data)."""
    parts = word.split("/")
    known = None
    for end in range(1, len(parts)):
        resolved = command.resolve("/".join(parts[:end]) or "/", facts.env)
        if resolved is None:
            break
        known = resolved
    return known


def _note_uncarried(context: RuntimeContext) -> None:
    """Say which files of the original final stage the runtime does not have (MIG561)."""
    facts = context.facts
    carried = [c.destination for c in runtime_copies(context)] + [t for _, t in facts.unplaced_copies]
    carried += [old for old, _, _ in relocations(context)]  # (carried, to where the runtime image reads it)
    removed = gone_at_end(facts)  # (what the original removed again, it did not have either)
    lost = [path for path in uncarried(facts, carried, made_directories(facts)) if not removed(path)]
    in_carried = [c for c in carried if c != "/"]
    for command, word in unknown_directories(facts):
        known = _known_part(command, word, facts)
        if known and any(_inside(known, c) for c in in_carried):
            continue  # (`$APP_HOME/data/$d` in a copied /srv/app: the runtime has whatever the loop made there)
        context.findings.append(finding("MIG581", command.line, f"`{command.words[0]}` makes {word}, a path through "
                                        "a variable whose value this file does not show: the runtime does not get "
                                        "it"))
    if lost:
        line = facts.stage.from_item.line
        context.findings.append(finding("MIG561", line, f"not in the {context.image.name} runtime: "
                                        f"{', '.join(lost)}; the original final stage had them: copy what the "
                                        "app uses from the builder (COPY --from), or drop them on purpose"))


def copy_lines(context: RuntimeContext, builder: str) -> list[str]:
    lines = []
    line = context.facts.stage.from_item.line
    context.findings += [finding("MIG516", line, f"{path}: {why}") for path, _, why in relocations(context)]
    copies = runtime_copies(context)
    context.findings += _unserved_copies(context, [copy.destination for copy in copies])
    own_user = context.own_user()
    owner = own_user or context.owner()
    if own_user is not None:  # (BuildKit resolves a --chown name in the passwd the stage has by then)
        copies = [*(c for c in copies if c.destination in _ACCOUNT_FILES),
                  *(c for c in copies if c.destination not in _ACCOUNT_FILES)]
    for copy in copies:
        destination = copy.destination
        if "*" in copy.source:
            destination = posixpath.dirname(copy.destination) + "/"
        stage_wide = context.chown and not copy.root_owned and "*" not in copy.source
        # (the stage's own passwd stays root's, as in the original: its user must not rewrite its own entry)
        accounts = own_user is not None and copy.destination in _ACCOUNT_FILES
        flag = "--chown" if (copy.chown or stage_wide) and not accounts else ""
        chown = f"{flag}={owner} " if flag else ""
        flags = [f"--from={builder}", *([chown.strip()] if chown else [])]
        paths = [_path_word(context.facts, copy.source), _path_word(context.facts, destination)]
        lines.append(copy_instruction("COPY", flags, paths, context.newline))
    # (an image file the stage removed: rewrite/removed_files.py; the app a dropped start script seeded: MIG323)
    lines += [copy_instruction("COPY", [f"--from={builder}", *([f"--chown={owner}"] if c.chown else [])],
                               [c.source, c.destination], context.newline) for c in context.plan.last_copies]
    return lines


def _unserved_copies(context: RuntimeContext, destinations: list[str]) -> list[Finding]:
    """MIG408 for a file the runtime carries into a place of the Docker Hub image that its Chainguard replacement
    keeps elsewhere (rules/dockerhub.yaml `renamed_paths`): `RUN echo ok > htdocs/health.html` on httpd writes
    /usr/local/apache2/htdocs, which nginx does not serve. A line that names the path is rewritten (MIG407); a
    file a RUN command makes there is not."""
    from migrator.regex import glob_match
    from migrator.rules.data import builtin_data

    root = context.facts.stage.root_stage()
    if root.ref is None:
        return []
    image = root.ref.short_name
    found = []
    for rule in builtin_data("dockerhub.yaml").get("renamed_paths") or []:
        old = rule["from"]
        if not old.startswith("/") or not rule.get("image") or not glob_match(image, rule["image"]):
            continue
        inside = [d for d in destinations if d == old or d.startswith(old.rstrip("/") + "/")]
        if inside:
            found.append(finding("MIG408", root.from_item.line, f"{', '.join(inside)}: made in {old}, where "
                                 f"the stage's lines do not name it; the Chainguard image reads {rule['to']} instead"
                                 + (f" ({rule['why']})" if rule.get("why") else "") + ": write it there"))
    return found


def _workdir_word(facts: StageFacts) -> str:
    """The runtime's WORKDIR: as written with the build arguments that made it, else the directory itself,
    quoted when BuildKit would read it otherwise (`/srv/$HOME`, a backslash that would end the line)."""
    written = facts.as_written(facts.workdir)
    return written if written != facts.workdir else dockerfile_word(written, facts.stage.from_item.escape)


def _path_word(facts: StageFacts, path: str) -> str:
    """A path of a COPY line, as written with build arguments, else escaped where BuildKit needs it."""
    written = facts.as_written(path)
    return written if written != path else escaped_word(path, facts.stage.from_item.escape)


def copy_instruction(keyword: str, flags: list[str], paths: list[str], newline: str) -> str:
    """`COPY --from=builder /app /app`; in JSON form when a path has a space, a quote or a backslash,
    which the plain form reads as separate words or as quoting (`/my app` would be two paths)."""
    if any(any(c.isspace() or c in "\"'\\`" for c in path) for path in paths):
        import json  # (rare: not imported on the hot path)

        body = json.dumps(paths, ensure_ascii=False)
    else:
        body = " ".join(paths)
    return " ".join([keyword, *flags, body]) + newline


def repeated_copies(context: RuntimeContext) -> list[str]:
    """COPY/ADD lines that put files into / under names the Dockerfile does not show (`COPY rootfs/ /`):
    the runtime repeats them from the same source, with the runtime user as owner where needed."""
    lines = []
    owner = context.owner() if context.facts.unplaced_copies else ""
    for instruction, target in context.facts.unplaced_copies:
        words = instruction.words()
        if len(words) < 2 or _build_tool_copy(words, context.facts):
            continue
        into_directory = copies_into_directory(words[-1], len(words) - 1)
        destination = target.rstrip("/") + "/" if into_directory else target
        flags = [f"--{name}={value}" for name, value in instruction.flags.items() if name in ("from", "chmod")]
        # (programs put into a PATH directory stay root's, as the original's COPY left them)
        if (context.chown and target not in _PROGRAM_DIRECTORIES) or "chown" in instruction.flags:
            flags.append(f"--chown={owner}")
        lines.append(copy_instruction(instruction.keyword, flags, [*words[:-1], destination], context.newline))
    return lines


def _build_tool_copy(words: list[str], facts: StageFacts) -> bool:
    """A program copied in from another image (uv, composer) that only RUN steps use: a build tool."""
    names = {posixpath.basename(w.rstrip("/")) for w in words}
    used_by_runs = any(posixpath.basename(c.words[0]) in names for c in facts.commands if c.words)
    started = {posixpath.basename(w) for w in _command_words(facts) + _healthcheck_words(facts)}
    return used_by_runs and not names & started


def _node_package(argv: list[str], context: RuntimeContext) -> NodePackage | None:
    """The package.json in the command's WORKDIR, read only for a yarn or pnpm command."""
    if not argv or posixpath.basename(argv[0]) not in ("yarn", "pnpm") or context.staged is None:
        return None
    from migrator.plan.node_package import package_in

    return package_in(context.facts.stage, context.staged, context.rules, context.files, context.facts.workdir)


def finalize_instruction(instruction: Instruction, context: RuntimeContext) -> list[str]:
    """The runtime version of one carried instruction: [] drops it, [raw] keeps it as written."""
    keyword = instruction.keyword
    tools = set(context.image.tools)
    if keyword == "CMD" and _ignored_by_shell_entrypoint(instruction, context):
        entrypoint = context.facts.entrypoint
        assert entrypoint is not None
        context.findings.append(finding("MIG560", entrypoint.line, f"CMD {instruction.body.strip()} (line "
                                        f"{instruction.line}) dropped: the original's shell-form ENTRYPOINT "
                                        "ignored it, and in exec form the program would get it as arguments; "
                                        "arguments given to `docker run` now reach the program"))
        return []
    if keyword in ("CMD", "ENTRYPOINT"):
        # a shell-form script: the original's `sh -c` ran it as an sh script when it had no shebang; where the
        # original had bash, the script may need it, and the start check finds a runtime with bash instead
        outcome = convert_command(instruction, context.facts.env, tools, context.image.shell,
                                  build_only_args(context.facts.stage),
                                  sh_runs_scripts=context.image.shell and context.source_shell != "bash")
        context.findings += outcome.findings
        written = outcome.argv or instruction.json_args() or []
        if keyword == "ENTRYPOINT" and (dropped := _image_script_dropped(written, instruction, context)) is not None:
            outcome.argv = written = dropped
        moved = _moved_programs(written, instruction.line, context)
        ported = None if _arguments_of_an_interpreter(instruction, context) else _ported_launcher(moved or written,
                                                                                                  context)
        if ported is not None:
            context.findings.append(finding("MIG545", instruction.line, ported[1]))
            return [exec_form(keyword, ported[0], context.newline)]
        argv, dropped = removed_jvm_options(moved or written, context.java)
        if dropped:
            context.findings.append(jvm_options_finding(instruction.line, dropped, context.java))
            return [exec_form(keyword, argv, context.newline)]
        if moved is not None:
            return [exec_form(keyword, moved, context.newline)]
        if outcome.argv is None:
            return [instruction.raw if instruction.raw.endswith("\n") else instruction.raw + context.newline]
        return [exec_form(keyword, outcome.argv, context.newline)]
    if keyword in ("HEALTHCHECK", "ONBUILD"):  # (their modules are imported for the files that have them)
        return _check_or_trigger(instruction, tools, context)
    if keyword == "USER":
        return [_runtime_user(instruction, context)]
    if keyword == "EXPOSE":
        return [_expose(instruction, context)]
    if keyword == "ENV" and context.image.has_program("java"):
        raw, dropped = removed_jvm_env_options(instruction.raw, context.java)
        if dropped:
            context.findings.append(jvm_env_finding(instruction.line, dropped, context.java))
            return [raw if raw.endswith("\n") else raw + context.newline]
    if keyword == "MAINTAINER" and (label := modernized(instruction)) is not None:
        context.findings.append(label[1])
        return [label[0] if label[0].endswith("\n") else label[0] + context.newline]
    if keyword == "SHELL":
        context.findings.append(finding("MIG525", instruction.line, "SHELL dropped from the runtime stage"))
        return []
    return [instruction.raw if instruction.raw.endswith("\n") else instruction.raw + context.newline]


def _check_or_trigger(instruction: Instruction, tools: set[str], context: RuntimeContext) -> list[str]:
    """A HEALTHCHECK the runtime can run, or none (a finding says why); an ONBUILD trigger for the runtime."""
    from migrator.rewrite.healthcheck import port_healthcheck, removal
    from migrator.rewrite.onbuild import runtime_trigger

    if instruction.keyword == "ONBUILD":  # image metadata: images built FROM this one run it
        lines, found = runtime_trigger(instruction, context.image, context.newline, context.facts.env.get("PATH"),
                                       context.uid)
        context.findings += found
        return lines
    if healthcheck_needs_shell(instruction, tools, context.image.shell):
        check = port_healthcheck(instruction, context.image, context.newline)
        if check is not None:
            context.findings.append(check[1])
            return [check[0]]
        context.findings.append(removal(instruction, context.image))
        return []
    if (why := _script_it_cannot_run(instruction, context)) is not None:
        check = port_healthcheck(instruction, context.image, context.newline)  # (`["python", "/app/hc.py"]`)
        context.findings.append(check[1] if check is not None else removal(instruction, context.image, why))
        return [check[0]] if check is not None else []
    if context.plan.moved:
        raw = _moved_in_text(instruction.raw, instruction.line, context)
        return [raw if raw.endswith("\n") else raw + context.newline]
    return [instruction.raw if instruction.raw.endswith("\n") else instruction.raw + context.newline]


def _arguments_of_an_interpreter(instruction: Instruction, context: RuntimeContext) -> bool:
    """A CMD that gives its words to an interpreter the ENTRYPOINT starts (`ENTRYPOINT ["python"]` + `CMD
    ["/app/main.py"]`): the script is the interpreter's argument, not a program to start through one."""
    from migrator.plan.startcommand import is_interpreter, unwrap

    entrypoint = context.facts.entrypoint
    argv = entrypoint.json_args() if instruction.keyword == "CMD" and entrypoint is not None else None
    if not argv:
        return False
    head = unwrap(argv).program_index
    return head < len(argv) and is_interpreter(argv[head])


def _image_script_path(context: RuntimeContext) -> str | None:
    """The path of the source image's pass-through entrypoint script the ENTRYPOINT names, which is dropped."""
    entrypoint = context.facts.entrypoint
    words = entrypoint.json_args() if entrypoint is not None else None
    if not words or not words[0].startswith("/"):
        return None
    from migrator.rewrite.image_scripts import is_image_script

    if not is_image_script(words[0], context.upstream, context.facts, context.image):
        return None
    return words[0]


def _image_script_dropped(argv: list[str], entrypoint: Instruction, context: RuntimeContext) -> list[str] | None:
    """The ENTRYPOINT without the source image's pass-through script (image_scripts), with its finding."""
    from migrator.rewrite.image_scripts import without_image_script

    cmd = context.facts.cmd
    cmd_argv = (cmd.json_args() or ["/bin/sh"]) if cmd is not None and entrypoint.json_args() is not None else None
    dropped = without_image_script(argv, cmd_argv, entrypoint.line, context.upstream, context.facts, context.image)
    if dropped is None:
        return None
    context.findings.append(dropped[1])
    return dropped[0]


def _script_it_cannot_run(instruction: Instruction, context: RuntimeContext) -> str | None:
    """Why the runtime cannot run the script a HEALTHCHECK starts by its name or path (`HEALTHCHECK CMD
    ["healthcheck"]` of a build-context `#!/bin/sh` script), read as the start command's program is
    (validate.startable.why_unrunnable)."""
    from migrator.rewrite.healthcheck import healthcheck_program
    from migrator.validate.startable import why_unrunnable

    program = healthcheck_program(instruction)
    if program is None or context.staged is None:
        return None
    image = context.image
    installable = "bash" in context.plan.packages or image.is_dev or image.name == "wolfi-base"
    return why_unrunnable(context.facts.stage, context.staged, context.rules, context.files, context.source_shell,
                          program, image, installable)


def _ignored_by_shell_entrypoint(cmd: Instruction, context: RuntimeContext) -> bool:
    """The CMD in force under a shell-form ENTRYPOINT that becomes exec form (the runtime has no shell):
    `/bin/sh -c 'python app.py' --debug` ignored `--debug`, `["python", "app.py", "--debug"]` would not."""
    entrypoint = context.facts.entrypoint
    return (entrypoint is not None and entrypoint.json_args() is None and not context.image.shell
            and cmd is context.facts.cmd and not context.plan.image_default_command)


def _runtime_user(instruction: Instruction, context: RuntimeContext) -> str:
    user = instruction.body.strip()
    name = user.split(":")[0]
    if (context.keep_root and user in _ROOT_USERS) or context.facts.stage.copies_own_passwd():
        # (a copied /etc/passwd replaces the image's: it has the user as written, and maybe no nonroot)
        return instruction.raw if instruction.raw.endswith("\n") else instruction.raw + context.newline
    if context.image.uid == 0 and name not in _ROOT_USERS:
        # a root image (wolfi-base, kept for a shell): the original's nonroot user becomes uid 65532
        if name in ("65532", "nonroot"):
            return instruction.raw if instruction.raw.endswith("\n") else instruction.raw + context.newline
        context.findings.append(finding("MIG512", instruction.line, f"USER {user} -> USER 65532: {context.image.name} "
                                        "runs as root by default; the app keeps running as a nonroot user"))
        return f"USER 65532{context.newline}"
    group = _missing_group(user, context.image.user)
    if name not in (context.image.user, str(context.image.uid)) or group:
        context.findings.append(finding("MIG512", instruction.line, f"USER {user} -> USER {context.image.user}: "
                                        f"the runtime image's nonroot user (uid {context.image.uid})"
                                        + (f"; it has no group {group}" if group and name in (
                                            context.image.user, str(context.image.uid)) else "")))
        return f"USER {context.image.user}{context.newline}"
    return instruction.raw if instruction.raw.endswith("\n") else instruction.raw + context.newline


def _missing_group(user: str, image_user: str) -> str:
    """The group of `USER name:group` when the runtime image has no such group (it has Wolfi's and its
    user's own; nothing creates one in a runtime stage), else ""."""
    from migrator.rules.data import builtin_data

    group = user.partition(":")[2]
    if not group or group.isdigit() or "$" in group:
        return ""
    return "" if group in {*map(str, builtin_data("wolfi/accounts.yaml").get("groups") or {}), image_user} else group


def _expose(instruction: Instruction, context: RuntimeContext) -> str:
    raw = instruction.raw if instruction.raw.endswith("\n") else instruction.raw + context.newline
    ports = re.findall(r"\b(\d+)(?:/\w+)?\b", instruction.body)
    if context.image.name == "nginx" and "80" in ports:
        context.findings.append(finding("MIG520", instruction.line))
        return re.sub(r"\b80\b", "8080", raw)
    low = [p for p in ports if int(p) < 1024]
    if low and context.image.uid != 0:
        context.findings.append(finding("MIG511", instruction.line, f"port {', '.join(low)} is below 1024 and "
                                        "the runtime runs as nonroot: listen on a higher port"))
    return raw


def _moved_programs(argv: list[str], line: int, context: RuntimeContext) -> list[str] | None:
    """The command with each program the runtime has elsewhere than the original had it (plan.moved: `/go/bin/app`,
    where golang's `go install` wrote, is in /usr/local/bin), with the finding that says so; None when it names
    none."""
    moved = list(argv)
    reasons: dict[str, None] = {}
    kept = {copy.destination.rstrip("/") for copy in context.plan.copies}  # (`go build -o /go/bin/app`: there)
    for index, word in enumerate(argv):
        place = context.plan.moved.get(posixpath.dirname(word))
        if place is not None and posixpath.basename(word) and word not in kept and posixpath.dirname(word) not in kept:
            moved[index] = posixpath.join(place[0], posixpath.basename(word))
            reasons[place[1]] = None
    if moved == argv:
        return None
    changes = ", ".join(f"{old} -> {new}" for old, new in zip(argv, moved, strict=True) if old != new)
    context.findings.append(finding("MIG518", line, f"{changes}: {'; '.join(reasons)}"))
    return moved


def _moved_in_text(raw: str, line: int, context: RuntimeContext) -> str:
    """An instruction's text with each program plan.moved moved named where the runtime has it (a HEALTHCHECK
    that runs /go/bin/app), with the finding that says so."""
    changes: dict[str, None] = {}
    reasons: dict[str, None] = {}

    kept = {copy.destination.rstrip("/") for copy in context.plan.copies}

    def moved(match: re.Match[str]) -> str:
        directory, name = posixpath.split(match.group(0))
        if match.group(0) in kept or directory in kept:
            return match.group(0)
        destination, why = context.plan.moved[directory]
        changes[f"{match.group(0)} -> {destination}/{name}"] = None
        reasons[why] = None
        return f"{destination}/{name}"

    directories = "|".join(re.escape(d) for d in context.plan.moved)
    text = re.sub(rf"(?<![\w./$-])(?:{directories})/[\w.+-]+(?![\w./-])", moved, raw)
    if changes:
        context.findings.append(finding("MIG518", line, f"{', '.join(changes)}: {'; '.join(reasons)}"))
    return text


def _ported_launcher(argv: list[str], context: RuntimeContext) -> tuple[list[str], str] | None:
    """port_launcher, told what the build context on disk says: the `#!` line of the file the command starts, the
    project's scripts for `pipenv run` / `pdm run` (read only for such a command: a pre-commit run stays quick)."""
    from migrator.plan.buildcontext import shebang_interpreter
    from migrator.plan.scripts import script_on_path, start_script
    from migrator.validate.stage_view import DEFAULT_PATH

    shebang = None
    elsewhere = None  # (a `#!` interpreter path Docker Hub's image has and the runtime lacks, the script's path)
    if argv and "/" in argv[0] and (started := start_script(context.facts.stage)) is not None:
        text = context.files.text(started[2], 256)
        shebang = shebang_interpreter(text) if text is not None else None
        interpreter = _docker_hub_interpreter(text, context.image) if text is not None else None
        elsewhere = (interpreter, argv[0]) if interpreter else None
    elif argv and (found := script_on_path(context.facts.stage, argv[0],
                                           context.facts.env.get("PATH") or DEFAULT_PATH)) is not None:
        text = context.files.text(found[1], 256)
        interpreter = _docker_hub_interpreter(text, context.image) if text is not None else None
        if text is not None and interpreter:  # (`CMD ["worker"]`, a context file the PATH finds)
            shebang, elsewhere = shebang_interpreter(text), (interpreter, found[0])
    runner = posixpath.basename(argv[0]) if argv else ""
    scripts = context.files.project_scripts() if runner in ("pipenv", "pdm") else None
    return port_launcher(argv, context.image, shebang, scripts, _node_package(argv, context), elsewhere)


def _docker_hub_interpreter(text: str, image: ChainguardImage) -> str | None:
    """The `#!` line's interpreter path when it is where Docker Hub's image keeps the language
    (rules/dockerhub.yaml `interpreter_paths`: `/usr/local/bin/python`) and the runtime has the language elsewhere."""
    from migrator.regex import glob_match
    from migrator.rules.data import builtin_data

    first = text.split("\n", 1)[0]
    words = first[2:].split() if first.startswith("#!") else []
    if not words:
        return None
    for rule in builtin_data("dockerhub.yaml").get("interpreter_paths") or []:
        if glob_match(words[0], str(rule["from"])) and image.has_program(posixpath.basename(str(rule["to"]))):
            return words[0]
    return None


def entrypoint_line(context: RuntimeContext, keywords: set[str]) -> str | None:
    """The ENTRYPOINT a stage that sets none needs on the new image, to keep the original's meaning.

    The original image's entrypoint (none, or distroless java's `java -jar`) ran the CMD; the
    Chainguard image's may differ (python's is the interpreter). `ENTRYPOINT []` or the original's,
    on this image's program, keeps CMD meaning what it meant."""
    if "ENTRYPOINT" in keywords:
        return None
    current = list(context.image.entrypoint)
    original = list(context.source_entrypoint)
    cmd = context.facts.cmd
    line = cmd.line if cmd else 0
    if not original:
        if (handed := _handed_by_image_script(context, keywords)) is not None:
            return handed
        if current and "CMD" not in keywords and _no_command_of_its_own(context):
            context.findings.append(finding("MIG556", context.facts.stage.from_item.line,
                                            _external_command_note(context)))
            return f"ENTRYPOINT []{context.newline}"
        if not (current and "CMD" in keywords):
            _entrypoint_not_known(context, keywords)
            return None
        argv = (cmd.json_args() if cmd is not None else None) or []
        again = bool(argv) and posixpath.basename(argv[0]) == posixpath.basename(current[0])
        context.findings.append(finding("MIG506", line, "ENTRYPOINT [] added: the runtime image's entrypoint "
                                        f"is {current[0]}" + (", which the CMD names again: without it the "
                                                              f"container would run `{current[0]} "
                                                              f"{' '.join(argv)}`" if again else "")))
        return f"ENTRYPOINT []{context.newline}"
    translated = _on_this_image(original, context)
    if translated == current or translated is None:
        return None
    context.findings.append(finding("MIG545", line, f"ENTRYPOINT {argv_json(translated)}: the original image's "
                                    f"entrypoint `{' '.join(original)}` ran the CMD, and {context.image.name}'s is "
                                    f"{' '.join(current) or 'empty'}"))
    return exec_form("ENTRYPOINT", translated, context.newline)


def _handed_by_image_script(context: RuntimeContext, keywords: set[str]) -> str | None:
    """`ENTRYPOINT ["node"]` for a stage whose CMD the source image's pass-through entrypoint script handed to its
    program (Docker Hub node's `CMD ["server.js"]` ran `node server.js`, php's `CMD ["-S", ...]` ran `php -S ...`,
    redis's `CMD ["/etc/redis.conf"]` ran redis-server with it: rewrite.image_scripts); None for any other CMD."""
    from migrator.rewrite.image_scripts import handed_program

    cmd = context.facts.cmd
    argv = cmd.json_args() if cmd is not None and "CMD" in keywords else None
    program = handed_program(context.upstream, argv) if argv else None
    current = context.image.entrypoint
    if cmd is None or argv is None or program is None or context.upstream is None:
        return None
    if not (context.image.has_program(program) or (current and posixpath.basename(current[0]) == program)):
        return None  # (MIG540 says the runtime cannot start it)
    script = posixpath.basename(context.upstream.entrypoint[0]) if context.upstream.entrypoint else "its entrypoint"
    context.findings.append(finding(
        "MIG244", cmd.line, f"ENTRYPOINT [\"{program}\"] added: the source image's {script} ran `{program} "
        f"{' '.join(argv)}` (`{argv[0]}` is an option or a file for {program}); {context.image.name} has no such "
        f"script" + (f" and its entrypoint is {' '.join(current)}" if current else " and no entrypoint")))
    return exec_form("ENTRYPOINT", [program], context.newline)


def _entrypoint_not_known(context: RuntimeContext, keywords: set[str]) -> None:
    """MIG245 when the CMD starts the source image's server on an image the model does not know the ENTRYPOINT of:
    Chainguard's redis, valkey and memcached start the server themselves, and a CMD naming it again gives the
    server its own name as an argument."""
    image, upstream, cmd = context.image, context.upstream, context.facts.cmd
    if image.known or image.entrypoint or image.entrypoint_runs_commands or "CMD" not in keywords or cmd is None:
        return
    if upstream is None or not upstream.entrypoint_passes_commands or not upstream.cmd:
        return
    argv = cmd.json_args()
    program = posixpath.basename(argv[0]) if argv else None
    if program is None or program not in (upstream.cmd[0], *upstream.servers):
        return
    context.findings.append(finding(
        "MIG245", cmd.line, f"CMD starts `{program}`, and {image.name}'s ENTRYPOINT is not in the image model: if it "
        f"is `{program}` itself (as Chainguard's redis and memcached are), the container runs `{program} "
        f"{' '.join(argv or [])}`; check it (docker inspect) and add `ENTRYPOINT []` before the CMD if so"))


# the tool a command given at run time often starts through, per language
_PACKAGE_TOOLS = {"ruby": "bundle", "python": "pip", "node": "npm", "php": "composer"}


def _no_command_of_its_own(context: RuntimeContext) -> bool:
    """The stage sets no CMD or ENTRYPOINT: the original image's default (irb, python3, node) was no app, and the
    app's command comes when the container starts (compose `command:`). On an image whose entrypoint is an
    interpreter that command would become the interpreter's argument (`ruby bundle exec puma`)."""
    entrypoint = context.image.entrypoint
    if context.facts.cmd is not None or context.facts.entrypoint is not None or not entrypoint:
        return False
    return context.rules.language_of(posixpath.basename(entrypoint[0])) is not None


def _external_command_note(context: RuntimeContext) -> str:
    image = context.image
    language = context.rules.language_of(posixpath.basename(image.entrypoint[0]))
    tool = _PACKAGE_TOOLS.get(language.name if language else "")
    lacks = [] if image.shell else ["no shell"]
    lacks += [f"no {tool}"] if tool and not image.has_program(tool) else []
    return (f"ENTRYPOINT [] added: the stage has no command of its own, so the command comes when the container "
            f"starts, and {image.name}'s entrypoint ({image.entrypoint[0]}) would take it as its argument; that "
            f"command runs in exec form on {image.name}" + (f", which has {' and '.join(lacks)}" if lacks else "")
            + ": start the program itself (a binstub or console script from the copied dependencies, or the "
            "interpreter with a script)")


def _on_this_image(original: list[str], context: RuntimeContext) -> list[str] | None:
    """`java -jar` on jre -> ["/usr/bin/java", "-jar"]; `python3` on python -> python's own entrypoint."""
    name = posixpath.basename(original[0])
    current = list(context.image.entrypoint)
    language = context.rules.language_of(name)
    if current and language is not None and context.rules.language_of(posixpath.basename(current[0])) == language:
        return current + original[1:] if original[1:] else current
    if context.image.has_program(name):
        return [f"/usr/bin/{name}", *original[1:]]
    return None


def carried_instructions(facts: StageFacts) -> list[Instruction]:
    """What the runtime stage keeps from the original final stage and the stages it is built FROM.

    ARG, ENV, LABEL, EXPOSE and VOLUME of every stage in the chain (the original final image inherited
    them; a volume or port restated down the chain once: rewrite.volumes); the ENTRYPOINT and CMD in force (a
    stage's ENTRYPOINT clears the CMD it inherited); the last USER, HEALTHCHECK and STOPSIGNAL."""
    from migrator.plan.startcommand import effective_command

    chain = facts.stage.chain()
    instructions = [i for stage in chain for i in stage.instructions]
    effective = effective_command([stage.instructions for stage in chain], (), ())
    last = {i.keyword: i for i in instructions if i.keyword in ("USER", "HEALTHCHECK", "STOPSIGNAL", "SHELL")}
    in_force = [effective.entrypoint_from, effective.cmd_from, *last.values()]
    every = ("ARG", "ENV", "LABEL", "EXPOSE", "VOLUME", "MAINTAINER")
    own = facts.stage.instructions
    return once_each([i for i in instructions if i.keyword in every or any(i is k for k in in_force)
                      or (i.keyword == "ONBUILD" and any(i is o for o in own))])


def build_runtime_stage(context: RuntimeContext, builder: str, from_line: str) -> str:
    """The new final stage, after a split. `from_line` is the complete FROM line."""
    facts = context.facts
    carried = carried_instructions(facts)
    out: list[str] = [from_line]
    moves = relocations(context)  # (once: a stage may carry thousands of ENV lines)
    for instruction in carried:
        if instruction.keyword in CARRIED_FIRST:
            out += finalize_instruction(follow_relocations(instruction, moves), context)
    if context.plan.env:
        out.append("ENV " + " ".join(context.plan.env) + context.newline)
    out += [line + context.newline for line in context.plan.image_copies]
    out += _package_lines(context)
    out += _corepack_lines(context, builder)
    # (the source image's server directory, httpd's /usr/local/apache2: the runtime's own command runs elsewhere)
    servers = facts.workdir == facts.server_dir and not relies_on_workdir(facts)
    if not context.plan.image_default_command and not servers and (facts.workdir != "/" or (
        (context.image.workdir or "/") != "/" and relies_on_workdir(facts)
    )):
        out.append(f"WORKDIR {_workdir_word(facts)}{context.newline}")
    out += copy_lines(context, builder)
    out += repeated_copies(context)
    _note_uncarried(context)
    _note_unread_data(context)
    if context.plan.image_default_command:
        carried = [i for i in carried if i.keyword not in ("CMD", "ENTRYPOINT", "HEALTHCHECK")]
    if context.plan.expose is not None:
        carried = [i for i in carried if i.keyword != "EXPOSE"]
        out.append(f"EXPOSE {' '.join(context.plan.expose)}{context.newline}")
    reset = None if context.plan.image_default_command else entrypoint_line(
        context, {i.keyword for i in carried})
    out += keep_root_lines(context, carried)
    for instruction in carried:
        if instruction.keyword not in CARRIED_LAST:
            continue
        if instruction.keyword == "CMD" and reset:
            out.append(reset)
            reset = None
        out += finalize_instruction(instruction, context)
    if reset:
        out += [context.newline] if out and not out[-1].endswith("\n") else []
        out.append(reset)
    return "".join(out)


def _package_lines(context: RuntimeContext) -> list[str]:
    """`RUN apk add` of the packages a -dev runtime installs (MIG569): as root, then the image's user again."""
    if not context.plan.packages:
        return []
    newline = context.newline
    run = f"RUN apk add --no-cache {' '.join(context.plan.packages)}{newline}"
    if context.image.uid == 0:
        return [run]  # (a root image, wolfi-base: the stage runs as root there anyway)
    return [f"USER root{newline}", run, f"USER {context.uid}{newline}"]


_COREPACK_CACHE = ".cache/node/corepack"  # (under the home of the user who ran the shim, unless COREPACK_HOME says)


def _corepack_lines(context: RuntimeContext, builder: str) -> list[str]:
    """A yarn start kept on node's -dev runtime (MIG575) for a project whose package.json names Yarn 2+ and no
    yarnPath release: the original ran `corepack enable`, whose yarn shim runs that release; the -dev image's
    /usr/bin/yarn is Wolfi's yarn 1.22, which refuses the project. The runtime enables corepack too (as root, then
    the image's user again) and gets the corepack cache the builder's root filled with the release, so the shim
    starts it without downloading (MIG239)."""
    words = _command_words(context.facts)
    if not words or posixpath.basename(words[0]) != "yarn" or not context.image.has_program("corepack"):
        return []
    ran = [tuple(c.words[:2]) for c in context.facts.commands]
    if ("corepack", "enable") not in ran or not any(w[:1] == ("yarn",) for w in ran):
        return []  # (the shim filled the cache only where a yarn command ran: a COPY of nothing fails the build)
    package = _node_package(words, context)
    if package is None or package.release_path or not _YARN_BERRY.match(package.package_manager):
        return []
    builder_user = (context.facts.user or "root").split(":")[0]
    source = context.facts.env.get("COREPACK_HOME") or (f"/root/{_COREPACK_CACHE}" if builder_user in _ROOT_USERS
                                                        else None)
    if not source or "$" in source or context.image.uid == 0 or context.image.user in _ROOT_USERS:
        return []
    # (an ENV COREPACK_HOME of the original is carried into the runtime: the cache goes where it points)
    target = source if context.facts.env.get("COREPACK_HOME") else f"/home/{context.image.user}/{_COREPACK_CACHE}"
    newline = context.newline
    context.findings.append(finding("MIG239", context.facts.stage.from_item.line, (
        f"`RUN corepack enable` (as root) in the runtime, and the builder's corepack cache ({source}) copied to "
        f"{target}: package.json names \"packageManager\": \"{package.package_manager}\", which the original's "
        f"corepack shim ran; node's -dev image has Wolfi's yarn 1.22 at /usr/bin/yarn, which refuses the project, "
        f"and the cache holds the release the build downloaded, so yarn starts without the network")))
    return [f"USER root{newline}", f"RUN corepack enable{newline}", f"USER {context.uid}{newline}",
            f"COPY --from={builder} --chown={context.owner()} {source} {target}{newline}"]


_YARN_BERRY = re.compile(r"^yarn@(?:[2-9]|\d\d+)\.")


def relies_on_workdir(facts: StageFacts) -> bool:
    """Does the start command name a path relative to the working directory?"""
    return any(not word.startswith(("/", "-", "$")) and ("/" in word or word.startswith(".")
                                                         or word.endswith((".jar", ".py", ".js", ".rb", ".php")))
               for word in _command_words(facts))


def keep_root_lines(context: RuntimeContext, items: Sequence[Item]) -> list[str]:
    """`USER root` for a program that must run as root (the original ran it so, with no USER line)."""
    if not context.keep_root:
        return []
    line = context.facts.stage.from_item.line
    context.findings.append(finding("MIG550", line, f"the runtime keeps running as root: {context.keep_root}"))
    if any(isinstance(i, Instruction) and i.keyword == "USER" for i in items):
        return []
    return [f"USER root{context.newline}"]


def finalize_stage_items(items: list[Item], context: RuntimeContext) -> list[str]:
    """A final stage that stays one stage (no RUN): adjust its instructions in place."""
    out: list[str] = keep_root_lines(context, items)
    reset = entrypoint_line(context, {i.keyword for i in items if isinstance(i, Instruction)})
    for item in items:
        if isinstance(item, Trivia):
            out.append(item.raw)
            continue
        if item.keyword == "CMD" and reset:
            out.append(reset)
            reset = None
        modern = modernized(item)
        if modern is not None:
            out.append(modern[0])
            context.findings.append(modern[1])
        elif item.keyword in CARRIED_LAST or item.keyword in ("SHELL", "ONBUILD", "ENV"):
            replaced = finalize_instruction(item, context)
            if replaced == [item.raw]:
                out.append(item.raw)
            else:
                out += replaced
        else:
            out.append(item.raw)
    if reset:
        out += [context.newline] if out and not out[-1].endswith("\n") else []
        out.append(reset)
    return out
