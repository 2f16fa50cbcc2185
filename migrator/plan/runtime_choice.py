"""Another runtime for a final stage that cannot start on the one its image rule chose.

The first migration follows the image rules and the ecosystem (python -> python, a distro final
stage -> static or glibc-dynamic). When the runtime check (migrator.validate.startable) says the
command cannot start there, the command itself says what it needs, smallest image first:

- a language interpreter (python3, node, java...): that language's image, built on its -dev image
  when the final stage was a distro image with the language from OS packages;
- a shell (an entrypoint script, a `sh -c` command that cannot be written in exec form): the
  image's `shell_partner` (jre -> jdk, glibc-dynamic -> wolfi-base), with a warning;
- a program that OS packages installed in a distro final stage, or no command at all (a base
  image): the final stage stays one stage on wolfi-base (chainguard-base for organisations).
"""

from __future__ import annotations

import posixpath

from migrator.model import DEFAULT_REGISTRY, Options
from migrator.records import dataclass, replace
from migrator.regex import glob_match
from migrator.rules.loader import Language, RuleSet

# ecosystems whose final stage is an OS image, not a language image: the command decides
OS_ECOSYSTEMS = frozenset({"distro", "c", "static", "service"})


@dataclass(frozen=True)
class RuntimeOverride:
    runtime: str | None = None  # image name:tag for the runtime stage (no registry)
    builder: str | None = None  # image name:tag for the final stage's builder, when it changes too
    ecosystem: str | None = None  # the ecosystem that plans the runtime stage
    single_stage: bool = False  # keep the final stage as one stage on the base image
    packages: tuple[str, ...] = ()  # single stage: the language the original image had, from apk
    reason: str = ""
    code: str = "MIG546"  # the finding that says why (MIG558: a warning, the runtime keeps the SDK)


@dataclass(frozen=True)
class Need:
    """What the runtime check found the command needs."""

    image: str  # the runtime image the check ran against
    program: str | None
    inner: str | None  # the program inside `sh -c`
    kind: str  # "missing" | "shell" | "no-command" | "arguments"


def base_image(options: Options) -> str:
    """wolfi-base on the public registry; organisations get chainguard-base."""
    return "wolfi-base:latest" if options.registry.rstrip("/") == DEFAULT_REGISTRY else "chainguard-base:latest"


def alternatives(need: Need, ecosystem: str | None, root_is_final: bool, installs_for_run_time: bool,
                 rules: RuleSet, options: Options, installed: tuple[str, ...] = (),
                 source_tag: str | None = None) -> list[RuntimeOverride]:
    """Overrides to try, in order, for a final stage whose command cannot start. `installed`: the Wolfi
    packages the final stage installs (a language among them names the image a console script needs);
    `source_tag`: the tag of the original image (php:8.2-fpm starts php-fpm)."""
    os_image = ecosystem in OS_ECOSYSTEMS or ecosystem is None
    current = need.image.rsplit("/", 1)[-1].split(":")[0]
    found: list[RuntimeOverride] = []
    language = _language(need, rules, installed if os_image else ())
    wants_shell = need.kind == "shell"
    if language is not None and need.kind in ("missing", "shell"):
        runtime = language.runtime
        if wants_shell and not rules.image_facts(language.runtime_name).shell:
            partner = rules.image_facts(language.runtime_name).shell_partner
            runtime = f"{partner}:latest" if partner else runtime
        if runtime.split(":")[0] != current:
            builder = language.builder if (os_image and root_is_final) else None
            found.append(RuntimeOverride(runtime, builder, language.name,
                                         reason=f"`{need.inner or need.program}` runs on {language.runtime_name}"))
    if wants_shell and os_image and installs_for_run_time:
        found.append(_single(options, "its command needs a shell and the packages the stage installs"))
    if wants_shell:
        partner = rules.image_facts(current).shell_partner
        if partner and partner in BASE_IMAGES and installed and root_is_final:
            # wolfi-base can install what the original final stage installed: one stage keeps it all
            found.append(_single(options, "its command needs a shell, and wolfi-base keeps the packages the "
                                 "stage installs"))
        elif partner:
            found.append(RuntimeOverride(f"{partner}:latest", reason=f"{partner} has a shell"))
        own = language or next((lang for lang in rules.languages.values() if lang.runtime_name == current), None)
        if not partner and own is not None and own.on_base and root_is_final:
            found.append(replace(_single(options, f"its start command needs a shell and {own.name}, and no "
                                         f"{own.name} image has a shell"), packages=on_base(own, source_tag)))
    if need.kind == "sdk":
        found.append(RuntimeOverride("dotnet-sdk:latest", reason=f"`{need.program} run` builds and runs the project, "
                                     "which needs the .NET SDK: dotnet-sdk (busybox sh, compilers) is the runtime; "
                                     "publish in the builder and start the dll to run on aspnet-runtime",
                                     code="MIG558"))
    if os_image and need.kind in ("missing", "no-command", "shell"):
        found.append(_single(options, "what it starts comes from the packages the stage installs"))
    unique: list[RuntimeOverride] = []
    for override in found:
        if override not in unique:
            unique.append(override)
    return unique


BASE_IMAGES = frozenset({"wolfi-base", "chainguard-base"})


def on_base(language: Language, source_tag: str | None) -> tuple[str, ...]:
    """What to apk add on wolfi-base for the language: an fpm image (php:8.2-fpm) started php-fpm, which Wolfi
    packages apart from the php command line (`php-fpm` is the virtual name of the current stream's)."""
    if language.name == "php" and "fpm" in (source_tag or ""):
        return tuple(dict.fromkeys(p for name in language.on_base for p in ((name, "php-fpm") if name == "php"
                                                                              else (name,))))
    return language.on_base


def _single(options: Options, reason: str) -> RuntimeOverride:
    return RuntimeOverride(runtime=base_image(options), single_stage=True, reason=reason)


def _language(need: Need, rules: RuleSet, installed: tuple[str, ...]) -> Language | None:
    """The language the command needs: its program (or the one inside `sh -c`) is the interpreter, or
    the stage installs the language from OS packages (a console script, `yarn start`)."""
    for program in (need.program, need.inner):
        if program:
            language = rules.language_of(posixpath.basename(program))
            if language is not None:
                return language
    for package in installed:
        for language in rules.languages.values():
            if any(glob_match(package, pattern) for pattern in language.packages):
                return language
    return None


def merged(first: RuntimeOverride | None, second: RuntimeOverride) -> RuntimeOverride:
    """A later override keeps what an earlier one decided and it does not change."""
    if first is None:
        return second
    return replace(second, builder=second.builder or first.builder, ecosystem=second.ecosystem or first.ecosystem)
