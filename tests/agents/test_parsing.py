"""Reading actions out of LLM replies: fences, prefixes, prose, smart quotes, garbage."""

from __future__ import annotations

import pytest

from learnact.agents.parsing import first_line_reply, parse_action, parse_think

KNOWN = {"pick", "move", "drop", "carry_to"}


@pytest.mark.parametrize(
    ("reply", "code"),
    [
        ("pick('ball1', 'rooma', 'left')", "pick('ball1', 'rooma', 'left')"),
        ("Action: move('rooma', 'roomb')", "move('rooma', 'roomb')"),
        ("```python\ndrop('ball1', 'roomb', 'left')\n```", "drop('ball1', 'roomb', 'left')"),
        ('`pick("ball2", "rooma", "right")`', "pick('ball2', 'rooma', 'right')"),
        (
            "pick(\u2018ball1\u2019, \u2018rooma\u2019, \u2018left\u2019)",
            "pick('ball1', 'rooma', 'left')",
        ),
        (
            "I will now pick the ball: pick('ball1','rooma','left') since it is here.",
            "pick('ball1', 'rooma', 'left')",
        ),
        (
            "carry_to('ball1', 'rooma', 'roomb', 'left')  # moves it",
            "carry_to('ball1', 'rooma', 'roomb', 'left')",
        ),
        ("action: pick('a (x)', 'rooma', 'left')", "pick('a (x)', 'rooma', 'left')"),
        ("print('hi')\nmove('rooma', 'roomb')", "move('rooma', 'roomb')"),
    ],
)
def test_parse_action_tolerates_wrappers(reply, code):
    call = parse_action(reply, KNOWN)
    assert call is not None
    assert call.code == code


@pytest.mark.parametrize(
    "reply", ["", "I don't know.", "```\n```", "pick(", "ball1.pick()", "x = 3"]
)
def test_unparsable_answers_give_none(reply):
    assert parse_action(reply, KNOWN) is None


def test_unknown_names_are_accepted_without_a_known_set():
    assert parse_action("look_around()").name == "look_around"


def test_first_line_reply_applies_the_stop_rule():
    assert (
        first_line_reply("```python\npick('b', 'r', 'l')\n```\nmore")
        == "```python\npick('b', 'r', 'l')"
    )
    assert first_line_reply("move('a', 'b')\nObservation: x") == "move('a', 'b')"
    assert first_line_reply("\n\nmove('a', 'b')\nmove('b', 'a')") == "\n\nmove('a', 'b')"


def test_parse_think():
    assert parse_think("Think: first pick up ball1.") == "first pick up ball1."
    assert parse_think("Thought: go") == "go"
    assert parse_think("pick('b', 'r', 'l')") is None
