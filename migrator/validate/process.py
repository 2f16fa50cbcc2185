"""Running a builder's commands: argument lists, never a shell command line; output captured, stdin closed, a
timeout on each."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
import time

from migrator.records import dataclass

LOG_TAIL_LINES = 25


OUTPUT_LIMIT = 4000


@dataclass
class Proc:
    rc: int
    out: str
    err: str
    seconds: float
    timed_out: bool = False

    @property
    def text(self) -> str:
        return (self.out or "") + (self.err or "")


def run(argv: list[str], env: dict[str, str] | None = None, timeout: float | None = 120, merge: bool = False) -> Proc:
    """Run an argument list (never a shell); output captured, stdin closed."""
    start = time.monotonic()
    try:
        proc = subprocess.run(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT if merge else subprocess.PIPE,
            text=True,
            errors="replace",
            env=env,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout.decode(errors="replace") if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        return Proc(124, out, f"timed out after {timeout} s", time.monotonic() - start, timed_out=True)
    except OSError as exc:
        return Proc(127, "", f"{argv[0]}: {exc.strerror}", time.monotonic() - start)
    return Proc(proc.returncode, proc.stdout or "", proc.stderr or "", time.monotonic() - start)


def tail(text: str, lines: int = LOG_TAIL_LINES, limit: int = OUTPUT_LIMIT) -> str:
    out = "\n".join(text.rstrip().splitlines()[-lines:])
    return out[-limit:]


def run_group(argv: list[str], env: dict[str, str], timeout: float) -> tuple[int, str, bool]:
    """Run in a process group of its own, output to a file; at the timeout the whole group is
    killed. Returns (exit code, output, timed out)."""
    with tempfile.TemporaryFile() as out:
        try:
            proc = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
            )
        except OSError as exc:
            return 127, f"{argv[0]}: {exc.strerror}", False
        timed_out = False
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        out.seek(0)
        return proc.returncode, out.read().decode(errors="replace"), timed_out
