"""The acting prompt as conversation turns (``AgentConfig.prompt_style = "turns"``, issue 20
item 4): the example and the history become alternating user/assistant messages; the
paper's text layout stays byte for byte what it was."""

from __future__ import annotations

import pytest

from learnact.agents.act import ActAgent, AgentConfig
from learnact.agents.context import RunContext
from learnact.agents.history import Entry, History
from learnact.agents.turns import NEW_TASK, example_turns, history_turns
from learnact.envs.registry import make_family
from learnact.library.experts import expert_library

WIN = ["pick('ball1', 'roomb', 'left')", "move('roomb', 'rooma')", "drop('ball1', 'rooma', 'left')"]


@pytest.fixture
def gripper():
    return make_family("pddl-gen/gripper[size=1,tasks=3]")


def roles(messages):
    return [m["role"] for m in messages]


def test_an_example_becomes_alternating_turns_and_its_last_observation_a_tail():
    text = (
        "Goal: g\nObservation: o0\nAction: a('x')\nObservation: o1\nAction: b('y')\nObservation: o2"
    )
    turns, tail = example_turns(text)
    assert turns == [
        {"role": "user", "content": "Goal: g\nObservation: o0"},
        {"role": "assistant", "content": "a('x')"},
        {"role": "user", "content": "Observation: o1"},
        {"role": "assistant", "content": "b('y')"},
    ]
    assert tail == "Observation: o2"
    assert example_turns("no actions here") == ([], "no actions here")


def test_the_history_ends_with_a_user_turn_and_says_what_was_dropped():
    entries = [Entry("a('x')", "o3"), Entry("b('y')", "o4")]
    turns = history_turns("g", entries, dropped=3, example_tail="Observation: end")
    assert roles(turns) == ["user", "assistant", "user"]
    first = turns[0]["content"].splitlines()
    assert first == [
        "Observation: end",
        NEW_TASK,
        "Goal: g",
        "(... 3 earlier steps omitted ...)",
        "Action: a('x')",
        "Observation: o3",
    ]
    assert turns[1:] == [
        {"role": "assistant", "content": "b('y')"},
        {"role": "user", "content": "Observation: o4"},
    ]


