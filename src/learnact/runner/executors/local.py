"""Threads in this process, up to the acting model's concurrency limit.

Each unit runs on a worker thread with its own sandbox and its own environment
instances; the loaded models (their request limits and response cache) are shared, and
each unit binds them to its own run, so its usage and budget are its own. Worker
threads are daemons: on Ctrl-C the process exits without waiting for episodes in flight
(they were not committed, so a resumed run does them again).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Any

from learnact.runner.executors import Finished
from learnact.runner.experiment import Experiment
from learnact.runner.units import WorkerContext, WorkerSettings, execute, unit_error


class LocalExecutor:
    """``workers`` daemon threads sharing one `WorkerContext`."""

    def __init__(
        self,
        exp: Experiment,
        settings: WorkerSettings,
        workers: int,
        event_sink: Callable[[str, int, dict[str, Any]], None] | None = None,
    ) -> None:
        self.capacity = max(1, workers)
        self.isolated = False  # threads of one process
        self.ctx = WorkerContext(exp, settings)
        self.event_sink = event_sink
        self._jobs: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._results: queue.Queue[Finished] = queue.Queue()
        self._threads = [
            threading.Thread(target=self._work, name=f"learnact-worker-{i}", daemon=True)
            for i in range(self.capacity)
        ]
        for t in self._threads:
            t.start()

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            uid = job["unit"]["id"]

            def on_event(seq: int, e: dict[str, Any], uid: str = uid) -> None:
                if self.event_sink is not None:
                    self.event_sink(uid, seq, e)

            try:
                payload = execute(job, self.ctx, on_event)
            except BaseException as e:
                self._results.put((uid, None, unit_error(e)))
            else:
                self._results.put((uid, payload, None))

    def submit(self, job: dict[str, Any]) -> None:
        """Queue ``job`` for the next free worker thread."""
        self._jobs.put(job)

    def poll(self, timeout: float) -> list[Finished]:
        """The units finished so far: waits up to ``timeout`` seconds for one, then takes any others
        already done. A unit that raised comes back with its error text (`unit_error`)."""
        out: list[Finished] = []
        try:
            out.append(self._results.get(timeout=timeout))
            while True:
                out.append(self._results.get_nowait())
        except queue.Empty:
            pass
        return out

    def shutdown(self) -> None:
        """Tell each worker thread to stop after its current unit (without waiting for it) and close
        the worker threads' sandboxes."""
        for _ in self._threads:
            self._jobs.put(None)
        self.ctx.close()
