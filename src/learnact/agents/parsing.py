"""Reading one action out of what an LLM wrote.

Models wrap their one line of Python in many ways: code fences, a leading ``Action:``,
trailing prose, smart quotes, a stray second line. We take the *first valid call* and
never raise: an answer with no call in it is an invalid step for the agent to see.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from learnact.llm.types import is_fence_line

# Quotes models write for Python's ' and ": typographic (‘ ’ “ ” ‚ „), guillemets (« » ‹ ›),
# CJK corner brackets (「 」 『 』) and full-width ones (＇ ＂).
_SMART_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2039": "'",
        "\u203a": "'",
        "\u300c": "'",
        "\u300d": "'",
        "\u300e": '"',
        "\u300f": '"',
        "\uff07": "'",
        "\uff02": '"',
    }
)
_FENCE = re.compile(r"^\s*(```|~~~)")
# A fence around code on one line: ```pick(...)``` or ```python pick(...)```.
_INLINE_FENCE = re.compile(r"^\s*(?:```|~~~)(?:(?:python|py)\b)?\s*(.*?)\s*(?:```|~~~)?\s*$", re.I)
_PREFIX = re.compile(r"^\s*(?:>\s*|\$\s*)?(?:action\s*\d*\s*[:=]\s*)?", re.IGNORECASE)
_CALL_START = re.compile(r"(?<![\w.])[A-Za-z_][A-Za-z0-9_]*\s*\(")


@dataclass(frozen=True)
class ParsedCall:
    """A call expression the sandbox can run, e.g. ``pick('ball1', 'rooma', 'left')``."""

    code: str
    name: str


def first_line_reply(text: str) -> str:
    """What the agent's reply is: everything up to the end of the first code line.

    Mirrors the LLM layer's "first_line" stop rule (stop at the first newline after a
    non-empty line that is not a code fence or a comment, or at ``\\nObservation``).
    """
    text = text.split("\nObservation", 1)[0]
    kept: list[str] = []
    for line in text.splitlines():
        kept.append(line)
        if line.strip() and not is_fence_line(line) and not line.strip().startswith("#"):
            break
    return "\n".join(kept)


def _normalise(line: str) -> str:
    line = line.translate(_SMART_QUOTES).strip()
    line = _PREFIX.sub("", line, count=1)
    return line.strip().strip("`").strip()


def _balanced_call(line: str, start: int) -> str | None:
    """The text of the call starting at ``start`` up to its matching ``)``, if any."""
    depth = 0
    quote: str | None = None
    i = line.index("(", start)
    while i < len(line):
        ch = line[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            if ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth == 0:
                return line[start : i + 1]
        i += 1
    return None


def _as_call(source: str) -> ParsedCall | None:
    try:
        node = ast.parse(source, mode="eval").body
    except SyntaxError:
        return None
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
        return None
    return ParsedCall(code=ast.unparse(node), name=node.func.id)


def parse_action(text: str, known: set[str] | None = None) -> ParsedCall | None:
    """The first call in ``text`` (of a name in ``known``, when given), or ``None``."""
    for raw in text.translate(_SMART_QUOTES).splitlines():
        if is_fence_line(raw) or not raw.strip():
            continue
        if _FENCE.match(raw):  # code on the fence's own line
            raw = _INLINE_FENCE.sub(r"\1", raw)
        line = _normalise(raw)
        whole = _as_call(line)
        if whole and (known is None or whole.name in known):
            return whole
        for m in _CALL_START.finditer(line):
            snippet = _balanced_call(line, m.start())
            call = _as_call(snippet) if snippet else None
            if call and (known is None or call.name in known):
                return call
    return None


def parse_think(text: str) -> str | None:
    """The thought of a ReAct ``Think: ...`` answer, or ``None`` if it is not one."""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or _FENCE.match(line):
            continue
        m = re.match(r"^(?:think|thought)\s*:\s*(.*)$", line, re.IGNORECASE)
        return m.group(1).strip() if m else None
    return None
