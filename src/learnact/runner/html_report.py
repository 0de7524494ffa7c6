"""`learnact report RUN --html`: one self-contained HTML file for a whole run.

Everything is inline (styles, a little vanilla JS for navigation, plots drawn here as
SVG), so the file works offline and references no external URL. All text from the run
(LLM output included) is escaped: the Jinja environment autoescapes, and the SVG built
here escapes its labels with :func:`html.escape`.

Size stays sane for big runs: a prompt message shared by several episodes (system
prompts, instructions) is written once and linked; within an episode, each step shows
only what its prompt adds to the previous step's prompt; prompts sit in collapsed
``<details>``.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from collections import Counter, defaultdict
from html import escape
from importlib.resources import files
from pathlib import Path
from typing import Any

from markupsafe import Markup

from learnact.runner import ladder, report, stats
from learnact.runner.store import RunStore
from learnact.runner.svg import PALETTE
from learnact.runner.svg import legend as _legend
from learnact.runner.svg import text as _t

#: a message longer than this, seen in more than one episode, is written once and linked
SHARED_MIN_CHARS = 300
LEARNER_EVENTS = ("start", "candidate", "score", "best", "failure", "revision", "end")


# --- SVG plots -------------------------------------------------------------------------
def _short(text: str, n: int = 28) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def bar_chart(
    groups: list[str],
    series: list[str],
    values: dict[tuple[str, str], dict[str, Any] | None],
    *,
    title: str,
) -> Markup:
    """Grouped bars in [0, 1] with 95% interval whiskers and per-seed dots."""
    width, height, left, top, bottom = 760, 300, 48, 28, 70
    plot_w, plot_h = width - left - 16, height - top - bottom
    gw = plot_w / max(1, len(groups))
    bw = min(40.0, gw * 0.8 / max(1, len(series)))

    def y(v: float) -> float:
        return top + plot_h * (1 - max(0.0, min(1.0, v)))

    parts = [
        f'<svg class="plot" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in (0, 0.25, 0.5, 0.75, 1):
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            'class="grid"/>'
        )
        parts.append(_t(left - 6, y(tick) + 4, f"{tick:.0%}", text_anchor="end"))
    for gi, g in enumerate(groups):
        x0 = left + gi * gw + (gw - bw * len(series)) / 2
        for si, s in enumerate(series):
            cell = values.get((g, s))
            x = x0 + si * bw
            color = PALETTE[si % len(PALETTE)]
            if cell is None:
                parts.append(_t(x + bw / 2, y(0) - 4, "n/a", text_anchor="middle", class_="na"))
                continue
            m = cell["mean"]
            tip = f"{g} / {s}: {stats.interval_text(cell)}"
            parts.append(
                f'<rect x="{x + 2:.1f}" y="{y(m):.1f}" width="{bw - 4:.1f}" '
                f'height="{y(0) - y(m):.1f}" fill="{color}"><title>{escape(tip)}</title></rect>'
            )
            if cell.get("ci95"):
                lo, hi = cell["ci95"]
                cx = x + bw / 2
                parts.append(
                    f'<path class="err" d="M{cx:.1f},{y(lo):.1f}V{y(hi):.1f}'
                    f'M{cx - 5:.1f},{y(lo):.1f}h10M{cx - 5:.1f},{y(hi):.1f}h10"/>'
                )
            for v in (cell.get("seeds") or {}).values():
                parts.append(
                    f'<circle class="seed" cx="{x + bw / 2:.1f}" cy="{y(v):.1f}" r="2.5"/>'
                )
        parts.append(
            _t(left + gi * gw + gw / 2, top + plot_h + 16, _short(g, 40), text_anchor="middle")
        )
    parts.append(_legend(series, left, height - 30))
    parts.append("</svg>")
    return Markup("".join(parts))


def line_chart(series: dict[str, list[tuple[float, float]]], *, title: str, ylabel: str) -> Markup:
    """One line (with points) per series; integer x (rounds)."""
    width, height, left, top, bottom = 420, 240, 48, 24, 56
    plot_w, plot_h = width - left - 16, height - top - bottom
    xs = [x for pts in series.values() for x, _ in pts] or [0]
    ys = [v for pts in series.values() for _, v in pts] or [0]
    x_max = max(1, max(xs))
    y_max = max(1.0, max(ys))

    def px(x: float) -> float:
        return left + plot_w * x / x_max

    def py(v: float) -> float:
        return top + plot_h * (1 - v / y_max)

    parts = [
        f'<svg class="plot" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}">',
        f"<title>{escape(title)}</title>",
        _t(left, 14, title, class_="ptitle"),
    ]
    for i in range(5):
        v = y_max * i / 4
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{py(v):.1f}" y2="{py(v):.1f}" class="grid"/>'
        )
        parts.append(_t(left - 6, py(v) + 4, f"{v:.3g}", text_anchor="end"))
    for r in range(int(x_max) + 1):
        parts.append(_t(px(r), top + plot_h + 16, str(r), text_anchor="middle"))
    parts.append(_t(left + plot_w / 2, top + plot_h + 32, "round", text_anchor="middle"))
    parts.append(
        _t(
            12,
            top + plot_h / 2,
            ylabel,
            transform=f"rotate(-90 12 {top + plot_h / 2})",
            text_anchor="middle",
        )
    )
    for i, (label, pts) in enumerate(series.items()):
        color = PALETTE[i % len(PALETTE)]
        d = " ".join(
            f"{'M' if j == 0 else 'L'}{px(x):.1f},{py(v):.1f}" for j, (x, v) in enumerate(pts)
        )
        parts.append(f'<path d="{d}" stroke="{color}" fill="none" stroke-width="2"/>')
        for x, v in pts:
            parts.append(
                f'<circle cx="{px(x):.1f}" cy="{py(v):.1f}" r="3.5" fill="{color}">'
                f"<title>{escape(f'{label}, round {x:g}: {v:.3g}')}</title></circle>"
            )
    parts.append(_legend(list(series), left, height - 6))
    parts.append("</svg>")
    return Markup("".join(parts))


def stacked_bars(
    rows: list[str],
    segments: dict[str, dict[str, float]],
    keys: list[str],
    *,
    title: str,
    unit: str,
) -> Markup:
    """Horizontal bars, one per row, stacked by key (e.g. tokens per purpose)."""
    left, bar_h, gap, width = 170, 18, 8, 760
    plot_w = width - left - 90
    height = 30 + len(rows) * (bar_h + gap) + 30
    total_max = max([sum(segments.get(r, {}).values()) for r in rows] + [1])
    parts = [
        f'<svg class="plot" role="img" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}">',
        f"<title>{escape(title)}</title>",
        _t(left, 14, title, class_="ptitle"),
    ]
    for ri, row in enumerate(rows):
        yy = 26 + ri * (bar_h + gap)
        parts.append(_t(left - 6, yy + 13, _short(row, 24), text_anchor="end"))
        x = float(left)
        for ki, k in enumerate(keys):
            v = segments.get(row, {}).get(k, 0)
            if not v:
                continue
            w = plot_w * v / total_max
            parts.append(
                f'<rect x="{x:.1f}" y="{yy}" width="{w:.1f}" height="{bar_h}" '
                f'fill="{PALETTE[ki % len(PALETTE)]}"><title>{escape(f"{row} / {k}: {v:,.6g} {unit}")}'
                "</title></rect>"
            )
            x += w
        parts.append(_t(x + 4, yy + 13, f"{sum(segments.get(row, {}).values()):,.6g}"))
    parts.append(_legend(keys, left, height - 8))
    parts.append("</svg>")
    return Markup("".join(parts))


# --- data ------------------------------------------------------------------------------
def _anchor(*parts: Any) -> str:
    return "x" + hashlib.sha1("\x00".join(map(str, parts)).encode()).hexdigest()[:12]


def _diff(old: str, new: str) -> list[tuple[str, str]]:
    """Unified diff lines as (kind, text): kind in add, del, hunk, ctx."""
    out = []
    for line in difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=3):
        if line.startswith(("---", "+++")):
            continue
        kind = {"+": "add", "-": "del", "@": "hunk"}.get(line[:1], "ctx")
        out.append((kind, line))
    return out


def _matrix(rep: dict[str, Any], key: str) -> list[dict[str, Any]]:
    rows = []
    for family, row in rep["cells"].items():
        cells = []
        for m in rep["methods"]:
            c = row.get(m)
            if c is None:
                cells.append({"na": True, "text": "n/a"})
                continue
            s = c.get(key)
            if s is None:
                cells.append({"na": False, "text": "-", "complete": c["complete"]})
                continue
            lo, hi = s["ci95"] or (None, None)
            cells.append(
                {
                    "na": False,
                    "complete": c["complete"],
                    "mean": f"{s['mean']:.0%}",
                    "ci": f"[{lo:.0%}–{hi:.0%}]" if lo is not None else "",
                    "sd": None if s["seed_sd"] is None else f"±{s['seed_sd']:.0%}",
                    "identical": s["identical_seeds"],
                    "degenerate": s["degenerate"],
                    "seeds": ", ".join(f"s{k}: {v:.0%}" for k, v in s["seeds"].items()),
                    "text": stats.interval_text(s, key == "success"),
                    "episodes": c["episodes"],
                    "exact": s.get("interval") == "clopper-pearson",
                    **_paired_cell(c.get("paired"), key),
                    "of_expert": report.of_expert_text((c.get("of_expert") or {}).get(key))
                    if c.get("of_expert")
                    else None,
                }
            )
        rows.append({"family": family, "cells": cells})
    return rows


def _paired_cell(pair: dict[str, Any] | None, key: str) -> dict[str, Any]:
    """The matrix cell's comparison with the family's best baseline, if any."""
    if not pair or not pair.get(key):
        return {"paired": None}
    return {"paired": stats.paired_text(pair[key]), "paired_against": pair["against"]}


def _learning(events: list[dict[str, Any]]) -> dict[str, Any]:
    """Per learner unit: deduplicated decisions and the best score at the end of each round."""
    seen: set[tuple[str, Any, str]] = set()
    decisions, best_by_round = [], {}
    for e in events:
        d = json.loads(e["data"])
        key = (e["event"], d.get("time"), json.dumps(d, sort_keys=True, default=str))
        if key in seen:
            continue
        seen.add(key)
        if e["event"] == "best":
            best_by_round[int(d.get("round") or 0)] = d.get("score") or {}
        if e["event"] in LEARNER_EVENTS:
            d.pop("time", None)
            d.pop("event", None)
            decisions.append({"event": e["event"], "data": d})
    curve = [(float(r), float(s.get("total") or 0)) for r, s in sorted(best_by_round.items())]
    success = [(float(r), float(s.get("success") or 0)) for r, s in sorted(best_by_round.items())]
    return {"decisions": decisions, "curve": curve, "success": success}


def _library(row: dict[str, Any]) -> dict[str, Any]:
    files_ = json.loads(row["files"]) if row["files"] else None
    if not files_:
        return {"seed": row["seed"], "missing": True}
    meta = json.loads(files_.get("library.json") or "{}")
    lineage = meta.get("lineage") or {}
    actions = []
    for name, entry in (meta.get("actions") or {}).items():
        versions, prev = [], None
        for v in lineage.get(name, []):
            versions.append(
                {
                    **v,
                    "diff": _diff(prev["code"], v["code"]) if prev else None,
                    "text_changed": bool(
                        prev
                        and (
                            prev.get("description") != v.get("description")
                            or prev.get("notes") != v.get("notes")
                        )
                    ),
                }
            )
            prev = v
        actions.append({"name": name, **entry, "versions": versions})
    return {
        "seed": row["seed"],
        "missing": False,
        "source": files_.get("actions.py", ""),
        "usage_example": meta.get("usage_example", ""),
        "candidate": meta.get("candidate"),
        "training": meta.get("training"),
        "actions": actions,
        "path": row["path"],
    }


class _Prompts:
    """Prompt messages for the viewer: shared long messages once, steps as deltas."""

    def __init__(self, prompts: dict[str, list[dict[str, str]]]) -> None:
        self.prompts = prompts
        self.shared: dict[str, dict[str, Any]] = {}
        self._count: Counter[str] = Counter()

    def count(self, episodes_hashes: list[set[str]]) -> None:
        for hashes in episodes_hashes:
            texts = {
                m["content"]
                for h in hashes
                for m in self.prompts.get(h) or []
                if len(m.get("content") or "") >= SHARED_MIN_CHARS
            }
            self._count.update(texts)

    def messages(self, h: str | None, prev: str | None) -> dict[str, Any]:
        msgs = self.prompts.get(h or "") if h else None
        if msgs is None:
            return {"missing": True, "hash": h, "items": []}
        before = self.prompts.get(prev or "") or []
        items = []
        for i, m in enumerate(msgs):
            content = m.get("content") or ""
            role = m.get("role", "?")
            old = before[i]["content"] if i < len(before) else None
            if old is not None and old == content:
                items.append({"role": role, "kind": "same", "chars": len(content)})
            elif old and content.startswith(old):
                items.append({"role": role, "kind": "more", "text": content[len(old) :]})
            elif self._count[content] > 1:
                sid = "m" + hashlib.sha256(content.encode()).hexdigest()[:12]
                self.shared.setdefault(sid, {"id": sid, "role": role, "text": content})
                items.append({"role": role, "kind": "shared", "id": sid, "chars": len(content)})
            else:
                items.append({"role": role, "kind": "full", "text": content})
        return {"missing": False, "hash": h, "items": items}


def context(run_dir: str | Path) -> dict[str, Any]:
    """Everything the template shows."""
    run_dir = Path(run_dir)
    rep = report.build(run_dir)
    with RunStore(run_dir) as store:
        libraries = store.query("SELECT * FROM libraries ORDER BY family, seed")
        events = store.query(
            "SELECT e.unit, e.seq, e.event, e.data, u.family, u.seed FROM events e"
            " JOIN units u ON u.id = e.unit WHERE u.kind = 'learn' ORDER BY u.family, u.seed, e.seq"
        )
        lessons = store.query("SELECT * FROM lessons ORDER BY family, method, seed")
        failed = store.query("SELECT id, error FROM units WHERE status = 'failed' ORDER BY rowid")
        episodes = store.query(
            "SELECT unit, ordinal, family, method, seed, task, phase, won, progress, steps,"
            " error, record FROM episodes ORDER BY phase DESC, family, method, seed, task, unit,"
            " ordinal"
        )
        prompts = {
            r["hash"]: json.loads(r["messages"]) for r in store.query("SELECT * FROM prompts")
        }

    methods, families = rep["methods"], rep["families"]
    success_plot = bar_chart(
        families,
        methods,
        {
            (f, m): (rep["cells"][f].get(m) or {}).get("success")
            if rep["cells"][f].get(m)
            else None
            for f in families
            for m in methods
        },
        title="success rate by family and method (bars: mean; whiskers: exact 95% "
        "interval over episodes; dots: seeds)",
    )
    has_progress = any(
        c and c.get("progress") for row in rep["cells"].values() for c in row.values()
    )
    progress_plot = None
    if has_progress:
        progress_plot = bar_chart(
            families,
            methods,
            {
                (f, m): (rep["cells"][f].get(m) or {}).get("progress")
                if rep["cells"][f].get(m)
                else None
                for f in families
                for m in methods
            },
            title="progress rate by family and method",
        )

    # usage per method (all families) and purpose
    purposes = sorted(rep["usage"]["by_purpose"])
    tokens: dict[str, dict[str, float]] = defaultdict(dict)
    cost: dict[str, dict[str, float]] = defaultdict(dict)
    for row in rep["cells"].values():
        for m, c in row.items():
            if not c:
                continue
            for p, u in c["usage"]["by_purpose"].items():
                tokens[m][p] = tokens[m].get(p, 0) + u["prompt_tokens"] + u["completion_tokens"]
                cost[m][p] = cost[m].get(p, 0) + u["cost_usd"]
    token_plot = stacked_bars(
        methods,
        tokens,
        purposes,
        title="tokens (prompt + completion) per method and purpose",
        unit="tokens",
    )
    cost_plot = (
        stacked_bars(
            methods, cost, purposes, title="estimated cost (USD) per method and purpose", unit="USD"
        )
        if any(v for d in cost.values() for v in d.values())
        else None
    )

    # learning: per family, per seed
    by_unit: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for e in events:
        by_unit[(e["family"], e["seed"])].append(e)
    learned: dict[str, dict[str, Any]] = {}
    for (family, seed), evs in sorted(by_unit.items()):
        info = _learning(evs)
        fam = learned.setdefault(family, {"seeds": {}, "curves": {}, "success": {}})
        fam["seeds"][seed] = {"decisions": info["decisions"], "library": None}
        fam["curves"][f"seed {seed}"] = info["curve"]
        fam["success"][f"seed {seed}"] = info["success"]
    for row in libraries:
        fam = learned.setdefault(row["family"], {"seeds": {}, "curves": {}, "success": {}})
        fam["seeds"].setdefault(row["seed"], {"decisions": [], "library": None})
        fam["seeds"][row["seed"]]["library"] = _library(row)
    for fam in learned.values():
        fam["score_plot"] = line_chart(
            {k: v for k, v in fam["curves"].items() if v},
            title="learner: best score per round",
            ylabel="score",
        )
        fam["success_plot"] = line_chart(
            {k: v for k, v in fam["success"].items() if v},
            title="learner: training success of the best",
            ylabel="success",
        )
        fam["seeds"] = dict(sorted(fam["seeds"].items()))

    viewer, shared = _viewer([(e, json.loads(e["record"])) for e in episodes], prompts)
    return {
        "rep": rep,
        "legend": stats.LEGEND,
        "overlap": report.overlap_text(rep["train_test_overlap"])
        if rep.get("train_test_overlap")
        else None,
        "demonstrations": report.demonstrations_text(rep),
        "code_changes": report.code_change_text(rep["code_changes"])
        if rep.get("code_changes")
        else None,
        "success_rows": _matrix(rep, "success"),
        "progress_rows": _matrix(rep, "progress") if has_progress else None,
        "success_plot": success_plot,
        "progress_plot": progress_plot,
        "ladders": ladder.context(rep),
        "token_plot": token_plot,
        "cost_plot": cost_plot,
        "purposes": purposes,
        "learned": dict(sorted(learned.items())),
        "lessons": [{**r, "lessons": json.loads(r["lessons"])} for r in lessons],
        "failed": failed,
        "episodes": viewer,
        "shared": shared,
        "experiment_json": json.dumps(rep["experiment"], indent=2, sort_keys=True, default=str),
    }


def _viewer(
    episodes: list[tuple[dict[str, Any], dict[str, Any]]],
    prompts: dict[str, list[dict[str, str]]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The trajectory viewer's entries, one per ``(row, record)`` (``row``: the store's
    ``unit``, ``ordinal``, ``family``, ``method``, ``seed``, ``task``, ``phase``, ``won``,
    ``progress``, ``steps``, ``error``), and the long prompt texts they share."""
    hashes = [
        {s.get("prompt") for s in rec.get("steps", []) if s.get("prompt")} for _, rec in episodes
    ]
    pm = _Prompts(prompts)
    pm.count(hashes)
    viewer: list[dict[str, Any]] = []
    for e, rec in episodes:
        steps, prev = [], None
        for s in rec.get("steps", []):
            steps.append({**s, "prompt_view": pm.messages(s.get("prompt"), prev)})
            prev = s.get("prompt")
        viewer.append(
            {
                "id": _anchor(e["unit"], e["ordinal"]),
                "family": e["family"],
                "method": e["method"],
                "seed": e["seed"],
                "task": e["task"],
                "task_name": rec.get("task_name") or f"task {e['task']}",
                "phase": e["phase"],
                "won": bool(e["won"]),
                "progress": e["progress"],
                "steps_n": e["steps"],
                "error": e["error"],
                "goal": rec.get("goal", ""),
                "first_observation": rec.get("first_observation", ""),
                "model": rec.get("model", ""),
                "library": rec.get("library"),
                "steps": steps,
            }
        )
    return viewer, list(pm.shared.values())


