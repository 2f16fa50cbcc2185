"""What people see on stderr while they wait: live when stderr is a terminal, plain lines or nothing
when it is a file or a pipe (a CI log). Rich draws it, so NO_COLOR and TERM=dumb are honoured."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def bar(total: int, label: str) -> Iterator[Callable[[], None]]:
    """`advance()` once per item done: a bar with the count and the time left, on a terminal only."""
    if total < 2 or not sys.stderr.isatty():
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    progress = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                        console=Console(stderr=True), transient=True)
    task = progress.add_task(label, total=total)
    with progress:
        yield lambda: progress.advance(task)


@contextmanager
def steps(prog: str, lines: bool = True) -> Iterator[Callable[[str], None]]:
    """`step(message)` as each step of a long command starts (a build, a smoke run).

    On a terminal the step is printed and stays on a live line under it, with a spinner and the time
    it has taken so far; elsewhere it is one line (`lines`), as a log wants it."""
    if not sys.stderr.isatty():
        if not lines:
            yield lambda message: None
            return
        yield lambda message: print(f"{prog}: {message}", file=sys.stderr, flush=True)
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

    progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                        console=Console(stderr=True, highlight=False), transient=True)
    current: list[TaskID] = []

    def step(message: str) -> None:
        if lines:
            progress.console.print(f"{prog}: {message}")
        for task in current:
            progress.remove_task(task)
        current[:] = [progress.add_task(message)]

    with progress:
        yield step