def test_turns_carry_the_usage_example_and_the_system_message_drops_the_text_example(
    gripper, sandbox, scripted
):
    lib = expert_library(gripper)
    agent = ActAgent(
        gripper,
        RunContext(scripted([]), sandbox),
        library=lib,
        config=AgentConfig(prompt_style="turns"),
    )
    system = agent.system_prompt()
    assert "starts with an example (a real run that uses the learned actions)" in system
    assert lib.usage_example.strip() not in system and "carry(" in system
    history = History(token_budget=3000)
    history.entries += [Entry(None, "o0"), Entry("move('rooma', 'roomb')", "o1")]
    messages = agent.messages(system, "the goal", history)
    assert messages[0] == {"role": "system", "content": system}
    # Strictly alternating after the system message, ending on the user's turn.
    assert roles(messages[1:]) == ["user", "assistant"] * (len(messages[1:]) // 2) + ["user"]
    calls = [m["content"] for m in messages if m["role"] == "assistant"]
    example_calls = [
        ln.removeprefix("Action:").strip()
        for ln in lib.usage_example.splitlines()
        if ln.startswith("Action:")
    ]
    assert calls == [*example_calls, "move('rooma', 'roomb')"]
    assert messages[-1] == {"role": "user", "content": "Observation: o1"}
    assert "Goal: the goal\nObservation: o0" in messages[-3]["content"]


def test_the_text_layout_is_two_messages_with_the_example_as_text(gripper, sandbox, scripted):
    agent = ActAgent(gripper, RunContext(scripted([]), sandbox))
    system = agent.system_prompt()
    assert "Example:\n" + gripper.example.strip() in system
    history = History(token_budget=3000)
    history.entries.append(Entry(None, "o0"))
    assert roles(agent.messages(system, "g", history)) == ["system", "user"]


def test_a_turns_episode_is_won_and_the_setting_is_in_the_fingerprint(gripper, sandbox, scripted):
    from learnact.runner import fingerprint
    from learnact.runner.experiment import parse_experiment

    model = scripted([{"purpose": "act", "responses": WIN}])
    agent = ActAgent(gripper, RunContext(model, sandbox), config=AgentConfig(prompt_style="turns"))
    assert agent.run(0).won
    base = {"families": [gripper.name], "methods": ["act", "learnact"]}
    text, turns = parse_experiment(base), parse_experiment({**base, "prompt_style": "turns"})
    assert text.agent_config(0).prompt_style == "text"
    assert turns.agent_config(0).prompt_style == "turns"
    fams = {gripper.name: gripper}
    changes = fingerprint.diff(fingerprint.compute(text, fams), fingerprint.compute(turns, fams))
    assert any("prompt_style" in c for c in changes)


def test_an_unknown_style_is_bad_input(gripper):
    from learnact.errors import BadInput
    from learnact.runner.experiment import parse_experiment

    with pytest.raises(BadInput, match="prompt_style"):
        parse_experiment({"families": [gripper.name], "methods": ["act"], "prompt_style": "x"})


def test_the_real_small_model_answers_in_turns(gripper, sandbox, smollm):
    # llama.cpp applies the model's chat template to the alternating turns.
    agent = ActAgent(
        gripper,
        RunContext(smollm, sandbox),
        config=AgentConfig(max_steps=2, max_tokens=24, prompt_style="turns", repeat_retries=0),
    )
    rec = agent.run(0)
    assert rec.n_steps == 2
    assert all(s.completion_tokens >= 1 and s.prompt_tokens > 100 for s in rec.steps)


@pytest.mark.parametrize("style", ["text", "turns"])
def test_learned_actions_can_stand_before_the_basic_ones(style, gripper, sandbox, scripted):
    from learnact.runner import fingerprint
    from learnact.runner.experiment import parse_experiment

    lib = expert_library(gripper)

    def system(**kw):
        cfg = AgentConfig(prompt_style=style, **kw)
        return ActAgent(gripper, RunContext(scripted([]), sandbox), library=lib, config=cfg)

    paper, first = system().system_prompt(), system(learned_first=True).system_prompt()
    assert paper.index("Basic actions:") < paper.index("Learned actions")
    assert first.index("Learned actions") < first.index("Basic actions:")
    # The same lines, only in another order.
    assert sorted(paper.splitlines()) == sorted(first.splitlines())
    # Without a library there is nothing to move.
    bare = ActAgent(
        gripper, RunContext(scripted([]), sandbox), config=AgentConfig(learned_first=True)
    )
    plain = ActAgent(gripper, RunContext(scripted([]), sandbox))
    assert bare.system_prompt() == plain.system_prompt()
    base = {"families": [gripper.name], "methods": ["learnact"]}
    a, b = parse_experiment(base), parse_experiment({**base, "learned_first": True})
    assert b.agent_config(0).learned_first and not a.agent_config(0).learned_first
    fams = {gripper.name: gripper}
    changes = fingerprint.diff(fingerprint.compute(a, fams), fingerprint.compute(b, fams))
    assert any("learned_first" in c for c in changes)


@pytest.mark.parametrize("budget", [None, 60, 400])
@pytest.mark.parametrize("react", [False, True])
def test_turns_alternate_whatever_the_history_holds(budget, react, gripper, sandbox, scripted):
    agent = ActAgent(
        gripper,
        RunContext(scripted([]), sandbox),
        library=expert_library(gripper),
        react=react,
        config=AgentConfig(prompt_style="turns"),
    )
    history = History(window=4, token_budget=budget, truncation="halving")
    history.add(None, "o0")
    steps = ["Think: carry the ball.", "check_valid_actions()", "move('rooma', 'roomb')"]
    for i in range(9):
        history.add(steps[i % 3], f"o{i + 1}")
    messages = agent.messages(agent.system_prompt(), "the goal", history)
    assert roles(messages[1:]) == ["user", "assistant"] * (len(messages[1:]) // 2) + ["user"]
    assert messages[-1]["content"].endswith("Observation: o9")
    assert history.dropped > 0
    task = next(m["content"] for m in messages if NEW_TASK in m["content"])
    assert f"(... {history.dropped} earlier steps omitted ...)" in task


def test_history_turns_never_end_on_the_assistant():
    assert history_turns("g", [], 0) == [{"role": "user", "content": f"{NEW_TASK}\nGoal: g"}]
    turns = history_turns("g", [Entry(None, "o0"), Entry(None, "o1")], 0)
    assert roles(turns) == ["user"] and turns[0]["content"].endswith(
        "Observation: o0\nObservation: o1"
    )
