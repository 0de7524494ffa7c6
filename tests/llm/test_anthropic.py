"""The anthropic backend, through the real SDK, against a loopback Messages-API stand-in."""

from __future__ import annotations

import pytest

from learnact.llm import LLMAuthError, RetryPolicy, make_model
from tests.helpers import require_module
from tests.llm.servers import FakeServer, Reply

require_module("anthropic")


def message(text, stop_reason="end_turn", input_tokens=12, output_tokens=5):
    return {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-3-5-haiku-latest",
        "content": [{"type": "text", "text": text}],
        "stop_reason": stop_reason,
        "stop_sequence": None,
        "usage": {
            "input_tokens": input_tokens,
            "output_tokens": output_tokens,
            "cache_read_input_tokens": 4,
        },
    }


def test_messages_api_round_trip(monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test")
    replies = [
        Reply(529, {"type": "error", "error": {"type": "overloaded_error"}}, {"retry-after": "1"}),
        Reply(200, message("put(ball, box)\nThink: done")),
        Reply(200, message("def f(", stop_reason="max_tokens")),
    ]
    sleeps: list[float] = []
    with FakeServer(replies) as server:
        m = make_model(
            f"anthropic:claude-3-5-haiku-latest@{server.url}",
            cache=False,
            retry=RetryPolicy(sleep=sleeps.append),
        )
        msgs = [
            {"role": "system", "content": "You act."},
            {"role": "user", "content": "Goal: ..."},
            {"role": "user", "content": "Observation: ..."},
        ]
        c = m.complete(msgs, purpose="act", max_tokens=20, stop=["\n", "END"], temperature=0.0)
        t = m.complete("write", purpose="create_actions", max_tokens=3)
    assert c.text == "put(ball, box)" and c.finish_reason == "stop"
    assert c.usage.prompt_tokens == 12 and c.usage.prefix_cached_tokens == 4
    assert c.usage.cost_usd > 0  # a priced hosted model
    assert t.truncated
    assert sleeps and sleeps[0] >= 1
    path, body, headers = server.requests[1]
    assert path == "/v1/messages"
    assert body["system"] == "You act."
    assert body["messages"] == [{"role": "user", "content": "Goal: ...\n\nObservation: ..."}]
    assert body["stop_sequences"] == ["END"]  # whitespace-only stops are applied client-side
    assert body["max_tokens"] == 20
    assert "sk-test" in (headers.get("x-api-key"), headers.get("authorization", "")[7:])
    assert m.usage.by_purpose()["create_actions"].truncated == 1


def test_auth_error_fails_at_once(monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "bad")
    body = {
        "type": "error",
        "error": {"type": "authentication_error", "message": "invalid x-api-key"},
    }
    with FakeServer([Reply(401, body)]) as server:
        m = make_model(f"anthropic:claude-3-5-haiku-latest@{server.url}", cache=False)
        with pytest.raises(LLMAuthError, match="check the API key"):
            m.complete("hi", purpose="reflect")
    assert len(server.requests) == 1


def test_temperature_sent_in_body_and_dropped_when_refused(monkeypatch):
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test")
    refused = {
        "type": "error",
        "error": {"type": "invalid_request_error", "message": "temperature: not supported"},
    }
    with FakeServer(
        [Reply(200, message("a")), Reply(400, refused), Reply(200, message("b"))]
    ) as server:
        m = make_model(f"anthropic:claude-x@{server.url}", cache=False)
        assert m.complete("hi", purpose="act", temperature=0.3).text == "a"
        assert m.complete("hi", purpose="act", temperature=0.3).text == "b"
    bodies = [b for _, b, _ in server.requests]
    assert bodies[0]["temperature"] == 0.3 and bodies[1]["temperature"] == 0.3
    assert "temperature" not in bodies[2]
