"""Progress bars for long work: batches, data builds, model compiles, decomposition paths
(and sensitivity analyses), on standard error, in terminals and notebooks (rich).

Long-running code opens a :func:`task` (a bar with a count when the total is known, a
spinner with elapsed time otherwise) and reports progress with :func:`step`, which advances
the innermost open task and does nothing when none is open, so library code can call it
unconditionally.  Bars are transient (gone when the task ends), shown only in the main
process (not in Dask workers), only in a terminal or a notebook (not in logs or pipes)
and never on standard output, so ``--json`` output stays clean.  Quiet mode: ``cge --quiet ...``, ``cge.set_progress(False)`` or ``CGE_QUIET=1``.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from rich.console import Console
from rich.progress import (BarColumn, Progress, ProgressColumn, SpinnerColumn, Task, TaskID, TextColumn,
                           TimeElapsedColumn)
from rich.text import Text

T = TypeVar("T")

_enabled: bool | None = None   # None: on unless CGE_QUIET is set
_bar: Progress | None = None
_tasks: list[TaskID] = []


class _Count(ProgressColumn):
    """``done/total`` for a task with a total, nothing for a spinner."""

    def render(self, task: Task) -> Text:
        return Text(f"{int(task.completed)}/{int(task.total)}" if task.total is not None else "")


def set_progress(enabled: bool) -> None:
    """Show (True) or hide (False) progress bars in this process."""
    global _enabled
    _enabled = bool(enabled)


def progress_enabled() -> bool:
    """Whether progress bars are shown: not in quiet mode, and only in the main process."""
    if multiprocessing.current_process().name != "MainProcess":
        return False
    if _enabled is not None:
        return _enabled
    if os.environ.get("CGE_QUIET", "").strip().lower() not in ("", "0", "false", "no"):
        return False
    console = Console(stderr=True)
    return console.is_terminal or console.is_jupyter  # nothing in logs and pipes


@contextmanager
def task(description: str, total: int | None = None) -> Iterator[None]:
    """Show a progress bar (``total`` known) or a spinner while the block runs."""
    global _bar
    if not progress_enabled():
        yield
        return
    opened = _bar is None
    if opened:
        _bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                        _Count(), TimeElapsedColumn(),
                        console=Console(stderr=True), transient=True)
        _bar.start()
    bar = _bar
    tid = bar.add_task(description, total=total)
    _tasks.append(tid)
    try:
        yield
    finally:
        _tasks.remove(tid)
        bar.remove_task(tid)
        if opened:
            bar.stop()
            _bar = None


def step(advance: int = 1, description: str | None = None) -> None:
    """Advance the innermost open task (and optionally change its text); no-op without one."""
    if _bar is not None and _tasks:
        if description is None:
            _bar.advance(_tasks[-1], advance)
        else:
            _bar.update(_tasks[-1], advance=advance, description=description)


def track(items: Iterable[T], description: str, total: int | None = None) -> Iterator[T]:
    """Iterate over ``items`` with a progress bar."""
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    with task(description, total):
        for item in items:
            yield item
            step()
