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
import sqlite3
import sys
from collections import defaultdict
from pathlib import Path

from scipy.stats import binomtest

QUERY = "SELECT family, method, seed, task, won, progress FROM episodes WHERE phase = 'test'"


def episodes(run: Path) -> dict[tuple[str, str, int, int], tuple[bool, float]]:
    """(family, method, seed, task) -> (won, progress) of a run's test episodes."""
    db = run / "run.sqlite3"
    if not db.is_file():
        sys.exit(f"error: {run} holds no run store (run.sqlite3)")
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        return {(f, m, s, t): (bool(w), float(p)) for f, m, s, t, w, p in con.execute(QUERY)}


def row(name: str, pairs: list[tuple[tuple[bool, float], tuple[bool, float]]]) -> str:
    a_wins = sum(a[0] for a, _ in pairs)
    b_wins = sum(b[0] for _, b in pairs)
    only_a = sum(a[0] and not b[0] for a, b in pairs)
    only_b = sum(b[0] and not a[0] for a, b in pairs)
    p = binomtest(only_a, only_a + only_b).pvalue if only_a + only_b else 1.0
    prog_a = sum(a[1] for a, _ in pairs) / len(pairs)
    prog_b = sum(b[1] for _, b in pairs) / len(pairs)
    return (
        f"| {name} | {len(pairs)} | {a_wins} | {b_wins} | {only_a} / {only_b} | {p:.2f} "
        f"| {prog_a:.2f} | {prog_b:.2f} |"
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
    cells: dict[str, list] = defaultdict(list)
    for key in shared:
        cells[f"{key[0]} {key[1]}"].append((a[key], b[key]))
    print(f"A = {args.a}, B = {args.b}; {len(shared)} paired episodes")
    print(
        "| cell | pairs | A won | B won | only A / only B | McNemar p | A progress | B progress |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, pairs in sorted(cells.items()):
        print(row(name, pairs))
    print(row("all", [pair for pairs in cells.values() for pair in pairs]))


if __name__ == "__main__":
    main()
