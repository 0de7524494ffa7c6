from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from learnact.errors import BadInput
from learnact.llm import LLMError, make_model

DOCS = Path(__file__).resolve().parents[2] / "docs" / "models.md"


def write(tmp_path, data) -> str:
    p = tmp_path / "script.json"
    p.write_text(json.dumps(data))
    return f"scripted:{p}"


def test_rules_in_order_with_purpose_regex_and_sequences(tmp_path):
    spec = write(
        tmp_path,
        {
            "rules": [
                {"purpose": "act", "match": "kitchen", "responses": ["go(a)", "go(b)"]},
                {"purpose": "act", "response": "look()"},
                {"purpose": ["reflect", "revise"], "family": "gripper", "response": "lesson"},
                {
                    "purpose": "program",
                    "match": r"room (?P<room>\w+)",
                    "response": "goto('\\g<room>')",
                    "expand": True,
                },
                {"purpose": "describe_action", "responses": ["x", "y"], "then": "cycle"},
            ],
            "default": "fallback",
        },
    )
    m = make_model(spec)
    k = [{"role": "user", "content": "You are in the kitchen."}]
    assert [m.complete(k, purpose="act").text for _ in range(3)] == ["go(a)", "go(b)", "go(b)"]
    assert m.complete("elsewhere", purpose="act").text == "look()"
    assert m.complete("x", purpose="reflect", family="gripper").text == "lesson"
    assert m.complete("x", purpose="reflect", family="alfworld").text == "fallback"
    assert m.complete("in room B12 now", purpose="program").text == "goto('B12')"
    assert [m.complete("d", purpose="describe_action").text for _ in range(3)] == ["x", "y", "x"]
    assert m.usage.by_purpose()["act"].calls == 4
    assert m.cache is None  # scripted models are never cached by default


def test_stop_sequences_and_truncation_flag(tmp_path):
    spec = write(
        tmp_path,
        {
            "rules": [
                {"purpose": "act", "response": "pick(ball)\nThink: more"},
                {"purpose": "program", "response": "def f(", "finish_reason": "length"},
                {"purpose": "reflect", "response": "   "},
            ]
        },
    )
    m = make_model(spec)
    c = m.complete("s", purpose="act", stop=["\n"])
    assert c.text == "pick(ball)" and c.finish_reason == "stop" and not c.incomplete
    t = m.complete("s", purpose="program")
    assert t.truncated and t.incomplete
    e = m.complete("s", purpose="reflect")
    assert e.empty
    assert m.usage.total.truncated == 1 and m.usage.total.empty == 1
    with pytest.raises(LLMError, match="max_tokens"):
        t.raise_if_incomplete()
    strict = make_model(spec, strict=True)
    with pytest.raises(LLMError, match="empty"):
        strict.complete("s", purpose="reflect")


def test_no_rule_without_default_fails(tmp_path):
    m = make_model(write(tmp_path, {"rules": [{"purpose": "act", "response": "a"}]}))
    with pytest.raises(LLMError, match="no rule for purpose reflect"):
        m.complete("x", purpose="reflect")
    m2 = make_model(
        write(tmp_path, {"rules": [{"purpose": "act", "responses": ["a"], "then": "fail"}]})
    )
    m2.complete("x", purpose="act")
    with pytest.raises(LLMError, match="ran out"):
        m2.complete("x", purpose="act")


@pytest.mark.parametrize(
    "bad",
    [
        {"rules": [{"purpose": "chat", "response": "a"}]},
        {"rules": [{"purpose": "act"}]},
        {"rules": [{"purpose": "act", "response": "a", "responses": ["b"]}]},
        {"rules": [{"purpose": "act", "match": "(", "response": "a"}]},
        {"rules": [{"purpose": "act", "response": "a", "colour": 1}]},
        {"rules": "nope"},
    ],
)
def test_bad_scripts_are_bad_input(tmp_path, bad):
    with pytest.raises(BadInput):
        make_model(write(tmp_path, bad))


def test_docs_example_is_valid(tmp_path):
    text = DOCS.read_text()
    # The example's code answers hold ``` too: the block ends at a fence on its own line.
    block = re.search(r"<!-- scripted-example -->\s*```json\n(.*?)^```$", text, re.DOTALL | re.M)
    assert block, "docs/models.md lost its scripted example"
    p = tmp_path / "example.json"
    p.write_text(block.group(1))
    m = make_model(f"scripted:{p}")
    out = m.complete(
        [{"role": "user", "content": "Your task is to: put a ball in room B."}],
        purpose="act",
        stop=["\n"],
    )
    assert out.text
