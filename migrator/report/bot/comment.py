"""Render the bot's report: a summary table, then per file a collapsible diff and the findings.

Templates are jinja2 files shipped in ``templates/`` (read through importlib.resources); a user's
``--template FILE`` replaces ``comment.md.j2`` and may ``{% include %}`` or ``{% import %}`` the
built-in ones. The marker that makes the comment sticky is added here, not by the template, so an
overriding template cannot lose it. Bodies are capped (GitHub refuses comments over 65,536
characters): diffs are shortened per file, fairly, with a note saying so.
"""

from __future__ import annotations

import difflib
import html
import re
from pathlib import Path
from typing import Any

from migrator.model import Finding, Result, Severity
from migrator.records import dataclass, field
from migrator.report.bot import MARKER

MAX_CHARS = 65_536
MAX_FINDINGS_PER_FILE = 50
SEVERITIES = ("error", "warning", "info")
TEMPLATE = "comment.md.j2"


@dataclass
class FileReport:
    path: str
    result: Result | None = None
    error: str | None = None  # the file could not be read or migrated
    validation: list[dict[str, Any]] | None = None  # [{platform, status, ...}] from `migrate validate`
    validation_error: str | None = None

    @property
    def findings(self) -> list[Finding]:
        return list(self.result.findings) if self.result else []

    @property
    def changed(self) -> bool:
        return bool(self.result and self.result.changed)

    @property
    def validation_failed(self) -> bool:
        return any(p.get("status") == "failed" for p in self.validation or [])

    @property
    def noteworthy(self) -> bool:
        return bool(self.changed or self.findings or self.error or self.validation_failed
                    or self.validation_error)


@dataclass
class Report:
    files: list[FileReport] = field(default_factory=list)
    validate: bool = False
    sha: str = ""
    notes: list[str] = field(default_factory=list)  # e.g. "3 files skipped: ..."

    @property
    def clean(self) -> bool:
        return not any(f.noteworthy for f in self.files)

    def worst(self) -> Severity | None:
        ranks = [f.severity for fr in self.files for f in fr.findings]
        if any(fr.error or fr.validation_failed for fr in self.files):
            ranks.append(Severity.ERROR)
        return max(ranks, key=lambda s: s.rank) if ranks else None


# --- markdown helpers -----------------------------------------------------------------------------

def md_cell(value: object) -> str:
    """Text safe inside a table cell or <summary>: no HTML, no pipes, one line."""
    text = html.escape(str(value), quote=False).replace("|", "\\|")
    return " ".join(text.split())


def md_code(value: object) -> str:
    """Inline code whose content cannot close the span early."""
    text = " ".join(str(value).split())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def fence_for(text: str, char: str = "`") -> str:
    """A code fence longer than any run of fence characters in ``text``."""
    longest = max((len(run) for run in re.findall(re.escape(char) + "{3,}", text)), default=0)
    return char * max(3, longest + 1)


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 or word == "info" else f"{count} {word}s"


def unified_diff(path: str, original: str, migrated: str) -> str:
    lines = difflib.unified_diff(
        original.splitlines(keepends=True), migrated.splitlines(keepends=True),
        fromfile=f"a/{path}", tofile=f"b/{path}",
    )
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n")
    return "".join(out)


# --- context --------------------------------------------------------------------------------------