def _environment() -> Any:
    from jinja2 import Environment, FunctionLoader, StrictUndefined

    tpl_dir = files("learnact.runner") / "templates"
    env = Environment(
        loader=FunctionLoader(lambda name: (tpl_dir / name).read_text(encoding="utf-8")),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = lambda v: "-" if v is None else f"{v:.0%}"
    env.filters["num"] = lambda v: "-" if v is None else f"{v:,.6g}"
    css = (tpl_dir / "report.css").read_text(encoding="utf-8")
    js = (tpl_dir / "report.js").read_text(encoding="utf-8")
    return env, Markup(css), Markup(js)


def render(run_dir: str | Path) -> str:
    """The HTML report of the run in ``run_dir``: one self-contained page (styles, script and SVG
    plots inline; all run text escaped). Raises `BadInput` when ``run_dir`` holds no run store (as
    `learnact.runner.report.build` does)."""
    env, css, js = _environment()
    return env.get_template("report.html.j2").render(css=css, js=js, **context(run_dir))


def render_trajectories(directory: str | Path) -> str:
    """The trajectory viewer alone for recorded episodes outside a run store: the
    ``trajectories.jsonl`` and ``prompts.jsonl`` that ``learnact eval --out`` and
    ``learnact serve`` write in ``directory``. Raises `BadInput` when it holds none."""
    from learnact.agents.trajectory import read_jsonl
    from learnact.errors import BadInput

    d = Path(directory)
    path = d / "trajectories.jsonl"
    if not path.is_file():
        raise BadInput(f"{d} holds no run store and no trajectories.jsonl")
    records = read_jsonl(path)
    prompts = {p["hash"]: p["messages"] for p in read_jsonl(d / "prompts.jsonl")}
    rows = [
        (
            {
                "unit": f"{r.get('method')}|{r.get('task')}",
                "ordinal": i,
                "family": r.get("family", ""),
                "method": r.get("method", ""),
                "seed": (r.get("summary") or {}).get("seed", 0),
                "task": r.get("task"),
                "phase": r.get("phase", "test"),
                "won": r.get("won", False),
                "progress": r.get("progress"),
                "steps": len(r.get("steps", [])),
                "error": r.get("error"),
            },
            r,
        )
        for i, r in enumerate(records)
    ]
    viewer, shared = _viewer(rows, prompts)
    env, css, js = _environment()
    return env.get_template("trajectories_page.html.j2").render(
        css=css,
        js=js,
        name=d.name,
        source=f"{len(viewer)} episodes recorded in {path}",
        episodes=viewer,
        shared=shared,
    )


def write(run_dir: str | Path, path: str | Path | None = None) -> Path:
    """Write the report (default ``RUN/report.html``) and return its path: the run's
    report when ``run_dir`` holds a run store, else the trajectory viewer of the episodes
    recorded there (`render_trajectories`)."""
    from learnact.runner.store import STORE_NAME

    out = Path(path) if path else Path(run_dir) / "report.html"
    has_store = (Path(run_dir) / STORE_NAME).exists()
    text = render(run_dir) if has_store else render_trajectories(run_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out)
    return out
