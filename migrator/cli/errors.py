"""One way for every sub-command to fail: a single line on stderr and a documented exit code.

    0 success   1 "found something" (--check, fail-on)   2 a one-line error (bad input, options,
    rules, configuration, a file that cannot be written; `--write` leaving a file whose migration
    cannot start)   3 `validate` only: the environment
    130 interrupted (Ctrl-C)   141 output pipe closed   143 terminated (SIGTERM; 129 SIGHUP)

`guarded(prog, command)` runs a command under that contract: MigratorError (and UsageError, its
sub-class for bad options) becomes `prog: error: MESSAGE`; a bug becomes one `internal error` line
(MIGRATOR_TRACEBACK=1 shows the traceback). SIGTERM is turned into an exception while the command
runs, so that `finally` blocks (temporary files) run as they do for Ctrl-C. A usage error is a
UsageError wherever it is found: Typer's own (`run_typer`), the command's checks of option values,
and `cli.fastpath` leaves every command line it is unsure of to Typer.
"""

from __future__ import annotations

# `_signal`: the functions and numbers `signal` wraps (the same in every CPython), without the
# enums `signal` makes of them when imported (0.5 ms of a cold run): here handlers and masks are
# only stored and restored.
import _signal as signal
import errno
import os
import sys
from collections.abc import Callable

from migrator.model import MigratorError

TYPE_CHECKING = False  # not typing's: importing typing costs 2 ms of a cold run (docs/performance.md)
if TYPE_CHECKING:
    from typing import Any

EXIT_OK, EXIT_FOUND, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED, EXIT_BROKEN_PIPE, EXIT_TERMINATED = 130, 141, 143


class UsageError(MigratorError):
    """Bad command-line use: shown as one line, exit 2."""


class Terminated(BaseException):
    """SIGTERM arrived; raised where the program is, so cleanup runs."""


def one_line(text: str) -> str:
    """A message as one line: newlines and other control characters are shown escaped."""
    from migrator.shown import printable

    return printable(str(text).strip())


def guarded(prog: str, command: Callable[[], int]) -> int:
    """Run `command` under the exit-code contract above; never lets an exception escape."""
    with _sigterm_raises():
        try:
            code = int(command())
            _flush_output()  # a full disk or a closed descriptor is an error, not a silent 0
            return code
        except MigratorError as exc:
            _say(f"{prog}: error: {one_line(str(exc))}")
            return EXIT_ERROR
        except KeyboardInterrupt:
            _say(f"{prog}: interrupted")
            return EXIT_INTERRUPTED
        except Terminated as exc:
            signum = exc.args[0] if exc.args else signal.SIGTERM
            _say(f"{prog}: terminated")
            return 128 + int(signum)
        except BrokenPipeError:
            _silence_stdout()
            return EXIT_BROKEN_PIPE
        except SystemExit as exc:  # --help / --version, or a library that calls sys.exit
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else EXIT_ERROR)
            return _flushed(prog, code)
        except OSError as exc:
            if exc.filename is not None or exc.errno not in _OUTPUT_ERRNOS:
                return _internal_error(prog, exc)
            _say(f"{prog}: error: cannot write the output ({exc.strerror or exc})")
            _silence_stdout()
            return EXIT_ERROR
        except Exception as exc:  # a bug of ours: one line, and how to report it
            return _internal_error(prog, exc)


_OUTPUT_ERRNOS = frozenset(getattr(errno, name) for name in ("ENOSPC", "EIO", "EFBIG", "EDQUOT", "EBADF", "ENXIO",
                                                             "EROFS", "EAGAIN") if hasattr(errno, name))


def _flush_output() -> None:
    stream = sys.stdout
    if stream is not None:
        stream.flush()


def _flushed(prog: str, code: int) -> int:
    """`--help` printed into a full disk: the exit code says so."""
    try:
        _flush_output()
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except OSError as exc:
        _say(f"{prog}: error: cannot write the output ({exc.strerror or exc})")
        _silence_stdout()
        return EXIT_ERROR
    return code


def _internal_error(prog: str, exc: Exception) -> int:
    if os.environ.get("MIGRATOR_TRACEBACK"):
        raise exc
    _say(f"{prog}: internal error: {type(exc).__name__}: {one_line(str(exc))} (a bug in migrator: "
         "please report it with the input; MIGRATOR_TRACEBACK=1 shows where)")
    return EXIT_ERROR


def run_typer(app: Any, argv: list[str], prog: str, prog_name: str | None = None) -> int:
    """Run a Typer app with usage errors as one line (no Rich box), inside `guarded`'s contract.

    `prog` is the command the user ran ("migrate scan"), `prog_name` the app's own name when it
    differs (the app of the sub-commands is "migrate")."""
    try:
        result = app(args=list(argv), prog_name=prog_name or prog, standalone_mode=False)
    except SystemExit:
        if type(sys.stdout).__name__ == "PacifyFlushWrapper":  # Typer's answer to EPIPE is exit 1
            raise BrokenPipeError from None
        raise
    except Exception as exc:  # Typer's click may be its own copy (typer._click): tell them by shape
        kind = type(exc).__name__
        if kind == "Exit" and hasattr(exc, "exit_code"):
            return int(exc.exit_code)
        if kind == "Abort":
            raise KeyboardInterrupt from None
        if hasattr(exc, "format_message") and hasattr(exc, "exit_code"):
            where = getattr(getattr(exc, "ctx", None), "command_path", None) or prog
            where = where if where.startswith(prog) else prog  # the sub-command's help, not the group's
            raise UsageError(f"{exc.format_message()} (see '{where} --help')") from None
        raise
    if result == EXIT_INTERRUPTED:  # Typer turns Ctrl-C into a silent 130: say it in one line, as everywhere
        raise KeyboardInterrupt
    return result if isinstance(result, int) else EXIT_OK


def _say(line: str) -> None:
    try:  # noqa: SIM105 (contextlib is not imported on the hot path)
        sys.stdout.flush()
    except (OSError, ValueError):
        pass
    try:  # noqa: SIM105
        print(line, file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


def _silence_stdout() -> None:
    """After EPIPE, point stdout at /dev/null so the interpreter's final flush stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated(signum)


_ENDING_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


# (the two context managers below are classes: contextlib costs 0.5 ms of a cold run to import)

class _sigterm_raises:
    """SIGTERM (and SIGHUP: the terminal went away) end the command like Ctrl-C does, cleanup included."""

    def __enter__(self) -> None:
        try:
            self.previous = {signum: signal.signal(signum, _raise_terminated) for signum in _ENDING_SIGNALS}
        except ValueError:  # not the main thread: leave signals alone
            self.previous = {}

    def __exit__(self, *exc_info: object) -> None:
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)


class signals_deferred:
    """Hold SIGINT and SIGTERM for a short critical section (a group of renames); they arrive after it."""

    def __enter__(self) -> None:
        held = {signal.SIGINT, *_ENDING_SIGNALS}
        try:
            self.previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
        except (AttributeError, ValueError, OSError):  # no pthread_sigmask (Windows)
            self.previous = None

    def __exit__(self, *exc_info: object) -> None:
        if self.previous is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, self.previous)
