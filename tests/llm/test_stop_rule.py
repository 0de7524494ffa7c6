"""The "first_line" stop rule: llama.cpp stops decoding after the agent's one line of code."""

from __future__ import annotations

import pytest

from learnact.llm import make_model
from learnact.llm.types import apply_stop_rule, first_line_end

MESSAGES = [
    {"role": "system", "content": "You write Python."},
    {"role": "user", "content": "Write three lines of Python, each a print call with a number."},
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("move('a', 'b')\nmore", "move('a', 'b')"),
        ("```python\nmove('a', 'b')\n```", "```python\nmove('a', 'b')"),
        ("\n\n  pick(1)\nx", "\n\n  pick(1)"),
        ("# a comment\npick(1)\nx", "# a comment\npick(1)"),
        ("no newline yet", "no newline yet"),
    ],
)
def test_apply_stop_rule(text, expected):
    assert apply_stop_rule(text, "first_line")[0] == expected
    assert apply_stop_rule(text, None) == (text, False)
    assert first_line_end("```\n```\n") is None


def test_llama_stops_generating_after_the_first_line(smollm):
    full = smollm.complete(MESSAGES, purpose="act", max_tokens=60, no_cache=True)
    ruled = smollm.complete(
        MESSAGES, purpose="act", max_tokens=60, stop_at="first_line", no_cache=True
    )
    content = [
        x for x in ruled.text.splitlines() if x.strip() and not x.strip().startswith(("```", "#"))
    ]
    assert len(content) <= 1
    assert ruled.usage.completion_tokens <= full.usage.completion_tokens
    if full.text.strip().count("\n") >= 1:  # the model wrote several lines unprompted
        assert ruled.usage.completion_tokens < full.usage.completion_tokens
        assert ruled.finish_reason == "stop"
    # Prompt accounting agrees with the non-streaming path.
    assert abs(ruled.usage.prompt_tokens - full.usage.prompt_tokens) <= 1


def test_unknown_stop_rule_is_bad_input(tmp_path):
    from learnact.errors import BadInput

    script = tmp_path / "s.json"
    script.write_text('{"rules": [], "default": "x"}')
    model = make_model(f"scripted:{script}")
    with pytest.raises(BadInput, match="stop rule"):
        model.complete("hi", purpose="act", stop_at="second_line")
    assert model.complete("hi", purpose="act", stop_at="first_line").text == "x"
