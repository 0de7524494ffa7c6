"""The globals learned code runs with (worker side): basic-action stubs, a restricted
``__import__``, builtins without ``open``/``input``, and bounded print capture.

This is a convenience layer that gives clear errors; it is not the containment. Learned
code can climb out of it (``().__class__.__base__.__subclasses__()``), so the kernel
mechanisms in `containment` and the parent's validation are what actually hold.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from typing import Any

from learnact.errors import ActionFailed

_REMOVED = ("input", "breakpoint", "help", "exit", "quit", "copyright", "credits", "license")
_PLAIN = (str, int, float)


class BoundedOutput:
    """A ``sys.stdout`` that keeps at most ``limit`` characters and counts the rest."""

    def __init__(self, limit: int) -> None:
        self.limit, self.parts, self.kept, self.dropped = limit, [], 0, 0

    def write(self, s: str) -> int:
        """Keep what still fits in ``limit`` characters and count the rest; returns ``len(s)``.
        `TypeError` unless ``s`` is a ``str``."""
        if not isinstance(s, str):
            raise TypeError(f"write() argument must be str, not {type(s).__name__}")
        room = self.limit - self.kept
        if room > 0:
            self.parts.append(s[:room])
            self.kept += min(len(s), room)
        self.dropped += max(0, len(s) - max(room, 0))
        return len(s)

    def flush(self) -> None:
        """Nothing to flush (file-like API)."""
        pass

    def isatty(self) -> bool:
        """``False`` (file-like API)."""
        return False

    def getvalue(self) -> str:
        """The captured text, followed by a note of how many characters were dropped when the limit
        was reached."""
        text = "".join(self.parts)
        if self.dropped:
            text += f"\n... [output truncated: {self.dropped} more characters]"
        return text


def restricted_import(allowed: tuple[str, ...]) -> Callable[..., Any]:
    """An ``__import__`` for learned code that admits only absolute imports of the ``allowed``
    top-level modules (pre-imported before the lockdown) and raises `ImportError` naming them for
    anything else."""
    real = builtins.__import__

    def _import(name: str, globals=None, locals=None, fromlist=(), level=0):  # noqa: A002
        if level != 0 or name.split(".")[0] not in allowed:
            raise ImportError(
                f"import of {name} is not allowed in learned actions; allowed: {', '.join(allowed)}"
            )
        return real(name, globals, locals, fromlist, level)

    return _import


def _no_open(*args: Any, **kwargs: Any) -> Any:
    raise PermissionError("open() is not available in learned actions (no file access)")


def make_stub(name: str, params: list[str], call: Callable[[str, list[Any]], str]) -> Any:
    """A function with the basic action's name: checks its arguments, asks the parent."""

    def stub(*args: Any, **kwargs: Any) -> str:
        if kwargs:
            unknown = [k for k in kwargs if k not in params[len(args) :]]
            if unknown:
                raise TypeError(f"{name}() got an unexpected keyword argument {unknown[0]!r}")
            args = (*args, *(kwargs[p] for p in params[len(args) :] if p in kwargs))
        if len(args) != len(params):
            raise TypeError(
                f"{name}() takes {len(params)} arguments ({', '.join(params)}), {len(args)} given"
            )
        for i, a in enumerate(args):
            if type(a) not in _PLAIN:
                raise TypeError(
                    f"argument {i + 1} of {name}() must be a str, int or float, "
                    f"not {type(a).__name__}"
                )
        return call(name, list(args))

    stub.__name__ = stub.__qualname__ = name
    stub.__doc__ = f"{name}({', '.join(params)}): basic action; returns the observation."
    return stub


def make_globals(
    actions: list[dict[str, Any]],
    call: Callable[[str, list[Any]], str],
    allowed: tuple[str, ...],
) -> dict[str, Any]:
    """The globals a run executes in: builtins without ``input``, ``exit`` and the like, an ``open``
    that raises `PermissionError`, `restricted_import` of ``allowed``, `ActionFailed`, and one stub
    per basic action of ``actions`` (dicts with ``name`` and ``params``) that sends its call through
    ``call``."""
    safe = {k: v for k, v in vars(builtins).items() if k not in _REMOVED}
    safe["__import__"] = restricted_import(allowed)
    safe["open"] = _no_open
    g: dict[str, Any] = {"__builtins__": safe, "__name__": "learned_actions"}
    g["ActionFailed"] = ActionFailed
    for a in actions:
        g[a["name"]] = make_stub(a["name"], list(a["params"]), call)
    return g
