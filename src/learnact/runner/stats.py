"""Statistics that hold for small samples: exact intervals for success rates, bootstrap
intervals for progress rates, paired comparisons between methods, spread over seeds.

For a cell (family x method) with outcomes ``y[seed][task]`` (1/0 for success, or a
progress rate):

* ``mean``: the mean over seeds of the mean over tasks;
* ``ci95``: for success rates, the exact (Clopper-Pearson) 95% interval of ``k`` wins in
  ``n`` episodes (``scipy.stats.binomtest``): it never collapses to a point, and 0 wins of
  5 gives [0, 0.522]. With several seeds the episodes of one task are pooled as if they
  were independent, which makes the interval somewhat narrower than it should be. For
  progress rates, a 95% percentile bootstrap interval over *tasks* (tasks are resampled
  with replacement; each task's value is its mean over seeds), so it says how much the
  figure depends on which test tasks were drawn;
* ``seeds``: the per-seed means and their standard deviation, min and max, i.e. the
  spread the seeds cause;
* ``identical_seeds``: every seed gave exactly the same per-task results. Then the seed
  spread is not a zero-width interval but "identical" (with temperature 0 the seed often
  changes nothing);
* ``degenerate``: every task had the same value (all won, all lost); for a progress rate
  the bootstrap interval then collapses to a point, which says nothing about uncertainty.

Methods play the same tasks with the same seeds, so `paired` compares two methods task by
task: the success difference with an exact McNemar test (a two-sided binomial test on the
discordant pairs), and the progress difference with a paired bootstrap interval over
tasks.
"""

from __future__ import annotations

import random
from statistics import mean, stdev
from typing import Any, Literal

from scipy.stats import binomtest

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


def exact_interval(successes: int, trials: int, level: float = LEVEL) -> tuple[float, float]:
    """The Clopper-Pearson interval of a success rate of ``successes`` in ``trials``
    (``scipy.stats.binomtest(...).proportion_ci(method="exact")``). Raises `ValueError`
    for ``trials < 1`` or ``successes`` outside ``[0, trials]``."""
    ci = binomtest(successes, trials).proportion_ci(confidence_level=level, method="exact")
    return (float(ci.low), float(ci.high))


def summarise_cell(
    by_seed: dict[int, dict[int, float]], kind: Literal["success", "progress"] = "progress"
) -> dict[str, Any] | None:
    """``by_seed[seed][task] = value`` -> mean, 95% interval, seed spread (see the module
    docstring; ``kind`` chooses the interval: exact for success, bootstrap for progress).

    Only tasks present for every seed enter the interval (so seeds are comparable);
    ``tasks`` counts them, ``episodes`` counts the (seed, task) pairs behind it.
    """
    by_seed = {s: v for s, v in by_seed.items() if v}
    if not by_seed:
        return None
    common = sorted(set.intersection(*(set(v) for v in by_seed.values())))
    seed_means = {s: mean(v.values()) for s, v in sorted(by_seed.items())}
    per_task = [mean(by_seed[s][t] for s in by_seed) for t in common]
    episodes = len(common) * len(by_seed)
    ci: tuple[float, float] | None
    if kind == "success":
        wins = sum(int(by_seed[s][t]) for s in by_seed for t in common)
        ci = exact_interval(wins, episodes) if episodes else None
    else:
        ci = bootstrap_ci(per_task)
    spread = list(seed_means.values())
    identical = len(by_seed) > 1 and all(
        v == next(iter(by_seed.values())) for v in by_seed.values()
    )
    return {
        "mean": mean(spread),
        "ci95": list(ci) if ci else None,
        "interval": "clopper-pearson" if kind == "success" else "bootstrap",
        "tasks": len(common),
        "episodes": episodes,
        "degenerate": len(set(per_task)) <= 1,
        "seeds": {str(s): m for s, m in seed_means.items()},
        # No zero-width spread for identical seeds: the flag says it instead.
        "seed_sd": stdev(spread) if len(spread) > 1 and not identical else None,
        "seed_min": min(spread),
        "seed_max": max(spread),
        "identical_seeds": identical,
    }


