"""Package-manager commands (apt, yum/dnf/microdnf, zypper, apk) -> Wolfi's `apk`.

The command decides the package table: apt* -> debian, yum/dnf/microdnf/zypper -> fedora,
apk -> alpine (or the names are taken as Wolfi names when the image family is `wolfi`).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence

from migrator.findings import finding
from migrator.findings import packages as codes
from migrator.model import Finding
from migrator.parse.dockerfile import Instruction
from migrator.parse.variables import expand_args
from migrator.plan.facts import run_scripts
from migrator.records import dataclass, field
from migrator.regex import lazy as lazy_re
from migrator.rewrite.command import Cmd, Context, Outcome, Token
from migrator.rewrite.shell_syntax import simple_commands
from migrator.rewrite.wrappers import wrapper_words

# option categories, strongest first when a short-option cluster mixes them
REFUSE, KEEP, REPO, UNKNOWN, NOISE = "refuse", "keep", "repo", "unknown", "noise"
_RANK = {REFUSE: 0, KEEP: 1, REPO: 2, UNKNOWN: 3, NOISE: 4}


@dataclass(frozen=True)
class Manager:
    label: str
    family: str
    install: frozenset[str]
    remove: frozenset[str]
    housekeeping: frozenset[str]
    repo: frozenset[str] = frozenset()
    noise: frozenset[str] = frozenset()
    valued: frozenset[str] = frozenset()  # options that take the next word as their value
    repo_options: frozenset[str] = frozenset()
    refuse: frozenset[str] = frozenset()  # options whose meaning apk cannot reproduce
    keep: frozenset[str] = frozenset()

    def category(self, option: str) -> str:
        for kind, names in ((REFUSE, self.refuse), (KEEP, self.keep), (REPO, self.repo_options)):
            if option in names:
                return kind
        return NOISE if option in self.noise else UNKNOWN


def _set(text: str) -> frozenset[str]:
    return frozenset(text.split())


APT = Manager(
    label="apt",
    family="debian",
    install=_set("install"),
    remove=_set("remove purge"),
    housekeeping=_set("update upgrade dist-upgrade full-upgrade clean distclean autoclean autoremove autopurge check"),
    noise=_set(
        "-y --yes --assume-yes --force-yes -q --quiet -qq -m --fix-missing --ignore-missing -f "
        "--fix-broken --no-install-recommends --no-install-suggests --install-recommends "
        "--install-suggests --allow-downgrades --allow-remove-essential --allow-change-held-packages "
        "--allow-unauthenticated --allow-insecure-repositories --reinstall --auto-remove --autoremove "
        "--purge --no-upgrade --only-upgrade --show-progress --no-show-upgraded --verbose-versions -V "
        "-u --show-upgraded -o --option -c --config-file -a --host-architecture --no-remove "
        "--with-new-pkgs --mark-auto"
    ),
    valued=_set("-o --option -c --config-file -t --target-release --default-release -a --host-architecture"),
    repo_options=_set("-t --target-release --default-release"),
    refuse=_set("-d --download-only -s --simulate --dry-run --just-print --no-act --recon --print-uris"),
)
YUM = Manager(
    label="yum",
    family="fedora",
    install=_set("install reinstall"),
    remove=_set("remove erase"),
    housekeeping=_set("update upgrade makecache clean check-update distro-sync upgrade-minimal"),
    repo=_set("config-manager localinstall"),
    noise=_set(
        "-y --assumeyes -q --quiet -v --verbose --nodocs --allowerasing --skip-broken --best --nobest "
        "--refresh --noplugins --nogpgcheck -C --cacheonly --setopt --disableplugin --enableplugin "
        "--disablerepo --exclude -x -e --errorlevel -d --debuglevel --rpmverbosity --releasever "
        "--installonly-limit --color --noautoremove --disableexcludes --setopt=tsflags=nodocs "
        "--no-best --skip-unavailable --no-docs"
    ),
    valued=_set(
        "--setopt -x --exclude -e --errorlevel -d --debuglevel --releasever --enablerepo --disablerepo "
        "--repo --repoid --installroot -c --config --disableplugin --enableplugin --forcearch "
        "--downloaddir --destdir --rpmverbosity --disableexcludes --color"
    ),
    repo_options=_set("--enablerepo --repo --repoid --repofrompath"),
    refuse=_set("--installroot --downloadonly --destdir --downloaddir --forcearch --assumeno"),
)
ZYPPER = Manager(
    label="zypper",
    family="fedora",
    install=_set("install in"),
    remove=_set("remove rm"),
    housekeeping=_set("refresh ref update up clean cc dist-upgrade dup patch"),
    repo=_set("addrepo ar addservice as modifyrepo mr"),
    noise=_set(
        "-n --non-interactive -y --no-confirm --no-recommends --recommends -l --auto-agree-with-licenses "
        "--auto-agree-with-product-licenses --no-gpg-checks --gpg-auto-import-keys -q --quiet "
        "--force-resolution -f --force --replacefiles --download-in-advance --no-refresh --clean-deps "
        "-u --no-clean-deps --oldpackage"
    ),
    valued=_set("--root -R --releasever -r --repo --from -p --plus-repo -t --type"),
    repo_options=_set("-r --repo --from -p --plus-repo"),
    refuse=_set("--root -R --download-only -d -D --dry-run -t --type"),
)
APK = Manager(
    label="apk",
    family="alpine",
    install=_set("add"),
    remove=_set("del"),
    housekeeping=_set("update upgrade cache"),
    noise=_set("-U --update-cache --update -u --upgrade -l --latest -i --interactive"),
    valued=_set("--virtual -t -X --repository --root -p --arch --cache-dir --keys-dir --repositories-file"),
    repo_options=_set("-X --repository --repositories-file --keys-dir --allow-untrusted"),
    refuse=_set("--root -p --initdb --arch -s --simulate --cache-dir"),
    # valid for Wolfi's apk too: left where they are
    keep=_set(
        "--no-cache --virtual -t -q --quiet -v --verbose --no-progress --progress --purge "
        "--clean-protected --no-interactive --force-broken-world"
    ),
)

# Debian images' own wrappers around `apt-get update && apt-get install -y ... && clean up`:
# bitnami/minideb's install_packages, the Kubernetes debian-base clean-install
WRAPPERS = {"install_packages": APT, "clean-install": APT}

MANAGERS = {
    "apt-get": APT, "apt": APT, "aptitude": APT,
    "yum": YUM, "dnf": YUM, "microdnf": YUM, "dnf5": YUM, "tdnf": YUM,
    "zypper": ZYPPER,
    "apk": APK,
}
# DEBIAN_FRONTEND and friends only mean something to apt/debconf
APT_ENVIRONMENT = frozenset(
    {"DEBIAN_FRONTEND", "DEBCONF_NONINTERACTIVE_SEEN", "DEBCONF_NOWARNINGS", "APT_LISTCHANGES_FRONTEND"}
)
_ARCHES = _set("amd64 arm64 armhf armel i386 ppc64el s390x all any native")
_PACKAGE_FILE = lazy_re(r"^(/|\./|\.\./|~)|://|\.(deb|rpm|apk)$")
_RPM_ARCH = lazy_re(r"\.(x86_64|aarch64|noarch|i686|i386|ppc64le|s390x|armv7hl)$")
_RPM_VERSION = lazy_re(r"^(\d+:)?\d[0-9A-Za-z.+~^_]*(-\d[0-9A-Za-z.+~^_]*)?$")


def translate(cmd: Cmd, ctx: Context) -> Outcome | None:
    wrapper = WRAPPERS.get(cmd.name)
    if wrapper is not None and cmd.words[0].value:
        return _Install(cmd, wrapper, 0, ctx, remove=False).run()
    if cmd.name in package_wrappers() and cmd.words[0].value:
        return _through_wrapper(cmd, ctx)
    manager = MANAGERS.get(cmd.name)
    if manager is None or not cmd.words[0].value:
        return None
    sub = _subcommand(cmd, manager)
    if sub is None and manager is APK:
        return None  # `apk --print-arch`, `apk --version`: Wolfi's apk answers them too
    if sub is None:
        return _unsupported(cmd, "has no subcommand migrator understands")
    verb = cmd.words[sub].value or ""
    if verb in manager.housekeeping or (manager is APK and verb == "cache"):
        return _housekeeping(cmd)
    if manager is YUM and verb == "autoremove":
        return _housekeeping(cmd)
    if verb in manager.repo:
        return _repository(cmd, ctx)
    if verb in manager.install or verb in manager.remove:
        return _Install(cmd, manager, sub, ctx, remove=verb in manager.remove).run()
    if manager is APK and verb in _APK_QUERIES:
        return None  # `apk info`, `apk list`: Wolfi's apk answers them too
    return _unsupported(cmd, "has no apk translation")


def package_wrappers() -> dict[str, str]:
    """Wrapper command -> the package manager it runs with that manager's grammar (rules/commands.yaml
    `package_wrappers`: tonistiigi/xx's xx-apk, xx-apt-get)."""
    from migrator.rules.data import builtin_data

    return {str(k): str(v) for k, v in (builtin_data("commands.yaml").get("package_wrappers") or {}).items()}


