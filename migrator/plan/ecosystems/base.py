"""The one Protocol every ecosystem implements, and the data it returns.

An ecosystem looks at the original final stage (already read into StageFacts) and says what the
distroless runtime stage needs: which image, which files to copy from the builder, which
environment, and what to add to the builder (a virtualenv, a production prune). The shared
mechanics (carrying WORKDIR/ENV/CMD over, exec form, users) live in migrator.rewrite.runtime.
"""

from __future__ import annotations

from migrator.findings import finding
from migrator.model import Finding, Options
from migrator.plan.buildcontext import BuildContext
from migrator.plan.facts import Command, StageFacts
from migrator.records import dataclass, field
from migrator.rules.loader import RuleSet

TYPE_CHECKING = False  # not typing's: importing typing costs 2 ms of a cold run (docs/performance.md)
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Protocol

    from migrator.plan.node_package import NodePackage
    from migrator.plan.stages import Stage
else:
    Protocol = object  # the Protocol is the type checker's: nothing checks it at run time


@dataclass(frozen=True)
class Copy:
    source: str  # absolute path in the builder stage
    destination: str  # absolute path in the runtime stage
    chown: bool = False  # give the files to the runtime user (the app writes there)
    # files the app only reads and the original kept root-owned (shared libraries, PHP modules and ini
    # files, dependencies installed as root): never chowned, even where the stage's other copies are
    root_owned: bool = False


@dataclass(frozen=True)
class BuilderInsert:
    before_line: int  # insert before the instruction that starts on this original line
    text: str  # instruction text without the trailing newline; several lines joined by "\n"
    # a directory where only root may write (/opt/venv, /usr/local/bundle) that the text makes (its first line
    # a RUN) or points an install at: under a USER other than root it is made as root and given to that user,
    # whose install then writes into it
    made: str = ""

    def lines_for(self, user: str | None) -> list[str]:
        """The text as written under `user` (None: root), one instruction a line."""
        lines = self.text.split("\n") if self.text else []
        if not self.made:
            return lines
        if lines and lines[0].startswith("RUN "):
            return [*made_as_root(lines[0], self.made, user), *lines[1:]]
        return [*made_as_root(None, self.made, user), *lines]


@dataclass(frozen=True)
class BuilderEdit:
    line: int  # the instruction starting on this original line
    old: str  # text to replace in that instruction (first occurrence)
    new: str


