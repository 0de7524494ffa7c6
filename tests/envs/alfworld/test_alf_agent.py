"""The Act agent on ALFWorld: a scripted model replays a walkthrough; learned-action errors."""

from __future__ import annotations

import pytest

from learnact.agents.act import ActAgent, AgentConfig
from learnact.agents.context import RunContext
from learnact.envs.alfworld.examples import as_call
from learnact.envs.alfworld.observations import NOT_VALID
from learnact.library import ActionLibrary
from learnact.llm import make_model


@pytest.fixture
def scripted(tmp_path):
    def make(responses):  # noqa: ANN001, ANN202
        import json

        path = tmp_path / "script.json"
        path.write_text(json.dumps({"rules": [{"purpose": "act", "responses": responses}]}))
        return make_model(f"scripted:{path}")

    return make


def test_act_agent_wins_by_replaying_the_walkthrough(
    families, walkthrough, sandbox_agent, scripted
):
    family = families[("clean", "old")]
    task = family.split.test[0]
    calls = [as_call(c) for c in walkthrough(family, task)]
    rec = ActAgent(family, RunContext(scripted(calls), sandbox_agent)).run(task)
    assert rec.won and rec.n_steps == len(calls)
    assert rec.goal.startswith("Your task is to: clean ")
    assert all(s.valid for s in rec.steps)


def test_step_budget_runs_out_without_winning(families, sandbox_agent, scripted):
    family = families[("put", "new")]
    rec = ActAgent(family, RunContext(scripted(["look()"]), sandbox_agent)).run(
        family.split.test[0]
    )
    assert not rec.won and rec.n_steps == family.step_budget == 20


def test_learned_action_with_an_invalid_second_step_reports_the_error_first(
    families, sandbox_agent, scripted
):
    family = families[("put", "old")]
    lib = ActionLibrary.from_source(
        "def fetch(obj, recep):\n"
        '    """Go to recep and take obj from it."""\n'
        "    goto(recep)\n"
        "    take(obj, 'shelf 9')\n"
    )
    model = scripted(["fetch('mug 1', 'shelf 2')"])
    rec = ActAgent(
        family, RunContext(model, sandbox_agent), library=lib, config=AgentConfig(max_steps=1)
    ).run(2)
    step = rec.steps[0]
    assert not step.valid and [s.valid for s in step.sub_actions] == [True, False]
    first, *rest = step.observation.splitlines()
    assert first == f"Error in the learned action: {NOT_VALID} You are at shelf 2 and hold nothing."
    assert rest == ["You arrive at shelf 2. On the shelf 2, you see a mug 1."]
