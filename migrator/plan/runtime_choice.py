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
from migrator.plan.images import BASE_IMAGES, OS_ECOSYSTEMS
from migrator.records import dataclass, replace
from migrator.regex import glob_match
from migrator.rules.loader import Language, RuleSet

TYPE_CHECKING = False  # not typing's (a cold run's import cost): the annotation only
if TYPE_CHECKING:
    from migrator.parse.imageref import ImageRef



@dataclass(frozen=True)
class RuntimeOverride:
    runtime: str | None = None  # image name:tag for the runtime stage (no registry)
    builder: str | None = None  # image name:tag for the final stage's builder, when it changes too
    ecosystem: str | None = None  # the ecosystem that plans the runtime stage
    single_stage: bool = False  # keep the final stage as one stage on the base image
    packages: tuple[str, ...] = ()  # single stage: the language the original image had, from apk
    pins: tuple[tuple[str, str], ...] = ()  # single stage: Wolfi name -> the stream's own (py3-requests -> py3.13-)
    reason: str = ""
    code: str = "MIG546"  # the finding that says why (MIG558: a warning, the runtime keeps the SDK)
    # single stage: the Wolfi packages the stage installs (a compiler among them: it builds native extensions)
    installed: tuple[str, ...] = ()
    # a split runtime on a -dev image: Wolfi packages it installs with apk that the original final stage did not
    # (the libraries a downloaded browser loads: plan.browsers)
    runtime_packages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Need:
    """What the runtime check found the command needs."""

    image: str  # the runtime image the check ran against
    program: str | None
    inner: str | None  # the program inside `sh -c`
    kind: str  # "missing" | "shell" | "bash" | "no-command" | "arguments" | "sdk" | "run-through"


def base_image(options: Options) -> str:
    """wolfi-base on the public registry; organisations get chainguard-base."""
    return "wolfi-base:latest" if options.registry.rstrip("/") == DEFAULT_REGISTRY else "chainguard-base:latest"


