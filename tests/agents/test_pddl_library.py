"""A hand-written action library used by the Act agent on a real PDDL family."""

from __future__ import annotations

from importlib import resources

import pytest

from learnact.agents.act import ActAgent, AgentConfig
from learnact.agents.context import RunContext
from learnact.agents.methods import MethodSetup, build_agent
from learnact.envs.registry import make_family
from learnact.errors import BadInput
from learnact.library import ActionLibrary

LIB_DIR = resources.files("learnact.library") / "examples" / "gripper"


@pytest.fixture
def gripper():
    # 1 ball; task 0: robby and ball1 in roomb, ball1 must go to rooma.
    return make_family("pddl-gen/gripper[size=1,tasks=3]")


@pytest.fixture
def library():
    return ActionLibrary.load(str(LIB_DIR))


def test_example_library_loads_and_binds_to_gripper(gripper, library):
    assert [a.name for a in library.actions] == ["carry", "carry_pair"]
    library.check_calls({a.name for a in gripper.basic_actions})


def test_act_agent_wins_with_a_learned_action(gripper, library, sandbox, scripted):
    first = gripper.make_episode(0).reset()
    assert "ball1 is at rooma" in first.goal and "Robby is at roomb" in first.observation
    model = scripted([{"purpose": "act", "response": "carry('ball1', 'roomb', 'rooma', 'left')"}])
    rec = ActAgent(gripper, RunContext(model, sandbox), library=library, method="learnact").run(0)
    assert rec.won and rec.n_steps == 1
    step = rec.steps[0]
    assert step.learned_call == "carry"
    assert [s.command for s in step.sub_actions] == [
        "pick ball1 roomb left",
        "move roomb rooma",
        "drop ball1 rooma left",
    ]
    assert rec.progress == 1.0


def test_learned_action_failing_part_way_reports_error_and_state(
    gripper, library, sandbox, scripted
):
    # The right gripper is not free for the second pick of carry_pair... but ball9 does not exist.
    model = scripted(
        [{"purpose": "act", "response": "carry_pair('ball1', 'ball9', 'roomb', 'rooma')"}]
    )
    rec = ActAgent(
        gripper, RunContext(model, sandbox), library=library, config=AgentConfig(max_steps=1)
    ).run(0)
    step = rec.steps[0]
    assert not step.valid and [s.valid for s in step.sub_actions] == [True, False]
    assert step.observation.startswith("Error in the learned action:")
    assert "The state where it stopped:" in step.observation
    assert "Left gripper is carrying ball1" in step.observation  # effects already applied stay


def test_basic_action_cap_ends_a_step(gripper, sandbox, scripted):
    lib = ActionLibrary.from_source(
        "def pace(a, b):\n    while True:\n        move(a, b)\n        move(b, a)\n"
    )
    model = scripted([{"purpose": "act", "response": "pace('roomb', 'rooma')"}])
    rec = ActAgent(
        gripper,
        RunContext(model, sandbox),
        library=lib,
        config=AgentConfig(max_steps=1, max_basic_actions=7),
    ).run(0)
    step = rec.steps[0]
    assert len(step.sub_actions) == 7 and not step.valid
    assert "more than 7" in step.observation


def test_learnact_method_requires_a_library(gripper, sandbox, scripted):
    model = scripted([], default="x")
    with pytest.raises(BadInput, match="--library"):
        build_agent("learnact", gripper, RunContext(model, sandbox), MethodSetup())
    bad = ActionLibrary.from_source("def fly(x):\n    teleport(x)\n    move(x, x)\n")
    with pytest.raises(BadInput, match="teleport"):
        build_agent("learnact", gripper, RunContext(model, sandbox), MethodSetup(library=bad))
