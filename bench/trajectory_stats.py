"""What the test trajectories of a `learnact compare` run show, per family and method.

    python bench/trajectory_stats.py runs/success [--json]

Per cell: episodes, steps, the share of steps that were invalid (an invalid action, a
Python error or an unparsable answer), the share that repeated the call which had just
failed, the shares of unparsable answers and of check_valid_actions() steps, the share of
steps that called a learned action (and of those, the share that
succeeded), the steps the repeat guard answered again, the share of steps that listed
the valid actions again with no valid action since the last list, and the longest run of the same
failing call. Reads the run store only; changes nothing.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

from run_episodes import test_episodes


def cell_stats(records: list[dict]) -> dict:
    steps = invalid = repeats = learned = learned_ok = resampled = unparsable = checks = 0
    longest = repeated_checks = 0
    for rec in records:
        prev_call, prev_valid, run = None, True, 0
        checked = False  # a check since the last valid action
        for s in rec["steps"]:
            steps += 1
            call = s.get("call")
            if s.get("kind") == "check":
                repeated_checks += checked
                checked = True
            elif s.get("kind") == "action" and s.get("valid"):
                checked = False
            if not s.get("valid"):
                invalid += 1
            unparsable += s.get("kind") == "unparsable"
            checks += s.get("kind") == "check"
            if call is not None and call == prev_call and not prev_valid:
                repeats += 1
                run += 1
            else:
                run = 0
            longest = max(longest, run + (0 if s.get("valid") else 1))
            if s.get("learned_call"):
                learned += 1
                learned_ok += bool(s.get("valid"))
            resampled += bool(s.get("resampled"))
            prev_call, prev_valid = call, bool(s.get("valid"))
    share = (lambda n: round(n / steps, 3)) if steps else (lambda n: None)
    return {
        "episodes": len(records),
        "steps": steps,
        "invalid_share": share(invalid),
        "repeated_failure_share": share(repeats),
        "unparsable_share": share(unparsable),
        "check_share": share(checks),
        "learned_call_share": share(learned),
        "learned_call_success": round(learned_ok / learned, 3) if learned else None,
        "resampled_steps": resampled,
        "repeated_check_share": share(repeated_checks),
        "longest_failing_run": longest,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("run_dir", type=Path)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    cells: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for e in test_episodes(args.run_dir):
        cells[(e["family"], e["method"])].append(e["record"])
    out = {f"{f} {m}": cell_stats(recs) for (f, m), recs in cells.items()}
    if args.json:
        print(json.dumps(out, indent=2))
        return
    cols = list(next(iter(out.values())).keys()) if out else []
    print("| cell | " + " | ".join(cols) + " |")
    print("|---" * (len(cols) + 1) + "|")
    for name, row in out.items():
        print(
            f"| {name} | " + " | ".join("-" if v is None else str(v) for v in row.values()) + " |"
        )


if __name__ == "__main__":
    main()
