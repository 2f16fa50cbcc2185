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

from migrator.cli.args import ConfigArgs, ScanArgs
from migrator.cli.errors import UsageError
from migrator.cli.hook_cmd import (
    CANNOT,
    CHANGED,
    ERROR,
    MIGRATED,
    SKIPPED,
    UNCHANGED,
    FileReport,
    _error,
    configured,
    process_file,
    with_command_line,
)
from migrator.config import Config, clear_cache, load_config
from migrator.model import Options, Result, Severity
from migrator.report.formats import render_findings

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


def totals(reports: list[FileReport], seconds: float) -> str:
    by_status = {s: sum(1 for r in reports if r.status == s) for s in STATUS_ORDER}
    parts = [f"{n} {s}" for s, n in by_status.items() if n]
    rate = len(reports) / seconds if seconds > 0 else 0.0
    noun = "Dockerfile" if len(reports) == 1 else "Dockerfiles"
    return f"{len(reports)} {noun}: {', '.join(parts) or 'none found'} ({seconds:.2f}s, {rate:.0f} files/s)"


def scan_main(args: ScanArgs) -> int:
    cpus = os.cpu_count() or 1
    jobs = min(args.jobs or cpus, cpus)  # more processes than CPUs only wait for each other

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

    from migrator.cli.progress import bar

    with bar(len(tasks), "scanning") as advance:  # a registry that cannot be asked (--pin): exit 2 here
        reports = run_tasks(tasks, jobs, advance)
    reports += [_error(path, f"cannot read directory ({why}): its Dockerfiles were not scanned", args.fail_on)
                for path, why in unreadable]
    if args.write:
        _write(reports)
    elapsed = time.perf_counter() - started

    if args.format == "text":
        problems = [_errors_only(r.result) for r in reports if r.status in (ERROR, CANNOT)]
        if sys.stdout.isatty():
            from migrator.cli.scan_table import to_terminal

            to_terminal(reports, root, problems, totals(reports, elapsed))
        else:
            from migrator.cli.scan_table import plain

            sys.stdout.write(plain(reports, root) if reports else "")
            sys.stdout.write("\n" + render_findings(problems, "text") if problems else "")
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
    from migrator.records import replace

    return replace(result, findings=[f for f in result.findings if f.severity is Severity.ERROR])


def config_main(args: ConfigArgs) -> int:
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
