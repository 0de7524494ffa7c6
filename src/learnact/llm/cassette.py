"""Record / replay: every call appended to a JSONL cassette, and replayed exactly.

A cassette line is ``{"key", "model", "purpose", "request", "response"}``. Replay serves
each key's responses in recorded order and fails loudly (`CassetteMiss`) on a request
that is not in the cassette (or asked more often than it was recorded).
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict, deque
from pathlib import Path
from typing import Any

from learnact.errors import BadInput
from learnact.llm.errors import CassetteMiss
from learnact.llm.types import Request


class CassetteRecorder:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    def append(self, key: str, model: str, request: Request, response: dict[str, Any]) -> None:
        """Append one call to the cassette: a JSON line with the key, model, purpose, the request
        (messages and sampling parameters) and the response payload; flushed. Thread-safe."""
        line = {
            "key": key,
            "model": model,
            "purpose": request.purpose,
            "request": {"messages": request.message_dicts, **request.sampling()},
            "response": response,
        }
        with self._lock, open(self.path, "a", encoding="utf-8") as f:
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
            f.flush()


class CassettePlayer:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise BadInput(f"cassette not found: {self.path}")
        self._queues: dict[str, deque[dict[str, Any]]] = defaultdict(deque)
        with open(self.path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    entry = json.loads(line)
                    self._queues[entry["key"]].append(entry["response"])
                except (ValueError, KeyError) as e:
                    raise BadInput(f"{self.path}:{n}: not a cassette line ({e})") from e
        self._lock = threading.Lock()

    def take(self, key: str, model: str, request: Request) -> dict[str, Any]:
        """The next recorded response for ``key`` (one key's responses come back in recorded order).
        Raises `CassetteMiss` when the cassette holds none (or no more) for it; ``model`` and
        ``request`` only word the message. Thread-safe."""
        with self._lock:
            queue = self._queues.get(key)
            if queue:
                return queue.popleft()
        last = request.last_message.strip().replace("\n", " ")
        raise CassetteMiss(
            f"replay: request not in cassette {self.path} (model {model}, purpose "
            f"{request.purpose}, key {key[:12]}, last message {last[:80]!r}); re-record it "
            f"with record=..."
        )

    def remaining(self) -> int:
        """How many recorded responses have not been taken yet."""
        with self._lock:
            return sum(len(q) for q in self._queues.values())
