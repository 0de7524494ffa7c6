from __future__ import annotations

import pytest

from learnact.errors import BadInput
from learnact.llm import PURPOSES, ModelSpec, make_model, parse_spec
from learnact.llm.purposes import check_purpose


@pytest.mark.parametrize(
    ("spec", "want"),
    [
        ("openai:gpt-4o-mini", ModelSpec("openai", "gpt-4o-mini")),
        (
            "openai:qwen2.5-coder:1.5b@http://127.0.0.1:11434/v1",
            ModelSpec("openai", "qwen2.5-coder:1.5b", "http://127.0.0.1:11434/v1"),
        ),
        (
            "openai:org@name/model@https://openrouter.ai/api/v1/",
            ModelSpec("openai", "org@name/model", "https://openrouter.ai/api/v1"),
        ),
        ("openai:user@host", ModelSpec("openai", "user@host")),
        ("anthropic:claude-3-5-haiku-latest", ModelSpec("anthropic", "claude-3-5-haiku-latest")),
        ("local:qwen2.5-coder-1.5b", ModelSpec("local", "qwen2.5-coder-1.5b")),
        ("LOCAL:/m/x.gguf", ModelSpec("local", "/m/x.gguf")),
        ("scripted:tests/x.json", ModelSpec("scripted", "tests/x.json")),
    ],
)
def test_parse(spec, want):
    assert parse_spec(spec) == want
    assert parse_spec(str(want)) == want


@pytest.mark.parametrize(
    "spec", ["gpt-4o", "foo:bar", "openai:", "openai:@http://x", "local:m@http://h", ""]
)
def test_bad_specs_are_bad_input(spec):
    with pytest.raises(BadInput):
        parse_spec(spec)


def test_make_model_bad_inputs(monkeypatch):
    with pytest.raises(BadInput, match="unknown model provider"):
        make_model("litellm:gpt-4o")
    with pytest.raises(BadInput, match="unknown local model alias"):
        make_model("local:no-such-alias")
    with pytest.raises(BadInput, match="not found"):
        make_model("local:/nonexistent/model.gguf")
    with pytest.raises(BadInput, match="OPENAI_API_KEY"):
        make_model("openai:gpt-4o-mini")
    with pytest.raises(BadInput, match="ANTHROPIC_API_KEY"):
        make_model("anthropic:claude-3-5-haiku-latest")


def test_purposes_closed_set():
    assert set(PURPOSES) == {
        "act",
        "program",
        "create_actions",
        "fix_actions",
        "describe_action",
        "usage_example",
        "name_action",
        "revise",
        "reflect",
    }
    with pytest.raises(BadInput):
        check_purpose("chat")