def alternatives(need: Need, ecosystem: str | None, root_is_final: bool, installs_for_run_time: bool,
                 rules: RuleSet, options: Options, installed: tuple[str, ...] = (),
                 source_tag: str | None = None, chain_image: str | None = None,
                 source_repository: str | None = None, global_npm: tuple[str, ...] = ()) -> list[RuntimeOverride]:
    """Overrides to try, in order, for a final stage whose command cannot start. `installed`: the Wolfi
    packages the final stage installs (a language among them names the image a console script needs);
    `source_tag`, `source_repository`: the original image (php:8.2-fpm starts php-fpm; openjdk:17 pins Java
    17); `chain_image`: the image a final stage built FROM another stage inherits (a -dev image); `global_npm`: the
    packages it installs globally (`npm install -g`, `yarn global add`, `pnpm add -g`: pm2, whose pm2-runtime the
    command may start)."""
    os_image = ecosystem in OS_ECOSYSTEMS or ecosystem is None
    current = need.image.rsplit("/", 1)[-1].split(":")[0]
    found: list[RuntimeOverride] = []
    language = _language(need, rules, installed if os_image else ())
    wants_shell = need.kind in ("shell", "bash")
    if language is not None and os_image and need.kind in ("missing", "shell", "bash"):
        found += _with_libraries(language, installed, options)
    if language is not None and need.kind in ("missing", "shell"):
        runtime = language.runtime
        if wants_shell and not rules.image_facts(language.runtime_name).shell:
            partner = rules.image_facts(language.runtime_name).shell_partner
            runtime = f"{partner}:latest" if partner else runtime
        if runtime.split(":")[0] != current:
            builder = language.builder if (os_image and root_is_final) else None
            found.append(RuntimeOverride(runtime, builder, language.name,
                                         reason=f"`{need.inner or need.program}` runs on {language.runtime_name}"))
    if need.kind == "shell" and os_image and installs_for_run_time:
        found.append(_single(options, "its command needs a shell and the packages the stage installs"))
    if wants_shell and chain_image is not None:
        found += _chain_kept(need, chain_image, rules, options)
    if need.kind == "shell":
        partner = rules.image_facts(current).shell_partner
        if partner and partner in BASE_IMAGES and installed and root_is_final:
            # wolfi-base can install what the original final stage installed: one stage keeps it all
            found.append(_single(options, "its command needs a shell, and wolfi-base keeps the packages the "
                                 "stage installs"))
        elif partner:
            found.append(RuntimeOverride(f"{partner}:{_tag(need.image)}", reason=f"{partner} has a shell"))
    if wants_shell and root_is_final and current not in BASE_IMAGES:
        found += _language_on_base(need, language or image_language(current, rules), rules, options, source_tag,
                                   source_repository, installed)
    if need.kind == "run-through" and rules.image_facts(current).dev:
        found.append(RuntimeOverride(f"{current}:{dev_tag(need.image)}", reason=(
            f"the stage has no command of its own, and the command given when the container starts runs through "
            f"`{need.program}` (or a shell), which only {current}'s -dev image has")))
    tool = posixpath.basename(need.program or "")
    if need.kind == "missing" and tool in _DEV_LAUNCHERS and rules.image_facts(current).dev and \
            rules.image_model(f"{current}:{dev_tag(need.image)}").has_program(tool):
        found.append(RuntimeOverride(f"{current}:{dev_tag(need.image)}", reason=(
            f"`{tool}`, which the start command runs, is on {current}'s -dev image only, and the command could not be "
            f"ported to npm or node (that needs package.json in the build context on disk to say what it runs: a "
            f"script, or a package binary in node_modules/.bin): the runtime keeps the -dev image (busybox sh, apk, "
            f"build tools); migrate with the build context, or start the app with node or npm, to run on {current}"),
            code="MIG575"))
    if need.kind in ("missing", "shell", "bash") and tool in _SOURCE_BUILD_TOOLS and root_is_final:
        found.insert(0, replace(_single(options, _builds_at_start(tool)), code="MIG536"))
    if need.kind == "sdk":
        found.append(RuntimeOverride("dotnet-sdk:latest", reason=f"`{need.program} run` builds and runs the project, "
                                     "which needs the .NET SDK: dotnet-sdk (busybox sh, compilers) is the runtime; "
                                     "publish in the builder and start the dll to run on aspnet-runtime",
                                     code="MIG558"))
    if need.kind == "missing" and not os_image and root_is_final and (
            _from_installed_package(tool, installed, rules) or _from_global_npm(tool, global_npm)):
        how = "globally, with npm, yarn or pnpm" if _from_global_npm(tool, global_npm) else \
            "with the OS package manager"
        found.append(replace(_single(options, f"`{tool}`, which the start command runs, comes from a package the stage "
                                     f"installs ({how}), and nothing can be installed into the distroless {current}: "
                                     "one stage on wolfi-base installs it, with the language"), code="MIG586"))
    if os_image and need.kind in ("missing", "no-command", "shell"):
        found.append(_single(options, "what it starts comes from the packages the stage installs"))
    unique: list[RuntimeOverride] = []
    for override in found:
        override = replace(override, installed=installed) if override.single_stage else override
        if override not in unique:
            unique.append(override)
    return unique


# launchers a language's -dev image ships and its runtime image does not (node: yarn, pnpm), whose command a
# runtime without them cannot always be ported to (rewrite.launchers)
_DEV_LAUNCHERS = frozenset({"yarn", "pnpm"})
# start commands that build and run the app from its sources (`mvn spring-boot:run`, `gradle bootRun`, `go run .`,
# `cargo run`): the toolchain stays in the runtime
_SOURCE_BUILD_TOOLS = {"mvn": "maven", "mvnw": "the Maven wrapper", "gradle": "gradle", "gradlew": "the Gradle wrapper",
                       "go": "go", "cargo": "cargo"}


def _from_installed_package(program: str, installed: tuple[str, ...], rules: RuleSet) -> bool:
    """The stage installs the Wolfi package that provides the program (supervisor's supervisord), not only the
    language that runs it."""
    from migrator.validate.stage_files import installed_by_package

    language = rules.language_of(program)
    own = [p for p in installed if language is None or not any(glob_match(p, g) for g in language.packages)]
    return bool(program) and installed_by_package(program, own, rules)


def _from_global_npm(program: str, packages: tuple[str, ...]) -> bool:
    """A global install of pm2 gives pm2 and pm2-runtime: a program named after a package the stage installs
    globally."""
    names = {posixpath.basename(p) for p in packages}  # (@scope/name)
    return bool(program) and any(program == n or program.startswith(f"{n}-") for n in names)


