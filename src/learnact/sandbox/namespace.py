"""The globals learned code runs with (worker side): basic-action stubs, a restricted
``__import__``, builtins without ``open``/``input``, and bounded print capture.

This is a convenience layer that gives clear errors; it is not the containment. Learned
code can climb out of it (``().__class__.__base__.__subclasses__()``), so the kernel
mechanisms in `containment` and the parent's validation are what actually hold.
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Callable
from typing import Any

from learnact.errors import ActionFailed
from learnact.sandbox.text import escape_surrogates, first_unsafe

_REMOVED = ("input", "breakpoint", "help", "exit", "quit", "copyright", "credits", "license")
_PLAIN = (str, int, float)


class BoundedOutput:
    """A ``sys.stdout`` that keeps at most ``limit`` characters and counts the rest."""

    def __init__(self, limit: int) -> None:
        self.limit, self.parts, self.kept, self.dropped = limit, [], 0, 0
        self.unencodable = 0

    def write(self, s: str) -> int:
        """Keep what still fits in ``limit`` characters and count the rest; returns ``len(s)``.
        Lone surrogates (which no encoding can write) are kept as ``\\udXXX`` escapes and
        counted. `TypeError` unless ``s`` is a ``str``."""
        if not isinstance(s, str):
            raise TypeError(f"write() argument must be str, not {type(s).__name__}")
        n = len(s)
        s, bad = escape_surrogates(str(s))
        self.unencodable += bad
        room = self.limit - self.kept
        if room > 0:
            self.parts.append(s[:room])
            self.kept += min(len(s), room)
        self.dropped += max(0, len(s) - max(room, 0))
        return n

    def flush(self) -> None:
        """Nothing to flush (file-like API)."""
        pass

    def isatty(self) -> bool:
        """``False`` (file-like API)."""
        return False

    def getvalue(self) -> str:
        """The captured text, followed by a note of how many characters were dropped when the limit
        was reached and one of how many were not encodable, if any."""
        text = "".join(self.parts)
        if self.dropped:
            text += f"\n... [output truncated: {self.dropped} more characters]"
        if self.unencodable:
            text += (
                f"\n... [{self.unencodable} printed characters were not encodable (lone "
                "surrogates); shown as \\udXXX escapes]"
            )
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


def check_argument(name: str, i: int, a: Any, max_chars: int) -> str | None:
    """Why argument ``i`` (0-based) of basic action ``name`` may not be sent, or None: it must
    be a ``str``, ``int`` or finite ``float`` whose text is at most ``max_chars`` characters
    of one plain line (no control characters, line separators, bidirectional controls or
    lone surrogates; `learnact.sandbox.text`). The parent checks the same again."""
    where = f"argument {i + 1} of {name}()"
    if type(a) not in _PLAIN:
        return f"{where} must be a str, int or float, not {type(a).__name__}"
    if isinstance(a, float) and not math.isfinite(a):
        return f"{where} must be a finite number, not {a}"
    text = str(a)
    if len(text) > max_chars:
        return f"{where} is longer than {max_chars} characters ({len(text)})"
    bad = first_unsafe(text)
    if bad is not None:
        return f"{where} contains {bad}; basic-action arguments are one line of plain text"
    return None


def make_stub(
    name: str, params: list[str], call: Callable[[str, list[Any]], str], max_arg_chars: int = 1000
) -> Any:
    """A function with the basic action's name: checks its arguments (`check_argument`:
    `TypeError` for a wrong type, `ValueError` for a wrong value), asks the parent."""

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
            why = check_argument(name, i, a, max_arg_chars)
            if why is not None:
                raise (TypeError if type(a) not in _PLAIN else ValueError)(why)
        return call(name, list(args))

    stub.__name__ = stub.__qualname__ = name
    stub.__doc__ = f"{name}({', '.join(params)}): basic action; returns the observation."
    return stub


def make_globals(
    actions: list[dict[str, Any]],
    call: Callable[[str, list[Any]], str],
    allowed: tuple[str, ...],
    max_arg_chars: int = 1000,
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
        g[a["name"]] = make_stub(a["name"], list(a["params"]), call, max_arg_chars)
    return g
