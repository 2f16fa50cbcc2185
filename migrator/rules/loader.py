"""Load rule files (YAML) into a RuleSet.

Built-in rules ship in `rules/` (installed as `migrator/_rules`). User files passed with
`--rules FILE` use the same format and take precedence: their image rules are tried first, their
package entries override the built-in ones. The built-in rules, read and checked, are kept
between runs (rules.cache, keyed by the files' content): the hot path pays neither for a YAML
parser nor for checking 2,000 entries on every run.
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

from migrator.model import MigratorError
from migrator.records import dataclass, field, field_names, from_fields, replace
from migrator.regex import glob_match

TYPE_CHECKING = False  # not typing's: importing typing costs 2 ms of a cold run (docs/performance.md)
if TYPE_CHECKING:
    from typing import Any

FAMILIES = ("debian", "alpine", "fedora")
ECOSYSTEMS = (
    "python", "node", "go", "java", "rust", "ruby", "php", "dotnet", "static-site", "c", "distro",
    "service", "chainguard", "static",
)


@dataclass(frozen=True)
class ImageRule:
    match: str
    tags: tuple[str, ...] = ()
    ecosystem: str | None = None
    builder: str | None = None
    runtime: str | None = None
    family: str | None = None
    unsupported: str | None = None
    notes: str | None = None
    origin: str = ""  # "file:line" the rule came from, for messages
    shell: str | None = None  # the shell the SOURCE image ships (bash | sh | none); None: from the family
    version: str | None = None  # regular expression whose first group in the tag is `{version}`; None: its start
    sh: str | None = None  # what /bin/sh is on the SOURCE image (bash | dash | ash); None: from the family (family_sh)

    def applies_to(self, repository: str, tag: str | None) -> bool:
        if not glob_match(repository, self.match):
            return False
        if not self.tags:
            return True
        return tag is not None and any(glob_match(tag, pattern) for pattern in self.tags)


@dataclass(frozen=True)
class PackageMapping:
    names: tuple[str, ...]  # empty: not needed in Wolfi
    note: str | None = None


@dataclass(frozen=True)
class ChainguardImage:
    """What a Chainguard image is like (rules/chainguard-images.yaml): the runtime tag, or its -dev variant."""

    name: str
    entrypoint: tuple[str, ...] = ()
    cmd: tuple[str, ...] = ()
    user: str = "nonroot"
    uid: int = 65532
    shell: bool = False
    shell_kind: str = "none"  # none | busybox | bash
    workdir: str | None = None
    env: tuple[tuple[str, str], ...] = ()
    programs: tuple[str, ...] = ()  # on PATH, besides busybox applets (globs; {version}: the tag's, python{version})
    tools: tuple[str, ...] = ()  # programs the runtime image ships that commands may rely on
    packages: frozenset[str] = frozenset()  # Wolfi packages already in the runtime image
    dev: bool = False  # a `-dev` variant exists (shell, apk): the builder for runtime-only sources
    dev_programs: tuple[str, ...] = ()  # what the -dev variant adds besides apk, bash, busybox, git, wget
    paths: tuple[tuple[str, str], ...] = ()  # where this image keeps what Docker Hub's keeps elsewhere
    shell_partner: str | None = None  # the smallest image with the same programs and a shell
    known: bool = True  # False: entrypoint and programs not in the source; the check says "unverified"
    is_dev: bool = False  # this model describes the -dev tag
    applets: tuple[str, ...] = ()  # busybox applets, when the shell is busybox
    accounts: tuple[str, ...] = ()  # users and groups the image has besides its own user (postgres's postgres)
    # the ENTRYPOINT is a docker-entrypoint.sh that runs a CMD which is a command (postgres, haproxy), as Docker
    # Hub's image does: the CMD keeps its meaning without an ENTRYPOINT of its own
    entrypoint_runs_commands: bool = False

    def has_program(self, name: str) -> bool:
        """Is `name` a program on this image's PATH (standard directories)?"""
        if self.shell and name in ("sh", "busybox") and self.shell_kind != "bash":
            return True
        if name == "bash" and self.shell_kind == "bash":
            return True
        if self.shell_kind == "busybox" and name in self.applets:
            return True
        return any(glob_match(name, pattern) for pattern in self.programs)

    def development(self, common_dev: tuple[str, ...]) -> ChainguardImage:
        """The -dev variant: the same image plus apk, bash, busybox, git, wget and its build tools."""
        return replace(self, is_dev=True, shell=True, shell_kind="busybox",
                       programs=self.programs + common_dev + self.dev_programs)


