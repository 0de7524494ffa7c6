"""Every learner exchange, candidate, score and decision, as JSON lines.

So that a user can see *why* an action changed: ``learning.jsonl`` holds events in order;
prompts are stored once by hash in ``prompts.jsonl`` (shared with trajectories).
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Any

from learnact.agents.trajectory import TrajectoryWriter, read_jsonl


class Journal:
    def __init__(self, directory: str | os.PathLike[str] | None) -> None:
        self.dir = Path(directory) if directory is not None else None
        self.events: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self.trajectories = TrajectoryWriter(self.dir) if self.dir is not None else None

    def event(self, kind: str, /, **data: Any) -> dict[str, Any]:
        record = {"event": kind, "time": time.time(), **data}
        with self._lock:
            self.events.append(record)
            if self.dir is not None:
                line = json.dumps(record, ensure_ascii=False, default=str) + "\n"
                with open(self.dir / "learning.jsonl", "a", encoding="utf-8") as f:
                    f.write(line)
                    f.flush()
                    os.fsync(f.fileno())
        return record

    def exchange(
        self, purpose: str, messages: list[dict[str, str]], completion: Any, **data: Any
    ) -> None:
        """One LLM call of the learner: the prompt (by hash), the answer and its usage."""
        prompt = self.trajectories.add_prompt(messages) if self.trajectories else None
        usage = getattr(completion, "usage", None)
        self.event(
            "llm",
            purpose=purpose,
            prompt=prompt,
            response=getattr(completion, "text", ""),
            prompt_tokens=getattr(usage, "prompt_tokens", 0),
            completion_tokens=getattr(usage, "completion_tokens", 0),
            **data,
        )


def read_events(directory: str | os.PathLike[str]) -> list[dict[str, Any]]:
    return read_jsonl(Path(directory) / "learning.jsonl")
