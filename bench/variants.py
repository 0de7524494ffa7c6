"""Variants of a method across runs, per family, against one baseline: the issue-20 table.

A variant is one method of one run (``NAME=RUN_DIR:METHOD``); the runs must play the same
test tasks (the ladder files do). Per family and variant: episodes, success k/n with the
exact 95% interval (Clopper-Pearson), mean progress, the test episodes paired by (seed,
task) with the baseline's - pairs only the variant won / only the baseline won, exact
McNemar p (two-sided binomial test on those), the difference in points - and what the
trajectories show: the share of invalid and of unparsable steps, the share of steps that
call a learned action and how many of those worked. Then one row per learning variant:
acting calls in learning (cached ones too), learner calls, tokens, the library kept and
how many answers each static check sent back.

    python bench/variants.py --baseline act=runs/ladder-gripper:act \\
        paper=runs/ladder-gripper:learnact full=runs/ladder-gripper-full:learnact \\
        expert=runs/ladder-gripper:expert-library

Reads the run stores only; changes nothing. ``--json`` prints the rows as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

from run_episodes import test_episodes

from learnact.runner.stats import exact_interval, mcnemar_p


def parse_variant(text: str) -> tuple[str, Path, str]:
    name, _, rest = text.partition("=")
    run, _, method = rest.rpartition(":")
    if not (name and run and method):
        sys.exit(f"error: {text!r}: write NAME=RUN_DIR:METHOD")
    return name, Path(run), method


def episodes(run: Path, method: str) -> dict[tuple[str, int, int], dict]:
    """(family, seed, task) -> outcome and step counts of ``method``'s test episodes."""
    out = {}
    for e in test_episodes(run, method):
        steps = e["record"].get("steps", [])
        out[(e["family"], e["seed"], e["task"])] = {
            "won": e["won"],
            "progress": e["progress"],
            "steps": len(steps),
            "invalid": sum(not s.get("valid") for s in steps),
            "unparsable": sum(s.get("kind") == "unparsable" for s in steps),
            "learned": sum(bool(s.get("learned_call")) for s in steps),
            "learned_ok": sum(bool(s.get("learned_call")) and bool(s.get("valid")) for s in steps),
        }
    return out


def cell(eps: list[dict], base: list[dict] | None) -> dict:
    n, k = len(eps), sum(e["won"] for e in eps)
    lo, hi = exact_interval(k, n) if n else (0.0, 1.0)
    progress = [e["progress"] for e in eps if e["progress"] is not None]
    steps = sum(e["steps"] for e in eps)
    learned = sum(e["learned"] for e in eps)
    row = {
        "episodes": n,
        "won": k,
        "success_ci95": [round(lo, 3), round(hi, 3)],
        "progress": round(sum(progress) / len(progress), 3) if progress else None,
        "invalid_share": round(sum(e["invalid"] for e in eps) / steps, 3) if steps else None,
        "unparsable_share": round(sum(e["unparsable"] for e in eps) / steps, 3) if steps else None,
        "learned_share": round(learned / steps, 3) if steps else None,
        "learned_worked": round(sum(e["learned_ok"] for e in eps) / learned, 3)
        if learned
        else None,
    }
    if base is not None:
        only_v = sum(v["won"] and not b["won"] for v, b in zip(eps, base, strict=True))
        only_b = sum(b["won"] and not v["won"] for v, b in zip(eps, base, strict=True))
        row["only_variant"], row["only_baseline"] = only_v, only_b
        row["mcnemar_p"] = round(mcnemar_p(only_v, only_b), 3)
        row["diff_points"] = round(100 * (only_v - only_b) / n, 1) if n else None
    return row


