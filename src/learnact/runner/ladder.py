"""Difficulty ladders: a run's families of one domain at increasing size, as curves.

A *ladder* is a set of a run's families that differ only in their ``size`` option (e.g.
``pddl-gen/gripper[size=3,tasks=13]`` and ``pddl-gen/gripper[size=8,tasks=13]``): its
*rungs*. For each ladder this module draws success rate and progress rate against the
rung, one line per method, with each cell's 95% interval as whiskers (exact
Clopper-Pearson for success, bootstrap over tasks for progress; `learnact.runner.stats`),
and tabulates per rung the paired difference of LearnAct and the family's best baseline.
The charts are self-contained SVG: inline in the HTML report, and written as files by
``learnact report RUN --figures DIR`` (`write_figures`).
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from markupsafe import Markup

from learnact.envs.registry import parse_name
from learnact.runner import stats
from learnact.runner.svg import PALETTE, legend, text

_XMLNS = ' xmlns="http://www.w3.org/2000/svg"'
LEARNERS = ("learnact", "expert-library")  # paired with the best baseline, per rung


@dataclass(frozen=True)
class Ladder:
    """``domain`` (the family name without options) and its ``rungs``: ``(size, family
    name)`` pairs in increasing size."""

    domain: str
    rungs: tuple[tuple[int, str], ...]

    @property
    def slug(self) -> str:
        """A file-name-safe form of ``domain`` (``pddl-gen-gripper``)."""
        return "".join(c if c.isalnum() or c == "-" else "-" for c in self.domain)


def ladders(families: list[str]) -> list[Ladder]:
    """The ladders among ``families``: families whose names differ only in an integer
    ``size`` option, two rungs or more, in the order their domains first appear."""
    groups: dict[tuple[str, tuple[tuple[str, str], ...]], list[tuple[int, str]]] = {}
    for name in families:
        try:
            base, options = parse_name(name)
        except ValueError:
            continue
        size = options.pop("size", None)
        if size is None or not size.isdigit():
            continue
        key = (base, tuple(sorted(options.items())))
        groups.setdefault(key, []).append((int(size), name))
    return [
        Ladder(base, tuple(sorted(rungs)))
        for (base, _), rungs in groups.items()
        if len({s for s, _ in rungs}) >= 2
    ]


def _cell_stat(report: dict[str, Any], family: str, method: str, key: str) -> dict | None:
    cell = report["cells"].get(family, {}).get(method)
    return (cell or {}).get(key)


def _has(ladder: Ladder, report: dict[str, Any], key: str) -> bool:
    """Whether any method has a ``key`` figure on some rung of ``ladder``."""
    return any(
        _cell_stat(report, fam, m, key) for _, fam in ladder.rungs for m in report["methods"]
    )


def chart(ladder: Ladder, report: dict[str, Any], key: str, *, standalone: bool = False) -> Markup:
    """``key`` ("success" or "progress") against rung for every method of the run that
    has a value on the ladder: an SVG line chart, y from 0 to 1, whiskers the 95%
    interval, x the rung's size. ``standalone``: with the SVG namespace, for a file of its
    own (inline in HTML it needs none, and the page names no URL)."""
    methods = [
        m
        for m in report["methods"]
        if any(_cell_stat(report, fam, m, key) for _, fam in ladder.rungs)
    ]
    width, height, left, right, top, bottom = 460, 260, 48, 16, 28, 64
    plot_w, plot_h = width - left - right, height - top - bottom
    sizes = [s for s, _ in ladder.rungs]
    lo_x, hi_x = min(sizes), max(sizes)

    def px(x: float) -> float:
        return left + plot_w * (0.5 if hi_x == lo_x else (x - lo_x) / (hi_x - lo_x))

    def py(v: float) -> float:
        return top + plot_h * (1 - v)

    label = "success rate" if key == "success" else "progress rate"
    title = f"{ladder.domain}: {label} by size"
    parts = [
        f'<svg{_XMLNS if standalone else ""} class="plot" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        'font-family="sans-serif" font-size="11">',
        f"<title>{escape(title)}</title>",
        text(left, 16, title, font_weight="bold"),
    ]
    for i in range(5):
        v = i / 4
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{py(v):.1f}" y2="{py(v):.1f}" '
            'stroke="#ddd"/>'
        )
        parts.append(text(left - 6, py(v) + 4, f"{v:.2f}", text_anchor="end"))
    for s in sizes:
        parts.append(text(px(s), top + plot_h + 16, str(s), text_anchor="middle"))
    parts.append(text(left + plot_w / 2, top + plot_h + 32, "size (rung)", text_anchor="middle"))
    for i, method in enumerate(methods):
        color = PALETTE[i % len(PALETTE)]
        dash = ' stroke-dasharray="5 3"' if method == "expert-library" else ""
        points = []
        for size, fam in ladder.rungs:
            st = _cell_stat(report, fam, method, key)
            if not st or st.get("mean") is None:
                continue
            x, y = px(size) + (i - (len(methods) - 1) / 2) * 4, py(st["mean"])
            points.append((x, y))
            if st.get("ci95"):
                lo, hi = st["ci95"]
                parts.append(
                    f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{py(lo):.1f}" y2="{py(hi):.1f}" '
                    f'stroke="{color}" stroke-width="1.5"/>'
                )
            tip = f"{method}, size {size}: {st['mean']:.2f}"
            if st.get("ci95"):
                tip += f" [{st['ci95'][0]:.2f}, {st['ci95'][1]:.2f}]"
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{color}">'
                f"<title>{escape(tip)}</title></circle>"
            )
        if len(points) > 1:
            d = " ".join(
                f"{'M' if j == 0 else 'L'}{x:.1f},{y:.1f}" for j, (x, y) in enumerate(points)
            )
            parts.append(f'<path d="{d}" stroke="{color}" fill="none" stroke-width="2"{dash}/>')
    names = [m + (" (written by people)" if m == "expert-library" else "") for m in methods]
    parts.append(legend(names, left, height - 8))
    parts.append("</svg>")
    return Markup("".join(parts))


def paired_rows(ladder: Ladder, report: dict[str, Any]) -> list[dict[str, Any]]:
    """Per rung and learning method: the paired difference with the best baseline, as
    ``{"size", "family", "method", "against", "success", "progress"}`` with the texts of
    `learnact.runner.stats.paired_text` (``-`` where there is none)."""
    rows = []
    for size, fam in ladder.rungs:
        for method in LEARNERS:
            cell = report["cells"].get(fam, {}).get(method)
            pair = (cell or {}).get("paired")
            if not pair:
                continue
            rows.append(
                {
                    "size": size,
                    "family": fam,
                    "method": method,
                    "against": pair["against"],
                    "success": stats.paired_text(pair["success"]),
                    "progress": stats.paired_text(pair["progress"]),
                }
            )
    return rows


def context(report: dict[str, Any]) -> list[dict[str, Any]]:
    """What the HTML report shows per ladder: ``domain``, the two charts and the
    paired rows."""
    out = []
    for lad in ladders(report["families"]):
        out.append(
            {
                "domain": lad.domain,
                "success": chart(lad, report, "success"),
                "progress": chart(lad, report, "progress")
                if _has(lad, report, "progress")
                else None,
                "paired": paired_rows(lad, report),
            }
        )
    return out


def write_figures(report: dict[str, Any], out_dir: str | Path) -> list[Path]:
    """Write each ladder's charts as ``<domain>-success.svg`` and ``<domain>-progress.svg``
    under ``out_dir`` (created); returns the files written, none for a run without a
    ladder."""
    out = Path(out_dir)
    written: list[Path] = []
    for lad in ladders(report["families"]):
        for key in ("success", "progress"):
            if not _has(lad, report, key):
                continue
            out.mkdir(parents=True, exist_ok=True)
            path = out / f"{lad.slug}-{key}.svg"
            tmp = path.with_suffix(".svg.tmp")
            tmp.write_text(str(chart(lad, report, key, standalone=True)) + "\n", encoding="utf-8")
            tmp.replace(path)  # never a half-written figure
            written.append(path)
    return written
