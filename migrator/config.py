"""Project configuration: `[tool.migrator]` in pyproject.toml, or `.migrator.yaml`.

Found from a Dockerfile's directory upwards; the nearest file wins (files are not merged), and the
search stops after the directory that holds `.git` (the repository root). In one directory
`.migrator.yaml` (or `.migrator.yml`) is preferred to pyproject.toml, and a pyproject.toml without a
`[tool.migrator]` table is passed over.

    registry: cgr.dev/acme          # or org: acme  (means cgr.dev/acme); not both
    tag-policy: keep                # latest | keep
    rules: [rules/extra.yaml]       # relative to this file
    ignore: [MIG301]
    fail-on: warning                # error | warning | info | never
    pin: true                       # pin the images written by digest (asks the registry)
    verify-tags: true               # check their tags and platforms (asks the registry)
    overrides:
      - paths: ["legacy/**", "Dockerfile.old"]
        fail-on: never
        ignore: [MIG205]

Precedence, lowest first: defaults, the file's top level, each matching override in order, the
command line. Single values replace; `rules` and `ignore` add up. Keys may also be spelled with
underscores (`tag_policy`). Globs are relative to the configuration file's directory, `**` crosses
directories, and a glob without `/` matches a file name anywhere.

pyproject.toml is read with tomllib (Python 3.11+) or, on 3.10, with tomli when it is installed;
without either it is skipped and `describe()` says so.
"""

from __future__ import annotations

import errno
import os
import re
import sys
from collections.abc import Iterable, Mapping
from functools import cache, lru_cache
from pathlib import Path

from migrator.model import DEFAULT_REGISTRY, FAIL_ON, Finding, MigratorError, Options, Severity, TagPolicy
from migrator.records import dataclass, field, replace
from migrator.regex import lazy as lazy_re

TYPE_CHECKING = False  # not typing's: importing typing costs 2 ms of a cold run (docs/performance.md)
if TYPE_CHECKING:
    from typing import Any

YAML_NAMES = (".migrator.yaml", ".migrator.yml")
PYPROJECT = "pyproject.toml"
KEYS = ("registry", "org", "tag-policy", "rules", "ignore", "fail-on", "pin", "verify-tags", "overrides")
_BOOL_KEYS = ("pin", "verify-tags")
_LIST_KEYS = ("rules", "ignore")
_CODE = lazy_re(r"^[A-Z]+[0-9]+$")
DEFAULT = "default"
DEFAULT_FAIL_ON_MEANING = "errors fail, except 'cannot migrate' (unknown base image)"
COMMAND_LINE = "command line"


@dataclass(frozen=True)
class Setting:
    value: Any
    source: str  # "default", "command line", or "FILE[:LINE]"


@dataclass(frozen=True)
class Override:
    paths: tuple[str, ...]
    settings: Mapping[str, Setting]
    source: str


