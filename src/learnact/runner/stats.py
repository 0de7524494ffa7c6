"""Statistics that do not lie: bootstrap intervals over tasks, spread over seeds.

For a cell (family x method) with outcomes ``y[seed][task]`` (1/0 for success, or a
progress rate):

* ``mean``: the mean over seeds of the mean over tasks;
* ``ci``: a 95% percentile bootstrap interval over *tasks* (tasks are resampled with
  replacement; each task's value is its mean over seeds), so it says how much the figure
  depends on which test tasks were drawn;
* ``seeds``: the per-seed means and their standard deviation, min and max, i.e. the
  spread the seeds cause;
* ``identical_seeds``: every seed gave exactly the same per-task results. Then the seed
  spread is not a zero-width interval but "identical" (with temperature 0 the seed often
  changes nothing);
* ``degenerate``: every task had the same value (all won, all lost): the bootstrap
  interval collapses to a point, which says nothing about uncertainty.
"""

from __future__ import annotations

import random
from statistics import mean, stdev
from typing import Any

RESAMPLES = 2000
LEVEL = 0.95


def bootstrap_ci(
    values: list[float], *, resamples: int = RESAMPLES, level: float = LEVEL, seed: int = 0
) -> tuple[float, float] | None:
    """Percentile bootstrap interval of the mean of ``values`` (deterministic)."""
    if not values:
        return None
    if len(values) == 1:
        return (values[0], values[0])
    rng = random.Random(seed)
    n = len(values)
    means = sorted(sum(rng.choices(values, k=n)) / n for _ in range(resamples))
    lo = means[int((1 - level) / 2 * resamples)]
    hi = means[min(resamples - 1, int((1 + level) / 2 * resamples))]
    return (lo, hi)


def summarise_cell(by_seed: dict[int, dict[int, float]]) -> dict[str, Any] | None:
    """``by_seed[seed][task] = value`` -> mean, bootstrap interval over tasks, seed spread.

    Only tasks present for every seed enter the bootstrap (so seeds are comparable);
    ``tasks`` counts them.
    """
    by_seed = {s: v for s, v in by_seed.items() if v}
    if not by_seed:
        return None
    common = sorted(set.intersection(*(set(v) for v in by_seed.values())))
    seed_means = {s: mean(v.values()) for s, v in sorted(by_seed.items())}
    per_task = [mean(by_seed[s][t] for s in by_seed) for t in common]
    ci = bootstrap_ci(per_task)
    spread = list(seed_means.values())
    identical = len(by_seed) > 1 and all(
        v == next(iter(by_seed.values())) for v in by_seed.values()
    )
    return {
        "mean": mean(spread),
        "ci95": list(ci) if ci else None,
        "tasks": len(common),
        "degenerate": len(set(per_task)) <= 1,
        "seeds": {str(s): m for s, m in seed_means.items()},
        # No zero-width spread for identical seeds: the flag says it instead.
        "seed_sd": stdev(spread) if len(spread) > 1 and not identical else None,
        "seed_min": min(spread),
        "seed_max": max(spread),
        "identical_seeds": identical,
    }


LEGEND = (
    "[a-b]: 95% bootstrap interval over test tasks; ±x: standard deviation over seeds; "
    "*: every task had the same outcome (the interval is a point, not a certainty); "
    "=: every seed gave identical results (no spread to show)"
)


def interval_text(stat: dict[str, Any] | None, pct: bool = True) -> str:
    """``62% [48-75] ±4``; ``*`` all tasks alike, ``=`` seeds identical (see `LEGEND`)."""
    if stat is None:
        return "-"

    def f(x: float) -> str:
        return f"{x * 100:.0f}" if pct else f"{x:.2f}"

    text = f(stat["mean"]) + ("%" if pct else "")
    if stat["ci95"] is not None and stat["tasks"] > 1:
        lo, hi = stat["ci95"]
        text += f" [{f(lo)}-{f(hi)}]" + ("*" if stat["degenerate"] else "")
    if len(stat["seeds"]) > 1:
        text += " =" if stat["identical_seeds"] else f" ±{f(stat['seed_sd'] or 0.0)}"
    return text