def row_text(r: dict) -> str:
    """One table row of `cell`'s dict (with ``variant`` and ``unpaired``); a cell with no
    episode paired with the baseline (a run still going) shows its unpaired count only."""
    if not r["episodes"]:
        return f"| {r['variant']} | - | - | - | - | - | - | - | - | - | {r['unpaired']} |"
    lo, hi = r["success_ci95"]
    vs = (
        f"{r['only_variant']} / {r['only_baseline']} | {r['mcnemar_p']:.2f} | "
        f"{r['diff_points']:+.0f}"
        if "only_variant" in r
        else "- | - | -"
    )
    worked = "" if r["learned_worked"] is None else f" ({r['learned_worked']:.0%})"
    return (
        f"| {r['variant']} | {r['won']}/{r['episodes']} | {lo:.0%}-{hi:.0%} | "
        f"{r['progress']} | {vs} | {r['invalid_share']} | {r['unparsable_share']} | "
        f"{r['learned_share']}{worked} | {r['unpaired']} |"
    )


def learning_rows(variants: list[tuple[str, Path, str]]) -> list[dict]:
    from learnact.runner.report import build

    out = []
    for name, run, method in variants:
        report = build(run)
        exp = report["experiment"]
        entries = {e["name"]: e for e in exp["families"]}
        seen: set[str] = set()
        for family, methods in report["cells"].items():
            c = methods.get(method) or {}
            usage = c.get("learning_usage")
            source = (entries.get(family) or {}).get("learn_family") or exp["learn"].get("family")
            source = source or family
            if not usage or source in seen:
                continue  # one learner serves every family that uses its library
            seen.add(source)
            by = usage["by_purpose"]
            learner = {k: v for k, v in by.items() if k != "act"}
            for learn in c.get("learning") or []:
                out.append(
                    {
                        "variant": name,
                        "family": source,
                        "acting_calls": by.get("act", {}).get("calls", 0),
                        "learner_calls": sum(v["calls"] for v in learner.values()),
                        "tokens": usage["total"]["prompt_tokens"]
                        + usage["total"]["completion_tokens"],
                        "library": learn.get("best"),
                        "actions": learn.get("actions"),
                        "checks": learn.get("checks"),
                    }
                )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--baseline", required=True, help="NAME=RUN_DIR:METHOD")
    ap.add_argument("variants", nargs="+", help="NAME=RUN_DIR:METHOD")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    base_name, base_run, base_method = parse_variant(args.baseline)
    base = episodes(base_run, base_method)
    variants = [parse_variant(v) for v in args.variants]
    rows: dict[str, list[dict]] = defaultdict(list)
    for name, run, method in [(base_name, base_run, base_method), *variants]:
        eps = episodes(run, method)
        families = sorted({k[0] for k in eps}, key=lambda f: (f.split("[")[0], len(f), f))
        for family in families:
            keys = sorted(k for k in eps if k[0] == family and k in base)
            unpaired = sum(1 for k in eps if k[0] == family and k not in base)
            is_base = (name, run, method) == (base_name, base_run, base_method)
            row = cell([eps[k] for k in keys], None if is_base else [base[k] for k in keys])
            rows[family].append({"variant": name, "unpaired": unpaired, **row})
    learning = learning_rows(variants)
    if args.json:
        print(json.dumps({"cells": rows, "learning": learning}, indent=2))
        return
    print(f"baseline: {base_name} = {base_run}:{base_method}")
    for family, cells in rows.items():
        print(f"\n{family}")
        print(
            "| variant | won | 95% | progress | only variant / only baseline | McNemar p "
            "| diff (pts) | invalid | unparsable | learned calls (worked) | unpaired |"
        )
        print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in cells:
            print(row_text(r))
    if learning:
        print(
            "\n| learning variant | learned on | acting calls | learner calls | tokens | library | checks sent back |"
        )
        print("|---|---|---:|---:|---:|---|---|")
        for r in learning:
            fired = ", ".join(f"{k} {v}" for k, v in (r["checks"] or {}).items() if v) or "-"
            print(
                f"| {r['variant']} | {r['family']} | {r['acting_calls']} | {r['learner_calls']} "
                f"| {r['tokens']:,} | {r['library']} | {fired} |"
            )


if __name__ == "__main__":
    main()
