"""A live status line: what learnact is doing right now (`learnact.activity`).

Added to a command's Rich progress display, it shows the agent's step in the current
episode and the tokens the model has written so far in the current call, so that no
phase of a long command sits silent with only a clock moving. On a pipe the progress
display is disabled and the line is never drawn.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import RenderableType
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from learnact import activity


class _Count(MofNCompleteColumn):
    """``3/10``, and nothing for a row without a total (the status line)."""

    def render(self, task: Task) -> RenderableType:
        return Text("") if task.total is None else super().render(task)


class _Remaining(TimeRemainingColumn):
    """The time left, and nothing for a row without a total."""

    def render(self, task: Task) -> RenderableType:
        return Text("") if task.total is None else super().render(task)


def live_progress(*, remaining: bool = False) -> Progress:
    """The progress display every command uses on stderr: each row's description (data,
    never markup), a bar, done/total, the time elapsed and, with ``remaining``, the time
    left. Disabled off a terminal."""
    from learnact.cli.console import err

    columns: list[ProgressColumn] = [
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        _Count(),
        TimeElapsedColumn(),
    ]
    if remaining:
        columns.append(_Remaining())
    return Progress(*columns, console=err, disable=not err.is_terminal)


class StatusLine:
    """One spinner-like row of ``progress`` whose text follows `learnact.activity`."""

    def __init__(self, progress: Progress, idle: str = "starting…") -> None:
        self.progress = progress
        self.task = progress.add_task(idle, total=None)
        self._where = ""

    def on_activity(self, kind: str, f: dict[str, Any]) -> None:
        """An `learnact.activity` report (called from worker threads)."""
        if kind == "step":
            what = "training" if f["phase"] == "train" else "test"
            self._where = (
                f"{f['method']} on {what} task {f['task']}, step {f['index'] + 1}/{f['max_steps']}"
            )
            self.progress.update(self.task, description=self._where)
        elif kind == "tokens":
            where = f"{self._where} · " if self._where else ""
            self.progress.update(
                self.task,
                description=f"{where}model writing ({f['purpose']}): {f['tokens']} tokens",
            )

    def say(self, text: str) -> None:
        """Show ``text`` until the next activity (e.g. "learner: creating candidates")."""
        self._where = ""
        self.progress.update(self.task, description=text)

    @contextmanager
    def listening(self) -> Iterator[None]:
        """Follow `learnact.activity` for the duration of the block."""
        with activity.listening(self.on_activity):
            yield
