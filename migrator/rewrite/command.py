"""The neutral view of one simple command that the package and user translators work on."""

from __future__ import annotations

from collections.abc import Callable

from migrator.model import Finding
from migrator.records import dataclass, field
from migrator.rewrite.tools import MissingTool, ToolUses
from migrator.rules.loader import RuleSet

TYPE_CHECKING = False  # not typing's (a cold run's import cost): the annotation only
if TYPE_CHECKING:
    from migrator.plan.rust_targets import ConfiguredTarget


@dataclass(frozen=True)
class Token:
    text: str  # exactly as written in the script
    value: str | None  # the word with quotes removed; None when it expands something ($X, $(...))
    start: int
    end: int
    line: int

    @property
    def is_option(self) -> bool:
        return self.value is not None and self.value.startswith("-") and self.value != "-"


@dataclass(frozen=True)
class Cmd:
    prefix: tuple[Token, ...]  # `VAR=value` assignments and `sudo` before the command name
    words: tuple[Token, ...]  # command name first
    line: int

    @property
    def tokens(self) -> tuple[Token, ...]:
        return self.prefix + self.words

    @property
    def name(self) -> str:
        value = self.words[0].value if self.words else None
        return (value or "").rsplit("/", 1)[-1]

    def word_index(self, position: int) -> int:
        """Index in `tokens` of `words[position]`."""
        return len(self.prefix) + position


@dataclass
class PackageList:
    """A variable whose value is a list of package names (`buildDeps='gcc make'`, `ARG DEPS="..."`)."""

    words: list[str]
    line: int
    translated: list[str] | None = None  # the Wolfi names, once an install used the variable
    span: tuple[int, int, str] | None = None  # (start, end, text) of the value in the script, if set there