@dataclass
class RuleSet:
    images: list[ImageRule] = field(default_factory=list)
    packages: dict[str, dict[str, PackageMapping]] = field(default_factory=dict)
    runtime_libs: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    chainguard: dict[str, ChainguardImage] = field(default_factory=dict)
    build_tools: set[str] = field(default_factory=set)  # packages only a build needs
    applets: tuple[str, ...] = ()  # busybox applets (chainguard-images.yaml)
    dev_programs: tuple[str, ...] = ()  # what every -dev image adds
    languages: dict[str, Language] = field(default_factory=dict)
    dockerhub_paths: dict[str, str] = field(default_factory=dict)  # path glob -> why Chainguard lacks it
    dockerhub_env: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)  # path -> ENV recreating it
    dockerhub_moved: dict[str, str] = field(default_factory=dict)  # path -> where the Chainguard image has it
    # path -> (source repository globs, families) of the images that have it; absent: every source image
    dockerhub_images: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)
    upstream: list[UpstreamDefaults] = field(default_factory=list)
    family_sh: dict[str, str] = field(default_factory=dict)  # package family -> what /bin/sh is on its images

    def dockerhub_path_applies(self, pattern: str, repository: str | None, family: str | None) -> bool:
        """Whether the source-image path `pattern` (dockerhub_paths) is one of the stage's source image: its
        repository (`node`, `bitnami/php-fpm`) matches the entry's `images`, or its package family is in the
        entry's `families`. None: not known, and every path counts."""
        images, families = self.dockerhub_images.get(pattern, ((), ()))
        if repository is None or not (images or families):
            return True
        return family in families or any(glob_match(repository, image) for image in images)

    def image_rule(self, repository: str, tag: str | None) -> ImageRule | None:
        for rule in self.images:
            if rule.applies_to(repository, tag):
                return rule
        return None

    def package(self, family: str, name: str) -> PackageMapping | None:
        return self.packages.get(family, {}).get(name)

    def image_facts(self, image_name: str) -> ChainguardImage:
        """Facts about a Chainguard image by name (`python`, `jre`); unknown names get defaults."""
        return self.chainguard.get(image_name) or ChainguardImage(image_name, known=False)

    def has_model(self, reference: str) -> bool:
        """Does the image model describe this Chainguard image (`.../caddy:latest-dev` -> caddy)?"""
        return reference.rsplit("/", 1)[-1].split("@")[0].partition(":")[0] in self.chainguard

    def image_model(self, reference: str) -> ChainguardImage:
        """The model of a Chainguard image reference: `.../php:latest-fpm-dev` is php's fpm tag, -dev variant. Made
        once per reference (a migration asks a score of times; the models are frozen)."""
        made: dict[str, ChainguardImage] = self.__dict__.setdefault("_image_models", {})
        if reference not in made:
            made[reference] = self._image_model(reference)
        return made[reference]

    def _image_model(self, reference: str) -> ChainguardImage:
        last = reference.rsplit("/", 1)[-1].split("@")[0]
        name, _, tag = last.partition(":")
        model = self.image_facts(name)
        if "fpm" in tag and f"{name}:fpm" in self.chainguard:
            model = self.chainguard[f"{name}:fpm"]
        model = replace_applets(model, self.applets)
        if any("{version}" in p for p in model.programs):
            model = replace(model, programs=tuple(p.replace("{version}", self._served_version(name, tag))
                                                  for p in model.programs))
        if tag == "dev" or tag.endswith("-dev"):
            return model.development(self.dev_programs)
        return model

    def served_version(self, name: str, tag: str) -> str:
        """The language version an image's tag serves (python, 3.12-dev -> 3.12; latest -> the newest)."""
        return self._served_version(name, tag)

    def _served_version(self, name: str, tag: str) -> str:
        """The language version an image's tag serves: its own (`3.11-dev`), or the newest one on `latest`."""
        from migrator.plan.versions import newest

        pinned = re.match(r"\d+(?:\.\d+)*", tag)
        if pinned is not None:
            return pinned.group(0)
        language = next((n for n, lang in self.languages.items() if lang.runtime_name == name), name)
        return newest(language) or "*"

    def language_of(self, program: str) -> Language | None:
        """The language whose image runs `program` (python3.12 -> python), or None."""
        for language in self.languages.values():
            if any(glob_match(program, pattern) for pattern in language.programs):
                return language
        return None

    def upstream_defaults(self, repository: str, tag: str | None) -> UpstreamDefaults:
        for entry in self.upstream:
            if glob_match(repository, entry.match) and (
                not entry.tags or (tag is not None and any(glob_match(tag, t) for t in entry.tags))
            ):
                return entry
        return UpstreamDefaults("*")