def _unique(values: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        if value:
            seen.setdefault(value, None)
    return list(seen)


def file_context(report: FileReport) -> dict[str, Any]:
    result = report.result
    findings = sorted(report.findings, key=lambda f: (-f.severity.rank, f.line, f.code))
    counts = {s: sum(1 for f in findings if f.severity.value == s) for s in SEVERITIES}
    diff = unified_diff(report.path, result.original, result.dockerfile) if result and result.changed else ""
    stages = [s.to_dict() for s in result.stages] if result else []
    from_lines = [line.strip() for line in (result.dockerfile.splitlines() if result else [])
                  if line.strip().upper().startswith("FROM ")]
    return {
        "path": report.path,
        "changed": report.changed,
        "error": report.error,
        "stages": stages,
        "from_images": _unique([s["source"] for s in stages]),
        "to_images": _unique([s["image"] for s in stages]),
        "from_lines": from_lines,
        "findings": [f.to_dict() for f in findings[:MAX_FINDINGS_PER_FILE]],
        "findings_hidden": max(0, len(findings) - MAX_FINDINGS_PER_FILE),
        "counts": counts,
        "validation": report.validation,
        "validation_error": report.validation_error,
        "validation_failed": report.validation_failed,
        "diff": diff,
        "diff_fence": fence_for(diff),
        "diff_lines": diff.count("\n"),
        "diff_lines_shown": diff.count("\n"),
        "added": sum(1 for line in diff.splitlines()[2:] if line.startswith("+")),
        "removed": sum(1 for line in diff.splitlines()[2:] if line.startswith("-")),
        "truncated": False,
    }


def report_context(report: Report) -> dict[str, Any]:
    files = [file_context(f) for f in report.files]
    totals = {s: sum(f["counts"][s] for f in files) for s in SEVERITIES}
    return {
        "marker": MARKER,
        "files": files,
        "shown": [f for f in files if f["changed"] or f["findings"] or f["error"] or f["validation_failed"]
                  or f["validation_error"]],
        "totals": totals,
        "changed_count": sum(1 for f in files if f["changed"]),
        "validate": report.validate,
        "sha": report.sha,
        "short_sha": report.sha[:7],
        "clean": report.clean,
        "notes": report.notes,
        "capped": False,
    }


# --- templates ------------------------------------------------------------------------------------

def _builtin_source(name: str) -> str | None:
    from importlib.resources import files

    resource = files("migrator.report.bot").joinpath("templates").joinpath(name)
    try:
        return resource.read_text(encoding="utf-8")
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def _environment(search_dir: Path | None) -> Any:
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    loaders: list[jinja2.BaseLoader] = []
    if search_dir is not None:
        loaders.append(jinja2.FileSystemLoader(str(search_dir)))
    loaders.append(jinja2.FunctionLoader(_builtin_source))
    env = SandboxedEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=False,  # markdown, not HTML: values are escaped explicitly with |cell
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(cell=md_cell, code=md_code, plural=plural, fence=fence_for)
    return env


class Renderer:
    def __init__(self, template: Path | None = None) -> None:
        from migrator.model import MigratorError

        if template is not None:
            try:
                source = template.read_text(encoding="utf-8")
            except OSError as exc:
                raise MigratorError(f"{template}: cannot read template ({exc.strerror})") from None
            env = _environment(template.parent)
            try:
                self._template = env.from_string(source)
            except Exception as exc:  # jinja2.TemplateSyntaxError
                raise MigratorError(f"{template}: bad template: {exc}") from None
        else:
            self._template = _environment(None).get_template(TEMPLATE)

    def render_context(self, context: dict[str, Any]) -> str:
        from migrator.model import MigratorError

        try:
            text = self._template.render(**context)
        except Exception as exc:  # undefined variables, sandbox violations, errors in user templates
            raise MigratorError(f"template error: {type(exc).__name__}: {exc}") from None
        return f"{MARKER}\n{text.strip()}\n"

    def render(self, report: Report, limit: int = MAX_CHARS) -> str:
        context = report_context(report)
        body = self.render_context(context)
        if len(body) <= limit:
            return body
        return self._fit(context, limit)

    def _fit(self, context: dict[str, Any], limit: int) -> str:
        files = context["files"]
        context["capped"] = True
        originals = [f["diff"] for f in files]
        for f in files:
            _cut(f, 0)
        overhead = len(self.render_context(context))
        budget = limit - overhead - 64
        for _ in range(6):
            _share(files, originals, max(budget, 0))
            body = self.render_context(context)
            if len(body) <= limit:
                return body
            budget -= len(body) - limit + 256
        # Still too long (thousands of findings?): cut hard, closing what we can.
        note = "\n\n</details>\n\n**The report was cut here: it exceeds the comment size limit.**\n"
        return body[: limit - len(note)] + note


def _cut(file: dict[str, Any], chars: int) -> None:
    """Keep whole lines of the file's diff within ``chars`` characters."""
    diff = file["diff"]
    if len(diff) <= chars:
        return
    kept = diff[:chars]
    kept = kept[: kept.rfind("\n") + 1] if "\n" in kept else ""
    file["diff"] = kept
    file["diff_lines_shown"] = kept.count("\n")
    file["truncated"] = True


def _share(files: list[dict[str, Any]], originals: list[str], budget: int) -> None:
    """Give each file an equal share of ``budget``; what small diffs leave over goes to large ones."""
    order = sorted(range(len(files)), key=lambda i: len(originals[i]))
    remaining = budget
    for position, index in enumerate(order):
        file = files[index]
        file["diff"] = originals[index]
        file["diff_lines_shown"] = file["diff_lines"]
        file["truncated"] = False
        share = remaining // (len(order) - position)
        _cut(file, share)
        remaining -= len(file["diff"])
