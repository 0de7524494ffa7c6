"""The retry policy against a fault-injecting loopback server, through the real openai SDK."""

from __future__ import annotations

import threading

import pytest

from learnact.llm import (
    LLMAuthError,
    LLMRequestRejected,
    RetriesExhausted,
    RetryPolicy,
    make_model,
)
from learnact.llm.retry import parse_retry_after
from tests.llm.servers import FakeServer, Reply, openai_body


def model(server, sleeps, **kw):
    policy = RetryPolicy(max_attempts=kw.pop("attempts", 6), sleep=sleeps.append)
    return make_model(f"openai:fake@{server.url}/v1", cache=False, retry=policy, **kw)


def test_retries_through_429_500_timeout_and_bad_json():
    replies = [
        Reply(429, {"error": {"message": "slow down"}}, {"Retry-After": "2"}),
        Reply(500, {"error": {"message": "boom"}}),
        Reply(200, openai_body("late"), delay=1.5),  # the client times out first
        Reply(200, raw=b'{"id": "x", "choices": [ {"broken'),
        Reply(503, {"error": {"message": "overloaded"}}, {"retry-after-ms": "1500"}),
        Reply(200, openai_body("pick(ball)", prompt=11, completion=4)),
    ]
    sleeps: list[float] = []
    with FakeServer(replies) as server:
        m = model(server, sleeps, timeout=0.5)
        c = m.complete("go", purpose="act", stop=["\n"], max_tokens=8, seed=5)
    assert c.text == "pick(ball)" and c.usage.prompt_tokens == 11
    assert len(server.requests) == 6
    assert len(sleeps) == 5
    assert sleeps[0] >= 2.0  # Retry-After honoured
    assert sleeps[4] >= 1.5  # retry-after-ms honoured
    path, body, headers = server.requests[-1]
    assert path == "/v1/chat/completions"
    assert body["stop"] == ["\n"] and body["max_tokens"] == 8 and body["seed"] == 5
    assert headers.get("authorization") == "Bearer not-needed"


@pytest.mark.parametrize(
    ("status", "error"), [(401, LLMAuthError), (403, LLMAuthError), (400, LLMRequestRejected)]
)
def test_no_retry_on_auth_or_bad_request(status, error):
    sleeps: list[float] = []
    with FakeServer([Reply(status, {"error": {"message": "nope"}})]) as server:
        m = model(server, sleeps)
        with pytest.raises(error, match=f"HTTP {status}"):
            m.complete("go", purpose="act")
    assert len(server.requests) == 1 and sleeps == []


def test_gives_up_after_max_attempts():
    sleeps: list[float] = []
    with FakeServer([Reply(500, {"error": {"message": "down"}})]) as server:
        m = model(server, sleeps, attempts=3)
        with pytest.raises(RetriesExhausted, match="after 3 attempts"):
            m.complete("go", purpose="act")
    assert len(server.requests) == 3 and len(sleeps) == 2


def test_connection_refused_is_retried():
    from tests.llm.servers import free_port

    sleeps: list[float] = []
    policy = RetryPolicy(max_attempts=2, sleep=sleeps.append)
    m = make_model(f"openai:x@http://127.0.0.1:{free_port()}/v1", cache=False, retry=policy)
    with pytest.raises(RetriesExhausted, match="cannot reach"):
        m.complete("go", purpose="act")
    assert len(sleeps) == 1


def test_backoff_grows_with_jitter():
    import random

    p = RetryPolicy(base_delay=1.0, max_delay=8.0, rng=random.Random(0))
    for attempt in range(1, 8):
        for _ in range(20):
            d = p.delay(attempt)
            assert p.min_delay <= d <= min(8.0, 2 ** (attempt - 1))
    assert p.delay(1, retry_after=30) == 30
    assert parse_retry_after({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0
    assert parse_retry_after({}) is None


def test_concurrency_is_bounded_per_model():
    with FakeServer([Reply(200, openai_body("ok"), delay=0.3)]) as server:
        spec = f"openai:fake@{server.url}/v1"
        a = make_model(spec, cache=False, max_concurrency=2)
        b = make_model(spec, cache=False)  # same model: shares the limit
        threads = [
            threading.Thread(
                target=(a if i % 2 else b).complete, args=(f"q{i}",), kwargs={"purpose": "act"}
            )
            for i in range(6)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    assert len(server.requests) == 6
    assert server.peak == 2
