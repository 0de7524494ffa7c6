"""Every method end to end on a real PDDL task, with scripted models and the real sandbox.

pddl-gen/gripper[size=2,tasks=3] task 0: Robby and both balls are in roomb; ball1 must go
to rooma (ball2 stays).
"""

from __future__ import annotations

import pytest

from learnact.agents.methods import MethodSetup, build_agent
from learnact.envs.registry import make_family

WIN = ["pick('ball1', 'roomb', 'left')", "move('roomb', 'rooma')", "drop('ball1', 'rooma', 'left')"]
PROGRAM = "```python\npick('ball1', 'roomb', 'left')\nmove('roomb', 'rooma')\ndrop('ball1', 'rooma', 'left')\n```"


@pytest.fixture
def gripper():
    return make_family("pddl-gen/gripper[size=2,tasks=3]")


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
    agent = build_agent(method, gripper, scripted(rules), sandbox, MethodSetup())
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
    rec = build_agent(method, gripper, model, sandbox, setup).run(0)
    assert not rec.won and rec.n_steps == 6 and rec.progress == 0.5


def test_reflexion_on_pddl_learns_then_wins(gripper, sandbox, scripted):
    # Training: 2 tasks x 2 rounds x 4 steps of pacing (never a win); then the test episode.
    assert len(gripper.split.train) == 2
    actor = scripted([{"purpose": "act", "responses": ["move('roomb', 'rooma')"] * 16 + WIN}])
    learner = scripted([{"purpose": "reflect", "response": "Pick the ball up before moving."}])
    setup = MethodSetup(learner=learner)
    setup.config.max_steps = 4
    agent = build_agent("act-reflexion", gripper, actor, sandbox, setup)
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
    rec = build_agent("act", gripper, model, sandbox, setup).run(0)
    kinds = [(s.kind, s.valid) for s in rec.steps]
    assert kinds[0] == ("action", True)
    assert kinds[1] == ("unparsable", False)
    assert kinds[2][1] is False and "NameError" in rec.steps[2].observation
    assert rec.won