@dataclass(frozen=True)
class Config:
    root: Path  # the directory globs are relative to: the config file's, or where the search began
    path: Path | None = None  # the configuration file, None when there is none
    settings: Mapping[str, Setting] = field(default_factory=dict)
    overrides: tuple[Override, ...] = ()
    cli: Mapping[str, Setting] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def effective(self, path: Path | None = None) -> dict[str, Setting]:
        """Every key's value and where it came from, for one file (overrides applied) or the top level."""
        merged: dict[str, Setting] = {
            "registry": Setting(DEFAULT_REGISTRY, DEFAULT),
            "tag-policy": Setting(TagPolicy.LATEST.value, DEFAULT),
            "rules": Setting((), DEFAULT),
            "ignore": Setting((), DEFAULT),
            "fail-on": Setting(None, DEFAULT),
            **{key: Setting(False, DEFAULT) for key in _BOOL_KEYS},
        }
        layers = [self.settings]
        if path is not None:
            rel = _relative(path, self.root)
            layers += [o.settings for o in self.overrides if rel is not None and _matches(rel, o.paths)]
        layers.append(self.cli)
        for layer in layers:
            for key, setting in layer.items():
                if key in _LIST_KEYS and merged[key].value:
                    value = tuple(dict.fromkeys((*merged[key].value, *setting.value)))
                    merged[key] = Setting(value, f"{merged[key].source} + {setting.source}")
                else:
                    merged[key] = setting
        return merged

    def options_for(self, path: Path) -> Options:
        values = self.effective(path)
        return Options(
            registry=values["registry"].value,
            tag_policy=TagPolicy(values["tag-policy"].value),
            rules_files=tuple(Path(p) for p in values["rules"].value),
            ignore=frozenset(values["ignore"].value),
            pin=values["pin"].value,
            verify_tags=values["verify-tags"].value,
        )

    def fail_on_for(self, path: Path) -> str | None:
        """error|warning|info|never, or None for the default: fail on errors other than 'cannot migrate'."""
        value: str | None = self.effective(path)["fail-on"].value
        return value

    def describe(self, path: Path | None = None) -> dict[str, Any]:
        values = self.effective(path)
        out: dict[str, Any] = {
            "config-file": str(self.path) if self.path else None,
            "settings": {key: {"value": _plain(s.value), "source": s.source} for key, s in values.items()},
            "overrides": [
                {
                    "paths": list(o.paths),
                    "source": o.source,
                    **{k: _plain(s.value) for k, s in o.settings.items()},
                }
                for o in self.overrides
            ],
        }
        if values["fail-on"].value is None:
            out["settings"]["fail-on"]["meaning"] = DEFAULT_FAIL_ON_MEANING
        if path is not None:
            out["file"] = str(path)
        if self.notes:
            out["notes"] = list(self.notes)
        return out


def apply_cli(
    config: Config,
    registry: str | None = None,
    org: str | None = None,
    tag_policy: str | None = None,
    rules: Iterable[str | Path] = (),
    ignore: Iterable[str] = (),
    fail_on: str | None = None,
    pin: bool | None = None,
    verify_tags: bool | None = None,
) -> Config:
    """Command-line values on top of the file's: single values replace, rules and ignore add up."""
    raw: dict[str, Any] = {}
    if registry is not None:
        raw["registry"] = registry
    if org is not None:
        raw["org"] = org
    if tag_policy is not None:
        raw["tag-policy"] = tag_policy
    if rules:
        raw["rules"] = [str(Path(os.path.realpath(r))) for r in rules]
    if ignore:
        raw["ignore"] = list(ignore)
    if fail_on is not None:
        raw["fail-on"] = fail_on
    if pin:
        raw["pin"] = True
    if verify_tags:
        raw["verify-tags"] = True
    settings = _validate(raw, Path.cwd(), lambda key: COMMAND_LINE, "command line", top=False)
    return replace(config, cli=settings)


def load_config(start: Path) -> Config:
    """The configuration that applies to `start` (a file or a directory); cached per directory.

    A symlinked Dockerfile gets the configuration of the directory its link is in.
    """
    start = Path(start)
    directory = start if os.path.isdir(start) else start.parent
    return _load_for_dir(os.path.realpath(directory))


def clear_cache() -> None:
    _load_for_dir.cache_clear()
    _find.cache_clear()


def should_fail(findings: Iterable[Finding], fail_on: str | None) -> list[Finding]:
    """The findings that make a run fail under `fail_on` (None: errors except 'cannot migrate')."""
    findings = list(findings)
    if fail_on is None:
        return [f for f in findings if f.severity is Severity.ERROR and not is_cannot_migrate(f)]
    if fail_on == "never":
        return []
    threshold = Severity(fail_on).rank
    return [f for f in findings if f.severity.rank >= threshold]


def is_cannot_migrate(finding: Finding) -> bool:
    """An error about a base image the rules do not know (MIG2xx): the file stays as it is."""
    return finding.severity is Severity.ERROR and finding.code.upper().startswith("MIG2")


# --- discovery -----------------------------------------------------------------------------------


@cache
def _load_for_dir(directory: str) -> Config:
    found = _find(directory)
    if found is None:
        return Config(root=Path(directory), notes=_toml_notes(directory))
    return _read(Path(found))