def _through_wrapper(cmd: Cmd, ctx: Context) -> Outcome | None:
    """`xx-apk add musl-dev gcc g++`: the manager's own command, translated as such (apk add with Wolfi's names),
    the wrapper dropped with a finding; an error too when the stage cross-compiles from the build platform."""
    manager = package_wrappers()[cmd.name]
    head = cmd.words[0]
    as_manager = Cmd(cmd.prefix, (Token(manager, manager, head.start, head.end, head.line), *cmd.words[1:]), cmd.line)
    outcome = translate(as_manager, ctx)
    if outcome is None or outcome.remove or not outcome.installs:
        if outcome is not None and outcome.remove:
            return outcome
        return _unsupported(cmd, "is a package install through a wrapper migrator cannot translate")
    if not any(k == cmd.word_index(0) for k in outcome.replace) and outcome.whole is None:
        outcome.replace[cmd.word_index(0)] = "apk"
    text = " ".join(w.text for w in cmd.words)
    if ctx.stage.cross_built:
        outcome.findings.append(codes.CROSS_PACKAGES_UNAVAILABLE.finding(cmd.line, (
            f"`{text}` installed {manager}'s packages for the target platform while the stage builds on "
            "$BUILDPLATFORM (FROM --platform=$BUILDPLATFORM): Wolfi's apk installs them for the build platform "
            f"only, and {cmd.name} does not know Wolfi, so a build for another platform links against packages "
            "it does not have and fails. The wrapper is dropped: remove --platform=$BUILDPLATFORM from the FROM "
            "so that each platform's build runs natively with its own packages")))
    else:
        outcome.findings.append(codes.PACKAGE_WRAPPER_DROPPED.finding(cmd.line, (
            f"`{text}`: the stage builds natively for each platform, where {cmd.name} is {manager} itself; "
            "translated as the Wolfi apk install (the wrapper does not know Wolfi)")))
    return outcome