def _builds_at_start(tool: str) -> str:
    if tool in ("go", "cargo"):
        return (f"`{tool}` builds the app from its sources each time it starts (as the original did): one stage keeps "
                f"{_SOURCE_BUILD_TOOLS[tool]} and the sources; build the program in the builder (`{tool} build`) "
                "and start it to run on a distroless image with only the program")
    return (f"`{tool}` builds the app from its sources each time it starts (as the original did): one stage keeps "
            f"the JDK, {_SOURCE_BUILD_TOOLS[tool]} and the sources; package the app in the builder and start "
            "`java -jar` with the jar to run on jre with only the jar")


def dev_tag(image: str) -> str:
    """The tag of an image's -dev variant, on the same version: ruby:3.3 (--tag-policy keep) -> 3.3-dev."""
    tag = _tag(image)
    return tag if tag.endswith("-dev") else f"{tag}-dev"


def _tag(image: str) -> str:
    """The tag of an image reference, which says its version under --tag-policy keep (jre:17 -> jdk:17)."""
    return image.rsplit("/", 1)[-1].split("@")[0].partition(":")[2] or "latest"


def _language_on_base(need: Need, language: Language | None, rules: RuleSet, options: Options,
                      source_tag: str | None, source_repository: str | None,
                      installed: tuple[str, ...]) -> list[RuntimeOverride]:
    """The start command needs a shell (or bash) and a language whose images have none (or no bash): one stage
    on wolfi-base with the language from apk, and bash when the command needs it. A language Wolfi does not
    package for wolfi-base here (.NET) keeps its -dev image, which has bash."""
    current = need.image.rsplit("/", 1)[-1].split(":")[0]
    if language is None:
        return []
    if need.kind == "shell" and rules.image_facts(current).shell_partner:
        return []  # a partner with a shell comes first (jre -> jdk); bash, if the script needs it, after
    if language.on_base:
        bash = ("bash",) if need.kind == "bash" and "bash" not in installed else ()  # else the stage installs it
        packages = on_base(language, source_tag, source_repository) + bash
        what = "bash" if need.kind == "bash" else "a shell"
        return [replace(_single(options, f"its start command needs {what} and {language.name}, and no "
                                f"{language.name} image has {what}"), packages=packages)]
    if need.kind == "bash" and rules.image_facts(current).dev:
        return [RuntimeOverride(f"{current}:{dev_tag(need.image)}", reason=(
            f"its start command needs bash, which {current}'s -dev image has (with busybox sh, apk and build tools): "
            f"port the script to sh, or start the program directly, to run on {current}"))]
    return []


def _chain_kept(need: Need, chain_image: str, rules: RuleSet, options: Options) -> list[RuntimeOverride]:
    """A final stage built FROM another stage stays on that stage's image when it has the shell (and the bash)
    the command needs: a -dev image has both; on wolfi-base, bash is installed (pipeline._with_bash)."""
    model = rules.image_model(chain_image)
    if not model.shell or (need.kind == "bash" and not model.has_program("bash") and model.name not in BASE_IMAGES):
        return []
    what = "bash" if need.kind == "bash" else "a shell"
    return [_single(options, f"its start command needs {what}: the final stage stays on "
                    f"{chain_image.rsplit('/', 1)[-1]}, the image of the stage it is built FROM")]


def image_language(image: str, rules: RuleSet) -> Language | None:
    """The language a Chainguard image runs: its programs include the language's (jdk runs java)."""
    model = rules.image_facts(image)
    for language in rules.languages.values():
        if language.runtime_name == image or any(model.has_program(p) for p in language.programs if "*" not in p):
            return language
    return None


def on_base(language: Language, source_tag: str | None, source_repository: str | None = None) -> tuple[str, ...]:
    """What to apk add on wolfi-base for the language: `{version}` is the stream the source image pinned when
    Wolfi ships it, else the newest; an fpm image (php:8.2-fpm) started php-fpm, which Wolfi packages apart
    from the php command line (`php-fpm` is the virtual name of the current stream's)."""
    from migrator.plan.versions import newest, pinned_version

    names = language.on_base
    if any("{version}" in name for name in names):
        pinned = pinned_version(source_repository or "", source_tag)
        version = pinned.stream if pinned is not None and pinned.language == language.name else newest(language.name)
        names = tuple(name.replace("{version}", version) for name in names)
    if language.name == "php" and "fpm" in (source_tag or ""):
        return tuple(dict.fromkeys(p for name in names for p in ((name, "php-fpm") if name == "php" else (name,))))
    return names