@cache
def _find(directory: str) -> str | None:
    """The configuration file for `directory`. One rule for every kind of file: a name that exists
    but cannot be read (permissions, a dangling symlink, a loop) is an error, never skipped.
    One lstat per name looked for (this runs for every file of a pre-commit hook or a scan)."""
    for name in YAML_NAMES:
        candidate = os.path.join(directory, name)
        if _exists(candidate):
            return candidate
    pyproject = os.path.join(directory, PYPROJECT)
    if _exists(pyproject) and _has_tool_table(Path(pyproject)) and toml_loader() is not None:
        return pyproject
    parent = os.path.dirname(directory)
    if _exists(os.path.join(directory, ".git"), any_kind=True) or parent == directory:
        return None
    return _find(parent)


def _exists(path: str, any_kind: bool = False) -> bool:
    """True for a regular file (or anything, with any_kind); MigratorError when it cannot be told."""
    import stat

    try:
        info = os.lstat(path)
        if stat.S_ISLNK(info.st_mode):
            info = os.stat(path)
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ENOTDIR) and not os.path.islink(path):
            return False
        why = "symlink loop" if exc.errno == errno.ELOOP else (
            "broken symlink" if exc.errno == errno.ENOENT else exc.strerror or str(exc))
        raise MigratorError(f"{path}: cannot read configuration ({why})") from None
    if any_kind:
        return True
    if not stat.S_ISREG(info.st_mode):
        if stat.S_ISDIR(info.st_mode):
            return False
        raise MigratorError(f"{path}: cannot read configuration (not a regular file)")
    return True


def _has_tool_table(path: Path) -> bool:
    try:
        text = path.read_bytes().decode("utf-8", "replace")
    except OSError as exc:
        raise MigratorError(f"{path}: cannot read configuration ({exc.strerror or exc})") from None
    return re.search(r"^\s*\[\s*tool\s*\.\s*migrator\s*[\].]", text, re.MULTILINE) is not None


def toml_loader() -> Any:
    try:
        import tomllib

        return tomllib
    except ModuleNotFoundError:  # Python 3.10
        try:
            import tomli  # type: ignore[import-not-found,unused-ignore]

            return tomli
        except ModuleNotFoundError:
            return None


def _toml_notes(directory: str) -> tuple[str, ...]:
    if sys.version_info >= (3, 11) or toml_loader() is not None:  # (tomllib: not imported to know it is there)
        return ()
    return ("pyproject.toml files are not read: this Python has no tomllib; install tomli",)


# --- reading -------------------------------------------------------------------------------------


