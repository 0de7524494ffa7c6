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


def test_all_tasks_alike_is_flagged_degenerate():
    cell = summarise_cell({0: {1: 0.0, 2: 0.0}})
    assert cell["degenerate"] and cell["ci95"] == [0.0, 0.0] and cell["seed_sd"] is None
    assert interval_text(cell) == "0% [0-0]*"


def test_only_tasks_every_seed_has_enter_the_bootstrap():
    cell = summarise_cell({0: {1: 1.0, 2: 0.0}, 1: {1: 1.0}})  # seed 1 is incomplete
    assert cell["tasks"] == 1
    assert summarise_cell({}) is None
