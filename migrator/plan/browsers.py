"""The headless browser the app's declared npm library drives (rules/browsers.yaml): Puppeteer's downloaded Chrome,
Playwright's Chromium, or a browser of the OS the original installed and pointed the library at.

The library is read from the app's package.json in the build context on disk (its `dependencies`: a
devDependency is pruned before the runtime gets node_modules); without the context nothing is guessed.
"""

from __future__ import annotations

import posixpath
import re

from migrator.plan.facts import Command, StageFacts
from migrator.records import dataclass, replace

DOWNLOADED = "download"  # the library's own download: the runtime needs the libraries it loads
SYSTEM = "system"  # a browser of the source distribution, which Wolfi does not package

_TRUE = ("1", "true", "yes", "on")


@dataclass(frozen=True)
class BrowserUse:
    library: str  # the npm package, as package.json names it
    browser: str  # what it drives (rules: `browser`)
    source: str  # DOWNLOADED | SYSTEM
    how: str  # what says so: `npm ci`, `PUPPETEER_EXECUTABLE_PATH=/usr/bin/chromium`, `the chromium package`
    packages: tuple[str, ...] = ()  # DOWNLOADED: the Wolfi packages the browser loads, fonts included
    note: str = ""  # what the finding adds (rules: `note`)


def browser_use(declared: frozenset[str], facts: StageFacts, installed: tuple[str, ...]) -> BrowserUse | None:
    """The browser that the first library of `declared` (the app's npm dependencies) that rules/browsers.yaml knows
    drives, as the final stage (`facts`, with the stages it is built FROM; `installed`: the packages they install,
    as written) sets it up; None when the app declares none, or the stage gives it no browser to find."""
    from migrator.rules.data import builtin_data

    data = builtin_data("browsers.yaml")
    table = data.get("node") or {}
    libraries = sorted(name for name in declared if name in table)
    if not libraries:
        return None
    system = data.get("system") or {}
    for library in libraries:
        rule = table[library] or {}
        pointed = _pointed_at(rule, facts, [str(p) for p in system.get("paths") or []])
        if pointed:
            return BrowserUse(library, str(rule.get("browser", "")), SYSTEM, pointed)
    packages = [str(p) for p in system.get("packages") or []]
    os_browser = next((p for p in installed if p in packages), None)
    for library in libraries:
        rule = table[library] or {}
        fetched = _downloaded_by(rule, facts)
        if os_browser is not None and not fetched:  # (uptime-kuma: the download skipped, Debian's chromium)
            return BrowserUse(library, str(rule.get("browser", "")), SYSTEM, f"the {os_browser} package")
        if fetched:
            needed = tuple(str(p) for p in (data.get("libraries") or []) + (data.get("fonts") or []))
            return BrowserUse(library, str(rule.get("browser", "")), DOWNLOADED, fetched, needed,
                              str(rule.get("note") or ""))
    return None


def _pointed_at(rule: dict[str, object], facts: StageFacts, paths: list[str]) -> str:
    """`PUPPETEER_EXECUTABLE_PATH=/usr/bin/chromium` when the stage points the library at a browser of the OS."""
    for variable in _strings(rule.get("executable")):
        value = facts.env.get(variable)
        if value and (value in paths or posixpath.basename(value).startswith(("chromium", "google-chrome"))):
            return f"{variable}={value}"
    return ""


def _downloaded_by(rule: dict[str, object], facts: StageFacts) -> str:
    """The command of the stage that downloads the library's browser, shown; "" when none does: an install whose
    scripts download it (`downloads: install`, unless a `skip` variable says not to), or a command of the library's
    own (`command`: `playwright install chromium`, `npx puppeteer browsers install chrome`)."""
    skip = _strings(rule.get("skip"))
    skipped = any((facts.env.get(v) or "").lower() in _TRUE for v in skip)
    own = rule.get("command")
    for command in facts.commands:
        words = command.words
        if isinstance(own, str) and re.search(own, " ".join(words)):
            return f"`{' '.join([w for w in words if w != '--with-deps'][:8])}`"  # (dropped: rewrite.browsers)
        told = any(a.split("=", 1)[0] in skip and a.split("=", 1)[1].strip("'\"").lower() in _TRUE
                   for a in command.assignments)  # (`PUPPETEER_SKIP_DOWNLOAD=1 npm ci`)
        if rule.get("downloads") == "install" and not (skipped or told) and installs_packages(words):
            return f"`{' '.join(words[:3])}`"
    return ""


def downloads_at(library: str, command: Command, facts: StageFacts) -> bool:
    """`command` downloads `library`'s browser (rules/browsers.yaml), as the stage sets it up (`facts`)."""
    from migrator.rules.data import builtin_data

    rule = (builtin_data("browsers.yaml").get("node") or {}).get(library) or {}
    return bool(_downloaded_by(rule, replace(facts, commands=[command])))


def installs_packages(words: tuple[str, ...] | list[str]) -> bool:
    """`npm ci`, `npm install`, `yarn`, `pnpm install`: an install that runs the packages' install scripts."""
    if not words or "--ignore-scripts" in words:
        return False
    tool = posixpath.basename(words[0])
    verb = words[1] if len(words) > 1 else ""
    if tool == "npm":
        return verb in ("ci", "install", "i", "clean-install")
    if tool == "yarn":
        return verb in ("", "install") or verb.startswith("-")
    if tool == "pnpm":
        return verb in ("install", "i")
    return False


def _strings(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []
