"""Paired comparison of two runs of the same experiment under different settings.

`learnact report` pairs methods inside one run. A setting that applies to every method
(``prompt_style``, ``constrained``) needs a run per value, on the same tasks: this pairs
their test episodes by (family, method, seed, task) and prints, per family and method and
over all pairs, wins in A and B, the pairs only one of them won, the exact McNemar p
(two-sided binomial test on those discordant pairs, scipy) and the mean progress.

    python bench/paired_runs.py runs/small-actor-text runs/small-actor-turns
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

from run_episodes import test_episodes

from learnact.runner.stats import mcnemar_p

Outcome = tuple[bool, float | None]  # (won, progress or None)


def episodes(run: Path) -> dict[tuple[str, str, int, int], Outcome]:
    """(family, method, seed, task) -> (won, progress or None) of a run's test episodes."""
    return {
        (e["family"], e["method"], e["seed"], e["task"]): (e["won"], e["progress"])
        for e in test_episodes(run)
    }


def _mean(values: list[float | None]) -> str:
    known = [v for v in values if v is not None]
    return f"{sum(known) / len(known):.2f}" if known else "n/a"


def row(name: str, pairs: list[tuple[Outcome, Outcome]]) -> str:
    a_wins = sum(a[0] for a, _ in pairs)
    b_wins = sum(b[0] for _, b in pairs)
    only_a = sum(a[0] and not b[0] for a, b in pairs)
    only_b = sum(b[0] and not a[0] for a, b in pairs)
    prog_a = _mean([a[1] for a, _ in pairs])
    prog_b = _mean([b[1] for _, b in pairs])
    return (
        f"| {name} | {len(pairs)} | {a_wins} | {b_wins} | {only_a} / {only_b} "
        f"| {mcnemar_p(only_a, only_b):.2f} | {prog_a} | {prog_b} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("a", type=Path, help="run directory A")
    parser.add_argument("b", type=Path, help="run directory B")
    args = parser.parse_args()
    a, b = episodes(args.a), episodes(args.b)
    shared = sorted(set(a) & set(b))
    if not shared:
        sys.exit("error: the runs share no test episode (family, method, seed, task)")
    cells: dict[str, list[tuple[Outcome, Outcome]]] = defaultdict(list)
    for key in shared:
        cells[f"{key[0]} {key[1]}"].append((a[key], b[key]))
    print(
        f"A = {args.a}, B = {args.b}; {len(shared)} paired episodes "
        f"(unpaired: A only {len(set(a) - set(b))}, B only {len(set(b) - set(a))})"
    )
    print(
        "| cell | pairs | A won | B won | only A / only B | McNemar p | A progress | B progress |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, pairs in sorted(cells.items()):
        print(row(name, pairs))
    # Pooled over families and methods: a summary, not one cell's test.
    print(row("all", [pair for pairs in cells.values() for pair in pairs]))


if __name__ == "__main__":
    main()
