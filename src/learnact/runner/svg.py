"""The small SVG pieces every chart of a report draws with: the palette, a text label
(escaped) and a legend row. Used by the HTML report's charts (`learnact.runner.html_report`)
and the ladder figures (`learnact.runner.ladder`)."""

from __future__ import annotations

from html import escape
from typing import Any

PALETTE = [
    "#4e79a7",
    "#f28e2b",
    "#59a14f",
    "#e15759",
    "#76b7b2",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
]


def text(x: float, y: float, label: str, **attrs: Any) -> str:
    """A ``<text>`` at (x, y) with ``label`` escaped; ``attrs`` become attributes, ``_``
    written as ``-`` (``text_anchor="end"`` -> ``text-anchor="end"``)."""
    extra = "".join(f' {k.replace("_", "-")}="{escape(str(v))}"' for k, v in attrs.items())
    return f'<text x="{x:.1f}" y="{y:.1f}"{extra}>{escape(label)}</text>'


def legend(labels: list[str], x: float, y: float) -> str:
    """One row of colour swatches and labels (colours in `PALETTE` order), its text
    baseline at ``y``."""
    parts, cx = [], x
    for i, label in enumerate(labels):
        parts.append(
            f'<rect x="{cx:.1f}" y="{y - 9:.1f}" width="10" height="10" '
            f'fill="{PALETTE[i % len(PALETTE)]}"/>'
        )
        parts.append(text(cx + 14, y, label))
        cx += 24 + 7 * len(label)
    return "".join(parts)