LEGEND = (
    "[a-b]: 95% interval (success: exact Clopper-Pearson over episodes; progress: bootstrap "
    "over test tasks); ±x: standard deviation over seeds; *: every task had the same "
    "progress (the bootstrap interval is a point, not a certainty); =: every seed gave "
    "identical results (no spread to show)"
)


def mcnemar_p(a_only: int, b_only: int) -> float:
    """Exact McNemar p of paired successes: the two-sided binomial test of ``a_only`` (pairs
    only method a won) in ``a_only + b_only`` discordant pairs at 1/2
    (``scipy.stats.binomtest``); 1.0 when no pair differs. Raises `ValueError` for a
    negative count."""
    if a_only < 0 or b_only < 0:
        raise ValueError(f"discordant pair counts must be >= 0, got {a_only} and {b_only}")
    discordant = a_only + b_only
    return float(binomtest(a_only, discordant, 0.5).pvalue) if discordant else 1.0


def paired(
    a: dict[int, dict[int, float]],
    b: dict[int, dict[int, float]],
    kind: Literal["success", "progress"],
    *,
    resamples: int = RESAMPLES,
    level: float = LEVEL,
) -> dict[str, Any] | None:
    """Method ``a`` minus method ``b`` on the (seed, task) pairs both played.

    Returns ``None`` without common pairs, else ``{"pairs": n, "diff": mean of a - b}``
    plus, for ``kind="success"`` (values 0/1), ``"a_only"`` / ``"b_only"`` (pairs won by
    one method alone) and ``"p"``: the exact McNemar test, i.e. the two-sided binomial
    test of ``a_only`` in ``a_only + b_only`` trials at 1/2 (1.0 when no pair differs);
    for ``kind="progress"``, ``"ci95"``: the percentile bootstrap interval of the mean
    difference over tasks (each task's difference averaged over seeds; deterministic).
    """
    pairs = [(s, t) for s in sorted(a) if s in b for t in sorted(a[s]) if t in b[s]]
    if not pairs:
        return None
    out: dict[str, Any] = {"pairs": len(pairs), "diff": mean(a[s][t] - b[s][t] for s, t in pairs)}
    if kind == "success":
        a_only = sum(1 for s, t in pairs if a[s][t] > b[s][t])
        b_only = sum(1 for s, t in pairs if a[s][t] < b[s][t])
        out.update(a_only=a_only, b_only=b_only, p=mcnemar_p(a_only, b_only))
        return out
    by_task: dict[int, list[float]] = {}
    for s, t in pairs:
        by_task.setdefault(t, []).append(a[s][t] - b[s][t])
    ci = bootstrap_ci(
        [mean(v) for _, v in sorted(by_task.items())], resamples=resamples, level=level
    )
    out["ci95"] = list(ci) if ci else None
    return out


def paired_text(cmp: dict[str, Any] | None, pct: bool = True) -> str:
    """``+40 pts (2 vs 0, p=0.50)`` for success, ``+0.12 [0.03, 0.20]`` for progress."""
    if cmp is None:
        return "-"
    if "p" in cmp:
        return (
            f"{cmp['diff'] * 100:+.0f} pts ({cmp['a_only']} vs {cmp['b_only']}, p={cmp['p']:.2f})"
        )
    lo, hi = cmp["ci95"] or (None, None)
    band = f" [{lo:+.2f}, {hi:+.2f}]" if lo is not None else ""
    return f"{cmp['diff']:+.2f}{band}"


def interval_text(stat: dict[str, Any] | None, pct: bool = True) -> str:
    """``62% [48-75] ±4``; ``*`` all tasks alike, ``=`` seeds identical (see `LEGEND`)."""
    if stat is None:
        return "-"

    def f(x: float) -> str:
        return f"{x * 100:.0f}" if pct else f"{x:.2f}"

    text = f(stat["mean"]) + ("%" if pct else "")
    exact = stat.get("interval") == "clopper-pearson"
    if stat["ci95"] is not None and (exact or stat["tasks"] > 1):
        lo, hi = stat["ci95"]
        text += f" [{f(lo)}-{f(hi)}]" + ("*" if stat["degenerate"] and not exact else "")
    if len(stat["seeds"]) > 1:
        text += " =" if stat["identical_seeds"] else f" ±{f(stat['seed_sd'] or 0.0)}"
    return text