# apk subcommands that only read or check the installed system: the same on Wolfi's apk
_APK_QUERIES = _set("info list search policy version stats dot manifest audit verify fetch index fix")


def _subcommand(cmd: Cmd, manager: Manager) -> int | None:
    position = 1
    while position < len(cmd.words):
        token = cmd.words[position]
        if token.value is None:
            return None
        if not token.is_option:
            return position
        _, width = _option(manager, cmd.words, position)
        position += width
    return None


def _option(manager: Manager, words: tuple[Token, ...], position: int) -> tuple[str, int]:
    """(category, number of words used) of the option at `position`."""
    return option_kind(manager, words[position].value or "")


def option_kind(manager: Manager, text: str) -> tuple[str, int]:
    """(category, number of words used: 2 when the next word is its value) of the option `text`, in the
    manager's own grammar (`-t NAME`, `--virtual=NAME`, a cluster `-qy`, `-tNAME`)."""
    if text == "--":
        return NOISE, 1
    if text.startswith("--"):
        name, equals, _ = text.partition("=")
        width = 2 if name in manager.valued and not equals else 1
        return (NOISE if text in manager.noise else manager.category(name)), width
    if text in manager.noise or text in manager.keep or len(text) == 2:
        return manager.category(text), 2 if text in manager.valued else 1
    kinds: list[str] = []
    for offset, letter in enumerate(text[1:]):
        option = "-" + letter
        kinds.append(manager.category(option))
        if option in manager.valued:
            attached = text[offset + 2 :]
            return min(kinds, key=_RANK.__getitem__), 1 if attached else 2
    return min(kinds, key=_RANK.__getitem__), 1


def _command_text(cmd: Cmd) -> str:
    """`apt-get install`: the command and its subcommand, options left out."""
    if cmd.name in WRAPPERS:
        return cmd.words[0].text
    manager = MANAGERS.get(cmd.name)
    sub = _subcommand(cmd, manager) if manager is not None else None
    if sub is None:
        sub = next((i for i, w in enumerate(cmd.words) if i and not w.is_option), None)
    verb = cmd.words[sub].text if sub is not None else ""
    return f"{cmd.words[0].text} {verb}".strip()


@dataclass(frozen=True)
class PackageCommand:
    """A package-manager command read with the manager's own option grammar: options may stand before or after
    the subcommand (`apk --no-cache add curl`, `apt-get -y install curl`, `dnf -y install curl`)."""

    program: str  # apk, apt-get, dnf... (a wrapper's name: install_packages)
    verb: str  # the subcommand (`install` for a wrapper)
    operands: tuple[str, ...]  # the words that are not options nor option values, as written
    virtual: str | None = None  # apk's `--virtual NAME` / `-t NAME`: a group the stage removes again

    @property
    def installs(self) -> bool:
        manager = WRAPPERS.get(self.program) or MANAGERS[self.program]
        return self.verb in manager.install

    @property
    def packages(self) -> list[str]:
        """The package names it installs, without version pins (`curl=8.5.0-r0`, `bash>5`); none when it does not
        install, and no word only the build knows (`$PKGS`)."""
        if not self.installs:
            return []
        named = [word for word in self.operands if word and "$" not in word and not _PACKAGE_FILE.search(word)]
        return [_PIN.split(word, 1)[0] for word in named]


_PIN = lazy_re(r"[=<>~]")
_ASSIGNMENT = lazy_re(r"^[A-Za-z_][A-Za-z0-9_]*=")


def package_command(words: Sequence[str]) -> PackageCommand | None:
    """The package-manager command among a simple command's words, or None: the one reader of "what does this
    command install" (translated or not: Wolfi's apk has apk's grammar). Assignments and wrappers before it
    (`DEBIAN_FRONTEND=noninteractive`, `sudo`, `env A=b`) are passed over."""
    start = 0
    while start < len(words):
        while start < len(words) and _ASSIGNMENT.match(words[start]):
            start += 1
        skipped = wrapper_words(words[start:], every=True)
        if not skipped:
            break
        start += skipped
    if start >= len(words):
        return None
    program = posixpath.basename(words[start])
    program = package_wrappers().get(program, program) if program.startswith("xx-") else program
    if program not in MANAGERS and program not in WRAPPERS:
        return None
    if program in WRAPPERS:
        return PackageCommand(program, "install", tuple(w for w in words[start + 1:] if not w.startswith("-")))
    manager = MANAGERS[program]
    verb = ""
    operands: list[str] = []
    virtual = None
    position = start + 1
    while position < len(words):
        word = words[position]
        if word.startswith("-") and len(word) > 1:
            _, width = option_kind(manager, word)
            if manager is APK and word in ("--virtual", "-t") and position + 1 < len(words):
                virtual = words[position + 1]
            elif manager is APK and word.startswith("--virtual="):
                virtual = word.partition("=")[2]
            position += width
            continue
        if verb:
            operands.append(word)
        else:
            verb = word
        position += 1
    return PackageCommand(program, verb, tuple(operands), virtual)


def run_package_commands(instruction: Instruction) -> list[PackageCommand]:
    """The package-manager commands of a RUN, every shell script it runs (its command line, heredocs fed to a
    shell) read command by command; a script the parser cannot read is cut at `;`, `&&`, `||` and `|`."""
    argv = instruction.json_args()
    if argv is not None:
        found = package_command(argv)
        return [found] if found is not None else []
    commands: list[PackageCommand] = []
    for script, first_line in run_scripts(instruction):
        if not _NAMES_A_MANAGER.search(script):
            continue
        word_lists = [c.words for c in simple_commands(script, first_line)] or _cut(script)
        commands += [c for words in word_lists if (c := package_command(words)) is not None]
    return commands


def _cut(script: str) -> list[tuple[str, ...]]:
    from migrator.parse.words import split_words

    pieces = re.split(r"[;&|()\n]+|\\\r?\n", script)
    found = []
    for piece in pieces:
        try:
            found.append(tuple(split_words(piece)))
        except ValueError:
            found.append(tuple(piece.split()))
    return found


_NAMES_A_MANAGER = lazy_re(r"\b(?:apk|apt-get|apt|aptitude|yum|dnf5?|microdnf|tdnf|zypper|install_packages"
                           r"|clean-install)\b")
_UPGRADES = _set("upgrade dist-upgrade full-upgrade update up dup distro-sync upgrade-minimal patch")


def _housekeeping(cmd: Cmd) -> Outcome:
    verb = next((w.value for w in cmd.words[1:] if w.value and not w.is_option), "")
    index_refresh = verb == "update" and cmd.name in ("apt-get", "apt", "aptitude", "apk")
    if verb in _UPGRADES and not index_refresh:
        why = "Chainguard images are rebuilt daily: pull a fresh image instead of upgrading in place"
    else:
        why = "apk add --no-cache refreshes the index itself and keeps no cache"
    message = f"`{_command_text(cmd)}` removed: {why}"
    return Outcome(remove=True, findings=[codes.HOUSEKEEPING_REMOVED.finding(cmd.line, message)])


def _repository(cmd: Cmd, ctx: Context) -> Outcome:
    return repository_setup(cmd.line, f"`{_command_text(cmd)}`", ctx)


