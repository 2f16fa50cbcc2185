"""`migrate scan [DIR]`: migrate every Dockerfile of a tree in memory and summarise; `migrate config`.

Files: Dockerfile, Containerfile, *.Dockerfile, *.dockerfile, Dockerfile.*, Containerfile.* (not our
own backups). Inside a git work tree the list comes from `git ls-files -co --exclude-standard`, so
.gitignore is respected; elsewhere the tree is walked, skipping .git, node_modules, vendor, .venv.

Exit status: 1 when a file has findings at or above fail-on (default: errors other than "cannot
migrate"), 2 for bad options or configuration, else 0. Machine formats go to stdout, alone; the
totals line then goes to stderr.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from migrator.cli.hook_cmd import (
    CANNOT,
    CHANGED,
    ERROR,
    MIGRATED,
    SKIPPED,
    UNCHANGED,
    FileReport,
    add_option_arguments,
    configured,
    process_file,
    with_command_line,
)
from migrator.config import Config, clear_cache, load_config
from migrator.model import MigratorError, Options, Result, Severity
from migrator.report.formats import FORMATS, render_findings

NAMES = ("Dockerfile", "Containerfile")
SKIP_DIRS = frozenset({".git", "node_modules", "vendor", ".venv", "__pycache__"})
NOT_DOCKERFILES = (".bak", ".migrator-backup", ".orig", ".rej", ".swp", "~", ".dockerignore", ".md")
STATUS_ORDER = (MIGRATED, CHANGED, UNCHANGED, CANNOT, SKIPPED, ERROR)


def is_dockerfile_name(name: str) -> bool:
    if name.endswith(NOT_DOCKERFILES):
        return False
    if name in NAMES or name.endswith((".Dockerfile", ".dockerfile")):
        return True
    return name.startswith(("Dockerfile.", "Containerfile."))


def find_dockerfiles(root: Path) -> list[Path]:
    """Dockerfiles under `root`, sorted; .gitignore respected inside a git work tree."""
    if root.is_file():
        return [root]
    listed = _git_files(root)
    if listed is not None:
        files = [root / rel for rel in listed if is_dockerfile_name(rel.rsplit("/", 1)[-1])]
        return sorted(p for p in files if p.is_file())
    found = []
    for directory, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        found += [Path(directory) / n for n in names if is_dockerfile_name(n)]
    return sorted(found)


def _git_files(root: Path) -> list[str] | None:
    try:
        proc = subprocess.run(
            ["git", "-C", str(root), "ls-files", "-co", "--exclude-standard", "-z"],
            capture_output=True,
            check=False,
        )
    except OSError:  # no git
        return None
    if proc.returncode != 0:  # not a work tree
        return None
    return sorted({p for p in proc.stdout.decode("utf-8", "surrogateescape").split("\0") if p})


def _scan_one(task: tuple[str, Options, str | None]) -> FileReport:
    return process_file(*task)


def run_tasks(
    tasks: list[tuple[str, Options, str | None]], jobs: int, advance: Callable[[], None] = lambda: None
) -> list[FileReport]:
    """Process files in order, in a process pool when jobs > 1 (results keep the input order)."""
    if jobs <= 1 or len(tasks) < 2:
        reports = []
        for task in tasks:
            reports.append(_scan_one(task))
            advance()
        return reports
    from concurrent.futures import ProcessPoolExecutor

    # The first file is done here: it loads the rules, which forked workers then share for free.
    reports = [_scan_one(tasks[0])]
    advance()
    rest = tasks[1:]
    chunk = max(1, min(32, len(rest) // (jobs * 4)))
    with ProcessPoolExecutor(max_workers=min(jobs, len(rest))) as pool:
        for report in pool.map(_scan_one, rest, chunksize=chunk):
            reports.append(report)
            advance()
        return reports


def _progress(total: int, enabled: bool) -> tuple[Callable[[], None], Callable[[], None]]:
    """A Rich progress bar on stderr when it is a terminal; otherwise nothing at all."""
    if not enabled:
        return (lambda: None), (lambda: None)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    progress = Progress(
        TextColumn("scanning"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = progress.add_task("scan", total=total)
    progress.start()
    return (lambda: progress.advance(task)), progress.stop


def _images(report: FileReport, attr: str) -> str:
    names = list(dict.fromkeys(getattr(s, attr) for s in report.result.stages if getattr(s, attr)))
    return ", ".join(names) if names else "-"


def summary_table(reports: list[FileReport], root: Path) -> str:
    header = ("FILE", "BASE IMAGES", "TARGET IMAGES", "ERR", "WARN", "INFO", "STATUS")
    rows: list[tuple[str, ...]] = [header]
    for report in reports:
        counts = [sum(1 for f in report.findings if f.severity is s) for s in Severity]
        rows.append(
            (
                _display(report.path, root),
                _images(report, "source"),
                _images(report, "image") if report.result.changed else "-",
                *(str(n) for n in counts),
                report.status,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    numeric = {3, 4, 5}
    lines = []
    for row in rows:
        cells = [
            cell.rjust(w) if i in numeric else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"


def totals(reports: list[FileReport], seconds: float) -> str:
    by_status = {s: sum(1 for r in reports if r.status == s) for s in STATUS_ORDER}
    parts = [f"{n} {s}" for s, n in by_status.items() if n]
    rate = len(reports) / seconds if seconds > 0 else 0.0
    noun = "Dockerfile" if len(reports) == 1 else "Dockerfiles"
    return f"{len(reports)} {noun}: {', '.join(parts) or 'none found'} ({seconds:.2f}s, {rate:.0f} files/s)"


def _display(path: str, root: Path) -> str:
    try:
        return Path(path).relative_to(root).as_posix() if root.is_dir() else path
    except ValueError:
        return path


def scan_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="migrate scan",
        description="Migrate every Dockerfile under DIR in memory and print a summary (or --write them).",
    )
    parser.add_argument("dir", nargs="?", default=".", metavar="DIR", help="directory (or file) to scan")
    parser.add_argument("-j", "--jobs", type=int, default=1, metavar="N", help="processes; 0 = one per CPU")
    parser.add_argument("--write", action="store_true", help="apply the migrations, keeping <name>.bak")
    parser.add_argument("-f", "--format", choices=FORMATS, default="text", help="default: text")
    add_option_arguments(parser)
    args = parser.parse_args(argv)
    if args.jobs < 0:
        parser.error("--jobs must be 0 or more")
    jobs = args.jobs or os.cpu_count() or 1

    root = Path(args.dir)
    if not root.exists():
        print(f"migrate scan: {root}: no such file or directory", file=sys.stderr)
        return 2
    started = time.perf_counter()
    clear_cache()  # one invocation, one fresh read of the configuration files
    files = find_dockerfiles(root)
    cache: dict[int, Config] = {}
    tasks = []
    try:
        for path in files:
            options, fail_on = configured(path, args, cache)
            tasks.append((str(path), options, fail_on))
    except MigratorError as exc:
        print(f"migrate scan: {exc}", file=sys.stderr)
        return 2

    advance, stop = _progress(len(tasks), sys.stderr.isatty() and len(tasks) > 1)
    try:
        reports = run_tasks(tasks, jobs, advance)
    except MigratorError as exc:  # the registry could not be asked (--pin, --verify-tags): write nothing
        print(f"migrate scan: error: {exc}", file=sys.stderr)
        return 2
    finally:
        stop()
    if args.write:
        from migrator.render.output import write_atomically

        for report in reports:
            if report.status == CHANGED:
                write_atomically(Path(report.path), report.result.dockerfile, backup=True)
                report.status = MIGRATED
    elapsed = time.perf_counter() - started

    if args.format == "text":
        sys.stdout.write(summary_table(reports, root) if reports else "")
        problems = [r.result for r in reports if r.status in (ERROR, CANNOT)]
        if problems:
            only_errors = [_errors_only(r) for r in problems]
            sys.stdout.write("\n" + render_findings(only_errors, "text"))
        print(totals(reports, elapsed))
    else:
        sys.stdout.write(render_findings([r.result for r in reports], args.format))
        print(totals(reports, elapsed), file=sys.stderr)
    return 1 if any(r.blocking for r in reports) else 0


def _errors_only(result: Result) -> Result:
    from dataclasses import replace

    return replace(result, findings=[f for f in result.findings if f.severity is Severity.ERROR])


def config_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="migrate config",
        description="Print the effective configuration for PATH (a Dockerfile or a directory) and where "
        "each value comes from: default, the configuration file (with its line), or the command line.",
    )
    parser.add_argument("--show", action="store_true", help="print the configuration (the default action)")
    parser.add_argument("path", nargs="?", default=".", metavar="PATH")
    parser.add_argument("-f", "--format", choices=("yaml", "json"), default="yaml")
    add_option_arguments(parser)
    args = parser.parse_args(argv)
    path = Path(args.path)
    if not path.exists():
        print(f"migrate config: {path}: no such file or directory", file=sys.stderr)
        return 2
    clear_cache()
    try:
        config = with_command_line(load_config(path), args)
    except MigratorError as exc:
        print(f"migrate config: {exc}", file=sys.stderr)
        return 2
    described = config.describe(path if path.is_file() else None)
    if args.format == "json":
        import json

        print(json.dumps(described, indent=2))
    else:
        from ruamel.yaml import YAML

        yaml = YAML(typ="safe", pure=True)
        yaml.default_flow_style = False
        yaml.width = 4096  # one value, one line: paths are long
        yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment,attr-defined,unused-ignore]
        yaml.dump(described, sys.stdout)
    return 0
