"""Every method end to end on a real PDDL task, with scripted models and the real sandbox.

pddl-gen/gripper[size=1,tasks=3] task 0: Robby and ball1 are in roomb; ball1 must go to
rooma (no goal condition holds at the start).
"""

from __future__ import annotations

import pytest

from learnact.agents.context import RunContext
from learnact.agents.methods import MethodSetup, build_agent
from learnact.envs.registry import make_family
from learnact.errors import BadInput

WIN = ["pick('ball1', 'roomb', 'left')", "move('roomb', 'rooma')", "drop('ball1', 'rooma', 'left')"]
PROGRAM = "```python\npick('ball1', 'roomb', 'left')\nmove('roomb', 'rooma')\ndrop('ball1', 'rooma', 'left')\n```"


@pytest.fixture
def gripper():
    return make_family("pddl-gen/gripper[size=1,tasks=3]")


@pytest.mark.parametrize(
    ("method", "rules"),
    [
        ("act", [{"purpose": "act", "responses": WIN}]),
        ("react", [{"purpose": "act", "responses": ["Think: carry ball1 to rooma.", *WIN]}]),
        ("code-as-policies", [{"purpose": "program", "response": PROGRAM}]),
        ("code-as-policies-flat", [{"purpose": "program", "response": PROGRAM}]),
    ],
)
def test_scripted_winning_episode_wins(method, rules, gripper, sandbox, scripted):
    agent = build_agent(method, gripper, RunContext(scripted(rules), sandbox), MethodSetup())
    rec = agent.run(0)
    assert rec.won and rec.progress == 1.0 and rec.method == method
    assert rec.n_basic_actions == 3


@pytest.mark.parametrize("method", ["act", "react"])
def test_scripted_losing_episode_loses(method, gripper, sandbox, scripted):
    model = scripted(
        [
            {
                "purpose": "act",
                "responses": ["move('roomb', 'rooma')", "move('rooma', 'roomb')"],
                "then": "cycle",
            }
        ]
    )
    setup = MethodSetup()
    setup.config.max_steps = 6
    rec = build_agent(method, gripper, RunContext(model, sandbox), setup).run(0)
    # No goal condition holds at the start, so going back and forth makes no progress.
    assert not rec.won and rec.n_steps == 6 and rec.progress == 0.0


@pytest.mark.parametrize("retries", [0, 1])
def test_repeat_guard_asks_again_when_a_failed_call_is_repeated(
    retries, gripper, sandbox, scripted
):
    bad = "move('rooma', 'roomb')"  # Robby is in roomb: not valid
    model = scripted([{"purpose": "act", "responses": [bad, bad, *WIN], "then": "repeat_last"}])
    setup = MethodSetup()
    setup.config.max_steps = 4
    setup.config.repeat_retries = retries
    rec = build_agent("act", gripper, RunContext(model, sandbox), setup).run(0)
    # The invalid step's observation says why and shows the current state.
    first = rec.steps[0].observation
    assert not rec.steps[0].valid and "requires that robby is at rooma" in first
    assert "\nThe current state: Robby is at roomb." in first
    if retries:
        # Step 1 repeated the failed call; the guard asked again and got a fresh answer.
        assert rec.steps[1].resampled == 1 and rec.steps[1].call == WIN[0]
        assert rec.won and model.usage.total.calls == 5
    else:
        assert rec.steps[1].resampled == 0 and rec.steps[1].call == bad
        assert not rec.won and model.usage.total.calls == 4


def test_reflexion_on_pddl_learns_then_wins(gripper, sandbox, scripted):
    # Training: 2 tasks x 2 rounds x 4 steps of pacing (never a win); then the test episode.
    assert len(gripper.split.train) == 2
    actor = scripted([{"purpose": "act", "responses": ["move('roomb', 'rooma')"] * 16 + WIN}])
    learner = scripted([{"purpose": "reflect", "response": "Pick the ball up before moving."}])
    setup = MethodSetup(learner=learner)
    setup.config.max_steps = 4
    setup.config.repeat_retries = 0  # count the scripted answers one per step
    agent = build_agent("act-reflexion", gripper, RunContext(actor, sandbox), setup)
    assert agent.plan == "- Pick the ball up before moving."  # identical lessons kept once
    assert actor.usage.total.calls == 16
    assert agent.run(0).won


def test_fenced_and_unparsable_outputs_on_pddl(gripper, sandbox, scripted):
    model = scripted(
        [
            {
                "purpose": "act",
                "responses": [
                    "```python\npick('ball1', 'roomb', 'left')\n```",
                    "Let me think...",
                    "pick(ball1)",
                    *WIN[1:],
                ],
            }
        ]
    )
    setup = MethodSetup()
    setup.config.repeat_retries = 0  # parsing alone: the guard would ask again instead
    rec = build_agent("act", gripper, RunContext(model, sandbox), setup).run(0)
    kinds = [(s.kind, s.valid) for s in rec.steps]
    assert kinds[0] == ("action", True)
    assert kinds[1] == ("unparsable", False)
    assert kinds[2][1] is False and "NameError" in rec.steps[2].observation
    assert rec.won


