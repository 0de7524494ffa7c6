"""Library transfer across family specs (issue 19): learn once on one family, evaluate that
library on other families of the same domain; planned, fingerprinted and refused as it
should be."""

from __future__ import annotations

import pytest

from learnact.errors import BadInput
from learnact.runner.experiment import parse_experiment
from learnact.runner.plan import plan
from learnact.runner.tasks import TrainTestOverlap

SMALL = "pddl-gen/gripper[size=2,tasks=13]"
RUNGS = ["pddl-gen/gripper[size=3,tasks=13]", "pddl-gen/gripper[size=5,tasks=13]"]


def _exp(**extra):
    data = {
        "methods": ["act", "learnact", "expert-library"],
        "families": RUNGS,
        "tasks": "first:4",
        "learn": {"family": SMALL},
        **extra,
    }
    return parse_experiment(data)


def test_one_learner_serves_every_rung():
    p = plan(_exp())
    learns = [u for u in p.units if u.kind == "learn"]
    assert [(u.id, u.family) for u in learns] == [(f"learn|{SMALL}|s0", SMALL)]
    learnact_eps = [u for u in p.units if u.method == "learnact" and u.kind == "episode"]
    assert {u.family for u in learnact_eps} == set(RUNGS) and len(learnact_eps) == 8
    assert all(u.depends == f"learn|{SMALL}|s0" for u in learnact_eps)
    # The source family's data and the setting are in the fingerprint.
    assert SMALL in p.fingerprint["data"]
    assert p.fingerprint["config"]["learn"]["family"] == SMALL


def test_a_family_may_name_its_own_source():
    exp = _exp(
        families=[{"name": RUNGS[0], "learn_family": RUNGS[1]}, {"name": RUNGS[1]}],
        learn={},
    )
    p = plan(exp)
    assert sorted(u.family for u in p.units if u.kind == "learn") == [RUNGS[1]]


def test_test_tasks_that_are_training_problems_are_refused():
    exp = _exp(families=[SMALL.replace("tasks=13", "tasks=20")])
    with pytest.raises(TrainTestOverlap, match="training problems"):
        plan(exp)


def test_another_domain_is_refused():
    with pytest.raises(BadInput, match="basic actions differ"):
        plan(_exp(families=["pddl-gen/blockworld[size=3,tasks=13]"]))


# --- the same problem written differently (issue 19: tyreworld's one-hub problems) --------

TYRE1 = "pddl-gen/tyreworld[size=1,tasks=13]"


def test_a_repeated_problem_is_one_problem_however_its_goal_is_ordered():
    from learnact.envs.registry import make_family

    fam = make_family(TYRE1)  # one distinct problem at one hub: every task holds it
    specs = fam.tasks
    assert len({t.identity for t in specs}) == 1
    assert len({t.sha256 for t in specs}) > 1  # the texts differ (goal order), the problem not


def test_test_tasks_repeating_a_training_problem_of_their_own_family_are_refused():
    exp = _exp(families=[TYRE1], learn={}, tasks="test")
    with pytest.raises(TrainTestOverlap, match="same problems as learnact training tasks"):
        plan(exp)
    # Act and the expert library learn nothing: nothing to refuse.
    assert plan(_exp(families=[TYRE1], methods=["act", "expert-library"], learn={}))
    p = plan(_exp(families=[TYRE1], learn={}, tasks="test", allow_train_test_overlap=True))
    assert p.overlap[TYRE1]["learnact"] == p.test_tasks[TYRE1]


def test_transfer_from_a_family_that_writes_the_same_problems_differently_is_refused():
    exp = _exp(families=[TYRE1], learn={"family": TYRE1.replace("tasks=13", "tasks=5,seed=3")})
    with pytest.raises(TrainTestOverlap, match="training problems"):
        plan(exp)