@dataclass
class RuntimePlan:
    image: str | None = None  # overrides the image rule's runtime image (full reference)
    copies: list[Copy] = field(default_factory=list)
    last_copies: list[Copy] = field(default_factory=list)  # copied after all others, over what they put there
    env: list[str] = field(default_factory=list)  # `KEY=value` pairs for one ENV line in the runtime
    image_copies: list[str] = field(default_factory=list)  # `COPY --from=<image> ...` lines, after the ENV line
    builder_inserts: list[BuilderInsert] = field(default_factory=list)
    builder_appends: list[str] = field(default_factory=list)  # instructions appended to the builder
    builder_edits: list[BuilderEdit] = field(default_factory=list)
    copy_app_dirs: bool = True  # also copy WORKDIR and COPY destinations (interpreted languages)
    image_default_command: bool = False  # the runtime image's own ENTRYPOINT/CMD serve the app (nginx)
    expose: tuple[str, ...] | None = None  # replaces the original EXPOSE ports
    owned: set[str] = field(default_factory=set)  # destinations copied owned by the runtime user (the app writes)
    packages: list[str] = field(default_factory=list)  # installed in a runtime that has apk (a -dev image)
    # {directory the original put programs in: (where the runtime has them, why)} (`go install` wrote to /go/bin
    # on golang; the builder writes $HOME/go/bin, which the runtime gets in /usr/local/bin)
    moved: dict[str, tuple[str, str]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def note(self, code: str, line: int, message: str | None = None) -> None:
        self.findings.append(finding(code, line, message))


@dataclass
class EcosystemContext:
    facts: StageFacts
    options: Options
    rules: RuleSet
    runtime_image: str | None  # from the image rule
    builder_image: str | None
    single_stage: bool = False  # the final stage stays one stage (wolfi-base): nothing is copied to a runtime
    package: Callable[[], NodePackage | None] = lambda: None  # package.json in the WORKDIR (plan.node_package)
    files: BuildContext = field(default_factory=lambda: BuildContext(None))  # the build context on disk, if any

    def registry_image(self, name_and_tag: str) -> str:
        return f"{self.options.registry.rstrip('/')}/{name_and_tag}"

    def commands(self, *names: str) -> list[Command]:
        return self.facts.commands_named(*names)


class Ecosystem(Protocol):
    name: str

    def plan_runtime(self, context: EcosystemContext) -> RuntimePlan: ...


def made_as_root(run: str | None, directory: str, user: str | None) -> list[str]:
    """`run` (a RUN line; None: `mkdir -p`) makes `directory` where only root may write (/opt and /usr/local are
    root's in the -dev images): under USER `user` (None: root) it runs as root, the directory goes to the user,
    and the user is given back."""
    if user is None:
        return [] if run is None else [run]
    run = run or f"RUN mkdir -p {directory}"
    return ["USER root", f"{run} && chown -R {user} {directory}", f"USER {user}"]


_OPEN_TO_ALL = ("/tmp", "/var/tmp")  # (sticky and writable by everyone in every image)


def made_for_user(directory: str, line: int, facts: StageFacts) -> BuilderInsert | None:
    """The directory an install on `line` writes into (a GEM_HOME, a virtualenv, a prefix), made as root and given
    to the USER in force there, when that user is not root and could not make it: the directory is not under
    the user's home or /tmp (the -dev images' /usr/local and /opt are root's), and the stage does not make or name
    it itself before the install (`mkdir -p DIR && chown app DIR` as root). Whoever set the variable: the
    original image may have had the directory open to all (ruby's /usr/local/bundle is 1777), the -dev image
    does not have it at all. None: nothing to make."""
    user = user_in_force(facts.stage, line)
    if user is None or not directory.startswith("/"):
        return None
    name = user.split(":")[0]
    homes = [h for h in (f"/home/{name}", facts.env.get("HOME")) if h and h != "/"]
    if any(_inside(directory, open_to_user) for open_to_user in (*_OPEN_TO_ALL, *homes)):
        return None
    if any(_inside(directory, d) for d in facts.copy_destinations) or _named_before(directory, line, facts):
        return None
    return BuilderInsert(line, "", made=directory)


def make_tool_home_for_user(context: EcosystemContext, plan: RuntimePlan, program: str, variable: str,
                            holds: str) -> None:
    """The stage's own home of a build tool (`ENV GOPATH=/go`, `ENV CARGO_HOME=/usr/local/cargo`: open to all on
    Docker Hub's images), which the Chainguard -dev image lacks, where a non-root USER's `program` writes: made as
    root and given to that user before its first `program` command (MIG515)."""
    made: set[str] = set()
    for command in context.commands(program):
        own = dict(assignment.split("=", 1) for assignment in command.assignments)
        directory = (own.get(variable) or context.facts.env.get(variable) or "").rstrip("/")
        if not directory or "$" in directory or directory in made:
            continue
        insert = made_for_user(directory, command.instruction.line, context.facts)
        if insert is not None:
            made.add(directory)
            plan.builder_inserts.append(insert)
            plan.note("MIG515", command.line, f"{program} {holds} {variable} {directory}, which the Chainguard -dev "
                      "image does not have and only root may make there: made as root and given to "
                      f"{user_in_force(context.facts.stage, command.instruction.line)}, who runs {program}")


def _named_before(directory: str, line: int, facts: StageFacts) -> bool:
    """Does a RUN before `line` name the directory (makes it, gives it to a user: `mkdir -p`, `chown -R`)?"""
    return any(c.instruction.line < line and any(c.resolve(w, facts.env) == directory for w in c.words[1:])
               for c in facts.commands)


def _inside(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip("/") + "/")


def user_in_force(stage: Stage, line: int) -> str | None:
    """The USER the instruction on `line` runs as in the original (that of the stage or the stages it is built
    FROM), None for root or no USER."""
    user = ""
    for current in stage.chain():
        for instruction in current.instructions:
            if instruction.line == line:
                return None if user.split(":")[0] in ("", "root", "0") else user
            if instruction.keyword == "USER":
                user = instruction.body.strip()
    return None if user.split(":")[0] in ("", "root", "0") else user


def installed_as_root(facts: StageFacts, line: int) -> bool:
    """Did the original run the instruction on `line` as root (no USER, or USER root, in force there
    in the stage or the stages it is built FROM)? Then what it installed was root-owned."""
    return user_in_force(facts.stage, line) is None


def option_value(words: tuple[str, ...], *names: str) -> str | None:
    """Value of `-o X`, `-oX`, `--output X` or `--output=X` style options in argv."""
    for index, word in enumerate(words):
        for name in names:
            if word == name and index + 1 < len(words):
                return words[index + 1]
            if name.startswith("--") and word.startswith(name + "="):
                return word[len(name) + 1 :]
            if not name.startswith("--") and len(name) == 2 and word.startswith(name) and len(word) > 2:
                return word[2:]
    return None