def test_a_usage_example_replaces_the_basic_action_example(gripper, sandbox, scripted):
    from learnact.agents.act import ActAgent
    from learnact.library import ActionLibrary

    lib = ActionLibrary.from_source(
        "def carry(b, f, t, g):\n    pick(b, f, g)\n    move(f, t)\n    return drop(b, t, g)\n",
        {"family": gripper.name, "actions": {"carry": {"description": "carry", "notes": []}}},
    )
    plain = ActAgent(gripper, RunContext(scripted([]), sandbox), library=lib).system_prompt()
    assert "Example:\n" + gripper.example.strip() in plain
    lib.usage_example = "Goal: g\nObservation: o\nAction: carry('ball1', 'roomb', 'rooma', 'left')"
    shown = ActAgent(gripper, RunContext(scripted([]), sandbox), library=lib).system_prompt()
    assert "Example (a real run that uses the learned actions):\n" + lib.usage_example in shown
    assert gripper.example.strip() not in shown


def test_repeat_guard_sees_a_failure_behind_a_check(gripper, sandbox, scripted):
    # bad, check, bad again: nothing changed since it failed, so the guard asks again.
    bad = "move('rooma', 'roomb')"
    model = scripted([{"purpose": "act", "responses": [bad, "check_valid_actions()", bad, *WIN]}])
    setup = MethodSetup()
    setup.config.max_steps = 5
    setup.config.repeat_retries = 1
    rec = build_agent("act", gripper, RunContext(model, sandbox), setup).run(0)
    assert [s.kind for s in rec.steps[:2]] == ["action", "check"]
    assert rec.steps[2].resampled == 1 and rec.steps[2].call == WIN[0]
    assert rec.won


def test_valid_actions_are_listed_as_the_calls_the_agent_writes(gripper):
    episode = gripper.make_episode(0)
    episode.reset()
    valid = episode.valid_actions()
    assert valid
    for command in valid:  # each call's command is the listed command again
        call = gripper.as_call(command)
        name, args = call.split("(", 1)
        values = [a.strip().strip("'") for a in args.rstrip(")").split(",")]
        assert gripper.action(name).to_command(*values) == command, call
    assert gripper.as_call("pick ball1 rooma left") == "pick('ball1', 'rooma', 'left')"
    assert gripper.as_call("fly to the moon") == "fly to the moon"  # no template fits
    # Space-separated arguments are single words: an extra word is no call at all.
    assert gripper.as_call("pick ball1 rooma left extra") == "pick ball1 rooma left extra"


@pytest.mark.parametrize("retries", [0, 1])
def test_repeat_guard_asks_again_when_the_answer_is_no_call(gripper, sandbox, scripted, retries):
    # A small model often copies the last observation instead of writing an action.
    copied = "The action is not valid and therefore takes no effect."
    model = scripted([{"purpose": "act", "responses": [copied, *WIN]}])
    setup = MethodSetup()
    setup.config.max_steps = 4
    setup.config.repeat_retries = retries
    rec = build_agent("act", gripper, RunContext(model, sandbox), setup).run(0)
    if retries:
        assert rec.steps[0].resampled == 1 and rec.steps[0].call == WIN[0]
        assert rec.won and len(rec.steps) == 3
    else:
        assert rec.steps[0].kind == "unparsable" and rec.steps[0].resampled == 0
        assert rec.won and len(rec.steps) == 4  # the copied line cost a step


def test_repeat_guard_leaves_react_thoughts_alone(gripper, sandbox, scripted):
    model = scripted([{"purpose": "act", "responses": ["Think: carry ball1 to rooma.", *WIN]}])
    setup = MethodSetup()
    setup.config.repeat_retries = 2
    rec = build_agent("react", gripper, RunContext(model, sandbox), setup).run(0)
    assert rec.steps[0].kind == "think" and rec.steps[0].resampled == 0 and rec.won


def test_expert_library_method_acts_with_the_shipped_library(gripper, lights, sandbox, scripted):
    """expert-library: Act with the hand-written library of the family's task type."""
    model = scripted([{"purpose": "act", "response": "carry('ball1', 'roomb', 'rooma', 'left')"}])
    agent = build_agent("expert-library", gripper, RunContext(model, sandbox), MethodSetup())
    rec = agent.run(0)
    assert rec.won and rec.n_steps == 1 and rec.method == "expert-library"
    assert rec.steps[0].learned_call == "carry"
    with pytest.raises(BadInput, match="no expert library for lights"):
        build_agent("expert-library", lights, RunContext(model, sandbox), MethodSetup())
