"""Data a RUN of the final stage leaves for the app to read at run time (`python -m nltk.downloader -d
/usr/local/share/nltk_data punkt`, a model fetched into ~/.cache/huggingface, `manage.py collectstatic` into
STATIC_ROOT): a split runtime copies the WORKDIR and the dependencies, so data written anywhere else is lost
unless the runtime copies it too.

Where the data goes is read as the program does (rules/run-data.yaml): the directory the command names, then
the ENV that sets it, then the app's settings, then the program's default. A default under the RUN user's
HOME lands in the runtime user's HOME: the program looks there at run time. When none of these is readable,
the RUN is named (MIG591) instead of guessing.
"""

from __future__ import annotations

import re

from migrator.plan.buildcontext import BuildContext
from migrator.plan.facts import Command, StageFacts
from migrator.records import dataclass
from migrator.rules.data import builtin_data

TYPE_CHECKING = False  # (not typing's: a cold run's import cost)
if TYPE_CHECKING:
    from pathlib import Path

_SEGMENTS = re.compile(r"&&|\|\||;|\n")


@dataclass(frozen=True)
class RunData:
    """What one RUN command leaves: `source` in the builder, `destination` in the runtime; both None when
    where it writes is not readable (`unread` says why)."""

    command: Command
    tool: str
    source: str | None
    destination: str | None
    owned: bool  # the app writes there at run time too (a cache)
    unread: str = ""


def run_data(facts: StageFacts, runtime_home: str, context_root: Path | None) -> list[RunData]:
    """The data each RUN command of the stage leaves, by the tools of rules/run-data.yaml."""
    found: list[RunData] = []
    for command in facts.commands:
        text = " ".join(command.words) + _script_text(command, context_root)
        for tool in _tools():
            if any(re.search(pattern, text) for pattern in _strings(tool.get("runs"))):
                if tool.get("browser") and not _downloads_browser(str(tool["browser"]), command, facts, context_root):
                    continue
                located = _located(command, text, tool, facts, runtime_home, context_root)
                found += [located] if located is not None else []
                break
    return found


def _downloads_browser(library: str, command: Command, facts: StageFacts, context_root: Path | None) -> bool:
    """An npm install that downloads `library`'s browser (plan.browsers): the app's package.json declares it."""
    from migrator.plan.browsers import downloads_at
    from migrator.plan.buildcontext import BuildContext
    from migrator.plan.library_programs import declared_libraries

    if context_root is None or not downloads_at(library, command, facts):
        return False
    return library in declared_libraries("node", BuildContext(context_root))


_PYTHON = re.compile(r"python(?:3(?:\.\d+)?)?")


def _script_text(command: Command, context_root: Path | None) -> str:
    """`python download_model.py`: the script's text, read from the build context on disk (where `COPY
    download_model.py .` took it from), for what it downloads and where."""
    words = command.words
    if context_root is None or len(words) < 2 or not _PYTHON.fullmatch(words[0].rsplit("/", 1)[-1]):
        return ""
    script = words[1]
    if not script.endswith(".py") or script.startswith(("/", "-")):
        return ""
    text = BuildContext(context_root).text(script, limit=1 << 20)  # (never a file outside the context)
    return "" if text is None else "\n" + text


def _tools() -> list[dict[str, object]]:
    return list(builtin_data("run-data.yaml").get("tools") or [])


