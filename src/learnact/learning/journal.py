"""Every learner exchange, candidate, score and decision, as JSON lines.

So that a user can see *why* an action changed: ``learning.jsonl`` holds events in order;
prompts are stored once by hash in ``prompts.jsonl`` (shared with trajectories).
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from learnact.agents.trajectory import TrajectoryWriter, read_jsonl
from learnact.llm.types import Completion


class Journal:
    """The learner's journal in ``directory`` (``learning.jsonl``, and trajectories and
    prompts through ``trajectories``), or in memory only when ``directory`` is ``None``.
    ``events`` holds every event of this process in order. Thread-safe."""

    def __init__(
        self,
        directory: str | os.PathLike[str] | None,
        on_event: Callable[[int, dict[str, Any]], None] | None = None,
    ) -> None:
        self.dir = Path(directory) if directory is not None else None
        # Sees ``(seq, record)`` for every event, in journal order (called under the
        # journal's lock): ``seq`` is the event's 0-based index in this journal's
        # ``events``, i.e. its line in learning.jsonl when the directory started empty
        # (the runner always gives a learner unit a fresh one).
        self.on_event = on_event
        self.events: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self.trajectories = TrajectoryWriter(self.dir) if self.dir is not None else None

    def event(self, kind: str, /, **data: Any) -> dict[str, Any]:
        """Record an event (``{"event": kind, "time": unix seconds, **data}``), appended and
        fsynced to ``learning.jsonl`` before it returns; the record is returned."""
        record = {"event": kind, "time": time.time(), **data}
        with self._lock:
            seq = len(self.events)
            self.events.append(record)
            if self.dir is not None:
                line = json.dumps(record, ensure_ascii=False, default=str) + "\n"
                with open(self.dir / "learning.jsonl", "a", encoding="utf-8") as f:
                    f.write(line)
                    f.flush()
                    os.fsync(f.fileno())
            if self.on_event is not None:
                self.on_event(seq, record)
        return record

    def exchange(
        self, purpose: str, messages: list[dict[str, str]], completion: Completion, **data: Any
    ) -> None:
        """One LLM call of the learner: the prompt (by hash), the answer and its usage."""
        prompt = self.trajectories.add_prompt(messages) if self.trajectories else None
        self.event(
            "llm",
            purpose=purpose,
            prompt=prompt,
            response=completion.text,
            prompt_tokens=completion.usage.prompt_tokens,
            completion_tokens=completion.usage.completion_tokens,
            **data,
        )


def read_events(directory: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """The events of ``directory``'s ``learning.jsonl`` in order; ``[]`` when there is no such file.
    Undecodable lines (a torn last line) are skipped."""
    return read_jsonl(Path(directory) / "learning.jsonl")
