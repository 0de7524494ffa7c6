"""Reasoning models (issue 18, item 7): the thinking is kept for the trajectory and never
taken as the action, whether the server sends it apart (``reasoning_content``) or inside
the content (``<think>...</think>``). Against a loopback OpenAI-compatible stand-in."""

from __future__ import annotations

from typing import Any

import pytest

from learnact.agents.act import ActAgent, AgentConfig
from learnact.agents.context import RunContext
from learnact.llm import make_model
from learnact.llm.types import first_line_end, split_reasoning
from tests.agents.conftest import lights, sandbox  # noqa: F401, F811 - shared fixtures
from tests.helpers import run_cli
from tests.llm.servers import FakeServer, Reply, openai_body

THOUGHT = "Lamp1 and lamp3 must be on. pick(x) would be wrong here."
CALL = "switch_on('lamp1')"


def reasoning_content(text: str, thought: str) -> dict[str, Any]:
    body = openai_body(text)
    body["choices"][0]["message"]["reasoning_content"] = thought
    return body


SHAPES = {
    "reasoning_content": reasoning_content(CALL, THOUGHT),
    "think_block": openai_body(f"<think>\n{THOUGHT}\n</think>\n\n{CALL}"),
}


def test_split_reasoning_and_the_stop_rule():
    assert split_reasoning(f"<think>{THOUGHT}</think>{CALL}") == (CALL, THOUGHT)
    assert split_reasoning(f"<think>{THOUGHT}") == ("", THOUGHT)  # cut while thinking
    assert split_reasoning(CALL) == (CALL, "")
    # The first-line rule waits for the end of the thinking, then for the answer's line.
    text = f"<think>\nline one\nline two\n</think>\n{CALL}\nmore"
    assert text[: first_line_end(text)].endswith(CALL)
    assert first_line_end("<think>\nstill thinking\n") is None


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_thinking_is_kept_apart_from_the_answer(shape, tmp_path):
    with FakeServer([Reply(body=SHAPES[shape])]) as server:
        model = make_model(f"openai:r1@{server.url}/v1", cache=tmp_path / "cache.sqlite3")
        c = model.complete("Which lamp?", purpose="act", max_tokens=64, stop_at="first_line")
        assert c.text == CALL and c.reasoning == THOUGHT
        again = model.complete("Which lamp?", purpose="act", max_tokens=64, stop_at="first_line")
        assert again.cached and again.text == CALL and again.reasoning == THOUGHT


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_the_agent_acts_on_the_answer_and_records_the_thinking(shape, lights, sandbox, tmp_path):  # noqa: F811
    with FakeServer([Reply(body=SHAPES[shape])]) as server:
        model = make_model(f"openai:r1@{server.url}/v1", cache=False)
        from learnact.agents.trajectory import TrajectoryWriter

        writer = TrajectoryWriter(tmp_path)
        config = AgentConfig(max_steps=1, repeat_retries=0)
        rec = ActAgent(lights, RunContext(model, sandbox, writer), config=config).run(0)
    step = rec.steps[0]
    assert step.call == CALL and step.valid and step.reasoning == THOUGHT
    assert "think" not in step.completion and "pick" not in (step.call or "")
    r = run_cli("trace", "show", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert f"Reasoning: {THOUGHT}" in r.stdout
