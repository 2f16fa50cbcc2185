"""Render findings for people and for machines: text, json, sarif, github, gitlab.

    render_findings(results, "sarif") -> str

Pure functions over `Result` objects, standard library only (imported where a format needs it).
Line numbers: a finding about the whole file has line 0; formats that require a positive line
(every machine format) report it at line 1.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from migrator.model import Finding, Result, Severity
from migrator.report import FORMATS
from migrator.shown import printable, shown_name

TOOL_NAME = "migrator"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"

_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_GITHUB_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
# Code Quality severities are info|minor|major|critical|blocker; "critical"/"blocker" are kept for
# security problems, which a migration finding is not.
_GITLAB_SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def render_findings(results: list[Result], fmt: str) -> str:
    """Render every finding of every result in one format; the text ends with a newline when not empty."""
    try:
        renderer = _RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}") from None
    return renderer(results)


def _ordered(results: Iterable[Result]) -> list[tuple[Result, Finding]]:
    pairs = []
    for result in results:
        for finding in sorted(result.findings, key=lambda f: (f.line, -f.severity.rank, f.code)):
            pairs.append((result, finding))
    return pairs


def _line(finding: Finding) -> int:
    return max(finding.line, 1)


def _rel(path: str) -> str:
    """A path as the user knows it: relative to the working directory when below it, '/' separated."""
    if os.path.isabs(path):
        try:
            rel = os.path.relpath(path)
        except ValueError:  # another drive on Windows
            rel = path
        if not rel.startswith(".."):
            path = rel
    return path.replace(os.sep, "/")


# --- text --------------------------------------------------------------------------------------


def _text(results: list[Result]) -> str:
    lines = []
    for result, f in _ordered(results):
        name = shown_name(_rel(result.path))
        where = f"{name}:{f.line}" if f.line > 0 else name
        lines.append(f"{where}: {printable(f'{f.severity.value} {f.code} {f.message}')}")
    return "".join(line + "\n" for line in lines)


# --- json (hadolint's flat array) ----------------------------------------------------------------


def _json(results: list[Result]) -> str:
    items = [
        {
            "file": _rel(result.path),
            "line": _line(f),
            "column": 1,
            "level": f.severity.value,
            "code": f.code,
            "message": f.message,
        }
        for result, f in _ordered(results)
    ]
    import json

    return json.dumps(items, indent=2) + "\n"


# --- SARIF 2.1.0 ---------------------------------------------------------------------------------


def _rule(code: str, finding: Finding) -> dict[str, object]:
    try:
        from migrator.findings import lookup

        entry = lookup(code)
        title, doc, severity = entry.title, entry.doc, entry.severity
    except (KeyError, ImportError):
        title, doc, severity = finding.message, finding.message, finding.severity
    return {
        "id": code,
        "name": _rule_name(title) or code,
        "shortDescription": {"text": title},
        "fullDescription": {"text": doc or title},
        "help": {"text": doc or title, "markdown": doc or title},
        "defaultConfiguration": {"level": _SARIF_LEVEL[severity]},
    }


def _rule_name(title: str) -> str:
    """SARIF wants an identifier-like name: 'Unknown private base image' -> 'UnknownPrivateBaseImage'."""
    words = "".join(c if c.isalnum() else " " for c in title).split()
    return "".join(w[:1].upper() + w[1:] for w in words)


def _uri(path: str) -> str:
    from urllib.parse import quote

    return quote(_rel(path), safe="/")


def _sarif(results: list[Result]) -> str:
    from migrator import __version__ as version

    rules: list[dict[str, object]] = []
    index: dict[str, int] = {}
    sarif_results = []
    for result, f, fingerprint in _with_fingerprints(results):
        if f.code not in index:
            index[f.code] = len(rules)
            rules.append(_rule(f.code, f))
        sarif_results.append(
            {
                "ruleId": f.code,
                "ruleIndex": index[f.code],
                "level": _SARIF_LEVEL[f.severity],
                "message": {"text": f.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": _uri(result.path), "uriBaseId": "%SRCROOT%"},
                            "region": {"startLine": _line(f)},
                        }
                    }
                ],
                "partialFingerprints": {"migrator/v1": fingerprint},
            }
        )
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL_NAME,
                        "version": version,
                        "rules": rules,
                    }
                },
                "results": sarif_results,
            }
        ],
    }
    import json

    return json.dumps(log, indent=2) + "\n"


# --- GitHub workflow commands --------------------------------------------------------------------


def escape_data(value: str) -> str:
    """Escape a workflow command's message (after '::'): a line break is encoded for the runner, any other
    control or bidi character (an ANSI escape, U+202E in a file name) is shown escaped, as the text format does."""
    return printable(value, keep="\r\n").replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a workflow command property value (file=, title=): also ':' and ','."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def _github(results: list[Result]) -> str:
    lines = []
    for result, f in _ordered(results):
        props = f"file={escape_property(_rel(result.path))},line={_line(f)},title={escape_property(f.code)}"
        lines.append(f"::{_GITHUB_COMMAND[f.severity]} {props}::{escape_data(f.message)}")
    return "".join(line + "\n" for line in lines)


# --- GitLab Code Quality -------------------------------------------------------------------------


def _fingerprint(path: str, finding: Finding, occurrence: int) -> str:
    """Stable across runs and unrelated edits: the line number is left out on purpose, so a finding
    keeps its identity when lines above it move; `occurrence` tells identical findings apart."""
    key = "\0".join((_rel(path), finding.code, finding.message, str(occurrence)))
    import hashlib

    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _with_fingerprints(results: list[Result]) -> list[tuple[Result, Finding, str]]:
    seen: dict[tuple[str, str, str], int] = {}
    out = []
    for result, f in _ordered(results):
        key = (result.path, f.code, f.message)
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        out.append((result, f, _fingerprint(result.path, f, occurrence)))
    return out


def _gitlab(results: list[Result]) -> str:
    issues = []
    for result, f, fingerprint in _with_fingerprints(results):
        issues.append(
            {
                "description": f"{f.code}: {f.message}",
                "check_name": f.code,
                "fingerprint": fingerprint,
                "severity": _GITLAB_SEVERITY[f.severity],
                "location": {"path": _rel(result.path), "lines": {"begin": _line(f)}},
            }
        )
    import json

    return json.dumps(issues, indent=2) + "\n"


_RENDERERS = {"text": _text, "json": _json, "sarif": _sarif, "github": _github, "gitlab": _gitlab}