@dataclass
class StageKnowledge:
    """What the translation of one RUN needs to know about its whole stage (read in a first pass)."""

    missing: list[str] = field(default_factory=list)  # installed names Wolfi lacks: `apk add` fails on them
    installed: set[str] = field(default_factory=set)  # Wolfi names the stage installs
    # PHP extension packages a Docker Hub php helper of the stage was translated to so far, in order (`pecl install
    # swoole` then `docker-php-ext-enable swoole`: one package, which installs and enables the extension)
    php_helper_packages: dict[str, str] = field(default_factory=dict)  # package -> the helper command, as written
    groups: dict[str, str] = field(default_factory=dict)  # gid as written -> name, of groups created so far
    group_names: set[str] = field(default_factory=set)  # names of the groups created so far
    user_names: set[str] = field(default_factory=set)  # names of the users created so far
    unresolved: dict[str, str] = field(default_factory=dict)  # account name nothing created -> the command naming it
    account_changes: dict[str, dict[str, str]] = field(default_factory=dict)  # first pass: usermod/groupmod of a
    # user the tool creates (name -> busybox adduser flag or "gid" -> value), folded into its creation
    rendered_users: dict[str, bool] = field(default_factory=dict)  # users a useradd/adduser the tool rendered
    # created -> whether the user got a group of its own name
    source_created: set[str] = field(default_factory=set)  # source image users the writer creates atop the stage
    stage_variables: set[str] = field(default_factory=set)  # names the stage's own ARG/ENV instructions set
    # the ENV the source image set that no ARG/ENV of the stage (or those it is built FROM) sets again: its values
    # are known when migrating (postgres:16's PG_MAJOR=16; rules, upstream `env` and `tag_env`)
    source_env: dict[str, str] = field(default_factory=dict)
    late_accounts: dict[int, str] = field(default_factory=dict)  # ARG/ENV line -> source users created after it
    setup_scripts: set[str] = field(default_factory=set)  # files a repository set-up script was saved to
    served: dict[str, list[str]] = field(default_factory=dict)  # such a file -> what its repository serves
    sets_up_repositories: bool = False  # some command of the stage adds a repository (sources.list, .repo)
    variables: dict[str, PackageList] = field(default_factory=dict)  # ARG/ENV defaults that may list packages
    image_user: str = "nonroot"  # the image's own user (and group)
    image_uid: int = 65532  # its uid (0: the image runs as root, as wolfi-base does)
    image_accounts: tuple[str, ...] = ()  # other users and groups the image has (postgres's postgres)
    source_users: set[str] = field(default_factory=set)  # users the original image shipped (ubuntu, node)
    uses: ToolUses = field(default_factory=ToolUses)  # first pass: the commands the stage runs
    tools: list[MissingTool] = field(default_factory=list)  # commands it runs that its image lacks
    tools_placed: bool = False  # their packages were added to an apk add (second pass)
    image_name: str = ""  # the Chainguard image the stage is built on, for messages
    image_tag: str = ""  # its tag (latest-fpm-dev): which language stream it serves
    source_image: str = ""  # the image the original stage was built on (openjdk:8-jdk), for messages
    run_user: str | None = None  # the USER the RUN being translated runs as in the output (None: root)
    # the original stage's source repository (`node`, `bitnami/php-fpm`; "" for scratch or another stage's output):
    # which source-image paths (dockerhub_paths) are its own; None: not known, all of them
    source_repository: str | None = None
    # Rust --target values (as written, quotes removed) the builder has no standard library for -> the cargo target
    # directory they are under (rules/static-builds.yaml `missing_targets`)
    missing_targets: dict[str, str] = field(default_factory=dict)
    # line of a cargo build whose project's cargo config sets such a target -> it (plan.rust_targets)
    config_targets: dict[int, ConfiguredTarget] = field(default_factory=dict)
    base_tools: list[str] = field(default_factory=list)  # packages for missing tools, put in the base apk add
    pins: dict[str, str] = field(default_factory=dict)  # Wolfi name -> the one of the stream the stage installs
    errexit: bool = False  # the stage's SHELL runs with -e
    pipefail: bool = False  # the stage's SHELL runs with -o pipefail
    probing: bool = False  # first pass: only collect, decisions come later
    runs_context_scripts: bool = False  # a RUN runs a build-context script, which may install anything
    cross_built: bool = False  # FROM --platform=$BUILDPLATFORM: the stage builds on the build platform for others
    earlier: list[str] = field(default_factory=list)  # the text of the instructions before this RUN (and parents')
    copied: list[tuple[int, str]] = field(default_factory=list)  # (line, path) COPY/ADD put in place (and parents')
    copied_trees: list[tuple[int, str, str, str | None]] = field(default_factory=list)  # StageFacts.copied_trees
    # whether such a tree may hold a path under its destination (None: nobody can know), when the plan can say
    tree_may_have: Callable[[tuple[int, str, str, str | None], str], bool | None] | None = None

    @property
    def repositories_needed(self) -> bool:
        """A repository set up in this stage may serve packages Wolfi does not have: keep it."""
        return self.probing or bool(self.missing)


@dataclass
class Context:
    family: str  # the image's family: debian, alpine, fedora, or wolfi (apk names are native)
    rules: RuleSet
    virtuals: set[str] = field(default_factory=set)  # apk --virtual names declared in the script
    stage: StageKnowledge = field(default_factory=StageKnowledge)
    variables: dict[str, PackageList] = field(default_factory=dict)  # the script's own literal assignments


@dataclass
class Outcome:
    """What to do with one command. Indexes refer to `Cmd.tokens`."""

    remove: bool = False
    replace: dict[int, str] = field(default_factory=dict)
    delete: set[int] = field(default_factory=set)
    whole: str | None = None  # replace the command's whole text
    findings: list[Finding] = field(default_factory=list)
    installs: bool = False  # runs apk add/del after the rewrite
    adds: bool = False  # an `apk add` whose packages stay installed (not a --virtual group)
    users: bool = False  # adds users or groups after the rewrite
    fails: bool = False  # the command, as it stays, fails on Wolfi (its findings say why)
    program_kept: bool = False  # the command still runs its program (other flags): the image must have it

    @property
    def changes(self) -> bool:
        return self.remove or bool(self.replace) or bool(self.delete) or self.whole is not None