def _located(command: Command, text: str, tool: dict[str, object], facts: StageFacts, runtime_home: str,
             context_root: Path | None) -> RunData | None:
    made = _Maker(command, str(tool["name"]), bool(tool.get("owned")))
    for pattern in _strings(tool.get("places")):
        for segment in _SEGMENTS.split(text):
            match = re.search(pattern, segment)
            if match:
                word = match.group(1)
                path = command.resolve(word, facts.env)
                # (`-d ~/nltk_data`: the home of whoever runs the app, the runtime user's)
                moved = runtime_home.rstrip("/") + word[1:] if word.startswith("~/") else None
                return made.at(path, f"it names {word}, a path this file does not show", moved)
    for name in _strings(tool.get("config")):
        if context_root is not None and _context_file(context_root, name):
            return made.at(None, f"the app's {name} may set it")
    for variable in _strings(tool.get("env")):
        if variable in facts.env:
            value = facts.env[variable]
            if value is not None and value == tool.get("in_package"):
                return None  # (PLAYWRIGHT_BROWSERS_PATH=0: in the package, copied with the dependencies)
            return made.at(command.resolve(value, facts.env) if value else None,
                           f"{variable} has a value this file does not show")
    setting = tool.get("settings")
    if isinstance(setting, str):
        return _from_settings(made, setting, facts, context_root)
    default = tool.get("default")
    if isinstance(default, str):
        home = dict(command.shell).get("HOME") if command.shell else None
        if home is None:
            return made.at(None, "the HOME of the user it runs as is not known")
        source = default.replace("~", home.rstrip("/"), 1)
        return made.at(source, "", default.replace("~", runtime_home.rstrip("/"), 1))
    return made.at(None, "this file does not say where it writes")


def _context_file(root: Path, name: str) -> bool:
    from migrator.plan.buildcontext import BuildContext

    return BuildContext(root).text(name, limit=1) is not None


@dataclass(frozen=True)
class _Maker:
    command: Command
    tool: str
    owned: bool

    def at(self, path: str | None, why: str, destination: str | None = None) -> RunData:
        if path is None:
            return RunData(self.command, self.tool, None, None, self.owned, why)
        return RunData(self.command, self.tool, path.rstrip("/") or "/", (destination or path).rstrip("/") or "/",
                       self.owned)


def _strings(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


_SETTING = r"^\s*{name}\s*[:=]\s*(.+)$"
_LITERAL = re.compile(r"""^[rub]?["'](/[^"']*)["']\s*$""")
_ENV_DEFAULT = re.compile(r"""(?:environ\.get|getenv)\(\s*["'](\w+)["']\s*(?:,\s*["'](/[^"']*)["'])?""")
_PROJECT = re.compile(r"\bBASE_DIR\b|\bPROJECT_ROOT\b|\bPROJECT_DIR\b|__file__")


def _from_settings(made: _Maker, setting: str, facts: StageFacts, context_root: Path | None) -> RunData | None:
    """The setting as the app's settings modules give it: an absolute path, a variable read from the
    environment (with its default), or a path under the project (None: the sources the runtime copies hold it)."""
    values = _setting_values(context_root, setting)
    if values is None:
        return made.at(None, f"the app's {setting} is not readable here (no build context on disk)")
    for value in values:
        literal = _LITERAL.match(value)
        if literal:
            return made.at(literal.group(1), "")
        from_env = _ENV_DEFAULT.search(value)
        if from_env and facts.env.get(from_env.group(1)):
            return made.at(made.command.resolve(str(facts.env[from_env.group(1)]), facts.env),
                           f"{from_env.group(1)} has a value this file does not show")
        if from_env and from_env.group(2):
            return made.at(from_env.group(2), "")
        if _PROJECT.search(value):
            return None
    return made.at(None, f"the app's settings set {setting} nowhere this tool can read")


def _setting_values(root: Path | None, setting: str) -> list[str] | None:
    """The right-hand sides assigned to `setting` in the settings modules of the build context (read through
    BuildContext: never a file outside it)."""
    from migrator.plan.buildcontext import BuildContext

    if root is None:
        return None
    files = BuildContext(root)
    pattern = re.compile(_SETTING.format(name=re.escape(setting)), re.MULTILINE)
    values: list[str] = []
    candidates = [path for glob in ("settings*.py", "*/settings*.py", "*/settings/*.py", "*/*/settings*.py",
                                    "*/*/settings/*.py") for path in files.glob(glob)]
    for path in sorted(set(candidates))[:50]:
        text = files.text(path, 200_000)
        if text is None:
            continue
        values += [m.group(1).split("#", 1)[0].strip() for m in pattern.finditer(text)]
    return values
