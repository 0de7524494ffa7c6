"""Signs of life: what learnact is doing right now, for a live view.

Deep layers (an agent's step loop, llama.cpp's token loop) call `report`; a live view
(the CLI's) installs one process-wide listener with `listening`. Nothing is stored and
nothing is sent when no one listens, so the calls cost a global lookup. A listener runs
in the reporting thread and must be quick and thread-safe (Rich's ``Progress.update``
is).

Kinds and their fields:

- ``"step"``: an agent is about to take a step: ``family``, ``task``, ``method``,
  ``phase`` ("train" or "test"), ``index`` (0-based), ``max_steps``;
- ``"tokens"``: a model is generating: ``purpose`` (`learnact.llm.PURPOSES`) and
  ``tokens`` generated so far in this call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

Listener = Callable[[str, dict[str, Any]], None]

_listener: Listener | None = None


def report(kind: str, **fields: Any) -> None:
    """Tell the listener, if any, what is happening (``kind`` and its fields, above)."""
    listener = _listener
    if listener is not None:
        listener(kind, fields)


@contextmanager
def listening(listener: Listener) -> Iterator[None]:
    """Install ``listener`` for the duration of the block (the previous one after)."""
    global _listener
    before, _listener = _listener, listener
    try:
        yield
    finally:
        _listener = before