def replace_applets(model: ChainguardImage, applets: tuple[str, ...]) -> ChainguardImage:
    return replace(model, applets=applets) if model.shell_kind == "busybox" or not model.shell else model


@dataclass(frozen=True)
class Language:
    """A language runtime a start command can need (chainguard-images.yaml `languages`)."""

    name: str
    programs: tuple[str, ...]
    builder: str  # image name:tag, without registry
    runtime: str
    packages: tuple[str, ...] = ()  # Wolfi package globs that install it
    on_base: tuple[str, ...] = ()  # what to apk add on wolfi-base to run it there
    run_through: str | None = None  # what a command given at start runs through (ruby: bundle)
    libraries: tuple[str, ...] = ()  # Wolfi package globs of the language's libraries (python: py3-*)
    library_tools: tuple[str, ...] = ()  # globs of those that only build or install (py3-pip, py3-setuptools)
    stream_names: tuple[str, ...] = ()  # globs of a stream's own package names, `{stream}` its version
    headers: tuple[str, ...] = ()  # what wolfi-base adds for a stage that compiles against it (python-3-dev)
    compilers: tuple[str, ...] = ()  # Wolfi package globs of the compilers that make a stage need `headers`

    @property
    def runtime_name(self) -> str:
        return self.runtime.split(":")[0]


@dataclass(frozen=True)
class UpstreamDefaults:
    """What a Docker Hub (or distroless) source image sets that a stage may rely on."""

    match: str
    tags: tuple[str, ...] = ()
    workdir: str = "/"
    entrypoint: tuple[str, ...] = ()
    cmd: tuple[str, ...] = ()
    entrypoint_passes_commands: bool = False  # docker-entrypoint.sh-style: runs CMD when it is a command
    env: tuple[tuple[str, str], ...] = ()  # the ENV the image sets that a stage may read (golang's GOPATH=/go)
    # the ENV the image sets to a part of its tag: NAME, and the regex whose group is the value (postgres's PG_MAJOR)
    tag_env: tuple[tuple[str, str], ...] = ()
    servers: tuple[str, ...] = ()  # other names of the server program `cmd` starts (mariadb's mariadbd: mysqld)
    # the WORKDIR is the server's own directory (httpd's /usr/local/apache2, tomcat's /usr/local/tomcat, redis's
    # /data), not an app directory: a stage adds files to it, and only those are the app's
    server_workdir: bool = False
    user: str | None = None  # the USER the image runs as when it is not root (Red Hat's s2i images: 1001)
    home: str | None = None  # that user's HOME in the image (s2i: /opt/app-root/src), where its tools keep caches
    # the ENV the image sets that changes how the app runs, not only what a stage reads (the -alpine .NET images'
    # DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=true): written into the migrated final stage unless it sets it itself
    runtime_env: tuple[tuple[str, str], ...] = ()
    # the entrypoint script only execs its arguments, with this program in front when the first is an option or
    # not a program (node's docker-entrypoint.sh: `node server.js` as is, `server.js` as `node server.js`)
    entrypoint_execs: str | None = None
    # the endings of a first argument the script hands to that program besides an option (node's `.js`: a file not
    # on PATH; redis's `.conf`): none, options only (php's docker-php-entrypoint)
    entrypoint_execs_files: tuple[str, ...] = ()
    # the image's own CMD starts the app a stage copies in (tiangolo's /start.sh): a file with no CMD of its own
    # started the app, and a migration without a command cannot
    starts_app: bool = False

    def env_for(self, tag: str | None) -> dict[str, str]:
        """The ENV the image of this tag sets, as far as the rules know it (PG_MAJOR=16 for postgres:16)."""
        known = dict(self.env)
        for name, regex in self.tag_env:
            if tag is not None and (found := re.match(regex, tag)):
                known[name] = found.group(1)
        return known


@cache  # (a run asks a dozen times, and each resolve() reads links)
def builtin_rules_dir() -> Path:
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "_rules", here.parent / "rules"):
        if (candidate / "images.yaml").is_file():
            return candidate
    raise MigratorError("built-in rules not found (broken installation)")


def builtin_rule_files() -> list[Path]:
    root = builtin_rules_dir()
    files = [root / "images.yaml", root / "runtime-libs.yaml", root / "chainguard-images.yaml",
             root / "php-extensions.yaml", root / "npm-programs.yaml"]
    files += sorted((root / "packages").glob("*.yaml"))
    return [f for f in files if f.is_file()]


# the rules of each set of user files, by (path, mtime_ns, size) of each: a long-running process (the bot) reads
# a rules file again once it is edited, and keeps only the newest rules of the same paths
_cache: dict[tuple[tuple[Path, int, int], ...], RuleSet] = {}


