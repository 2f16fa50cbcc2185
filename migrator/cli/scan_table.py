"""The summary table of `migrate scan`.

In a terminal it fits the window (Rich): one image per line in its cell, long names folded, the
target registry said once in the header instead of on every image, colours unless NO_COLOR.
Nothing is cut: what `--format json` holds about the images, the counts and the status is all
there. Into a pipe or a file it is one line per file, columns padded, for grep and awk.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from migrator.model import Result, Severity

if TYPE_CHECKING:
    from rich.console import Console

    from migrator.cli.hook_cmd import FileReport

HEADER = ("FILE", "BASE IMAGES", "TARGET IMAGES", "ERR", "WARN", "INFO", "STATUS")
_NUMERIC = {3, 4, 5}
_STATUS_STYLE = {"would change": "yellow", "migrated": "green", "unchanged": "green", "cannot migrate": "red",
                 "error": "bold red", "skipped": "dim"}


def images(report: FileReport, attr: str) -> list[str]:
    return list(dict.fromkeys(getattr(s, attr) for s in report.result.stages if getattr(s, attr)))


def _targets(report: FileReport) -> list[str]:
    return images(report, "image") if report.result.changed else []


def _counts(report: FileReport) -> list[int]:
    return [sum(1 for f in report.findings if f.severity is s) for s in Severity]


def display(path: str, root: Path) -> str:
    from migrator.shown import shown_name

    try:
        return shown_name(Path(path).relative_to(root).as_posix() if root.is_dir() else path)
    except ValueError:
        return shown_name(path)


def plain(reports: list[FileReport], root: Path) -> str:
    """One line per file, columns padded to the longest cell."""
    rows: list[tuple[str, ...]] = [HEADER]
    for report in reports:
        rows.append((display(report.path, root), ", ".join(images(report, "source")) or "-",
                     ", ".join(_targets(report)) or "-", *(str(n) for n in _counts(report)), report.status))
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]
    lines = []
    for row in rows:
        cells = [cell.rjust(w) if i in _NUMERIC else cell.ljust(w)
                 for i, (cell, w) in enumerate(zip(row, widths, strict=True))]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"


def to_terminal(reports: list[FileReport], root: Path, problems: list[Result], summary: str,
                console: Console | None = None) -> None:
    """The table, then each error (where, then the message under it), then the totals, wrapped between
    words at the terminal's width."""
    from rich.console import Console
    from rich.padding import Padding
    from rich.text import Text

    console = console or Console(highlight=False)
    if reports:
        fitted(reports, root, console)
    for result in problems:
        for finding in sorted(result.findings, key=lambda f: f.line):
            where = f"{display(result.path, root)}:{finding.line}" if finding.line > 0 else display(result.path, root)
            console.print(Text.assemble((where, "bold"), ": ", (finding.severity.value, "red"), f" {finding.code}"))
            console.print(Padding(Text(finding.message), (0, 0, 0, 4)))
    console.print(summary)


def fitted(reports: list[FileReport], root: Path, console: Console) -> None:
    """The table, as wide as the terminal and no wider: the columns of `plain` when they fit, else
    each file on one line with its images under it (wrapped between images, never cut)."""
    from rich import box
    from rich.console import Group
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    wide = _natural_width(reports, root) <= console.width
    registry = "" if wide else _common_registry(reports)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1, 0, 0), header_style="bold", expand=False,
                  caption=f"…/ stands for {registry}/" if registry else None, caption_justify="left")
    if wide:
        for name in HEADER[:3]:
            table.add_column(name, no_wrap=True)
    else:
        table.add_column("FILE\n  base images → target images", overflow="fold")
    for name in HEADER[3:6]:
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("STATUS", no_wrap=wide)  # narrow: "cannot migrate" may take two lines, the path not
    for report in reports:
        base, targets = images(report, "source"), _targets(report)
        errors, warnings, infos = _counts(report)
        counts = (Text(str(errors), style="red" if errors else ""),
                  Text(str(warnings), style="yellow" if warnings else ""), str(infos))
        status = Text(report.status, style=_STATUS_STYLE.get(report.status, ""))
        if wide:
            table.add_row(display(report.path, root), ", ".join(base) or "-", ", ".join(targets) or "-",
                          *counts, status)
            continue
        short = [_abbreviated(image, registry) for image in targets]
        line = ", ".join(_abbreviated(image, registry) for image in base) or "-"
        if short:
            line += " → " + ", ".join(short)
        cell = Group(Text(display(report.path, root), style="bold"), Padding(Text(line), (0, 0, 0, 2)))
        table.add_row(cell, *counts, status)
    console.print(table)


def _natural_width(reports: list[FileReport], root: Path) -> int:
    """The width of the one-line-per-file table (the rich table adds the same two spaces between columns)."""
    return max(len(line) for line in plain(reports, root).splitlines())


def _abbreviated(image: str, registry: str) -> str:
    return "…/" + image[len(registry) + 1:] if registry and image.startswith(registry + "/") else image


def _common_registry(reports: list[FileReport]) -> str:
    """The registry most target images are in (written once, under the table), or "" when there is none."""
    registries = Counter(t.rsplit("/", 1)[0] for r in reports for t in _targets(r) if "/" in t)
    return registries.most_common(1)[0][0] if registries else ""
