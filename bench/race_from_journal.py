"""Acting calls race selection would have made, read from a full-selection learner journal.

With the acting model at temperature 0 and the response cache, an episode is the same
whichever selection plays it, so a race plays a subset of the episodes full selection
played. This replays the race decisions (``learning/learner.py``: heat task, kept share,
the previous best as the bar) over the journal's episodes and counts their acting calls
(each step's call plus the repeat guard's new tries), scoring as the learner does (a
learned call that ran only read-only basic actions did nothing). The count is exact as long as the
race keeps the library full selection kept in every round (later rounds revise it); the
script says when it does not. Variants that change the episodes themselves (no repeat
guard in training) cannot be read from a journal: run them (bench/learning_cost.py).

    python bench/race_from_journal.py RUN_DIR/learn/pddl_gripper/s0 --data-dir ../shared/data
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

STATE_TERMS = ("correction", "learned_share", "success")
EVENT_TERMS = ("learned_share", "success")


def calls(episode: dict) -> int:
    return sum(1 + (s.get("resampled") or 0) for s in episode["steps"])


def did_something(step: dict, read_only) -> bool:  # noqa: ANN001 - learning/scoring.py's rule
    return bool(step.get("valid")) and any(
        a["valid"] and not read_only(a["command"]) for a in step.get("sub_actions") or []
    )


def rank(episodes: list[dict], terms: tuple[str, ...], read_only) -> tuple[float, float]:  # noqa: ANN001
    """The paper score (learning/scoring.py) and the mean progress: selection's order."""
    steps = [s for e in episodes for s in e["steps"]]
    learned = [s for s in steps if s.get("learned_call")]
    ok = [s for s in learned if did_something(s, read_only)]
    values = {
        "correction": len(ok) / len(learned) if learned else 0.0,
        "learned_share": len(ok) / len(steps) if steps else 0.0,
        "success": sum(bool(e.get("won")) for e in episodes) / len(episodes),
    }
    total = sum(values[t] for t in terms)
    progress = sum(e.get("progress") or 0.0 for e in episodes) / len(episodes)
    return (round(total, 9), progress)


def replay(journal: Path, keep_share: float, bar: bool, data_dir: str | None = None) -> dict:
    events = [json.loads(line) for line in (journal / "learning.jsonl").open()]
    episodes: dict[str, dict[int, dict]] = {}
    for line in (journal / "trajectories.jsonl").open():
        e = json.loads(line)
        episodes.setdefault(e["library"], {})[e["task"]] = e
    if any(e["event"] == "raced_out" for e in events):  # not every candidate played all
        raise SystemExit(f"{journal}: a race-selection journal; give a full-selection one")
    if not any(e["event"] == "end" for e in events):
        raise SystemExit(f"{journal}: the learner did not finish")
    start = next(e for e in events if e["event"] == "start")
    train = start["train_tasks"]
    terms = EVENT_TERMS if start["family"].startswith("alfworld") else STATE_TERMS
    from learnact.envs.registry import make_family

    read_only = make_family(start["family"], data_dir).is_read_only
    failures = [e for e in events if e["event"] == "failure"]
    kept_by_full = [e["candidate"] for e in events if e["event"] == "best"]
    pools, pool = [], []
    for e in events:
        if e["event"] == "score":
            pool.append(e["candidate"])
        elif e["event"] == "best":
            pools.append(pool)
            pool = []
    total, best, same = 0, None, True
    for i, pool in enumerate(pools):
        failed = failures[i - 1]["task"] if i > 0 else None
        heat = failed if failed in train and failed != train[0] else train[1]
        if not pool:
            kept = []
        else:
            heats = {c: rank([episodes[c][heat]], terms, read_only) for c in pool}
            total += sum(calls(episodes[c][heat]) for c in pool)
            ordered = sorted(pool, key=lambda c: (-heats[c][0], -heats[c][1], pool.index(c)))
            if len(pool) == 1 and not (bar and best):
                kept = pool
            else:
                kept = ordered[: max(1, math.ceil(len(pool) * keep_share - 1e-9))]
                if bar and best:
                    line = rank([episodes[best][heat]], terms, read_only)
                    kept = [c for c in kept if heats[c] >= line]
            total += sum(calls(episodes[c][t]) for c in kept for t in train if t != heat)
        contenders = ([best] if best else []) + kept
        scores = {c: rank([episodes[c][t] for t in train], terms, read_only) for c in contenders}
        best = max(contenders, key=lambda c: (*scores[c], -contenders.index(c)))
        same = same and best == kept_by_full[i]
    full = sum(calls(e) for lib in episodes.values() for e in lib.values())
    return {"acting_calls": total, "full_selection": full, "best": best, "exact": same}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("journal", type=Path, help="a learner's output folder (learning.jsonl)")
    ap.add_argument("--data-dir", help="the data root (default: LEARNACT_DATA or the cache)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    rows = {
        f"race, keep {k}{', bar' if bar else ''}": replay(args.journal, share, bar, args.data_dir)
        for k, share in (("1/2", 0.5), ("1/4", 0.25))
        for bar in (False, True)
    }
    if args.json:
        print(json.dumps(rows, indent=1))
        return
    full = next(iter(rows.values()))["full_selection"]
    print(f"full selection: {full} acting calls")
    print("| selection | acting calls | of full | of 420 | library kept | exact |")
    print("|---|---:|---:|---:|---|---|")
    for name, r in rows.items():
        print(
            f"| {name} | {r['acting_calls']} | {r['acting_calls'] / full:.0%} | "
            f"{r['acting_calls'] / 420:.0%} | {r['best']} | {'yes' if r['exact'] else 'no'} |"
        )


if __name__ == "__main__":
    main()
