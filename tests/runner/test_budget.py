"""Budgets and usage are per run: a learner run counts only its own calls (issue 15).

Under `compare` every unit of a worker shares one loaded model; before, a learner's
budget also counted the calls of earlier units, so a later family or seed could be
starved before its first candidate, and `learn.json` mixed other units' usage in.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

import pytest

from learnact.runner import Experiment, run_experiment
from learnact.runner.run import LearnerEvent, Planned, Started, UnitFinished
from tests.helpers import EXAMPLES, run_cli
from tests.learning.test_learner import FIRST_STEP_BAD, GOAL_CALL, GOOD, SUPPORT

FAMILIES = ["lights_env:LightsFamily[tasks=6]", "lights_env:LightsFamily[tasks=4,seed=1]"]
RULES = [
    {"purpose": "create_actions", "response": GOOD},
    {
        "purpose": "revise",
        "response": "Diagnosis: lamp9 does not exist.\nImprovement: Plan\nAction: pair\nNote: Use the goal's lamps.",
    },
    FIRST_STEP_BAD,
    GOAL_CALL,
    *SUPPORT,
]
BUDGET = 14


@pytest.fixture
def lights(monkeypatch, tmp_path):
    monkeypatch.syspath_prepend(str(EXAMPLES))
    monkeypatch.setenv("LEARNACT_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("GIT_DIR", str(tmp_path / "no-git"))
    monkeypatch.setenv("LEARNACT_LLM_CONCURRENCY", "1")  # one request at a time: exact counts
    model = tmp_path / "model.json"
    model.write_text(json.dumps({"rules": RULES, "default": "switch_on('lamp0')"}))
    yield f"scripted:{model}"
    sys.modules.pop("lights_env", None)


def rows(run: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(run / "run.sqlite3") as c:
        return c.execute(sql).fetchall()


def own_calls(run: Path, unit: str) -> int:
    """The calls a unit made, counted from what it recorded: one per step that asked the
    model (plus the repeat guard's extra asks), and one per learner exchange."""
    calls = 0
    for (record,) in rows(run, f"SELECT record FROM episodes WHERE unit = '{unit}'"):
        for step in json.loads(record)["steps"]:
            calls += 1 + step["resampled"] if step["prompt"] is not None else 0
    learner = rows(run, f"SELECT COUNT(*) FROM events WHERE unit = '{unit}' AND event = 'llm'")
    return calls + learner[0][0]


def test_each_unit_counts_its_own_calls_and_no_learner_is_starved(lights, tmp_path):
    exp = Experiment(
        families=FAMILIES,
        methods=["act", "learnact"],
        model=lights,
        seeds=2,
        tasks="first:2",
        max_steps=3,
        learn={"candidates": 2, "rounds": 2, "train_steps": 3, "budget_calls": BUDGET},
    )
    seen: list[type] = []
    result = run_experiment(
        exp, tmp_path / "run", workers=1, on_event=lambda e: seen.append(type(e))
    )
    run = tmp_path / "run"
    assert result.ok, result.summary.errors
    assert seen[0] is Planned and Started in seen and LearnerEvent in seen
    assert seen.count(UnitFinished) == result.summary.done

    learns = rows(run, "SELECT id, result FROM units WHERE kind = 'learn' ORDER BY id")
    assert len(learns) == 4  # two families x two seeds
    for uid, res in learns:
        res = json.loads(res)
        # Every learner run had its whole budget: it created its candidates and got a
        # library, and it was its own budget that stopped it.
        assert res["actions"] == ["pair(a, b)"], uid
        assert res["stopped"].startswith("budget: LLM call budget reached"), (uid, res)
    for (summary,) in rows(run, "SELECT summary FROM libraries"):
        usage = json.loads(summary)["usage"]
        assert usage["actor"] is None  # one model in both roles
        assert {r["run"] for r in usage["learner"]["rows"]} == {
            str(run / "learn" / r["run"].split("/learn/", 1)[1]) for r in usage["learner"]["rows"]
        }
        # Stopped at the first check past the cap: never far past it.
        assert BUDGET <= usage["learner"]["total"]["calls"] <= BUDGET + 4

    # Each unit's stored usage is exactly the calls it made, never another unit's.
    stored = dict(rows(run, "SELECT unit, SUM(calls) FROM usage GROUP BY unit"))
    units = [u for (u,) in rows(run, "SELECT id FROM units WHERE status = 'done'")]
    assert len(units) == result.summary.done > 4
    for uid in units:
        assert stored[uid] == own_calls(run, uid), uid
    # LearnAct's episodes all ran (none skipped for want of a library).
    assert rows(run, "SELECT COUNT(*) FROM units WHERE status != 'done'") == [(0,)]


def test_budgets_are_settable_from_the_cli_and_toml(lights, tmp_path):
    # learn: --budget-tokens stops learning, and the reason is printed.
    r = run_cli(
        "learn",
        FAMILIES[0],
        "--model",
        lights,
        "--out",
        str(tmp_path / "learned"),
        "--candidates",
        "2",
        "--budget-tokens",
        "3000",
    )
    assert r.returncode == 0, r.stderr
    assert "learning stopped: budget: token budget reached" in r.stdout
    summary = json.loads((tmp_path / "learned" / "learn.json").read_text())
    tokens = summary["usage"]["learner"]["total"]
    assert 3000 <= tokens["prompt_tokens"] + tokens["completion_tokens"] < 6000  # 6000 unbounded

    # compare: the TOML's learn.budget_tokens and --budget-calls both reach the learner.
    toml = tmp_path / "exp.toml"
    toml.write_text(
        f'families = ["{FAMILIES[0]}"]\nmethods = ["learnact"]\nmodel = "{lights}"\n'
        'tasks = "first:1"\n[learn]\ncandidates = 2\nbudget_tokens = 3000\n'
    )
    r = run_cli("compare", "--experiment", str(toml), "--out", str(tmp_path / "c1"), "--json")
    assert r.returncode == 0, r.stderr
    learning = json.loads(r.stdout)["cells"][FAMILIES[0]]["learnact"]["learning"]
    assert learning[0]["stopped"].startswith("budget: token budget reached")
    r = run_cli(
        "compare",
        "--experiment",
        str(toml),
        "--budget-calls",
        "12",
        "--out",
        str(tmp_path / "c2"),
        "--json",
    )
    assert r.returncode == 0, r.stderr
    learning = json.loads(r.stdout)["cells"][FAMILIES[0]]["learnact"]["learning"]
    assert learning[0]["stopped"].startswith("budget: LLM call budget reached")
