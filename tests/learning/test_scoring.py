"""Scoring and failure finding: a learned call that only looks has done nothing."""

from __future__ import annotations

from learnact.agents.trajectory import EpisodeRecord, StepRecord, SubAction
from learnact.learning.failure import first_failure
from learnact.learning.scoring import score


def looks(command: str) -> bool:
    return command in ("inventory", "look")


def step(index, sub_actions, valid=True):
    return StepRecord(
        index,
        "action",
        None,
        "",
        "put_object('mug 1', 'desk 2')",
        "obs",
        valid,
        sub_actions=sub_actions,
        learned_call="put_object",
    )


def episode(*steps):
    return EpisodeRecord(
        family="f", task=0, task_name="t", method="learnact", model="m", steps=list(steps)
    )


NOOP = [SubAction("inventory", "You are not carrying anything.", True)]
REAL = [
    SubAction("inventory", "You carry mug 1.", True),
    SubAction("put mug 1 in/on desk 2", "ok", True),
]


def test_a_learned_call_that_only_looks_is_not_counted_correct():
    rec = episode(step(0, NOOP), step(1, REAL), step(2, NOOP))
    # Without knowing what only looks, every valid call is correct (the paper's score).
    assert score([rec], ("correction", "learned_share")).correction == 1.0
    s = score([rec], ("correction", "learned_share"), read_only=looks)
    assert s.learned_calls == 3 and s.failed_learned_calls == 2
    assert s.correction == 1 / 3 and s.learned_share == 1 / 3


def test_first_failure_names_a_call_that_did_nothing():
    rec = episode(step(0, REAL), step(1, NOOP))
    assert first_failure([rec]) is None  # the paper: nothing failed
    failure = first_failure([rec], read_only=looks)
    assert failure is not None and failure.step.index == 1
    assert failure.step.error == (
        "the call did nothing: it ran only inventory, which changes nothing"
    )
    assert rec.steps[1].error is None  # the trajectory itself is left as it was
    # A call that failed comes first whatever it ran.
    bad = episode(step(0, NOOP), step(1, REAL, valid=False))
    assert first_failure([bad], read_only=looks).step.index == 0
