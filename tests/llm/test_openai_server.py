"""The openai backend against a real OpenAI-compatible server (llama.cpp's) on loopback."""

from __future__ import annotations

from learnact.llm import make_model


def test_real_server_round_trip(llama_server, tmp_path):
    m = make_model(f"openai:smollm2@{llama_server}", cache=tmp_path / "c.sqlite3")
    msgs = [
        {"role": "system", "content": "Answer with one word."},
        {"role": "user", "content": "What colour is the sky?"},
    ]
    c = m.complete(msgs, purpose="act", max_tokens=8, stop=["\n"], seed=1, family="gripper")
    assert c.usage.prompt_tokens > 5 and 0 < c.usage.completion_tokens <= 8
    assert "\n" not in c.text and c.finish_reason in ("stop", "length")
    assert c.usage.cost_usd == 0  # not a priced model
    again = m.complete(msgs, purpose="act", max_tokens=8, stop=["\n"], seed=1, family="gripper")
    assert again.cached and again.text == c.text
    assert m.usage.by_family()["gripper"].calls == 2
    assert m.usage.total.unpriced_calls == 1


def test_base_url_from_environment(llama_server, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", llama_server)
    m = make_model("openai:smollm2", cache=False)
    c = m.complete("Say hi.", purpose="reflect", max_tokens=4)
    assert c.usage.completion_tokens > 0
