"""`migrate scan [DIR]`: migrate every Dockerfile of a tree in memory and summarise; `migrate config`.

Files: Dockerfile, Containerfile, *.Dockerfile, *.dockerfile, Dockerfile.*, Containerfile.* (not our
own backups). Inside a git work tree the list comes from `git ls-files -co --exclude-standard`, so
.gitignore is respected (a nested repository or a submodule is listed by its own git); elsewhere the
tree is walked, skipping .git, node_modules, vendor, .venv. A name that links out of the tree is
reported (MIG704) and neither read nor written; a name that leads to no regular file (a dangling link, a
FIFO) is skipped with MIG705; a link to another Dockerfile of the tree is that file, read and written once.

Exit status: 1 when a file has findings at or above fail-on (default: errors other than "cannot
migrate"), 2 for bad options or configuration, or a file that cannot be read as a Dockerfile (each
named on stderr; with --write nothing is written), else 0. Machine formats go to stdout, alone; the
totals line then goes to stderr.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from migrator.cli.args import ConfigArgs, ScanArgs
from migrator.cli.errors import UsageError, one_line
from migrator.cli.hook_cmd import (
    CANNOT,
    CHANGED,
    ERROR,
    MIGRATED,
    SKIPPED,
    UNCHANGED,
    FileReport,
    _error,
    _in_error,
    configured,
    process_file,
    with_command_line,
)
from migrator.config import Config, clear_cache, load_config
from migrator.model import MigratorError, Options, Result, Severity
from migrator.report.formats import render_findings
from migrator.shown import printable, shown_name

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
        # a nested repository or a submodule is one entry, its directory: its own files are listed by its git
        nested = [root / rel.rstrip("/") for rel in listed if _nested_repository(root / rel.rstrip("/"))]
        files += [path for directory in nested for path in find_dockerfiles(directory, unreadable)]
        return sorted(p for p in files if os.path.lexists(p))  # (a tracked file deleted since is gone)
    found = []

    def skipped(error: OSError) -> None:
        unreadable.append((str(error.filename), error.strerror or str(error)))

    for directory, dirs, names in os.walk(root, onerror=skipped):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        found += [Path(directory) / n for n in names if is_dockerfile_name(n)]
    return sorted(found)


def _nested_repository(path: Path) -> bool:
    return not path.is_symlink() and path.is_dir() and os.path.lexists(path / ".git")


def sort_out(root: Path, files: list[Path]) -> tuple[list[Path], list[tuple[Path, str, str]]]:
    """(the files to read, [(path, code, message)] for the names skipped): a name that is a link, or under a
    linked directory, whose file is outside `root` is not followed (`scan --write` rewrote the file there:
    MIG704); a name that leads to no regular file (a dangling link, a loop, a FIFO) is not read (MIG705);
    a second name for a file already listed (`c/Dockerfile -> ../a/Dockerfile`) is the same file, read,
    counted and written once, under its own name when the tree has it."""
    if not root.is_dir():
        return files, []
    top = os.path.realpath(root)
    inside: dict[str, Path] = {}
    skipped: list[tuple[Path, str, str]] = []
    for path in files:
        target = os.path.realpath(path)
        if not (target == top or target.startswith(top.rstrip("/") + "/")):
            skipped.append((path, "MIG704", f"a link out of the scanned tree (to {one_line(target)}): not read, "
                                            "not written; migrate it by its own path"))
        elif (kind := _not_a_file(path)) is not None:
            skipped.append((path, "MIG705", f"{kind}: not read"))
        elif target not in inside or not path.is_symlink():
            inside[target] = path
    return sorted(inside.values()), skipped


def _not_a_file(path: Path) -> str | None:
    """What a name leads to when that is not a regular file, else None."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symlink loop"
        if os.path.islink(path) and exc.errno == errno.ENOENT:
            return "a dangling symlink (its target does not exist)"
        return None  # unreadable for another reason: reading it says why
    if stat.S_ISREG(mode):
        return None
    return "a FIFO" if stat.S_ISFIFO(mode) else "a directory" if stat.S_ISDIR(mode) else "not a regular file"


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