def load_rules(user_files: tuple[Path, ...] = ()) -> RuleSet:
    key = tuple(_file_key(p) for p in user_files)
    if key not in _cache:
        if not user_files:
            _cache[key] = _builtin_rules()
        else:
            ruleset = RuleSet()
            # user files first: their image rules must win (first match wins)
            for data, origin in [(_load_user(p), str(p)) for p in user_files]:
                _merge(ruleset, data, origin, override=True)
            for data, origin in _builtin_data():
                _merge(ruleset, data, origin, override=False)
            for stale in [k for k in _cache if [p for p, _, _ in k] == list(user_files)]:
                del _cache[stale]
            _cache[key] = ruleset
    return _cache[key]


def _file_key(path: Path) -> tuple[Path, int, int]:
    """A user rules file as the cache knows it: its path, modification time and size (-1: it cannot be read)."""
    try:
        status = path.stat()
    except OSError:
        return path, -1, -1
    return path, status.st_mtime_ns, status.st_size


# --- the built-in rules, kept between runs (rules.cache) ------------------------------------------

# RuleSet fields that hold records, and how: the others are plain values marshal keeps as they are
_RECORDS: dict[str, tuple[str, type]] = {
    "images": ("list", ImageRule), "upstream": ("list", UpstreamDefaults), "chainguard": ("dict", ChainguardImage),
    "languages": ("dict", Language), "packages": ("dict of dicts", PackageMapping),
}


def _builtin_rules() -> RuleSet:
    """The built-in rules, read and checked: what the run without --rules uses."""
    from migrator.rules.cache import cached

    def build(contents: list[bytes]) -> RuleSet:
        ruleset = RuleSet()
        for data, origin in _builtin_data():
            _merge(ruleset, data, origin, override=False)
        return ruleset

    checks_source = os.path.join(os.path.dirname(__file__), "checks.py")  # (not imported: the cache spares it)
    return cached("rules", builtin_rule_files(), build, _to_plain, _from_plain, code=(__file__, checks_source))


def _builtin_data() -> list[tuple[dict[str, Any], str]]:
    """The built-in rules files as parsed YAML (with --rules, they are merged under the user's)."""
    from migrator.rules.cache import cached

    files = builtin_rule_files()
    return cached("rules-data", files, lambda contents: [(_parse_yaml(f), f.name) for f in files],
                  lambda loaded: loaded, _parsed_files, code=(__file__,))


def _parsed_files(plain: Any) -> list[tuple[dict[str, Any], str]]:
    if not all(isinstance(data, dict) and isinstance(origin, str) for data, origin in plain):
        raise TypeError("not parsed rules files")
    return [(data, origin) for data, origin in plain]


def _to_plain(ruleset: RuleSet) -> dict[str, Any]:
    """The rule set as dicts, lists, tuples and strings (a record is the tuple of its fields)."""
    def values(record: Any) -> tuple[Any, ...]:
        return tuple(getattr(record, name) for name in field_names(type(record)))

    plain: dict[str, Any] = {}
    for name in field_names(RuleSet):
        value = getattr(ruleset, name)
        shape = _RECORDS.get(name, ("plain", object))[0]
        if shape == "list":
            value = [values(item) for item in value]
        elif shape == "dict":
            value = {key: values(item) for key, item in value.items()}
        elif shape == "dict of dicts":
            value = {key: {inner: values(item) for inner, item in table.items()} for key, table in value.items()}
        plain[name] = value
    return plain


def _from_plain(plain: dict[str, Any]) -> RuleSet:
    values: dict[str, Any] = {}
    for name in field_names(RuleSet):
        value = plain[name]
        shape, cls = _RECORDS.get(name, ("plain", object))
        if shape == "list":
            value = from_fields(cls, value)
        elif shape == "dict":
            value = dict(zip(value, from_fields(cls, value.values()), strict=True))
        elif shape == "dict of dicts":
            value = {key: dict(zip(table, from_fields(cls, table.values()), strict=True))
                     for key, table in value.items()}
        values[name] = value
    return RuleSet(**values)


# --- reading files ---------------------------------------------------------------------------

def _load_user(path: Path) -> dict[str, Any]:
    if not path.is_file():
        reason = "not a regular file" if path.exists() else "rules file not found"
        raise MigratorError(f"{path}: {reason}")
    return _parse_yaml(path)