def kept_toolchain(ref: ImageRef | None, ecosystem: str | None, rules: RuleSet,
                   chosen: tuple[str, ...] = ()) -> tuple[str, ...]:
    """What a stage kept on wolfi-base installs so that the toolchain its source image provided stays:
    the language (`on_base`: python's interpreter and pip...), unless the packages `chosen` for the stage
    already install it (a Java the jar was built for), and the build tools the image shipped beside it
    (rules/dockerhub.yaml `toolchains`: golang's go, maven's mvn, rust's cargo)."""
    from migrator.rules.data import builtin_data

    if ref is None:
        return ()
    packages: list[str] = []
    language = rules.languages.get(ecosystem or "")
    if language is not None and language.on_base and not any(
            glob_match(name, pattern) for name in chosen for pattern in language.packages):
        packages += on_base(language, ref.tag, ref.short_name)
    for entry in builtin_data("dockerhub.yaml").get("toolchains") or []:
        if ref.short_name in entry["match"]:
            packages += entry["packages"]
            break
    return tuple(dict.fromkeys(packages))


def kept_headers(ecosystem: str | None, rules: RuleSet, chosen: tuple[str, ...], installed: tuple[str, ...],
                 image_compiler: bool = False) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What a stage kept on wolfi-base with the language adds when it compiles, as it could on the source image:
    the headers Docker Hub's image carried and Wolfi packages apart (python-3-dev), less those the stage installs
    itself (python3-dev, any stream's); and the compilers it compiles with. It compiles when it installs a compiler,
    or (`image_compiler`) when it builds on an image that had one (the full python image: gcc), whose toolchain
    (build-base) is added too."""
    from migrator.rules.wolfi import providers

    language = rules.languages.get(ecosystem or "")
    if language is None or not language.headers or not any(
            glob_match(name, pattern) for name in chosen for pattern in language.packages):
        return (), ()
    compilers = tuple(p for p in installed if any(glob_match(p, g) for g in language.compilers))
    toolchain = ("build-base",) if image_compiler and not compilers else ()
    if not compilers and not toolchain:
        return (), ()
    owned = set(chosen) | set(installed)
    headers = tuple(h for h in language.headers if h not in owned and not owned & set(providers(h)))
    return tuple(p for p in toolchain if p not in owned) + headers, compilers or toolchain


def _with_libraries(language: Language, installed: tuple[str, ...], options: Options) -> list[RuntimeOverride]:
    """The stage installs the language's libraries as OS packages (py3-requests): they are in no tree a runtime
    could copy, and the distroless runtime cannot install them, so the stage stays one stage on wolfi-base,
    with the language and the libraries of one stream (MIG587)."""
    from migrator.plan.distro_libraries import library_packages, stream_pins
    from migrator.plan.versions import streams

    libraries = library_packages(installed, language)
    if not libraries:
        return []
    stream, pins = stream_pins(installed, language, streams(language.name))
    name = language.name.capitalize()
    listed = ", ".join(dict(pins).get(p, p) for p in libraries)
    how = f"{name} {stream}, the newest {name} Wolfi builds them all for" if stream else name
    return [RuntimeOverride(base_image(options), single_stage=True, pins=pins, code="MIG587", reason=(
        f"the stage installs {name} libraries as OS packages ({listed}), which the distroless "
        f"{language.runtime_name} runtime does not have and cannot install: one stage on wolfi-base installs them "
        f"with {how}; to run on {language.runtime_name}, install them with pip into a virtualenv in a builder "
        f"stage and copy it"))]


def library_pins(installed: tuple[str, ...], rules: RuleSet) -> tuple[tuple[str, str], ...]:
    """A stage kept on wolfi-base that installs a language's libraries as OS packages installs them, and the
    language, for one stream (plan.distro_libraries): Wolfi name -> that stream's."""
    from migrator.plan.distro_libraries import library_packages, stream_pins
    from migrator.plan.versions import streams

    for language in rules.languages.values():
        if language.libraries and library_packages(installed, language):
            return stream_pins(installed, language, streams(language.name))[1]
    return ()


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
