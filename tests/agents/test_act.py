"""The Act and ReAct agents end to end: scripted model, real sandbox, real environment."""

from __future__ import annotations

import json

from learnact.agents.act import ActAgent, AgentConfig
from learnact.agents.context import RunContext
from learnact.agents.trajectory import TrajectoryWriter, read_jsonl

# Task 0 of LightsFamily(tasks=3) wants exactly lamp1 and lamp3 on.


def test_scripted_winning_episode_wins(lights, sandbox, scripted):
    model = scripted(
        [{"purpose": "act", "responses": ["switch_on('lamp1')", "Action: switch_on('lamp3')"]}]
    )
    rec = ActAgent(lights, RunContext(model, sandbox)).run(0)
    assert rec.won and rec.n_steps == 2
    assert [s.call for s in rec.steps] == ["switch_on('lamp1')", "switch_on('lamp3')"]
    assert rec.steps[-1].sub_actions[0].command == "on lamp3"
    assert rec.steps[0].observation == "Lamps that are on: lamp1."


def test_scripted_losing_episode_loses_within_budget(lights, sandbox, scripted):
    model = scripted([{"purpose": "act", "response": "switch_on('lamp0')"}])
    rec = ActAgent(lights, RunContext(model, sandbox), config=AgentConfig(max_steps=4)).run(0)
    assert not rec.won and rec.n_steps == 4


def test_invalid_and_unparsable_outputs_are_steps_not_crashes(lights, sandbox, scripted):
    model = scripted(
        [
            {
                "purpose": "act",
                "responses": [
                    "I think we should turn on a lamp.",  # no call
                    "switch_on('lamp9')",  # invalid in the environment
                    "explode()",  # unknown function: Python error
                    "```python\nswitch_on('lamp1')\n```",  # fenced
                    "switch_on(\u2018lamp3\u2019) # done",  # smart quotes + prose
                ],
            }
        ]
    )
    # Without the repeat guard, which would ask again instead of taking the prose answer.
    config = AgentConfig(max_steps=6, repeat_retries=0)
    rec = ActAgent(lights, RunContext(model, sandbox), config=config).run(0)
    kinds = [(s.kind, s.valid) for s in rec.steps]
    assert kinds[:3] == [("unparsable", False), ("action", False), ("action", False)]
    assert "not valid" in rec.steps[1].observation
    assert "NameError" in rec.steps[2].observation
    assert rec.won and rec.n_steps == 5


def test_react_thoughts_get_ok_and_count_as_steps(lights, sandbox, scripted):
    model = scripted(
        [
            {
                "purpose": "act",
                "responses": [
                    "Think: I need lamp1 and lamp3.",
                    "switch_on('lamp1')",
                    "switch_on('lamp3')",
                ],
            }
        ]
    )
    rec = ActAgent(lights, RunContext(model, sandbox), react=True).run(0)
    assert rec.method == "react"
    assert rec.steps[0].kind == "think" and rec.steps[0].observation == "OK."
    assert rec.won and rec.n_steps == 3


def test_check_valid_actions_is_agent_level(lights, sandbox, scripted):
    model = scripted(
        [{"purpose": "act", "responses": ["check_valid_actions()", "switch_on('lamp1')"]}]
    )
    rec = ActAgent(lights, RunContext(model, sandbox), config=AgentConfig(max_steps=2)).run(0)
    # Listed as the calls the agent writes, not as the environment's commands.
    assert rec.steps[0].kind == "check" and "switch_on('lamp0')" in rec.steps[0].observation
    assert "on lamp0" not in rec.steps[0].observation
    assert rec.steps[0].sub_actions == []


def test_prompt_contains_instruction_actions_goal_and_history(lights, sandbox, scripted, tmp_path):
    model = scripted(
        [{"purpose": "act", "responses": ["switch_on('lamp1')", "switch_on('lamp3')"]}]
    )
    writer = TrajectoryWriter(tmp_path)
    ActAgent(lights, RunContext(model, sandbox, writer)).run(0)
    prompts = read_jsonl(tmp_path / "prompts.jsonl")
    assert len(prompts) == 2
    system, user = prompts[1]["messages"]
    assert lights.instruction in system["content"]
    assert "switch_on(lamp): Switch a lamp on." in system["content"]
    assert "Goal: Exactly these lamps are on: lamp1, lamp3." in user["content"]
    assert "Action: switch_on('lamp1')\nObservation: Lamps that are on: lamp1." in user["content"]
    episodes = read_jsonl(tmp_path / "trajectories.jsonl")
    assert episodes[0]["won"] and episodes[0]["steps"][0]["prompt"] == prompts[0]["hash"]
    # Plain JSON all the way down: what was read survives a round trip unchanged.
    assert json.loads(json.dumps(episodes)) == episodes


def test_a_task_out_of_range_is_bad_input_not_an_index_error(lights, sandbox, scripted):
    import pytest

    from learnact.agents.code_as_policies import CodeAsPoliciesAgent
    from learnact.errors import BadInput

    ctx = RunContext(scripted([], default="x"), sandbox)
    for agent in (ActAgent(lights, ctx), CodeAsPoliciesAgent(lights, ctx)):
        for task in (len(lights.tasks), -1):
            with pytest.raises(BadInput, match="out of range"):
                agent.run(task)