def repository_setup(line: int, what: str, ctx: Context, serves: list[str] | None = None,
                     piped: bool = False) -> Outcome:
    """A command that adds a package repository or its key: needless when Wolfi has what the stage
    installs (removed), a certain failure when it does not (kept, error). `serves`: the Wolfi packages a
    known repository serves (NodeSource: nodejs); then it is needless too when the stage lacks something
    else, which that repository never had. `piped`: a `curl URL | bash` pipeline."""
    ctx.stage.sets_up_repositories = True
    if serves and not ctx.stage.probing:
        message = (f"{what} removed: it sets up a package repository for {', '.join(serves)}, which Wolfi has "
                   f"(`apk add {' '.join(serves)}`)")
        return Outcome(remove=True, findings=[codes.REPOSITORY_SETUP_REMOVED.finding(line, message)])
    if not ctx.stage.repositories_needed:
        message = f"{what} removed: it sets up a package repository, and every package this stage installs is in Wolfi"
        return Outcome(remove=True, findings=[codes.REPOSITORY_SETUP_REMOVED.finding(line, message)])
    missing = ", ".join(dict.fromkeys(ctx.stage.missing)) or "packages"
    piped = piped and not ctx.stage.pipefail
    fate = ("left as written: on Wolfi the download or the script fails, and as the pipe's status is the "
            "shell's, the RUN step passes with nothing set up" if piped else "left as written, and it fails there")
    message = (
        f"{what} sets up a package repository Wolfi cannot use (the stage installs {missing}, not in Wolfi): "
        f"{fate}. Build that software in the builder from an upstream release artifact, or map it "
        "to a Wolfi package with --rules"
    )
    return Outcome(fails=not piped, findings=[codes.THIRD_PARTY_REPOSITORY.finding(line, message)])


def package_file_finding(line: int, what: str, kept: str = "left as written") -> Finding:
    """`kept`: what became of it (a whole `dpkg -i` line is left as written; a path among the names of an
    install is kept in the translated `apk add`)."""
    return codes.THIRD_PARTY_REPOSITORY.finding(
        line,
        f"{what} installs a package file built for another distribution: {kept}, and it fails on "
        "Wolfi. Find the Wolfi package (`apk search`) or unpack the upstream release artifact in the builder",
    )


def not_in_wolfi(family: str, name: str) -> str:
    from migrator.rules.wolfi import similar_names

    hint = _hint(name)
    if hint is None:
        close = similar_names(name)
        hint = f"; Wolfi has {', '.join(close)}" if close else ""
    return (f"{family} package `{name}` is not a Wolfi package name: `apk add` refuses it and the build fails"
            f"{hint}. Map it to a Wolfi package with --rules, or build it in the builder")


def _hint(name: str) -> str | None:
    """What rules/package-patterns.yaml `hints` say of a name no pattern maps (a PGDG extension Wolfi lacks)."""
    from migrator.rules.data import builtin_data

    for entry in builtin_data("package-patterns.yaml").get("hints") or []:
        match = re.match(entry["match"], name)
        if match is not None:
            return f"; {match.expand(entry['hint'])}"
    return None


def _unsupported(cmd: Cmd, why: str) -> Outcome:
    if cmd.name == "apk":  # Wolfi has apk: what fails is the option, against Wolfi's repository
        tail = "Wolfi's apk runs it against Wolfi's repository and keys, not Alpine's, where it fails"
    else:
        tail = f"{cmd.name} does not exist in Wolfi"
    message = f"`{_command_text(cmd)}` {why}: left as written; {tail}"
    return Outcome(fails=True, findings=[codes.UNSUPPORTED_PACKAGE_COMMAND.finding(cmd.line, message)])


# --- pins ----------------------------------------------------------------------------------------


def split_pin(spec: str, family: str, known: set[str] | None = None) -> tuple[str, str]:
    """(name, pin) of a package word; pin is "" when there is none."""
    if family == "debian":
        match = re.match(r"^([^=/:]+)(?::([a-z0-9]+))?([=/].*)?$", spec)
        if not match:
            return spec, ""
        name, arch, rest = match.group(1), match.group(2), match.group(3) or ""
        if arch and arch not in _ARCHES:
            return spec, ""
        return name, (f":{arch}" if arch else "") + rest
    if family == "alpine":
        match = re.match(r"^([^=<>~@]+)(.*)$", spec)
        return (match.group(1), match.group(2)) if match else (spec, "")
    return _split_rpm(spec, known or set())


def _split_rpm(spec: str, known: set[str]) -> tuple[str, str]:
    for operator in ("<", ">", "="):
        if operator in spec:
            index = min(spec.index(op) for op in "<>=" if op in spec)
            return spec[:index], spec[index:]
    if spec in known:
        return spec, ""
    base, arch_suffix = spec, ""
    arch = _RPM_ARCH.search(spec)
    if arch:
        base, arch_suffix = spec[: arch.start()], arch.group(0)
        if base in known:
            return base, arch_suffix
    candidates = [
        m.start() for m in re.finditer(r"-(?=\d)", base) if _RPM_VERSION.match(base[m.start() + 1 :])
    ]
    for index in candidates:
        if base[:index] in known:
            return base[:index], base[index:] + arch_suffix
    if candidates:
        return base[: candidates[0]], base[candidates[0] :] + arch_suffix
    return base, arch_suffix