def _scan_chunk(tasks: list[tuple[str, Options, str | None]]) -> list[FileReport]:
    return [process_file(*task) for task in tasks]


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
    try:  # (not pool.map: on the way out it cancels futures the pool then fails as broken, which 3.11 trips over)
        futures = [pool.submit(_scan_chunk, rest[start:start + chunk]) for start in range(0, len(rest), chunk)]
        for future in futures:
            for report in future.result():
                reports.append(report)
                advance()
    except BaseException:  # Ctrl-C / SIGTERM: stop the workers now, not after their chunk of files
        _stop_workers(pool)
        raise
    pool.shutdown()
    return reports


def _stop_workers(pool: Any) -> None:
    """End the pool's workers at once (they ignore SIGTERM): shutdown(wait=False) alone leaves them running
    their chunk of up to 32 files, and the interpreter waits for them at exit."""
    kill = getattr(pool, "kill_workers", None)  # Python 3.14
    if kill is not None:
        kill()
        return
    processes = list((getattr(pool, "_processes", None) or {}).values())  # (shutdown forgets them)
    manager = getattr(pool, "_executor_manager_thread", None)
    pool.shutdown(wait=False)
    for process in processes:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            process.kill()
    for process in processes:
        with contextlib.suppress(OSError, ValueError, AttributeError, AssertionError):
            process.join(5)
    if manager is not None:  # it closes its wake-up pipe as it ends; the interpreter's exit wrote to it
        manager.join(5)      # meanwhile (3.11: "Exception ignored ... OSError: handle is closed")


def _worker_signals() -> None:
    """Workers leave Ctrl-C, SIGTERM and SIGHUP (sent to the whole process group) to the parent, which reports
    them in one line and then ends the workers itself (SIGKILL): a worker that died of the signal first
    made the parent report a broken pool instead."""
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)


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
    files, skipped = sort_out(root, find_dockerfiles(root, unreadable))
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
    reports += [_skipped(str(path), code, message, args.fail_on) for path, code, message in skipped]
    in_error = [f"{shown_name(r.path)}: {printable(r.result.findings[0].message)}" for r in reports
                if r.status == ERROR and r.blocking]
    if args.write and in_error:  # all or nothing, as `migrate --write A B`
        raise MigratorError(_in_error(in_error) + "; nothing was written")
    refused = _write(reports) if args.write else []
    elapsed = time.perf_counter() - started

    if args.format == "text":
        problems = [_errors_only(r.result) for r in reports if r.status in (ERROR, CANNOT)]
        problems += [r.result for r in reports if r.status == SKIPPED and r.result.findings
                     and r.result.findings[0].code in ("MIG704", "MIG705")]
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
    if in_error or refused:
        sys.stdout.flush()
        print("".join(f"migrate scan: error: {line}\n" for line in in_error + refused), end="", file=sys.stderr)
        return 2
    return 1 if any(r.blocking for r in reports) else 0


def _skipped(path: str, code: str, message: str, fail_on: str | None) -> FileReport:
    from migrator.model import Finding

    finding = Finding(code, Severity.WARNING, 0, message)
    return FileReport(path, SKIPPED, Result(path, "", "", findings=[finding]), fail_on)


def _write(reports: list[FileReport]) -> list[str]:
    """Every changed file, or none (cli.files): a file that cannot be written stops the scan, exit 2. A migration
    whose final stage cannot start is not written (as `migrate --write`): one line each, returned."""
    from migrator.api import start_error
    from migrator.cli.files import Replacement, replace_files
    from migrator.cli.migrate_cmd import not_written

    changed, refused = [], []
    for report in reports:
        if report.status != CHANGED or report.source is None:
            continue
        error = start_error(report.result)
        if error is None:
            changed.append(report)
            continue
        shown = shown_name(report.path)
        refused.append(not_written(shown, error, f"'migrate --write --write-broken {shown}'"))
    replace_files([Replacement(r.source, r.result.dockerfile, backup=True) for r in changed if r.source])
    for report in changed:
        report.status = MIGRATED
    return refused


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