def _read(path: Path) -> Config:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise MigratorError(f"{path}: cannot read configuration ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise MigratorError(f"{path}:{line}: cannot read configuration (not valid UTF-8)") from None
    if path.name == PYPROJECT:
        data, line_of = _read_toml(path, text)
    else:
        data, line_of = _read_yaml(path, text)
    if data is None:
        data = {}
    where = _where(path, line_of)
    if not isinstance(data, Mapping):
        raise MigratorError(f"{where('')}: expected a mapping of settings, got {_kind(data)}")
    settings = _validate(dict(data), path.parent, lambda key: where(key), where(""), top=True, from_file=True)
    overrides = _overrides(data.get("overrides"), path, line_of)
    return Config(root=path.parent, path=path, settings=settings, overrides=overrides)


def _where(path: Path, line_of: Any) -> Any:
    def where(key: str) -> str:
        line = line_of(key) if key else None
        return f"{path}:{line}" if line else str(path)

    return where


def _read_toml(path: Path, text: str) -> tuple[Any, Any]:
    loader = toml_loader()
    try:
        document = loader.loads(text)
    except Exception as exc:  # tomllib.TOMLDecodeError carries the line in its message
        raise MigratorError(f"{path}: invalid TOML: {exc}") from None
    data = document.get("tool", {}).get("migrator", {})

    def line_of(key: str) -> int | None:
        header = re.search(r"^\s*\[\s*tool\s*\.\s*migrator\s*\]", text, re.MULTILINE)
        offset = header.end() if header else 0
        for spelling in (key, key.replace("-", "_")):
            match = re.compile(rf"^\s*\"?{re.escape(spelling)}\"?\s*=", re.MULTILINE).search(text, offset)
            if match:
                return text.count("\n", 0, match.start()) + 1
        return None

    return data, line_of


def _read_yaml(path: Path, text: str) -> tuple[Any, Any]:
    from ruamel.yaml.error import YAMLError

    from migrator.yamlfile import yaml_reader

    try:
        data = yaml_reader("rt").load(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise MigratorError(f"{path}{line}: invalid YAML: {problem}") from None

    def line_of(key: str) -> int | None:
        return _yaml_line(data, key)

    return data, line_of


def _yaml_line(node: Any, key: str) -> int | None:
    try:
        return int(node.lc.key(key)[0]) + 1
    except (AttributeError, KeyError, TypeError):
        for spelling in (key.replace("-", "_"),):
            try:
                return int(node.lc.key(spelling)[0]) + 1
            except (AttributeError, KeyError, TypeError):
                pass
    return None


def _overrides(raw: Any, path: Path, line_of: Any) -> tuple[Override, ...]:
    if raw is None:
        return ()
    where = f"{path}:{line_of('overrides')}" if line_of("overrides") else str(path)
    if not isinstance(raw, list):
        raise MigratorError(
            f"{where}: key 'overrides': expected a list of {{paths: [...], ...}}, got {_kind(raw)}"
        )
    out = []
    for number, entry in enumerate(raw, 1):
        entry_line = _item_line(raw, number - 1)
        here = f"{path}:{entry_line}" if entry_line else where
        label = f"overrides[{number}]"
        if not isinstance(entry, Mapping):
            raise MigratorError(f"{here}: key '{label}': expected a mapping, got {_kind(entry)}")
        entry = dict(entry) if not hasattr(entry, "lc") else entry
        paths = entry.get("paths")
        if isinstance(paths, str):
            paths = [paths]
        if not isinstance(paths, list) or not paths or not all(isinstance(p, str) and p for p in paths):
            raise MigratorError(f"{here}: key '{label}.paths': expected a non-empty list of globs")
        rest = {k: v for k, v in entry.items() if k != "paths"}
        if "overrides" in rest:
            raise MigratorError(f"{here}: key '{label}.overrides': overrides cannot be nested")

        def key_where(key: str, entry: Any = entry, here: str = here) -> str:
            line = _yaml_line(entry, key)
            return f"{path}:{line}" if line else here

        settings = _validate(rest, path.parent, key_where, here, top=False, prefix=f"{label}.", from_file=True)
        out.append(Override(tuple(paths), settings, here))
    return tuple(out)


def _item_line(seq: Any, index: int) -> int | None:
    try:
        return int(seq.lc.item(index)[0]) + 1
    except (AttributeError, KeyError, TypeError, IndexError):
        return None


def _validate(
    raw: Mapping[str, Any], base: Path, where: Any, default_where: str, top: bool, prefix: str = "",
    from_file: bool = False,
) -> dict[str, Setting]:
    """Check and normalise one layer of settings; errors name the file (and line) and the key."""
    settings: dict[str, Setting] = {}
    allowed = KEYS if top else KEYS[:-1]
    spelled: dict[str, str] = {}  # setting -> the spelling it was first given under (tag-policy, tag_policy)
    for original_key, value in raw.items():
        key = str(original_key).replace("_", "-")
        if key not in allowed:
            import difflib

            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(allowed)}"
            raise MigratorError(f"{where(original_key)}: unknown key '{prefix}{original_key}'{hint}")
        if key in spelled:
            raise MigratorError(f"{where(original_key)}: duplicate key '{prefix}{original_key}': the same setting "
                                f"as '{prefix}{spelled[key]}' (on {where(spelled[key])})")
        spelled[key] = str(original_key)
        if key == "overrides":
            continue
        source = where(original_key)

        def bad(expected: str, key: str = key, value: Any = value, source: str = source) -> MigratorError:
            return MigratorError(f"{source}: key '{prefix}{key}': expected {expected}, got {_show(value)}")

        if key in ("registry", "org"):
            from migrator.parse.imageref import check_org, check_registry

            try:
                if key == "org":
                    text = check_org(value.strip() if isinstance(value, str) else value)
                    registry = Options.registry_for_org(text)
                else:
                    registry = check_registry(value.strip() if isinstance(value, str) else value)
            except MigratorError as exc:
                raise MigratorError(f"{source}: key '{prefix}{key}': {exc}") from None
            if "registry" in settings:
                raise MigratorError(f"{source}: keys 'registry' and 'org' cannot both be set; pick one")
            label = source if key == "registry" else f"{source} (org: {text})"
            settings["registry"] = Setting(registry, label)
        elif key == "tag-policy":
            if value not in [p.value for p in TagPolicy]:
                raise bad(" or ".join(p.value for p in TagPolicy))
            settings[key] = Setting(str(value), source)
        elif key in _BOOL_KEYS:
            if not isinstance(value, bool):
                raise bad("true or false")
            settings[key] = Setting(value, source)
        elif key == "fail-on":
            if value not in FAIL_ON:
                raise bad("one of " + ", ".join(FAIL_ON))
            settings[key] = Setting(str(value), source)
        elif key == "rules":
            if isinstance(value, str):
                value = [value]
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                raise bad("a list of rules file paths")
            paths = []
            for item in value:
                resolved = Path(os.path.realpath(base / item))
                if not resolved.is_file():
                    why = "not a regular file" if resolved.exists() else "no such rules file"
                    raise MigratorError(f"{source}: key '{prefix}rules': {why}: {item}")
                if from_file:
                    _check_inside_repository(resolved, base, f"{source}: key '{prefix}rules'", item)
                paths.append(str(resolved))
            settings[key] = Setting(tuple(paths), source)
        elif key == "ignore":
            if isinstance(value, str):
                value = [v for v in re.split(r"[,\s]+", value) if v]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise bad("a list of finding codes such as [MIG301]")
            codes = [v.strip().upper() for v in value]
            wrong = [c for c in codes if not _CODE.match(c)]
            if wrong:
                raise bad("finding codes such as MIG301", value=wrong[0])
            settings[key] = Setting(tuple(codes), source)
    return settings


def _check_inside_repository(rules: Path, base: Path, where: str, item: str) -> None:
    """A configuration file comes with the repository (a pull request can change it): the rules
    files it names must be the repository's own, not any file the machine has (whose content an
    error message or a bot's comment would then show)."""
    root = Path(os.path.realpath(base))
    for directory in (root, *root.parents):
        if (directory / ".git").exists():
            root = directory
            break
    if root != rules and root not in rules.parents:
        raise MigratorError(f"{where}: {item} is outside the repository ({root}); a rules file from "
                            "elsewhere can be given with --rules")


# --- small helpers -------------------------------------------------------------------------------


def _relative(path: Path, root: Path) -> str | None:
    path = Path(path)
    where = Path(os.path.realpath(path)) if os.path.isdir(path) else Path(os.path.realpath(path.parent)) / path.name
    try:
        return where.relative_to(root).as_posix()
    except ValueError:
        return None


@lru_cache(maxsize=256)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"\Z")


def _matches(rel: str, patterns: Iterable[str]) -> bool:
    name = rel.rsplit("/", 1)[-1]
    for pattern in patterns:
        pattern = pattern.lstrip("./") if pattern.startswith("./") else pattern
        target = rel if "/" in pattern.rstrip("/") else name
        if pattern.endswith("/"):
            pattern += "**"
            target = rel
        if _glob_regex(pattern).match(target):
            return True
    return False


def _kind(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "a string" if isinstance(value, str) else type(value).__name__


def _show(value: Any) -> str:
    from migrator.yamlfile import short_repr

    return short_repr(_plain(value))


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