# --- install / remove ------------------------------------------------------------------------------


@dataclass
class _Install:
    cmd: Cmd
    manager: Manager
    sub: int
    ctx: Context
    remove: bool
    out: Outcome = field(default_factory=Outcome)
    seen: set[str] = field(default_factory=set)
    kept: int = 0  # package words (or opaque words) left in the command
    renamed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what a rename changes beyond the name
    known: set[str] | None = None

    @property
    def native(self) -> bool:
        return self.manager is APK and self.ctx.family == "wolfi"

    @property
    def table(self) -> str:
        return self.manager.family

    def _known(self) -> set[str] | None:
        if self.table != "fedora":
            return None
        if self.known is None:
            self.known = set(self.ctx.rules.packages.get(self.table, {}))
        return self.known

    def run(self) -> Outcome:
        words = self.cmd.words
        position = 1
        while position < len(words):
            if position == self.sub:
                position += 1
                continue
            token = words[position]
            if token.is_option:
                width = self._option(position)
                if width == 0:
                    return self.out
                position += width
                continue
            self._argument(position, token)
            position += 1
        return self._finish()

    def _option(self, position: int) -> int:
        """Handle an option; returns the words it used, 0 when the whole command must stay."""
        words = self.cmd.words
        kind, width = _option(self.manager, words, position)
        text = " ".join(w.text for w in words[position : position + width])
        if kind == REFUSE:
            self.out = _unsupported(self.cmd, f"uses `{text}`, which apk cannot reproduce")
            return 0
        if kind == KEEP:
            if width == 2 and words[position].value in ("--virtual", "-t"):
                self.ctx.virtuals.add(words[position + 1].value or "")
            elif (words[position].value or "").startswith("--virtual="):
                self.ctx.virtuals.add((words[position].value or "").partition("=")[2])
            return width
        for offset in range(width):
            self.out.delete.add(self.cmd.word_index(position + offset))
        if kind == REPO:
            self.out.findings.append(
                codes.OPTION_DROPPED.finding(
                    words[position].line,
                    f"`{text}` selects a repository Wolfi does not have: dropped; the packages come from Wolfi's",
                )
            )
        elif kind == UNKNOWN:
            self.out.findings.append(
                codes.OPTION_DROPPED.finding(
                    words[position].line,
                    f"`{text}` has no apk equivalent: dropped from `{self.manager.label}`",
                )
            )
        return width

    def _argument(self, position: int, token: Token) -> None:
        index = self.cmd.word_index(position)
        value = token.value
        if value is None and self._package_list(token):
            self.kept += 1
            return
        expanded = value is None and (value := self._source_env_value(token)) is not None
        if value is None:
            self.kept += 1
            if not self.remove and not self._wolfi_prefix(token.text):
                self.ctx.stage.missing.append(f"{token.text} (known only at build time)")
            self.out.findings.append(
                codes.DYNAMIC_PACKAGES.finding(
                    token.line, f"`{token.text}` is only known at build time: kept as written, not translated"
                )
            )
            return
        if _PACKAGE_FILE.search(value):
            self._package_file(index, token, value)
            return
        names = self._names(value, token)
        fresh = [n for n in dict.fromkeys(names) if n not in self.seen]
        self.seen.update(fresh)
        if not fresh:
            self.out.delete.add(index)
            return
        self.kept += 1
        text = " ".join(fresh)
        if fresh != [value] or expanded:  # an unchanged name keeps its quotes
            self.out.replace[index] = text

    def _source_env_value(self, token: Token) -> str | None:
        """`postgresql-$PG_MAJOR-pgvector` on postgres:16: the name with the source image's ENV expanded
        (postgresql-16-pgvector), when that is all its name reads; else None."""
        known = self.ctx.stage.source_env
        text = token.text[1:-1] if len(token.text) > 1 and token.text[0] == token.text[-1] == '"' else token.text
        if not known or not re.fullmatch(r"[A-Za-z0-9._+:=<>~*${}-]+", text):
            return None
        name, equals, pin = text.partition("=")  # (a pin that reads a variable is dropped as any pin is)
        if "$" not in name:
            return None
        expanded, missing = expand_args(name, known)
        return None if missing or "$" in expanded else expanded + equals + pin

    def _names(self, spec: str, token: Token) -> list[str]:
        """The Wolfi names to install for `spec`, on the stream the stage is pinned to (StageKnowledge.pins)."""
        renamed = len(self.renamed)
        names = self._wolfi_names(spec, token)
        pins = self.ctx.stage.pins
        if self.remove or not any(n in pins for n in names):
            return names
        pinned = [pins.get(n, n) for n in names]
        self.ctx.stage.installed.difference_update(n for n in names if n in pins)
        self.ctx.stage.installed.update(pinned)
        del self.renamed[renamed:]  # (python3 -> python-3.13, not python3 -> python-3 too)
        self.renamed.append(f"{split_pin(spec, self.table, self._known())[0]} -> {' '.join(pinned)}")
        note = "versioned names: the newest language stream every library the stage installs is built for (MIG587)"
        if note not in self.notes:
            self.notes.append(note)
        return pinned

    def _wolfi_names(self, spec: str, token: Token) -> list[str]:
        if self.manager is APK and (spec.startswith(".") or spec in self.ctx.virtuals):
            return [spec]
        if self.native:
            return self._unmapped(split_pin(spec, "alpine")[0], spec, token)
        name, pin = split_pin(spec, self.table, self._known())
        if pin:
            self.out.findings.append(
                codes.VERSION_PIN_DROPPED.finding(
                    token.line, f"`{spec}`: pin `{pin}` dropped for package {name} (versions differ in Wolfi)"
                )
            )
        if (on_stream := self._php_stream(name, token)) is not None:
            return on_stream
        mapping = self.ctx.rules.package(self.table, name)
        if mapping is None:
            return self._unmapped(name, name, token)
        if not mapping.names:
            note = f": {mapping.note}" if mapping.note else ""
            self.out.findings.append(
                codes.PACKAGE_NOT_NEEDED.finding(token.line, f"`{name}` is not needed in Wolfi{note}")
            )
            return []
        if mapping.names != (name,):
            self._renamed(name, mapping.names, mapping.note)
        if not self.remove:
            self.ctx.stage.installed.update(mapping.names)
        return list(mapping.names)

    def _php_stream(self, name: str, token: Token) -> list[str] | None:
        """A versioned PHP name of another stream than the stage's php image serves (php83-intl on PHP 8.5): the
        package of that stream (rewrite/php_streams.py); None for any other name."""
        if self.remove or "php" not in name:
            return None
        from migrator.rewrite.php_helpers import served_php
        from migrator.rewrite.php_streams import stream_names

        found = stream_names(self.table, name, served_php(self.ctx), self.ctx.rules)
        if found is None:
            return None
        extension = found.extension.removeprefix("pecl-")
        image = f"{self.ctx.stage.image_name}:{self.ctx.stage.image_tag or 'latest'}"
        if found.names is None:
            self.ctx.stage.missing.append(name)
            self.out.fails = True
            self.out.findings.append(finding(
                "MIG594", token.line, f"`{name}` is PHP {found.written}'s {extension} extension, and {image} serves "
                f"PHP {found.stream}, for which Wolfi builds no {extension} package: apk would install PHP "
                f"{found.written} beside the image's (or fail on the conflict), and the image's PHP would not load "
                f"the module; build the extension for PHP {found.stream} with phpize in the builder, or drop it"))
            return [name]
        if not found.names:
            why = "the image's own PHP" if not found.extension or found.extension in ("cli", "common") else \
                f"compiled into PHP {found.stream}"
            self.out.findings.append(codes.PACKAGE_NOT_NEEDED.finding(
                token.line, f"`{name}` is not needed: {image} serves PHP {found.stream}, {why}"))
            return []
        self._renamed(name, found.names, None)
        note = (f"{image} serves PHP {found.stream}: the packages for that stream, not for PHP {found.written} "
                "(whose modules the image's PHP would not load)")
        if note not in self.notes:
            self.notes.append(note)
        self.ctx.stage.installed.update(found.names)
        return list(found.names)

    def _renamed(self, name: str, names: tuple[str, ...], note: str | None) -> None:
        self.renamed.append(f"{name} -> {' '.join(names)}")
        if note and f"{name}: {note.rstrip('.')}" not in self.notes:
            self.notes.append(f"{name}: {note.rstrip('.')}")

    def _package_file(self, index: int, token: Token, value: str) -> None:
        """A .deb/.rpm path or URL: a repository definition (set-up, like add-apt-repository), or a
        package built for another distribution, which fails on Wolfi."""
        from migrator.rewrite.repositories import is_repository_package

        if is_repository_package(value):
            setup = repository_setup(token.line, f"`{value}`", self.ctx)
            self.out.findings += setup.findings
            if setup.remove:
                self.out.delete.add(index)
                return
            self.out.fails = True
        else:
            self.out.fails = True
            kept = "kept in the `apk add` the install becomes"
            self.out.findings.append(package_file_finding(token.line, f"`{value}`", kept))
        self.kept += 1

    def _package_list(self, token: Token) -> bool:
        """`$buildDeps` / `${DEPS}` naming a variable with a literal value: its names are translated
        where the variable is set (the script's assignment, or the stage's ARG/ENV default)."""
        match = re.fullmatch(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?|\"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?\"", token.text)
        name = (match.group(1) or match.group(2)) if match else None
        variable = (self.ctx.variables.get(name) or self.ctx.stage.variables.get(name)) if name else None
        if variable is None:
            return False
        if variable.translated is None or not self.remove:
            names: list[str] = []
            for word in variable.words:
                names += [n for n in self._names(word, Token(word, word, 0, 0, variable.line)) if n not in names]
            variable.translated = names
        return True

    def _wolfi_prefix(self, text: str) -> bool:
        """`nginx=${NGINX_VERSION}*`: the name is literal, only the pin is a variable."""
        from migrator.rules.wolfi import is_wolfi_name

        name = re.split(r"[=<>~:$\"']", text, maxsplit=1)[0]
        mapping = self.ctx.rules.package(self.table, name) if name else None
        return bool(name) and (mapping is not None or is_wolfi_name(name))

    def _unmapped(self, name: str, written: str, token: Token) -> list[str]:
        """A name the tables do not map: kept when Wolfi has it, renamed when a pattern of
        rules/package-patterns.yaml gives its Wolfi equivalent, an error when `apk add` would refuse it."""
        from migrator.rules.wolfi import is_wolfi_name

        if self.remove or is_wolfi_name(name):
            if not self.remove:
                self.ctx.stage.installed.add(name)
            return [written]
        from migrator.rewrite.equivalents import equivalent

        derived = None if self.native else equivalent(self.table, name, self.ctx.rules)
        if derived is not None and not derived.names:
            self.out.findings.append(
                codes.PACKAGE_NOT_NEEDED.finding(token.line, f"`{name}` is not needed in Wolfi: {derived.note}")
            )
            return []
        if derived is not None:
            self._renamed(name, derived.names, derived.note)
            self.ctx.stage.installed.update(derived.names)
            return list(derived.names)
        self.ctx.stage.missing.append(name)
        self.out.fails = True
        self.out.findings.append(codes.UNKNOWN_PACKAGE.finding(token.line, not_in_wolfi(self.table, name)))
        return [written]

    def _finish(self) -> Outcome:
        out = self.out
        if self.kept == 0:
            verb = self.cmd.words[self.sub].value if self.sub else "install"
            finding = codes.INSTALL_EMPTIED.finding(
                self.cmd.line, f"`{_command_text(self.cmd)}` has no package left to {verb} on Wolfi: removed"
            )
            if self.manager is APT and self.remove and not out.findings:
                finding = codes.HOUSEKEEPING_REMOVED.finding(
                    self.cmd.line, f"`{_command_text(self.cmd)}` (auto-remove) removed"
                )
            return Outcome(remove=True, findings=[*out.findings, finding])
        self._head()
        out.installs = True
        out.adds = not self.remove and not any(
            (w.value or "") in ("--virtual", "-t") or (w.value or "").startswith("--virtual=") for w in self.cmd.words)
        if out.changes:
            target = "apk del" if self.remove else "apk add --no-cache"
            detail = f" ({', '.join(self.renamed)})" if self.renamed else ""
            detail += "".join(f". {note}" for note in self.notes)
            out.findings.insert(
                0,
                codes.PACKAGES_TRANSLATED.finding(
                    self.cmd.line, f"`{_command_text(self.cmd)}` translated to `{target}`{detail}"
                ),
            )
        return out

    def _head(self) -> None:
        from migrator.rewrite.wrappers import is_variable

        out, cmd = self.out, self.cmd
        after_sudo = False
        for index, token in enumerate(cmd.prefix):
            after_sudo = after_sudo or token.value == "sudo" or (token.value is None and is_variable(token.text))
            if after_sudo or (token.value or token.text).partition("=")[0] in APT_ENVIRONMENT:
                out.delete.add(index)
        verb = "del" if self.remove else "add"
        has_no_cache = any(w.value == "--no-cache" for w in cmd.words)
        head = verb if self.remove or has_no_cache else f"{verb} --no-cache"
        if self.sub == 0:  # a wrapper such as install_packages: the command word is the whole verb
            out.replace[cmd.word_index(0)] = f"apk {head}"
            return
        if cmd.words[0].text != "apk":
            out.replace[cmd.word_index(0)] = "apk"
        if cmd.words[self.sub].text != head:
            out.replace[cmd.word_index(self.sub)] = head
