"""Errors of learned code, in terms of the agent's own source (worker side).

The library is compiled as ``<learned actions>`` and the step as ``<step>``; frames of
any other file (the worker itself, stdlib) are left out, so the agent sees only lines it
wrote, e.g. ``line 4 in carry_to: pick(obj, src, gripper)``.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

from learnact.sandbox.text import one_line

LIBRARY_NAME = "<learned actions>"
STEP_NAME = "<step>"
MAX_FRAMES = 12  # a recursion bomb has ~1000 frames; keep the ends


def _line(sources: dict[str, list[str]], filename: str, lineno: int | None) -> str:
    lines = sources.get(filename, [])
    if lineno is not None and 1 <= lineno <= len(lines):
        return lines[lineno - 1].strip()
    return ""


def frames(tb: TracebackType | None, sources: dict[str, list[str]]) -> list[str]:
    """The traceback ``tb`` as lines of the agent's own code only (files named in ``sources``:
    ``line N in func: <source line>``), outermost first; a traceback longer than `MAX_FRAMES` keeps
    its first 4 and last 8 frames around a count of those left out."""
    out = []
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename in sources:
            name = code.co_name if code.co_name != "<module>" else code.co_filename
            out.append(
                f"line {tb.tb_lineno} in {name}: {_line(sources, code.co_filename, tb.tb_lineno)}"
            )
        tb = tb.tb_next
    if len(out) > MAX_FRAMES:
        head, tail = out[:4], out[-(MAX_FRAMES - 4) :]
        out = [*head, f"... {len(out) - MAX_FRAMES} more frames ...", *tail]
    return out


def _type_name(exc: BaseException) -> str:
    # Class names are the code's own (``type('a\\nb', (Exception,), {})``): one line.
    return one_line(str(type(exc).__name__), 100)


def error_info(exc: BaseException, sources: dict[str, list[str]], max_chars: int) -> dict[str, Any]:
    """``exc`` as the ``error`` of a run's reply: ``type``, ``message`` (cut at ``max_chars``
    characters; a message that cannot be printed is replaced) and ``frames`` (`frames`; for a
    `SyntaxError`, the offending line)."""
    if isinstance(exc, SyntaxError):
        fname = exc.filename or STEP_NAME
        text = (exc.text or _line(sources, fname, exc.lineno)).strip()
        where = [f"line {exc.lineno} in {fname}: {text}"] if exc.lineno else []
        return {"type": _type_name(exc), "message": str(exc.msg)[:max_chars], "frames": where}
    try:
        message = str(exc)
    except Exception:  # noqa: BLE001 - a hostile __str__ must not break reporting
        message = "<unprintable message>"
    return {
        "type": _type_name(exc),
        "message": message[:max_chars],
        "frames": frames(exc.__traceback__, sources),
    }
