"""Code-as-Policies and cross-task Reflexion with scripted models on a real sandbox."""

from __future__ import annotations

from learnact.agents.code_as_policies import CodeAsPoliciesAgent, defines_functions, extract_program
from learnact.agents.context import RunContext
from learnact.agents.methods import MethodSetup, build_agent
from learnact.agents.trajectory import TrajectoryWriter, read_jsonl

WIN = "```python\ndef both(a, b):\n    switch_on(a)\n    return switch_on(b)\n\nboth('lamp1', 'lamp3')\n```"


def test_program_extraction():
    assert extract_program(WIN).startswith("def both(a, b):")
    assert extract_program("switch_on('lamp1')") == "switch_on('lamp1')"
    assert defines_functions(extract_program(WIN))
    assert not defines_functions("switch_on('lamp1')")


def test_code_as_policies_program_wins(lights, sandbox, scripted):
    model = scripted([{"purpose": "program", "response": WIN}])
    rec = CodeAsPoliciesAgent(lights, RunContext(model, sandbox)).run(0)
    assert rec.won and rec.n_steps == 1 and rec.n_basic_actions == 2
    assert rec.steps[0].kind == "program" and rec.steps[0].error is None


def test_code_as_policies_crash_and_loop_lose(lights, sandbox, scripted):
    crash = scripted(
        [{"purpose": "program", "response": "switch_on('lamp1')\n1/0\nswitch_on('lamp3')"}]
    )
    rec = CodeAsPoliciesAgent(lights, RunContext(crash, sandbox)).run(0)
    assert not rec.won and rec.n_basic_actions == 1
    assert "ZeroDivisionError" in rec.steps[0].error

    loop = scripted([{"purpose": "program", "response": "while True:\n    pass"}])
    rec = CodeAsPoliciesAgent(lights, RunContext(loop, sandbox), timeout_s=1).run(0)
    assert not rec.won and "timeout" in rec.steps[0].error


def test_code_as_policies_actions_capped_at_step_budget(lights, sandbox, scripted):
    spam = scripted([{"purpose": "program", "response": "while True:\n    switch_on('lamp0')"}])
    rec = CodeAsPoliciesAgent(lights, RunContext(spam, sandbox)).run(0)
    assert rec.n_basic_actions == lights.step_budget
    assert not rec.won and "ActionFailed" in rec.steps[0].error


def test_flat_variant_asks_for_no_functions(lights, sandbox, scripted, tmp_path):
    model = scripted([{"purpose": "program", "response": "switch_on('lamp1')\nswitch_on('lamp3')"}])
    writer = TrajectoryWriter(tmp_path)
    rec = CodeAsPoliciesAgent(lights, RunContext(model, sandbox, writer), flat=True).run(0)
    assert rec.won and rec.method == "code-as-policies-flat"
    system = read_jsonl(tmp_path / "prompts.jsonl")[0]["messages"][0]["content"]
    assert "do not define any functions" in system


def test_reflexion_lessons_flow_from_training_failures_to_the_test_prompt(
    lights, sandbox, scripted, tmp_path
):
    # The actor never wins on training tasks; the learner writes a lesson after each failure.
    actor = scripted([{"purpose": "act", "response": "switch_on('lamp0')"}])
    learner = scripted(
        [
            {
                "purpose": "reflect",
                "responses": ["Lesson: switch on only the goal lamps.", "Check the goal first."],
            }
        ]
    )
    writer = TrajectoryWriter(tmp_path)
    setup = MethodSetup(learner=learner, train_tasks=[1, 2], reflexion_rounds=2)
    setup.config.max_steps = 2
    agent = build_agent("act-reflexion", lights, RunContext(actor, sandbox, writer), setup)
    assert agent.plan is not None and "- switch on only the goal lamps." in agent.plan
    agent.run(0)
    episodes = read_jsonl(tmp_path / "trajectories.jsonl")
    phases = [e["phase"] for e in episodes]
    assert phases == ["train"] * 4 + ["test"]  # 2 tasks x 2 rounds, then the test episode
    test_prompt = read_jsonl(tmp_path / "prompts.jsonl")[-1]["messages"][0]["content"]
    assert "Lessons from earlier attempts" in test_prompt and "Check the goal first." in test_prompt
    # The learner's calls are its own: one lesson per failed training episode.
    assert {k: v.calls for k, v in learner.usage.by_purpose().items()} == {"reflect": 4}


def test_truncated_program_runs_what_was_written_completely(lights, sandbox, scripted):
    from learnact.agents.code_as_policies import salvage_truncated

    cut = "```python\nswitch_on('lamp1')\nswitch_on('lamp3')\nfor lamp in ['lamp0',\n"
    assert salvage_truncated(extract_program(cut)) == ("switch_on('lamp1')\nswitch_on('lamp3')", 1)
    model = scripted([{"purpose": "program", "response": cut, "finish_reason": "length"}])
    rec = CodeAsPoliciesAgent(lights, RunContext(model, sandbox)).run(0)
    assert rec.won and rec.n_basic_actions == 2
    assert "cut at the token limit" in rec.error


def test_a_program_that_re_defines_basic_actions_calls_the_real_ones(lights, sandbox, scripted):
    # As the 1.5B model wrote for gripper: copies of the actions that only return text.
    copies = (
        "```python\ndef switch_on(lamp):\n    return f\"switch_on('{lamp}')\"\n\n"
        "def both(a, b):\n    switch_on(a)\n    switch_on(b)\n\n"
        "print(switch_on('lamp1'))\nboth('lamp3', 'lamp3')\n```"
    )
    model = scripted([{"purpose": "program", "response": copies}])
    rec = CodeAsPoliciesAgent(lights, RunContext(model, sandbox)).run(0)
    assert rec.won and rec.n_basic_actions == 3  # lamp1, lamp3, lamp3 again
    assert "re-defined the basic action(s) switch_on" in rec.error
    assert "def switch_on" not in rec.steps[0].call and "def both" in rec.steps[0].call
