"""A byte-count progress bar on stderr for pulls and hashing (rich; silent when quiet)."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from rich.progress import BarColumn, DownloadColumn, Progress, TaskID, TextColumn, TimeRemainingColumn, TransferSpeedColumn

from codey_git.ui import err_console


class ByteBar:
    def __init__(self, progress: Progress | None, task: TaskID | None) -> None:  # both or neither
        self._progress, self._task = progress, task

    def advance(self, n: int) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.advance(self._task, n)

    def describe(self, text: str) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, description=text)


@contextmanager
def byte_bar(description: str, total: int | None, quiet: bool = False) -> Iterator[ByteBar]:
    if quiet:
        yield ByteBar(None, None)
        return
    columns = (
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err_console, transient=False) as progress:
        yield ByteBar(progress, progress.add_task(description, total=total))
