"""The repeat guard on calls that change nothing (issue 20, item 4): a valid call whose
state before and after is the same counts like a failed one, in every step-wise method.

pddl-gen/gripper[size=2,tasks=10] task 2 (a test task): Robby is in rooma, both balls in
roomb; ``move('rooma', 'rooma')`` is valid and does nothing, as the 1.5B actor wrote it 18
times in a row.
"""

from __future__ import annotations

import pytest

from learnact.agents.context import RunContext
from learnact.agents.methods import MethodSetup, build_agent
from learnact.envs.registry import make_family
from learnact.library.experts import expert_library

NOOP = "move('rooma', 'rooma')"
GO = "move('rooma', 'roomb')"
TASK = 2


@pytest.fixture(scope="module")
def gripper():
    return make_family("pddl-gen/gripper[size=2,tasks=10]")


def test_pddl_state_key_is_the_same_after_a_call_that_does_nothing(gripper, lights):
    episode = gripper.make_episode(TASK)
    episode.reset()
    before = episode.state_key()
    assert episode.step("move rooma rooma").valid and episode.state_key() == before
    assert episode.step("move rooma roomb").valid and episode.state_key() != before
    # A family that cannot tell its states apart: no key, so the guard never fires on it.
    assert lights.make_episode(0).state_key() is None


def _setup(gripper, method, retries):
    setup = MethodSetup(lessons=["Carry both balls."] if "reflexion" in method else None)
    if method == "learnact":
        setup.library = expert_library(gripper)
    setup.config.max_steps = 4
    setup.config.repeat_retries = retries
    return setup


@pytest.mark.parametrize("method", ["act", "react", "act-reflexion", "react-reflexion", "learnact"])
def test_a_repeated_call_that_changes_nothing_is_asked_again(method, gripper, sandbox, scripted):
    model = scripted([{"purpose": "act", "responses": [NOOP, NOOP, GO], "then": "repeat_last"}])
    agent = build_agent(method, gripper, RunContext(model, sandbox), _setup(gripper, method, 1))
    rec = agent.run(TASK)
    first, second = rec.steps[0], rec.steps[1]
    # The first no-op is played (nothing has happened yet); its repeat is asked again.
    assert first.call == NOOP and first.valid and first.resampled == 0
    assert second.resampled == 1 and second.call == GO and second.valid
    assert "Robby is at roomb" in second.observation


def test_without_retries_the_no_op_repeats_as_before(gripper, sandbox, scripted):
    model = scripted([{"purpose": "act", "response": NOOP}])
    rec = build_agent("act", gripper, RunContext(model, sandbox), _setup(gripper, "act", 0)).run(
        TASK
    )
    assert [s.call for s in rec.steps] == [NOOP] * 4 and all(s.valid for s in rec.steps)
    assert all(s.resampled == 0 for s in rec.steps)


def test_a_call_that_changed_the_state_is_not_asked_again(gripper, sandbox, scripted):
    # There and back: each move changes the state, so repeating a move is no repeat.
    back = "move('roomb', 'rooma')"
    model = scripted([{"purpose": "act", "responses": [GO, back], "then": "cycle"}])
    rec = build_agent("act", gripper, RunContext(model, sandbox), _setup(gripper, "act", 1)).run(
        TASK
    )
    assert [s.call for s in rec.steps] == [GO, back, GO, back]
    assert all(s.resampled == 0 for s in rec.steps)


def test_a_failure_behind_a_no_op_is_still_a_repeat(gripper, sandbox, scripted):
    # bad, no-op, bad: the no-op changed nothing, so the second bad is in the same state.
    bad = "pick('ball1', 'rooma', 'left')"  # ball1 is in roomb
    model = scripted([{"purpose": "act", "responses": [bad, NOOP, bad, GO], "then": "repeat_last"}])
    rec = build_agent("act", gripper, RunContext(model, sandbox), _setup(gripper, "act", 1)).run(
        TASK
    )
    assert not rec.steps[0].valid and rec.steps[1].call == NOOP
    assert rec.steps[2].resampled == 1 and rec.steps[2].call == GO


CHECK = "check_valid_actions()"


def test_a_second_check_before_anything_changed_is_asked_again(gripper, sandbox, scripted):
    # The expert library's actor in tyreworld listed the valid actions 25 times in a row.
    model = scripted(
        [{"purpose": "act", "responses": [CHECK, CHECK, GO, CHECK], "then": "repeat_last"}]
    )
    rec = build_agent("act", gripper, RunContext(model, sandbox), _setup(gripper, "act", 1)).run(
        TASK
    )
    kinds = [(s.kind, s.resampled) for s in rec.steps]
    # check; its repeat asked again -> the move; then a check after the state changed is fine.
    assert kinds[:3] == [("check", 0), ("action", 1), ("check", 0)]
    assert rec.steps[1].call == GO and rec.steps[1].valid


def test_alfworld_state_key_and_a_repeated_look(shared_data, sandbox, scripted):
    # ALFWorld's state is the game's facts (without TextWorld's "checked" marks): a look,
    # an inventory or an examine changes nothing; going somewhere does.
    put = make_family("alfworld/put", data_dir=str(shared_data))
    episode = put.make_episode(0)
    episode.reset()
    before = episode.state_key()
    assert episode.step("look").valid and episode.state_key() == before
    assert episode.step("inventory").valid and episode.state_key() == before
    assert episode.step("go to desk 1").valid and episode.state_key() != before
    there = episode.state_key()
    assert episode.step("examine desk 1").valid and episode.state_key() == there
    episode.close()
    # So the repeat guard asks again when the small actor looks around twice in a row.
    look, go = "look()", "goto('desk 1')"
    model = scripted([{"purpose": "act", "responses": [look, look, go], "then": "repeat_last"}])
    setup = MethodSetup()
    setup.config.max_steps = 2
    setup.config.repeat_retries = 1
    rec = build_agent("act", put, RunContext(model, sandbox), setup).run(0)
    assert [(s.call, s.valid, s.resampled) for s in rec.steps] == [(look, True, 0), (go, True, 1)]
