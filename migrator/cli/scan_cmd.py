"""`migrate scan [DIR]`: migrate every Dockerfile of a tree in memory and summarise; `migrate config`.

Files: Dockerfile, Containerfile, *.Dockerfile, *.dockerfile, Dockerfile.*, Containerfile.* (not our
own backups). Inside a git work tree the list comes from `git ls-files -co --exclude-standard`, so
.gitignore is respected; elsewhere the tree is walked, skipping .git, node_modules, vendor, .venv.

Exit status: 1 when a file has findings at or above fail-on (default: errors other than "cannot
migrate"), 2 for bad options or configuration, else 0. Machine formats go to stdout, alone; the
totals line then goes to stderr.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from migrator.cli.errors import Parser, UsageError
from migrator.cli.hook_cmd import (
    CANNOT,
    CHANGED,
    ERROR,
    MIGRATED,
    SKIPPED,
    UNCHANGED,
    FileReport,
    _error,
    add_option_arguments,
    configured,
    process_file,
    with_command_line,
)
from migrator.config import Config, clear_cache, load_config
from migrator.model import Options, Result, Severity
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


def find_dockerfiles(root: Path, unreadable: list[tuple[str, str]] | None = None) -> list[Path]:
    """Dockerfiles under `root`, sorted; .gitignore respected inside a git work tree.

    Directories that cannot be read are added to `unreadable` as (path, reason): a scan that skips
    part of the tree must say so. Symlinks are listed as they are; reading them decides.
    """
    unreadable = [] if unreadable is None else unreadable
    if not root.is_dir():
        return [root]
    listed = _git_files(root, unreadable)
    if listed is not None:
        files = [root / rel for rel in listed if is_dockerfile_name(rel.rsplit("/", 1)[-1])]
        return sorted(p for p in files if p.is_file() or p.is_symlink())
    found = []

    def skipped(error: OSError) -> None:
        unreadable.append((str(error.filename), error.strerror or str(error)))

    for directory, dirs, names in os.walk(root, onerror=skipped):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        found += [Path(directory) / n for n in names if is_dockerfile_name(n)]
    return sorted(found)


_GIT_UNREADABLE = re.compile(r"could not open directory '(.*)': (.*)$")


def _git_files(root: Path, unreadable: list[tuple[str, str]]) -> list[str] | None:
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
    for line in proc.stderr.decode("utf-8", "replace").splitlines():
        match = _GIT_UNREADABLE.search(line)
        if match:
            unreadable.append((str(root / match.group(1).rstrip("/")), match.group(2)))
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
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(rest)), initializer=_worker_signals)
    try:
        for report in pool.map(_scan_one, rest, chunksize=chunk):
            reports.append(report)
            advance()
    except BaseException:  # Ctrl-C / SIGTERM: do not wait for the queued files
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return reports


def _worker_signals() -> None:
    """Workers leave Ctrl-C and SIGTERM to the parent, which reports them in one line."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


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
    parser = Parser(
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
        raise UsageError(f"{root}: no such file or directory")
    started = time.perf_counter()
    clear_cache()  # one invocation, one fresh read of the configuration files
    unreadable: list[tuple[str, str]] = []
    files = find_dockerfiles(root, unreadable)
    cache: dict[int, Config] = {}
    tasks = []
    for path in files:
        options, fail_on = configured(path, args, cache)  # a bad configuration: exit 2 (errors.guarded)
        tasks.append((str(path), options, fail_on))

    advance, stop = _progress(len(tasks), sys.stderr.isatty() and len(tasks) > 1)
    try:  # a registry that cannot be asked (--pin, --verify-tags) stops here, exit 2: nothing is written
        reports = run_tasks(tasks, jobs, advance)
    finally:
        stop()
    reports += [_error(path, f"cannot read directory ({why}): its Dockerfiles were not scanned", args.fail_on)
                for path, why in unreadable]
    if args.write:
        _write(reports)
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


def _write(reports: list[FileReport]) -> None:
    """Every changed file, or none (cli.files): a file that cannot be written stops the scan, exit 2."""
    from migrator.cli.files import Replacement, replace_files

    changed = [r for r in reports if r.status == CHANGED and r.source is not None]
    replace_files([Replacement(r.source, r.result.dockerfile, backup=True) for r in changed if r.source])
    for report in changed:
        report.status = MIGRATED


def _errors_only(result: Result) -> Result:
    from dataclasses import replace

    return replace(result, findings=[f for f in result.findings if f.severity is Severity.ERROR])


def config_main(argv: list[str]) -> int:
    parser = Parser(
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
    if not os.path.lexists(path):
        raise UsageError(f"{path}: no such file or directory")
    clear_cache()
    config = with_command_line(load_config(path), args)
    described = config.describe(path if not os.path.isdir(path) else None)
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
