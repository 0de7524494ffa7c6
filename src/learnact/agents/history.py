"""The agent's Action/Observation history and how it is truncated.

Two policies:

* ``sliding`` (paper-faithful): keep the last ``window`` entries;
* ``halving`` (cache-friendly, the default for ``local:`` models): when the window is
  full, drop the oldest half at once. Between drops the prompt only grows at its end, so
  llama.cpp's prefix cache reuses everything before the newest step.

A token budget applies on top: the oldest entries go first, never the instruction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from learnact.llm.types import approx_tokens

Truncation = Literal["sliding", "halving"]


@dataclass(frozen=True)
class Entry:
    action: str | None  # None for the initial observation
    observation: str


@dataclass
class History:
    window: int = 20
    token_budget: int | None = None
    truncation: Truncation = "sliding"
    count_tokens: Callable[[str], int] = approx_tokens
    entries: list[Entry] = field(default_factory=list)
    start: int = 0  # index of the oldest entry still shown

    def add(self, action: str | None, observation: str) -> None:
        """Append one entry (``action`` is ``None`` for the first observation), then apply the
        window: ``sliding`` hides the oldest entry, ``halving`` the oldest half of the window at
        once. The token budget is applied by `visible`."""
        self.entries.append(Entry(action, observation))
        self._enforce_window()

    def _enforce_window(self) -> None:
        while len(self.entries) - self.start > self.window:
            if self.truncation == "halving":
                self.start += max(1, self.window // 2)
            else:
                self.start += 1

    def visible(self, render: Callable[[list[Entry]], str] | None = None) -> list[Entry]:
        """Entries to show, after the window and the token budget."""
        if self.token_budget is not None:
            render = render or _plain
            while self.start < len(self.entries) - 1:
                shown = self.entries[self.start :]
                if self.count_tokens(render(shown)) <= self.token_budget:
                    break
                step = max(1, len(shown) // 2) if self.truncation == "halving" else 1
                self.start = min(self.start + step, len(self.entries) - 1)
        return self.entries[self.start :]

    @property
    def dropped(self) -> int:
        """How many of the oldest entries are hidden (by the window or the token budget)."""
        return self.start


def _plain(entries: list[Entry]) -> str:
    return "\n".join(
        (f"Action: {e.action}\n" if e.action is not None else "") + f"Observation: {e.observation}"
        for e in entries
    )
