"""The executed usage example: the learner writes actions, the sandbox runs them for real."""

from __future__ import annotations

from learnact.agents.context import RunContext
from learnact.learning.context import LearnContext
from learnact.learning.creation import CreationConfig
from learnact.learning.journal import Journal, read_events
from learnact.learning.usage import action_lines, execute_example, usage_example
from learnact.library import ActionLibrary

PAIR = (
    'def pair(a, b):\n    """Switch on two lamps."""\n    switch_on(a)\n    return switch_on(b)\n'
)


def library() -> ActionLibrary:
    return ActionLibrary.from_source(
        PAIR,
        {"family": "lights/basic", "actions": {"pair": {"description": "two lamps", "notes": []}}},
    )


def test_action_lines_reads_marked_lines_else_bare_calls():
    assert action_lines("Goal: g\nAction: pair('a', 'b')\nObservation: x\nAction: f()") == [
        "pair('a', 'b')",
        "f()",
    ]
    assert action_lines("```python\npair('a', 'b')\n# note\nswitch_on('c')\n```") == [
        "pair('a', 'b')",
        "switch_on('c')",
    ]


def test_execution_stops_at_the_first_invalid_line_and_keeps_real_observations(
    lights, sandbox, scripted
):
    lines = ["pair('lamp1', 'lamp0')", "switch_off('lamp0')", "pair('lamp9', 'lamp3')", "x()"]
    ctx = RunContext(scripted([]), sandbox)  # no model call is made
    ran = execute_example(lights, ctx, library(), lines, task=0, timeout_s=5)
    assert (ran.lines, ran.valid, ran.learned_ok) == (4, 2, 1)
    assert ran.failure is not None and ran.failure.startswith("pair('lamp9', 'lamp3') -> ")
    assert ran.text.splitlines() == [
        "Goal: Exactly these lamps are on: lamp1, lamp3.",
        "Observation: Lamps that are on: none.",
        "Action: pair('lamp1', 'lamp0')",
        "Observation: Lamps that are on: lamp0, lamp1.",
        "Action: switch_off('lamp0')",
        "Observation: Lamps that are on: lamp1.",
    ]


def test_a_failed_example_goes_back_to_the_learner_and_the_retry_is_kept(
    lights, sandbox, scripted, tmp_path
):
    learner = scripted(
        [
            {
                "purpose": "usage_example",
                "match": "I ran your actions",
                "response": "Action: pair('lamp1', 'lamp3')",
            },
            {"purpose": "usage_example", "response": "Action: pair('lamp9', 'lamp1')"},
        ]
    )
    ctx = LearnContext.for_run(learner, learner, sandbox, Journal(tmp_path))
    example = usage_example(lights, ctx, library(), CreationConfig(), task=0)
    assert example.failure is None
    text = example.text
    assert text.endswith(
        "Action: pair('lamp1', 'lamp3')\nObservation: Lamps that are on: lamp1, lamp3."
    )
    runs = [e for e in read_events(tmp_path) if e["event"] == "usage_example_run"]
    assert [(r["attempt"], r["learned_ok"], r["won"]) for r in runs] == [
        (0, 0, False),
        (1, 1, True),
    ]
    assert "pair('lamp9', 'lamp1')" in runs[0]["failure"]


def test_no_usage_example_rather_than_a_wrong_one(lights, sandbox, scripted, tmp_path):
    # Valid basic actions only: nothing shows a learned action, so nothing is kept.
    learner = scripted([{"purpose": "usage_example", "response": "Action: switch_on('lamp1')"}])
    ctx = LearnContext.for_run(learner, learner, sandbox, Journal(tmp_path))
    example = usage_example(lights, ctx, library(), CreationConfig(), task=0)
    assert example.text == "" and example.failure is None
