"""The results matrix of a run, from its store: JSON, CSV and terminal tables.

Exports hold no timestamps, and their one timing (learning wall time, in seconds) is read
from the store, so re-exporting an unchanged run gives the same bytes (fit for committing
and diffing).
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from pathlib import Path
from statistics import mean
from typing import Any

from learnact.envs.base import listed
from learnact.runner import runlock, stats
from learnact.runner.experiment import SEED_VARIES, Experiment, parse_experiment
from learnact.runner.store import RunStore

USAGE_FIELDS = ("calls", "cached_calls", "prompt_tokens", "completion_tokens", "cost_usd")


def _r(x: Any) -> Any:
    if isinstance(x, float):
        return round(x, 4)
    if isinstance(x, dict):
        return {k: _r(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_r(v) for v in x]
    return x


def build(run_dir: str | Path) -> dict[str, Any]:
    """The results of the run in ``run_dir``, from its store, as JSON data. ``cells`` holds, per
    family, each method's cell (``None`` for a method not run on that family): test episodes,
    success and progress rates over seeds and tasks with their intervals (the result's
    ``statistics`` says how they are computed), mean steps and basic actions, LLM usage by purpose
    and by phase (test: also per episode; learning: also its wall time in seconds) and the learning
    units' results. Beside it: unit states (``done``, ``pending``, ``running``, ``failed``;
    ``interrupted`` for units left running by a process that has ended), whether the run is complete, usage totals by purpose and
    the stored configuration. Floats are rounded to 4 decimals. Raises `BadInput` when ``run_dir``
    holds no run store or its stored configuration is not a valid experiment."""
    run_dir = Path(run_dir)
    with RunStore(run_dir) as store:
        config = store.get_meta("config")
        digest = store.get_meta("digest")
        commit = store.get_meta("commit")
        overlap = store.get_meta("train_test_overlap") or {}
        code_changes = store.get_meta("code_changes") or []
        units = store.units()
        episodes = store.query(
            "SELECT family, method, seed, task, won, progress, steps, basic_actions"
            " FROM episodes WHERE phase = 'test'"
        )
        usage = store.query(
            "SELECT u.family, u.method, u.kind, g.model, g.purpose, SUM(g.calls) AS calls,"
            " SUM(g.cached_calls) AS cached_calls, SUM(g.prompt_tokens) AS prompt_tokens,"
            " SUM(g.completion_tokens) AS completion_tokens, SUM(g.cost_usd) AS cost_usd"
            " FROM usage g JOIN units u ON g.unit = u.id"
            " GROUP BY u.family, u.method, u.kind, g.model, g.purpose"
        )
        demo_events = store.query(
            "SELECT u.family, u.seed, e.data FROM events e JOIN units u ON e.unit = u.id"
            " WHERE e.event = 'demonstrations' ORDER BY u.family, u.seed"
        )
    exp = parse_experiment(config, f"{run_dir} (stored configuration)")
    methods = exp.all_methods
    eps: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for e in episodes:
        eps[(e["family"], e["method"])].append(e)
    use: dict[tuple[str, str], dict[str, dict[str, Any]]] = defaultdict(dict)
    # The same, split: "learn" (learner and Reflexion-lesson units) and "test" (episodes).
    phase_use: dict[tuple[str, str, str], dict[str, dict[str, Any]]] = defaultdict(dict)
    for g in usage:
        phase = "test" if g["kind"] == "episode" else "learn"
        for per_purpose in (
            use[(g["family"], g["method"])],
            phase_use[(g["family"], g["method"], phase)],
        ):
            per = per_purpose.setdefault(g["purpose"], dict.fromkeys(USAGE_FIELDS, 0))
            for k in USAGE_FIELDS:
                per[k] += g[k] or 0
    learn_wall: dict[tuple[str, str], float] = defaultdict(float)
    unit_state: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    learning: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    # Units left "running" by a process that has ended (killed, crashed) are not running:
    # the next resume plays them again. (Where files cannot be locked, nobody can tell.)
    ended = runlock.holder(run_dir) is None

    def status(u: dict[str, Any]) -> str:
        return "interrupted" if ended and u["status"] == "running" else str(u["status"])

    for u in units:
        unit_state[(u["family"], u["method"])][status(u)] += 1
        if u["kind"] != "episode" and u["status"] == "done" and u["started"] and u["finished"]:
            learn_wall[(u["family"], u["method"])] += u["finished"] - u["started"]
        if u["kind"] in ("learn", "lessons") and u["status"] == "done":
            learning[(u["family"], u["method"])].append(
                {"seed": u["seed"], **(json.loads(u["result"]) if u["result"] else {})}
            )

    cells: dict[str, dict[str, Any]] = {}
    for entry in exp.families:
        row: dict[str, Any] = {}
        for method in methods:
            if method not in exp.methods_for(entry):
                row[method] = None  # n/a: not run
                continue
            key = (entry.name, method)
            # A library learned on another family (transfer): its learner's results and cost.
            src = exp.learn_family_for(entry) if method == "learnact" else entry.name
            lkey = (src, method)
            row[method] = _cell(eps[key], use[key], unit_state[key], learning[lkey])
            row[method]["paired"] = None
            row[method]["test_usage"] = _phase(phase_use[(*key, "test")], len(eps[key]))
            if src != entry.name:
                row[method]["learned_on"] = src
            learn = phase_use.get((*lkey, "learn"))
            row[method]["learning_usage"] = (
                None if learn is None else {**_phase(learn, None), "wall_s": learn_wall[lkey]}
            )
        _add_paired(row, {m: _outcomes(eps[(entry.name, m)]) for m in row if row[m]})
        _add_of_expert(row)
        cells[entry.name] = row
    total: dict[str, dict[str, Any]] = {}
    for per in use.values():
        for purpose, c in per.items():
            t = total.setdefault(purpose, dict.fromkeys(USAGE_FIELDS, 0))
            for k in USAGE_FIELDS:
                t[k] += c[k]
    states: dict[str, int] = defaultdict(int)
    for u in units:
        states[status(u)] += 1
    return _r(
        {
            "run": run_dir.name,
            "fingerprint": digest,
            "commit": commit,
            "families": [f.name for f in exp.families],
            "methods": methods,
            "seeds": exp.seed_list,
            "seed_varies": SEED_VARIES,
            "statistics": (
                "mean over seeds of the mean over tasks; ci95: 95% interval, exact "
                "(Clopper-Pearson) over episodes for success rates, percentile bootstrap "
                f"over test tasks ({stats.RESAMPLES} resamples) for progress rates; "
                "seed_sd/min/max: spread of the per-seed means; identical_seeds: every seed "
                "gave the same per-task results; degenerate: every task had the same value "
                "(a bootstrap interval is then a point); paired: the method minus the "
                "family's best baseline on the same seeds and tasks, success with an exact "
                "McNemar test (p), progress with a paired bootstrap interval over tasks"
            ),
            "units": dict(sorted(states.items())),
            "complete": set(states) <= {"done"},
            # Test tasks that a method also learned on (allowed by the experiment), per
            # family and learning method; empty for a clean run.
            "train_test_overlap": overlap,
            # Resumes accepted across a change of learnact's code (--allow-code-change):
            # the results mix episodes run with different code.
            "code_changes": [{"source": c["source"], "commit": c["commit"]} for c in code_changes],
            # Methods whose action library people wrote (not learned), said with every figure.
            "method_notes": {m: EXPERT_NOTE for m in methods if m in REFERENCE},
            # Methods that had demonstrations of the training tasks (learnact: a source of
            # induced actions; the others: in context), said with every table.
            "demonstrations": demonstration_notes(exp),
            # Which training tasks were demonstrated, per family learned on (the learner's
            # journal event; the baselines see the same ones, less any that hold a test
            # problem of the family they play in a transfer): often fewer than asked.
            "demonstrated": demonstrated(demo_events),
            "induce": list(exp.learn.induce),
            # Families whose learnact library was learned on another family (transfer).
            "learned_on": {
                f.name: exp.learn_family_for(f)
                for f in exp.families
                if "learnact" in exp.methods_for(f) and exp.learn_family_for(f) != f.name
            },
            "cells": cells,
            "usage": {
                "by_purpose": dict(sorted(total.items())),
                "total": {k: sum(c[k] for c in total.values()) for k in USAGE_FIELDS},
            },
            "experiment": config,
        }
    )


def _phase(usage: dict[str, dict[str, Any]], episodes: int | None) -> dict[str, Any]:
    """Usage of one phase by purpose, its total, and (test) per episode."""
    total = {k: sum(c[k] for c in usage.values()) for k in USAGE_FIELDS}
    out: dict[str, Any] = {"by_purpose": dict(sorted(usage.items())), "total": total}
    if episodes:
        out["per_episode"] = {
            "calls": total["calls"] / episodes,
            "tokens": (total["prompt_tokens"] + total["completion_tokens"]) / episodes,
        }
    return out


Outcomes = dict[int, dict[int, float]]  # outcomes[seed][task]


def _outcomes(episodes: list[dict[str, Any]]) -> tuple[Outcomes, Outcomes]:
    """Success (1.0/0.0) and progress rate by seed and task."""
    won: Outcomes = defaultdict(dict)
    prog: Outcomes = defaultdict(dict)
    for e in episodes:
        won[e["seed"]][e["task"]] = float(e["won"])
        if e["progress"] is not None:
            prog[e["seed"]][e["task"]] = float(e["progress"])
    return dict(won), dict(prog)


#: Methods that use learned actions; every other method but the references is a baseline.
LEARNED = ("learnact",)
#: Reference conditions: not baselines (never the "best baseline"), but what learned
#: libraries are measured against ("learned reaches X% of expert").
REFERENCE = ("expert-library",)
EXPERT_NOTE = (
    "Act with the shipped expert action library of the family's task type: "
    "written by people, not learned (a reference, not a baseline)"
)


def _add_of_expert(row: dict[str, Any]) -> None:
    """Each learned method's ``"of_expert"``: its success and progress rates as a share of
    the expert library's in the same family (``None`` where the expert's rate is 0 or
    missing); absent when the family has no expert-library cell."""
    expert = row.get(REFERENCE[0])
    if not expert:
        return
    for method in LEARNED:
        cell = row.get(method)
        if not cell:
            continue
        out: dict[str, Any] = {"against": REFERENCE[0]}
        for key in ("success", "progress"):
            mine, ref = cell.get(key), expert.get(key)
            ok = mine is not None and ref is not None and ref["mean"] > 0
            out[key] = mine["mean"] / ref["mean"] if ok else None
        cell["of_expert"] = out


def of_expert_text(share: float | None) -> str:
    """``62% of expert`` (``-`` when the expert's rate is 0 or missing)."""
    return "-" if share is None else f"{share:.0%} of expert"


def best_baseline(row: dict[str, Any]) -> str | None:
    """The baseline (a method not in `LEARNED`) with the highest success rate in a
    family's row of cells, then the highest progress rate, then the first in `METHODS`
    order; ``None`` when no baseline has results."""
    best: tuple[tuple[float, float, int], str] | None = None
    for i, (method, cell) in enumerate(row.items()):
        if method in LEARNED + REFERENCE or cell is None or cell["success"] is None:
            continue
        progress = cell["progress"]["mean"] if cell["progress"] else 0.0
        key = (cell["success"]["mean"], progress, -i)
        if best is None or key > best[0]:
            best = (key, method)
    return best[1] if best else None


def _add_paired(row: dict[str, Any], outcomes: dict[str, tuple[Outcomes, Outcomes]]) -> None:
    """Each cell's ``"paired"``: the method minus the family's best baseline on the same
    (seed, task) pairs (`stats.paired`); ``None`` for the best baseline itself."""
    base = best_baseline(row)
    if base is None:
        return
    for method, cell in row.items():
        if cell is None or method == base:
            continue
        (won, prog), (base_won, base_prog) = outcomes[method], outcomes[base]
        cell["paired"] = {
            "against": base,
            "success": stats.paired(won, base_won, "success"),
            "progress": stats.paired(prog, base_prog, "progress") if prog and base_prog else None,
        }


def _cell(
    episodes: list[dict[str, Any]],
    usage: dict[str, dict[str, Any]],
    state: dict[str, int],
    learning: list[dict[str, Any]],
) -> dict[str, Any]:
    won, prog = _outcomes(episodes)
    total_units = sum(state.values())
    return {
        "episodes": len(episodes),
        "complete": state.get("done", 0) == total_units,
        "units": dict(sorted(state.items())),
        "success": stats.summarise_cell(won, "success"),
        "progress": stats.summarise_cell(prog) if prog else None,
        "mean_steps": mean(e["steps"] for e in episodes) if episodes else None,
        "mean_basic_actions": mean(e["basic_actions"] for e in episodes) if episodes else None,
        "usage": {
            "by_purpose": dict(sorted(usage.items())),
            "total": {k: sum(c[k] for c in usage.values()) for k in USAGE_FIELDS},
        },
        "learning": sorted(learning, key=lambda x: x["seed"]),
    }


CSV_FIELDS = [
    "family",
    "method",
    "status",
    "episodes",
    "seeds",
    "success_rate",
    "success_ci95_low",
    "success_ci95_high",
    "success_seed_sd",
    "success_seed_min",
    "success_seed_max",
    "identical_seeds",
    "all_tasks_alike",
    "progress_rate",
    "progress_ci95_low",
    "progress_ci95_high",
    "progress_seed_sd",
    "paired_against",
    "paired_pairs",
    "success_diff",
    "success_won_only_here",
    "success_won_only_by_baseline",
    "success_diff_mcnemar_p",
    "progress_diff",
    "progress_diff_ci95_low",
    "progress_diff_ci95_high",
    "mean_steps",
    "mean_basic_actions",
    "llm_calls",
    "prompt_tokens",
    "completion_tokens",
    "cost_usd",
    "test_calls_per_episode",
    "test_tokens_per_episode",
    "learning_calls",
    "learning_act_calls",
    "learning_tokens",
    "learning_wall_s",
    "learning_checks",
    "library_author",
    "of_expert_success",
    "of_expert_progress",
    "demonstrations",
]


def to_csv(report: dict[str, Any]) -> str:
    """A `build` report as CSV text: one row per family and method (`CSV_FIELDS`, then calls and
    tokens per purpose); a method not run on a family is a row with status ``n/a`` and no figures.
    """
    purposes = sorted(report["usage"]["by_purpose"])
    fields = CSV_FIELDS + [f"{p}_{k}" for p in purposes for k in ("calls", "tokens")]
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    w.writeheader()
    for family, row in report["cells"].items():
        for method, cell in row.items():
            out: dict[str, Any] = {"family": family, "method": method}
            if cell is None:
                out["status"] = "n/a"
                w.writerow(out)
                continue
            s, p = cell["success"] or {}, cell["progress"] or {}
            u = cell["usage"]["total"]
            out.update(
                {
                    "status": "complete" if cell["complete"] else "incomplete",
                    "episodes": cell["episodes"],
                    "seeds": len(s.get("seeds", {})),
                    "success_rate": s.get("mean"),
                    "success_ci95_low": (s.get("ci95") or [None, None])[0],
                    "success_ci95_high": (s.get("ci95") or [None, None])[1],
                    "success_seed_sd": s.get("seed_sd"),
                    "success_seed_min": s.get("seed_min"),
                    "success_seed_max": s.get("seed_max"),
                    "identical_seeds": s.get("identical_seeds"),
                    "all_tasks_alike": s.get("degenerate"),
                    "progress_rate": p.get("mean"),
                    "progress_ci95_low": (p.get("ci95") or [None, None])[0],
                    "progress_ci95_high": (p.get("ci95") or [None, None])[1],
                    "progress_seed_sd": p.get("seed_sd"),
                    "mean_steps": cell["mean_steps"],
                    "mean_basic_actions": cell["mean_basic_actions"],
                    "llm_calls": u["calls"],
                    "prompt_tokens": u["prompt_tokens"],
                    "completion_tokens": u["completion_tokens"],
                    "cost_usd": u["cost_usd"],
                }
            )
            pair = cell.get("paired")
            if pair:
                ps, pp = pair["success"] or {}, pair["progress"] or {}
                out.update(
                    {
                        "paired_against": pair["against"],
                        "paired_pairs": ps.get("pairs"),
                        "success_diff": ps.get("diff"),
                        "success_won_only_here": ps.get("a_only"),
                        "success_won_only_by_baseline": ps.get("b_only"),
                        "success_diff_mcnemar_p": ps.get("p"),
                        "progress_diff": pp.get("diff"),
                        "progress_diff_ci95_low": (pp.get("ci95") or [None, None])[0],
                        "progress_diff_ci95_high": (pp.get("ci95") or [None, None])[1],
                    }
                )
            out["library_author"] = (
                "people" if method in REFERENCE else "learner" if method in LEARNED else None
            )
            share = cell.get("of_expert") or {}
            out["of_expert_success"] = share.get("success")
            out["of_expert_progress"] = share.get("progress")
            out["demonstrations"] = (report.get("demonstrations") or {}).get(method)
            per_ep = (cell.get("test_usage") or {}).get("per_episode") or {}
            out["test_calls_per_episode"] = per_ep.get("calls")
            out["test_tokens_per_episode"] = per_ep.get("tokens")
            if method in LEARNED and cell.get("learning"):
                out["learning_checks"] = "; ".join(
                    f"seed {r['seed']}: {checks_text(r.get('checks'))}" for r in cell["learning"]
                )
            learn = cell.get("learning_usage")
            if learn:
                lt = learn["total"]
                out["learning_calls"] = lt["calls"]
                out["learning_act_calls"] = learn["by_purpose"].get("act", {}).get("calls", 0)
                out["learning_tokens"] = lt["prompt_tokens"] + lt["completion_tokens"]
                out["learning_wall_s"] = learn["wall_s"]
            for purpose in purposes:
                c = cell["usage"]["by_purpose"].get(purpose)
                out[f"{purpose}_calls"] = c["calls"] if c else 0
                out[f"{purpose}_tokens"] = c["prompt_tokens"] + c["completion_tokens"] if c else 0
            w.writerow(out)
    return buf.getvalue()


def overlap_text(overlap: dict[str, dict[str, list[int]]]) -> str:
    """One sentence naming the test tasks that were also learned on (or shown solved, with
    demonstrations), or whose problems were."""
    parts = [
        f"{family}: "
        + (
            "the other methods were shown solutions of"
            if what == "demonstrated"
            else "every method's worked example is the problem of"
            if what == "worked example"
            else f"{what} learned on"
        )
        + f" test tasks {', '.join(map(str, tasks))} (or their problems)"
        for family, by in overlap.items()
        for what, tasks in by.items()
    ]
    return "training and test tasks overlap (allowed by the run's setup) — " + "; ".join(parts)


def code_change_text(changes: list[dict[str, Any]]) -> str:
    """One sentence saying the run was resumed with other learnact code."""
    commits = ", ".join((c.get("commit") or "unknown")[:10] for c in changes)
    return (
        f"this run was resumed {len(changes)} time(s) with changed learnact code "
        f"(--allow-code-change; commits {commits}): its episodes mix code versions"
    )


def demonstration_notes(exp: Experiment) -> dict[str, str]:
    """Per method of ``exp`` that was given demonstrations of the training tasks, how:
    learnact as a source of induced actions (``learn.induce``), the others in context
    (``baseline_demonstrations``). Empty when no method had any."""
    notes = {}
    for m in exp.all_methods:
        if m == "learnact" and "demonstrations" in exp.learn.induce:
            notes[m] = "actions also induced from demonstrations of the training tasks"
        elif m != "learnact" and exp.baseline_demonstrations:
            notes[m] = "demonstrations of the training tasks in its prompt"
    return notes


def demonstrated(events: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per family learned on: the training tasks that had a demonstration (``tasks``), the
    demonstrated ones that are the worked example's own problem (``worked_example``;
    ``None`` where the learner did not record it, before 663ec68), those refused as test
    tasks or holders of a test task's problem (``refused``) and those without one
    (``missing``: task -> why). Read from the learners' ``demonstrations`` journal events
    (rows of family, seed, data); the first seed's, as demonstrations do not depend on the
    seed. Families whose learner took no demonstrations are absent."""
    out: dict[str, dict[str, Any]] = {}
    for e in events:
        if e["family"] in out:
            continue
        data = json.loads(e["data"])
        out[e["family"]] = {
            "tasks": list(data.get("tasks") or []),
            "refused": list(data.get("skipped_test_tasks") or []),
            "missing": dict(data.get("missing") or {}),
            "worked_example": (
                list(data["worked_example"]) if data.get("worked_example") is not None else None
            ),
        }
    return out


def demonstrated_text(family: str, d: dict[str, Any]) -> str:
    """``demonstrated`` of one family in words, e.g. "pddl-gen/gripper[size=2,tasks=13]: 1
    demonstration (training task 6; 0, 12 refused: a test task or its problem)"."""
    n = len(d["tasks"])
    parts = [f"training task{'s' * (n != 1)} {listed(d['tasks'])}"] if n else []
    if d.get("worked_example"):
        parts.append(f"{listed(d['worked_example'])}: the worked example's own problem")
    if d["refused"]:
        parts.append(f"{listed(d['refused'])} refused: a test task or its problem")
    missing = list(d["missing"].items())
    parts += [f"{task} has none: {why}" for task, why in missing[:3]]
    if len(missing) > 3:
        parts.append(f"{len(missing) - 3} more without one")
    head = f"{n} demonstration{'s' * (n != 1)}" if n else "NO demonstration"
    return f"{family}: {head}" + (f" ({'; '.join(parts)})" if parts else "")


def demonstrations_text(report: dict[str, Any]) -> str | None:
    """One sentence for every table when some method had demonstrations; it warns when
    learnact had them and the baselines did not. ``None`` when no method had any."""
    notes = report.get("demonstrations") or {}
    if not notes:
        return None
    text = "DEMONSTRATIONS: " + "; ".join(f"{m}: {n}" for m, n in notes.items())
    others = [m for m in report.get("methods", []) if m != "learnact"]
    if "learnact" in notes and others and not any(m in notes for m in others):
        text += " (the baselines had none: baseline_demonstrations gives them the same)"
    shown = report.get("demonstrated") or {}
    if shown:
        text += "; " + "; ".join(demonstrated_text(f, d) for f, d in shown.items())
    elif "demonstrated" in report:
        # The counts come from learners that induce from demonstrations; none did here.
        text += " (how many: not recorded, no learner took demonstrations)"
    return text


def method_header(method: str) -> str:
    """A method's column header: the expert library is marked as written by people."""
    return f"{method} (by people)" if method in REFERENCE else method


def tables(report: dict[str, Any]) -> list[Any]:
    """Rich tables: success (and progress) per family and method, then usage."""
    from rich.table import Table

    out = []
    caption = stats.LEGEND
    if report.get("train_test_overlap"):
        caption = f"WARNING: {overlap_text(report['train_test_overlap'])}. {caption}"
    if report.get("code_changes"):
        caption = f"WARNING: {code_change_text(report['code_changes'])}. {caption}"
    demos = demonstrations_text(report)
    if demos:
        caption = f"{demos}. {caption}"
    notes = dict(report.get("method_notes") or {})
    for family, src in (report.get("learned_on") or {}).items():
        notes[f"learnact on {family}"] = f"library learned on {src}"
    if notes:
        caption = "; ".join(f"{m}: {n}" for m, n in notes.items()) + f". {caption}"
    t = Table(title="success rate", caption=caption)
    t.add_column("family")
    for m in report["methods"]:
        t.add_column(method_header(m))
    has_progress = False
    for family, row in report["cells"].items():
        cells = []
        for m in report["methods"]:
            c = row.get(m)
            if c is None:
                cells.append("n/a")
                continue
            text = stats.interval_text(c["success"])
            if not c["complete"]:
                text += " (incomplete)"
            cells.append(text)
            has_progress = has_progress or c["progress"] is not None
        t.add_row(family, *cells)
    out.append(t)
    if has_progress:
        t = Table(title="progress rate", caption=demos)
        t.add_column("family")
        for m in report["methods"]:
            t.add_column(method_header(m))
        for family, row in report["cells"].items():
            t.add_row(
                family,
                *[
                    "n/a" if row.get(m) is None else stats.interval_text(row[m]["progress"], False)
                    for m in report["methods"]
                ],
            )
        out.append(t)
    paired = [
        (family, m, c["paired"])
        for family, row in report["cells"].items()
        for m, c in row.items()
        if c is not None and c.get("paired")
    ]
    if paired:
        t = Table(
            title="paired: each method minus the best baseline, same seeds and tasks",
            caption="success: difference in points (pairs won only by the method vs only by "
            "the baseline, exact McNemar p); progress: difference [95% paired bootstrap]"
            + (f". {demos}" if demos else ""),
        )
        for col in ("family", "method", "baseline", "pairs", "success", "progress"):
            t.add_column(col)
        for family, m, pair in paired:
            t.add_row(
                family,
                m,
                pair["against"],
                str((pair["success"] or {}).get("pairs", "-")),
                stats.paired_text(pair["success"]),
                stats.paired_text(pair["progress"]),
            )
        out.append(t)
    shares = [
        (family, m, c["of_expert"])
        for family, row in report["cells"].items()
        for m, c in row.items()
        if c is not None and c.get("of_expert")
    ]
    if shares:
        t = Table(
            title="learned vs expert: each learned method's rate as a share of the expert library's"
        )
        for col in ("family", "method", "success", "progress"):
            t.add_column(col)
        for family, m, share in shares:
            t.add_row(
                family, m, of_expert_text(share["success"]), of_expert_text(share["progress"])
            )
        out.append(t)
    t = Table(title="cost per cell: steps, basic actions, LLM calls and tokens")
    for col in ("family", "method", "steps", "basic actions", "LLM calls", "tokens", "by purpose"):
        t.add_column(col)
    for family, row in report["cells"].items():
        for m, c in row.items():
            if c is None:
                continue
            u = c["usage"]["total"]
            purposes = ", ".join(f"{p} {v['calls']}" for p, v in c["usage"]["by_purpose"].items())
            t.add_row(
                family,
                m,
                "-" if c["mean_steps"] is None else f"{c['mean_steps']:.1f}",
                "-" if c["mean_basic_actions"] is None else f"{c['mean_basic_actions']:.1f}",
                str(u["calls"]),
                str(u["prompt_tokens"] + u["completion_tokens"]),
                purposes,
            )
    out.append(t)
    learners = learner_runs(report)
    if learners:
        t = Table(
            title="learner runs: the library kept, and how often the checks of learned code "
            "sent an answer back"
        )
        for col in ("learned on", "method", "seed", "kept", "stopped", "actions", "checks fired"):
            t.add_column(col)
        for r in learners:
            t.add_row(
                r["family"],
                r["method"],
                str(r["seed"]),
                r.get("best") or "-",
                r.get("stopped") or "-",
                ", ".join(r.get("actions") or []) or "-",
                checks_text(r.get("checks")),
            )
        out.append(t)
    return out


def learner_runs(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Each learner run of a `build` report once (a library evaluated on several families
    is learned once): ``family`` learned on, ``method``, then the learner's result
    (``seed``, ``best``, ``stopped``, ``actions``, ``checks``)."""
    seen: dict[tuple[str, str, int], dict[str, Any]] = {}
    for family, row in report["cells"].items():
        for method, cell in row.items():
            if cell is None or method not in LEARNED:
                continue
            src = cell.get("learned_on") or family
            for result in cell.get("learning") or []:
                seen.setdefault(
                    (src, method, result["seed"]), {"family": src, "method": method, **result}
                )
    return list(seen.values())


def checks_text(checks: dict[str, int] | None) -> str:
    """``{"hard_coded_names": 4, "unused_parameters": 0}`` as "hard_coded_names 4"; "none"
    when no check fired, "-" when the run recorded none (checks off, or older runs)."""
    if not checks:
        return "-"
    fired = [f"{name} {n}" for name, n in checks.items() if n]
    return ", ".join(fired) or "none"