def _parse_yaml(path: Path) -> dict[str, Any]:
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    from migrator.yamlfile import yaml_reader

    yaml = yaml_reader("safe")
    try:
        data = yaml.load(path.read_text(encoding="utf-8"))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark is not None and "stream end" in str(exc.problem):
            mark = exc.context_mark  # "unexpected end": the line where the open construct started helps more
        line = mark.line + 1 if mark is not None else 0
        raise MigratorError(f"{path}:{line}: invalid YAML: {exc.problem or exc.context}") from None
    except YAMLError as exc:
        raise MigratorError(f"{path}: invalid YAML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise MigratorError(f"{path}: cannot read rules file: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise MigratorError(f"{path}:1: a rules file must be a mapping (images:, packages:, ...)")
    _annotate_lines(path, data)
    return data


def _annotate_lines(path: Path, data: dict[str, Any]) -> None:
    """Record the line of each image rule so that later errors can name it."""
    text = path.read_text(encoding="utf-8").splitlines()
    rules = data.get("images")
    if not isinstance(rules, list):
        return
    search_from = 0
    for rule in rules:
        if not isinstance(rule, dict) or "match" not in rule:
            continue
        for number in range(search_from, len(text)):
            if "match:" in text[number] and str(rule["match"]) in text[number]:
                rule["__line__"] = number + 1
                search_from = number + 1
                break


# --- validating and merging ------------------------------------------------------------------

_IMAGE_KEYS = {"match", "tags", "ecosystem", "builder", "runtime", "family", "unsupported", "notes", "shell",
               "version", "sh", "__line__"}
SOURCE_SHELLS = ("bash", "sh", "none")
SH_PROGRAMS = ("bash", "dash", "ash")  # what /bin/sh can be on a source image


def _merge(ruleset: RuleSet, data: dict[str, Any], origin: str, override: bool) -> None:
    from migrator.rules import checks  # (only when rules are read, not from the cache)

    known = {
        "images", "packages", "family", "libraries", "dev_packages", "python", "ruby", "node", "php", "chainguard",
        "build_tools", "php_extensions", "php_builtin", "busybox_applets", "dev_programs", "languages",
        "dockerhub_paths", "upstream", "program_packages", "npm_programs", "rust", "rust_static", "linked", "family_sh",
        "loaded_data",
    }
    for key in data:
        if key not in known:
            expected = ", ".join(sorted(known))
            raise MigratorError(f"{origin}: unknown top-level key '{key}' (expected one of: {expected})")
    for raw in checks.listed(data.get("images"), f"{origin}: images", "image rules"):
        ruleset.images.append(_image_rule(raw, origin))
    if "packages" in data:
        family = data.get("family")
        if family not in FAMILIES:
            raise MigratorError(f"{origin}: 'family' must be one of {', '.join(FAMILIES)} when 'packages' is given")
        table = ruleset.packages.setdefault(family, {})
        entries = data["packages"] or {}
        if not isinstance(entries, dict):
            raise MigratorError(f"{origin}: 'packages' must be a mapping of source name -> Wolfi name(s)")
        for name, value in entries.items():
            checks.source_package(name, f"{origin}: package", family)
            if override or str(name) not in table:
                table[str(name)] = _package_mapping(str(name), value, origin)
    for name, raw in checks.mapping(data.get("chainguard"), f"{origin}: chainguard", "image name: facts").items():
        if override or name not in ruleset.chainguard:
            ruleset.chainguard[str(name)] = _chainguard_image(str(name), raw, origin)
    _merge_image_model(ruleset, data, origin, override)
    tools = data.get("build_tools")
    if tools is not None:
        if not isinstance(tools, list):
            raise MigratorError(f"{origin}: 'build_tools' must be a list of Wolfi package names")
        ruleset.build_tools |= {checks.wolfi_package(t, f"{origin}: build_tools") for t in tools}
    for section in ("libraries", "dev_packages", "python", "ruby", "node", "php", "rust", "rust_static", "linked",
                    "php_extensions", "php_builtin", "program_packages", "npm_programs", "loaded_data"):
        entries = data.get(section)
        if entries is None:
            continue
        if not isinstance(entries, dict):
            raise MigratorError(f"{origin}: '{section}' must be a mapping")
        target = ruleset.runtime_libs.setdefault(section, {})
        for name, value in entries.items():
            values = checks.section_entry(section, name, value, origin)
            if override or str(name) not in target:
                target[str(name).lower()] = values


def _merge_image_model(ruleset: RuleSet, data: dict[str, Any], origin: str, override: bool) -> None:
    from migrator.rules import checks  # (only when rules are read, not from the cache)

    if data.get("busybox_applets") is not None and (override or not ruleset.applets):
        ruleset.applets = tuple(checks.words(data["busybox_applets"], f"{origin}: busybox_applets"))
    if data.get("dev_programs") is not None and (override or not ruleset.dev_programs):
        ruleset.dev_programs = tuple(checks.words(data["dev_programs"], f"{origin}: dev_programs"))
    for name, raw in checks.mapping(data.get("languages"), f"{origin}: languages", "language: facts").items():
        language = _language(name, raw, origin)
        if override or language.name not in ruleset.languages:
            ruleset.languages[language.name] = language
    for path, value in checks.mapping(data.get("dockerhub_paths"), f"{origin}: dockerhub_paths", "path: why").items():
        checks.path(path, f"{origin}: dockerhub_paths key")
        why, env = _dockerhub_path(path, value, origin)
        if override or path not in ruleset.dockerhub_paths:
            ruleset.dockerhub_paths[path] = why
            if env:
                ruleset.dockerhub_env[path] = env
            if isinstance(value, dict) and value.get("to"):
                ruleset.dockerhub_moved[path] = checks.path(value["to"], f"{origin}: dockerhub_paths {path}: to")
            ruleset.dockerhub_images.pop(path, None)
            if isinstance(value, dict) and (value.get("images") or value.get("families")):
                ruleset.dockerhub_images[path] = _dockerhub_images(path, value, origin)
    for family, sh in checks.mapping(data.get("family_sh"), f"{origin}: family_sh", "family: sh").items():
        if family not in FAMILIES or sh not in SH_PROGRAMS:
            raise MigratorError(f"{origin}: family_sh: '{family}: {sh}' (families: {', '.join(FAMILIES)}; "
                                f"sh: {', '.join(SH_PROGRAMS)})")
        if override or family not in ruleset.family_sh:
            ruleset.family_sh[str(family)] = str(sh)
    for raw in checks.listed(data.get("upstream"), f"{origin}: upstream", "entries"):
        entry = _upstream(raw, origin)
        if override:
            ruleset.upstream.insert(0, entry)
        else:
            ruleset.upstream.append(entry)


def _language(name: Any, raw: Any, origin: str) -> Language:
    from migrator.rules import checks

    where = f"{origin}: language {checks.short_repr(name)}"
    checks.image_name(name, f"{origin}: languages key")
    if not isinstance(raw, dict) or not {"programs", "builder", "runtime"} <= set(raw):
        raise MigratorError(f"{where} needs programs, builder and runtime")
    return Language(
        name, tuple(checks.words(raw["programs"], f"{where}: programs")),
        checks.image_template(raw["builder"], f"{where}: builder", placeholders=False),
        checks.image_template(raw["runtime"], f"{where}: runtime", placeholders=False),
        tuple(checks.words(raw.get("packages"), f"{where}: packages")),
        tuple(checks.wolfi_package_templates(raw.get("on_base"), f"{where}: on_base")),
        checks.message(raw["run_through"], f"{where}: run_through") if raw.get("run_through") is not None else None,
        tuple(checks.words(raw.get("libraries"), f"{where}: libraries")),
        tuple(checks.words(raw.get("library_tools"), f"{where}: library_tools")),
        tuple(checks.words(raw.get("stream_names"), f"{where}: stream_names")),
        tuple(checks.wolfi_package_templates(raw.get("headers"), f"{where}: headers")),
        tuple(checks.words(raw.get("compilers"), f"{where}: compilers")),
    )


def _dockerhub_path(path: str, value: Any, origin: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    """(why Chainguard lacks it, the ENV that recreates it) of a dockerhub_paths entry."""
    from migrator.rules import checks

    where = f"{origin}: dockerhub_paths {path}"
    if not isinstance(value, dict):
        return checks.message(value, where), ()
    unknown = set(value) - {"why", "env", "to", "images", "families"}
    if unknown:
        raise MigratorError(f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))} (expected why, env, to, "
                            "images, families)")
    return checks.message(value.get("why", ""), f"{where}: why"), checks.env(value.get("env"), f"{where}: env")


