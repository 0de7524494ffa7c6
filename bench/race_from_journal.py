"""Acting calls race selection would have made, read from a full-selection learner journal.

With the acting model at temperature 0 and the response cache, an episode is the same
whichever selection plays it, so a race plays a subset of the episodes full selection
played. This replays the race decisions (``learning/learner.py``: heat task, kept share,
the previous best as the bar) over the journal's episodes and counts their acting calls
(each step's call plus the repeat guard's new tries), scored by the learner's own `score`
(a learned call that ran only read-only basic actions did nothing). The count is exact as long as the
race keeps the library full selection kept in every round (later rounds revise it); the
script says when it does not. Variants that change the episodes themselves (no repeat
guard in training) cannot be read from a journal: run them (bench/learning_cost.py).

    python bench/race_from_journal.py RUN_DIR/learn/pddl_gripper/s0 --data-dir ../shared/data
"""

from __future__ import annotations

import argparse
import json
import math
from dataclasses import fields
from pathlib import Path


def calls(episode: dict) -> int:
    return sum(1 + (s.get("resampled") or 0) for s in episode["steps"])


def record_of(episode: dict):  # noqa: ANN201 - an EpisodeRecord, imported late
    """A trajectories.jsonl line as the EpisodeRecord the learner scored."""
    from learnact.agents.trajectory import EpisodeRecord, StepRecord, SubAction

    def known(cls, d: dict) -> dict:  # noqa: ANN001
        names = {f.name for f in fields(cls)}
        return {k: v for k, v in d.items() if k in names}

    steps = [
        StepRecord(
            **{
                **known(StepRecord, s),
                "sub_actions": [SubAction(**known(SubAction, a)) for a in s["sub_actions"]],
            }
        )
        for s in episode["steps"]
    ]
    return EpisodeRecord(**{**known(EpisodeRecord, episode), "steps": steps})


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
    from learnact.envs.registry import make_family
    from learnact.learning.scoring import default_terms, score

    family = make_family(start["family"], data_dir)
    terms = default_terms(family.state_observations)

    def rank(played: list[dict]) -> tuple[float, float]:  # as the learner orders scores
        return score([record_of(e) for e in played], terms, family.is_read_only).order

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
            heats = {c: rank([episodes[c][heat]]) for c in pool}
            total += sum(calls(episodes[c][heat]) for c in pool)
            ordered = sorted(pool, key=lambda c: (-heats[c][0], -heats[c][1], pool.index(c)))
            if len(pool) == 1 and not (bar and best):
                kept = pool
            else:
                kept = ordered[: max(1, math.ceil(len(pool) * keep_share - 1e-9))]
                if bar and best:
                    line = rank([episodes[best][heat]])
                    kept = [c for c in kept if heats[c] >= line]
            total += sum(calls(episodes[c][t]) for c in kept for t in train if t != heat)
        contenders = ([best] if best else []) + kept
        scores = {c: rank([episodes[c][t] for t in train]) for c in contenders}
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
