"""Text that crosses the sandbox boundary: what a basic-action argument may contain, and how
strings from the worker are made safe to show, log and write.

Every string from the worker is the attacker's. A lone surrogate (U+D800..U+DFFF, which
Python strings can hold but UTF-8 cannot encode) makes any later ``.encode()`` raise; a
control character, a line or paragraph separator (U+2028/2029, NEL) or a bidirectional
embedding/override/isolate can turn one argument into two lines for an environment that
splits lines, or make text read differently from what it is (Trojan Source). Used by both
the worker (clear errors for the agent) and the parent (the checks that hold).
"""

from __future__ import annotations

import re

# C0 controls and DEL, C1 controls (NEL U+0085 among them), line/paragraph separators,
# bidi embeddings and overrides (U+202A..U+202E) and isolates (U+2066..U+2069), surrogates.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def describe(ch: str) -> str:
    """``U+XXXX (what it is)`` for one unsafe character."""
    o = ord(ch)
    if 0xD800 <= o <= 0xDFFF:
        kind = "lone surrogate, not encodable"
    elif o in (0x2028, 0x2029, 0x85):
        kind = "line break"
    elif 0x202A <= o <= 0x202E or 0x2066 <= o <= 0x2069:
        kind = "bidirectional control"
    else:
        kind = "control character"
    return f"U+{o:04X} ({kind})"


def first_unsafe(text: str) -> str | None:
    """The first character of ``text`` a basic-action argument may not contain, described
    (`describe`), or None."""
    m = _UNSAFE.search(text)
    return describe(m.group()) if m else None


def _escape(m: re.Match[str]) -> str:
    ch = m.group()
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    o = ord(ch)
    return f"\\x{o:02x}" if o < 0x100 else f"\\u{o:04x}"


def safe_text(text: str) -> str:
    """``text`` with every unsafe character but newline and tab written as an escape
    (``\\x1b``, ``\\u202e``, ``\\ud800``): always encodable, no hidden line breaks or
    direction changes."""
    return re.sub(_UNSAFE, lambda m: m.group() if m.group() in "\n\t" else _escape(m), text)


def one_line(text: str, limit: int) -> str:
    """``text`` as one line (every unsafe character, newlines too, escaped), at most ``limit``
    characters followed by ``...`` when cut."""
    line = re.sub(_UNSAFE, _escape, text)
    return line if len(line) <= limit else line[:limit] + "..."


def escape_surrogates(text: str) -> tuple[str, int]:
    """``text`` with lone surrogates written as ``\\udXXX`` escapes, and how many there were."""
    return re.subn(_SURROGATE, lambda m: f"\\u{ord(m.group()):04x}", text)