def _dockerhub_images(path: str, value: dict[str, Any], origin: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The `images` (source repository globs) and `families` of a dockerhub_paths entry."""
    from migrator.rules import checks

    where = f"{origin}: dockerhub_paths {path}"
    families = tuple(checks.words(value.get("families"), f"{where}: families"))
    wrong = [f for f in families if f not in FAMILIES]
    if wrong:
        raise MigratorError(f"{where}: families: unknown family '{wrong[0]}' (known: {', '.join(FAMILIES)})")
    return checks.patterns(value.get("images"), f"{where}: images"), families


_UPSTREAM_KEYS = {"match", "tags", "workdir", "entrypoint", "cmd", "entrypoint_passes_commands", "env", "tag_env",
                  "servers", "server_workdir", "user", "runtime_env", "entrypoint_execs", "starts_app",
                  "entrypoint_execs_files", "home"}


def _upstream(raw: Any, origin: str) -> UpstreamDefaults:
    from migrator.rules import checks

    if not isinstance(raw, dict) or not isinstance(raw.get("match"), str):
        raise MigratorError(f"{origin}: each 'upstream' entry needs a 'match' string")
    where = f"{origin}: upstream {checks.short_repr(raw['match'])}"
    unknown = set(raw) - _UPSTREAM_KEYS
    if unknown:
        raise MigratorError(f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
    return UpstreamDefaults(
        match=checks.pattern(raw["match"], f"{where}: match"),
        tags=checks.patterns(raw.get("tags"), f"{where}: tags"),
        workdir=checks.directory(raw.get("workdir", "/"), f"{where}: workdir"),
        entrypoint=tuple(checks.exec_form(raw.get("entrypoint"), f"{where}: entrypoint")),
        cmd=tuple(checks.exec_form(raw.get("cmd"), f"{where}: cmd")),
        entrypoint_passes_commands=checks.boolean(raw.get("entrypoint_passes_commands"),
                                                  f"{where}: entrypoint_passes_commands", False),
        env=checks.env(raw.get("env"), f"{where}: env") if raw.get("env") is not None else (),
        tag_env=checks.tag_env(raw.get("tag_env"), f"{where}: tag_env"),
        servers=tuple(checks.words(raw.get("servers"), f"{where}: servers")),
        server_workdir=checks.boolean(raw.get("server_workdir"), f"{where}: server_workdir", False),
        user=str(raw["user"]) if raw.get("user") is not None else None,
        home=checks.directory(raw["home"], f"{where}: home") if raw.get("home") is not None else None,
        runtime_env=checks.env(raw.get("runtime_env"), f"{where}: runtime_env")
        if raw.get("runtime_env") is not None else (),
        entrypoint_execs=str(raw["entrypoint_execs"]) if raw.get("entrypoint_execs") is not None else None,
        starts_app=checks.boolean(raw.get("starts_app"), f"{where}: starts_app", False),
        entrypoint_execs_files=tuple(checks.words(raw.get("entrypoint_execs_files"),
                                                  f"{where}: entrypoint_execs_files")),
    )


def _list(value: Any, key: str, origin: str) -> list[Any]:
    if not isinstance(value, list):
        raise MigratorError(f"{origin}: '{key}' must be a list")
    return value


_SHELL_KINDS = ("none", "busybox", "bash")


def _chainguard_image(name: str, raw: Any, origin: str) -> ChainguardImage:
    from migrator.rules import checks  # (only when rules are read, not from the cache)

    if not isinstance(raw, dict):
        raise MigratorError(f"{origin}: chainguard image '{name}' must be a mapping")
    where = f"{origin}: chainguard image '{name}'"
    base, _, variant = name.partition(":")  # `php:fpm`: php's fpm tag
    checks.image_name(base, where)
    if variant:
        checks.image_name(variant, where)
    shell = raw.get("shell", "none")
    kind = {True: "busybox", False: "none"}.get(shell, shell) if isinstance(shell, bool) else str(shell)
    if kind not in _SHELL_KINDS:
        raise MigratorError(f"{where}: shell must be one of {', '.join(_SHELL_KINDS)}")
    dev = raw.get("dev", False)
    dev_programs = tuple(checks.words(dev.get("programs"), f"{where}: dev programs")) if isinstance(dev, dict) else ()
    paths = checks.mapping(raw.get("paths"), f"{where}: paths", "name: where")
    partner = raw.get("shell_partner")
    return ChainguardImage(
        name=name,
        entrypoint=tuple(checks.words(raw.get("entrypoint"), f"{where}: entrypoint")),
        cmd=tuple(checks.exec_form(raw.get("cmd"), f"{where}: cmd")),
        user=checks.user(raw.get("user", "nonroot"), f"{where}: user"),
        uid=checks.uid(raw.get("uid", 65532), f"{where}: uid"),
        shell=kind != "none",
        shell_kind=kind,
        workdir=checks.optional_path(raw.get("workdir"), f"{where}: workdir"),
        env=checks.env(raw.get("env"), f"{where}: env"),
        programs=tuple(checks.words(raw.get("programs"), f"{where}: programs")),
        tools=tuple(checks.words(raw.get("tools"), f"{where}: tools")),
        packages=frozenset(checks.wolfi_packages(raw.get("packages"), f"{where}: packages")),
        dev=bool(dev),
        dev_programs=dev_programs,
        paths=tuple((checks.pattern(k, f"{where}: paths"), checks.message(v, f"{where}: paths {k}"))
                    for k, v in paths.items()),
        shell_partner=None if partner is None else checks.image_name(partner, f"{where}: shell_partner"),
        known=checks.boolean(raw.get("known"), f"{where}: known", True),
        accounts=tuple(checks.words(raw.get("accounts"), f"{where}: accounts")),
        entrypoint_runs_commands=checks.boolean(raw.get("entrypoint_runs_commands"),
                                                f"{where}: entrypoint_runs_commands", False),
    )


def _image_rule(raw: Any, origin: str) -> ImageRule:
    from migrator.rules import checks  # (only when rules are read, not from the cache)

    if not isinstance(raw, dict):
        raise MigratorError(f"{origin}: each entry under 'images' must be a mapping")
    where = f"{origin}:{raw.get('__line__', '?')}"
    unknown = set(raw) - _IMAGE_KEYS
    if unknown:
        raise MigratorError(f"{where}: unknown key(s) {', '.join(sorted(unknown))} in image rule")
    if not isinstance(raw.get("match"), str) or not raw["match"]:
        raise MigratorError(f"{where}: image rule needs a 'match' string")
    if raw.get("unsupported") is None and raw.get("ecosystem") is None:
        raise MigratorError(f"{where}: image rule '{raw['match']}' needs 'ecosystem' or 'unsupported'")
    if raw.get("ecosystem") is not None and raw["ecosystem"] not in ECOSYSTEMS:
        raise MigratorError(f"{where}: unknown ecosystem '{raw['ecosystem']}' (known: {', '.join(ECOSYSTEMS)})")
    if raw.get("family") is not None and raw["family"] not in FAMILIES:
        raise MigratorError(f"{where}: unknown family '{raw['family']}' (known: {', '.join(FAMILIES)})")
    if raw.get("shell") is not None and raw["shell"] not in SOURCE_SHELLS:
        raise MigratorError(f"{where}: unknown shell '{raw['shell']}' (known: {', '.join(SOURCE_SHELLS)})")
    if raw.get("sh") is not None and raw["sh"] not in SH_PROGRAMS:
        raise MigratorError(f"{where}: unknown sh '{raw['sh']}' (known: {', '.join(SH_PROGRAMS)})")
    tags = checks.patterns(raw.get("tags"), f"{where}: 'tags'")
    for key in ("builder", "runtime"):
        if raw.get(key) is not None:
            checks.image_template(raw[key], f"{where}: '{key}'")
    checks.pattern(raw["match"], f"{where}: 'match'")
    for key in ("unsupported", "notes"):
        if raw.get(key) is not None:
            checks.message(raw[key], f"{where}: '{key}'")
    if raw.get("version") is not None:
        _version_pattern(raw["version"], f"{where}: 'version'")
    return ImageRule(
        match=raw["match"],
        tags=tags,
        ecosystem=raw.get("ecosystem"),
        builder=raw.get("builder"),
        runtime=raw.get("runtime"),
        family=raw.get("family"),
        unsupported=raw.get("unsupported"),
        notes=raw.get("notes"),
        origin=where,
        shell=raw.get("shell"),
        version=raw.get("version"),
        sh=raw.get("sh"),
    )


def _version_pattern(value: Any, where: str) -> None:
    """A rule's `version`: a regular expression with a group, the version."""
    try:
        groups = re.compile(value).groups if isinstance(value, str) else 0
    except re.error as exc:
        raise MigratorError(f"{where}: not a regular expression ({exc})") from None
    if groups < 1:
        raise MigratorError(f"{where}: needs a regular expression with a group (the version), got {value!r}")


def _package_mapping(name: str, value: Any, origin: str) -> PackageMapping:
    from migrator.rules import checks  # (only when rules are read, not from the cache)

    where = f"{origin}: package '{name}'"
    if value is None:
        return PackageMapping(())
    if isinstance(value, str):
        return PackageMapping((checks.wolfi_package(value, where),))
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return PackageMapping(tuple(checks.wolfi_packages(value, where)))
    if isinstance(value, dict) and "to" in value:
        to = value["to"]
        names = [to] if isinstance(to, str) else to
        note = value.get("note")
        if note is not None:
            checks.message(note, f"{where}: note")
        return PackageMapping(tuple(checks.wolfi_packages(names, where)), note)
    raise MigratorError(
        f"{origin}: package '{name}': expected a Wolfi name, a list of names, or {{to: [...], note: ...}}"
    )
