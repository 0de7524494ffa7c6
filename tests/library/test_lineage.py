"""Versions and lineage: learner revisions, hand edits, and the library CLI."""

from __future__ import annotations

import json
import warnings

import pytest

from learnact.learning.context import LearnContext
from learnact.learning.creation import CreationConfig
from learnact.learning.journal import Journal
from learnact.learning.learner import LearnConfig, Learner
from learnact.library import ActionLibrary
from tests.helpers import run_cli
from tests.learning.test_learner import BUGGY, FIX, GOAL_CALL, SUPPORT


@pytest.fixture
def learned(lights, sandbox, scripted, tmp_path):
    """A library learned with one Update (buggy pair -> fixed pair), saved to disk."""
    learner = scripted(
        [
            {"purpose": "create_actions", "response": BUGGY},
            {"purpose": "revise", "response": FIX},
            *SUPPORT,
        ]
    )
    actor = scripted([GOAL_CALL])
    cfg = LearnConfig(
        creation=CreationConfig(candidates=1), train_tasks=[0], train_steps=3, rounds=1, revisions=1
    )
    result = Learner(
        lights, LearnContext.for_run(learner, actor, sandbox, Journal(tmp_path / "run")), cfg
    ).learn()
    first = result.candidates[0].library.save(tmp_path / "first")
    best = result.best.library.save(tmp_path / "best")
    return first, best


def test_update_records_a_new_version_with_its_failure(learned):
    _, best = learned
    lib = ActionLibrary.load(best)
    pair = lib.action("pair")
    assert (pair.version, pair.parent_version, pair.origin, pair.author) == (
        2,
        1,
        "update",
        "learner",
    )
    assert pair.failure["call"] == "pair('lamp1', 'lamp3')" and pair.failure["task"] == 0
    versions = lib.lineage["pair"]
    assert [v["origin"] for v in versions] == ["create", "update"]
    assert "b + '0'" in versions[0]["code"] and "b + '0'" not in versions[1]["code"]
    assert lib.load_warnings == []


def test_hand_edit_is_detected_and_recorded(learned):
    _, best = learned
    code = (best / "actions.py").read_text()
    (best / "actions.py").write_text(
        code.replace("switch_on(a)", "switch_on(a)\n    switch_off(a)\n    switch_on(a)")
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lib = ActionLibrary.load(best)
    assert any("edited by hand" in str(w.message) for w in caught)
    pair = lib.action("pair")
    assert (pair.version, pair.author, pair.origin) == (3, "human", "edit")
    lib.save(best)
    again = ActionLibrary.load(best)  # the edit is now recorded: no new warning, same version
    assert again.load_warnings == [] and again.action("pair").version == 3

    meta = json.loads((best / "library.json").read_text())
    meta["actions"]["pair"]["notes"] = ["Hand-written note."]
    (best / "library.json").write_text(json.dumps(meta))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lib = ActionLibrary.load(best)
    assert lib.action("pair").version == 4 and "notes" in lib.load_warnings[0]


def test_library_cli_show_diff_history(learned):
    first, best = learned
    r = run_cli("library", "show", str(best))
    assert r.returncode == 0, r.stderr
    assert "pair(a, b)  v2 (update, learner)" in r.stdout
    r = run_cli("library", "diff", str(first), str(best), "--json")
    assert r.returncode == 0
    d = json.loads(r.stdout)
    assert not d["same"] and any(line.startswith("-") and "b + '0'" in line for line in d["code"])
    r = run_cli("library", "diff", str(best), str(best))
    assert "same" in r.stdout
    r = run_cli("library", "history", str(best), "pair")
    assert r.returncode == 0
    assert (
        "v1 (create by learner; source: llm)" in r.stdout
        and "v2 (update by learner; source: llm) after pair('lamp1', 'lamp3') failed" in r.stdout
    )
    r = run_cli("library", "history", str(best), "nothing")
    assert r.returncode == 2
    r = run_cli("library", "show", str(best.parent / "missing"))
    assert r.returncode == 2 and "missing" in r.stderr
