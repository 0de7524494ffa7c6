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
