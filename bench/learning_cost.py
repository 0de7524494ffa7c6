"""Learning cost of LearnAct's selection settings on one family, side by side.

Runs ``learnact compare`` once per variant: LearnAct only, the family and the learning
settings of an experiment file (default ``bench/success.toml``), with the variant's
``[learn]`` overrides; then reads each run's report. Run it after that experiment: the
response cache serves every call a variant shares with it (acting calls count whether or
not the cache served them), so a variant that plays a subset of the full selection's
episodes costs seconds, and one that changes the episodes (no repeat guard in training)
or chooses another library computes only what is new.

    python bench/learning_cost.py --family pddl/gripper --out runs/cost \
        --json bench/results/learning-cost-gripper.json

Prints one row per variant: acting calls in learning and their share of the paper's
worst case (4 + 2 x 5 candidate sets x 3 tasks x 10 steps = 420), learner calls, the
library chosen, and test success / progress on the experiment's test tasks.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
import tomllib
from pathlib import Path

PAPER_WORST_CASE = 420  # acting calls: (4 + 2 x 5) candidate sets x 3 tasks x 10 steps

VARIANTS: dict[str, dict[str, object]] = {
    "full (paper)": {"selection": "full"},
    "race, keep 1/2": {"selection": "race", "race_keep": 0.5, "race_bar": False},
    "race, keep 1/2, bar": {"selection": "race", "race_keep": 0.5, "race_bar": True},
    "race, keep 1/4, bar": {"selection": "race", "race_keep": 0.25, "race_bar": True},
    "race, keep 1/4, bar, no guard in training, early stop": {
        "selection": "race",
        "race_keep": 0.25,
        "race_bar": True,
        "repeat_retries": 0,
        "early_stop": True,
    },
}


def toml_value(v: object) -> str:
    return json.dumps(v) if not isinstance(v, bool) else str(v).lower()


def experiment_text(base: dict, family: str, name: str, overrides: dict[str, object]) -> str:
    top = {k: v for k, v in base.items() if k not in ("learn", "families", "name", "methods")}
    lines = [f"name = {json.dumps(name)}", 'methods = ["learnact"]']
    lines += [f"{k} = {toml_value(v)}" for k, v in top.items()]
    lines.append("[learn]")
    learn = {**base.get("learn", {}), **overrides}
    lines += [f"{k} = {toml_value(v)}" for k, v in learn.items()]
    lines += ["[[families]]", f"name = {json.dumps(family)}"]
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--experiment", default="bench/success.toml")
    ap.add_argument("--family", default="pddl/gripper")
    ap.add_argument(
        "--out",
        default="runs/cost",
        help="a folder for one run per variant (a run from other code cannot resume: use a new one)",
    )
    ap.add_argument("--only", nargs="*", help="variant names (default: all)")
    ap.add_argument("--json", help="also write the rows here")
    args = ap.parse_args()

    base = tomllib.loads(Path(args.experiment).read_text())
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    rows = []
    for i, (label, overrides) in enumerate(VARIANTS.items()):
        if args.only and label not in args.only:
            continue
        exp = out / f"variant{i}.toml"
        exp.write_text(experiment_text(base, args.family, f"cost-{i}", overrides))
        run = out / f"variant{i}"
        start = time.perf_counter()
        r = subprocess.run(
            ["learnact", "compare", "--experiment", str(exp), "--out", str(run), "--yes"],
            stdout=subprocess.DEVNULL,
        )
        wall = time.perf_counter() - start
        if r.returncode != 0:
            print(f"{label}: learnact compare failed (exit {r.returncode})", file=sys.stderr)
            return 1
        report = json.loads(
            subprocess.run(
                ["learnact", "report", str(run), "--json"], capture_output=True, check=True
            ).stdout
        )
        cell = report["cells"][args.family]["learnact"]
        if not cell.get("learning_usage") or not cell.get("success"):
            print(f"{label}: the run has no learning or no test episodes", file=sys.stderr)
            return 1
        usage = cell["learning_usage"]["by_purpose"]
        act = usage.get("act", {}).get("calls", 0)
        learner = sum(v["calls"] for k, v in usage.items() if k != "act")
        rows.append(
            {
                "variant": label,
                "settings": overrides,
                "acting_calls": act,
                "share_of_420": round(act / PAPER_WORST_CASE, 3),
                "learner_calls": learner,
                "tokens": cell["learning_usage"]["total"]["prompt_tokens"]
                + cell["learning_usage"]["total"]["completion_tokens"],
                "best": cell["learning"][0]["best"] if cell.get("learning") else None,
                "stopped": cell["learning"][0]["stopped"] if cell.get("learning") else None,
                "test_success": cell["success"]["mean"],
                "test_progress": (cell.get("progress") or {}).get("mean"),
                "test_tasks": cell["success"]["tasks"],
                "wall_s": round(wall, 1),
                "commit": report.get("commit"),
            }
        )
        print(json.dumps(rows[-1]), file=sys.stderr)
    print(
        "| selection | acting calls | of 420 | learner calls | library | test success | test progress | wall |"
    )
    print("|---|---:|---:|---:|---|---:|---:|---:|")
    for r in rows:
        prog = "-" if r["test_progress"] is None else f"{r['test_progress']:.2f}"
        print(
            f"| {r['variant']} | {r['acting_calls']} | {r['share_of_420']:.0%} | "
            f"{r['learner_calls']} | {r['best']} | {r['test_success']:.0%} | {prog} | "
            f"{r['wall_s']:.0f} s |"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
