"""Bootstrap intervals over tasks, spread over seeds, and the flags that replace zero widths."""

from __future__ import annotations

from learnact.runner.stats import bootstrap_ci, interval_text, summarise_cell


def test_bootstrap_is_deterministic_and_brackets_the_mean():
    values = [1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0]
    lo, hi = bootstrap_ci(values)
    assert (lo, hi) == bootstrap_ci(values)
    assert lo < 0.7 < hi and lo >= 0.3 and hi <= 1.0
    assert bootstrap_ci([]) is None and bootstrap_ci([0.5]) == (0.5, 0.5)


def test_seeds_that_differ_give_a_spread():
    cell = summarise_cell({0: {1: 1.0, 2: 0.0, 3: 1.0}, 1: {1: 1.0, 2: 1.0, 3: 1.0}})
    assert abs(cell["mean"] - 5 / 6) < 1e-9
    assert cell["seeds"] == {"0": 2 / 3, "1": 1.0}
    assert cell["seed_sd"] > 0 and not cell["identical_seeds"] and not cell["degenerate"]
    assert cell["seed_min"] == 2 / 3 and cell["seed_max"] == 1.0 and cell["tasks"] == 3
    assert "±" in interval_text(cell)


def test_identical_seeds_are_flagged_not_shown_as_zero_width():
    same = {1: 1.0, 2: 0.0, 3: 1.0}
    cell = summarise_cell({0: dict(same), 1: dict(same), 2: dict(same)})
    assert cell["identical_seeds"] and cell["seed_sd"] is None
    assert interval_text(cell).endswith(" =") and "±" not in interval_text(cell)


def test_all_tasks_alike_is_flagged_degenerate_for_bootstrap_intervals():
    cell = summarise_cell({0: {1: 0.0, 2: 0.0}})
    assert cell["degenerate"] and cell["ci95"] == [0.0, 0.0] and cell["seed_sd"] is None
    assert interval_text(cell) == "0% [0-0]*"


def test_only_tasks_every_seed_has_enter_the_bootstrap():
    cell = summarise_cell({0: {1: 1.0, 2: 0.0}, 1: {1: 1.0}})  # seed 1 is incomplete
    assert cell["tasks"] == 1
    assert summarise_cell({}) is None


# --- success rates: exact intervals; paired comparisons -------------------------------
def test_success_rates_get_exact_clopper_pearson_intervals():
    # Hand-checked against the Clopper-Pearson formula (beta quantiles), 95%.
    none = summarise_cell({0: dict.fromkeys(range(5), 0.0)}, "success")
    assert none["interval"] == "clopper-pearson" and none["episodes"] == 5
    assert none["ci95"][0] == 0.0 and abs(none["ci95"][1] - 0.5218) < 1e-4
    assert interval_text(none) == "0% [0-52]"  # not a point: no "*"
    every = summarise_cell({0: dict.fromkeys(range(5), 1.0)}, "success")
    assert abs(every["ci95"][0] - 0.4782) < 1e-4 and every["ci95"][1] == 1.0
    two = summarise_cell({0: {0: 1.0, 1: 1.0, 2: 0.0, 3: 0.0, 4: 0.0}}, "success")
    assert [round(x, 4) for x in two["ci95"]] == [0.0527, 0.8534]
    # Two seeds of 5 tasks: 10 episodes pooled (3 wins).
    pooled = summarise_cell(
        {0: {0: 1.0, 1: 1.0, 2: 0.0, 3: 0.0, 4: 0.0}, 1: {0: 1.0, 1: 0.0, 2: 0.0, 3: 0.0, 4: 0.0}},
        "success",
    )
    assert pooled["episodes"] == 10 and [round(x, 4) for x in pooled["ci95"]] == [0.0667, 0.6525]


def test_paired_success_uses_the_exact_mcnemar_test():
    from learnact.runner.stats import paired, paired_text

    a = {0: {0: 1.0, 1: 1.0, 2: 1.0, 3: 0.0, 4: 1.0}}
    b = {0: {0: 0.0, 1: 0.0, 2: 0.0, 3: 0.0, 4: 1.0}}
    cmp = paired(a, b, "success")
    # 3 pairs won only by a, none only by b: two-sided binomial p = 2 * (1/2)^3.
    assert cmp == {"pairs": 5, "diff": 0.6, "a_only": 3, "b_only": 0, "p": 0.25}
    assert paired_text(cmp) == "+60 pts (3 vs 0, p=0.25)"
    assert paired(b, a, "success")["p"] == 0.25 and paired(b, a, "success")["diff"] == -0.6
    # Five of five discordant in one direction: p = 2 / 32.
    assert (
        paired({0: dict.fromkeys(range(5), 1.0)}, {0: dict.fromkeys(range(5), 0.0)}, "success")["p"]
        == 0.0625
    )
    same = paired(a, a, "success")
    assert same["p"] == 1.0 and same["diff"] == 0.0  # no discordant pair
    assert paired(a, {1: {0: 1.0}}, "success") is None  # no common (seed, task)


def test_mcnemar_p_is_the_binomial_test_over_discordant_pairs():
    import pytest

    from learnact.runner.stats import mcnemar_p

    assert mcnemar_p(3, 0) == mcnemar_p(0, 3) == 0.25
    assert mcnemar_p(5, 0) == 0.0625
    assert mcnemar_p(2, 2) == 1.0 and mcnemar_p(0, 0) == 1.0
    assert mcnemar_p(9, 1) == 2 * 11 / 1024  # two-sided: P(X <= 1) + P(X >= 9), n = 10
    with pytest.raises(ValueError, match=">= 0"):
        mcnemar_p(-1, 2)


def test_paired_progress_gets_a_paired_bootstrap_interval_over_tasks():
    from learnact.runner.stats import paired

    a = {0: {0: 0.5, 1: 1.0, 2: 0.25}, 1: {0: 0.5, 1: 1.0, 2: 0.75}}
    b = {0: {0: 0.0, 1: 0.5, 2: 0.25}, 1: {0: 0.5, 1: 0.5, 2: 0.25}}
    cmp = paired(a, b, "progress")
    # Per-task differences averaged over seeds: 0.25, 0.5, 0.25; their mean is 1/3.
    assert cmp["pairs"] == 6 and abs(cmp["diff"] - 1 / 3) < 1e-12
    lo, hi = cmp["ci95"]
    assert 0.25 <= lo <= 1 / 3 <= hi <= 0.5 and cmp == paired(a, b, "progress")
