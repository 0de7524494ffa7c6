from __future__ import annotations

import json
import multiprocessing as mp

import pytest

from learnact.llm import CassetteMiss, ResponseCache, make_model
from learnact.llm.cache import request_key
from learnact.llm.types import Request


def seq_model(tmp_path, cache, **kw):
    """A scripted model that answers differently on every call: a cache hit is visible."""
    p = tmp_path / "seq.json"
    p.write_text(json.dumps({"rules": [{"responses": [f"answer {i}" for i in range(50)]}]}))
    return make_model(f"scripted:{p}", cache=cache, **kw)


def test_hit_miss_and_usage_marks_cached(tmp_path):
    cache = ResponseCache(tmp_path / "c.sqlite3")
    m = seq_model(tmp_path, cache)
    msgs = [{"role": "user", "content": "hello"}]
    a = m.complete(msgs, purpose="act", run="r")
    b = m.complete(msgs, purpose="act", run="r")
    assert (a.text, a.cached) == ("answer 0", False)
    assert (b.text, b.cached, b.source) == ("answer 0", True, "cache")
    assert b.usage.cost_usd == 0
    c = m.complete(msgs, purpose="act", run="r", max_tokens=99)  # other params: a miss
    assert c.text == "answer 1"
    d = m.complete(msgs, purpose="act", no_cache=True)
    assert d.text == "answer 2" and not d.cached
    t = m.usage.total
    assert (t.calls, t.cached_calls) == (4, 1)
    assert cache.stats()["entries"] == 2
    # A fresh process (new Model, same file) re-runs for free.
    m2 = seq_model(tmp_path, ResponseCache(tmp_path / "c.sqlite3"))
    assert m2.complete(msgs, purpose="act", run="r").text == "answer 0"
    assert m2.usage.total.cached_calls == 1


def test_samples_are_not_collapsed(tmp_path):
    m = seq_model(tmp_path, ResponseCache(tmp_path / "c.sqlite3"))
    first = [c.text for c in m.sample("prompt", 3, purpose="program", temperature=0.8, seed=1)]
    again = [c.text for c in m.sample("prompt", 3, purpose="program", temperature=0.8, seed=1)]
    assert len(set(first)) == 3 and again == first
    t0 = m.complete("prompt", purpose="program", temperature=0.0)
    assert t0.text not in first  # temperature is part of the key


def test_key_depends_on_everything_that_changes_output():
    base = Request(messages=(("user", "x"),), purpose="act")
    k = request_key("m", base)
    variants = [
        Request(messages=(("user", "y"),), purpose="act"),
        Request(messages=(("system", "x"),), purpose="act"),
        Request(messages=(("user", "x"),), purpose="act", max_tokens=1),
        Request(messages=(("user", "x"),), purpose="act", temperature=0.5),
        Request(messages=(("user", "x"),), purpose="act", stop=("\n",)),
        Request(messages=(("user", "x"),), purpose="act", seed=3),
        Request(messages=(("user", "x"),), purpose="act", sample_index=1),
    ]
    keys = {request_key("m", v) for v in variants} | {request_key("m2", base), k}
    assert len(keys) == len(variants) + 2
    # Labels that do not change the output do not change the key.
    assert request_key("m", Request(messages=(("user", "x"),), purpose="act", run="r")) == k


def _writer(path: str, worker: int, n: int) -> None:
    cache = ResponseCache(path)
    for i in range(n):
        cache.put(f"{worker}-{i}", "m", "act", {"text": str(i), "finish_reason": "stop"})
        assert cache.get(f"{worker}-{i}")["text"] == str(i)


def test_several_processes_write_at_once(tmp_path):
    path = str(tmp_path / "shared.sqlite3")
    ResponseCache(path)
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(path, w, 100)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    stats = ResponseCache(path).stats()
    assert stats["entries"] == 400 and stats["by_purpose"] == {"act": 400}


def test_stats_clear(tmp_path):
    cache = ResponseCache(tmp_path / "c.sqlite3")
    cache.put("a", "m1", "act", {"text": "x", "finish_reason": "stop"})
    cache.put("b", "m2", "reflect", {"text": "y", "finish_reason": "stop"})
    s = cache.stats()
    assert s["entries"] == 2 and s["by_model"] == {"m1": 1, "m2": 1} and s["bytes"] > 0
    assert cache.clear(model="m1") == 1
    assert cache.clear() == 1
    assert cache.stats()["entries"] == 0


def test_default_cache_lives_under_learnact_cache(tmp_path):
    p = tmp_path / "s.json"
    p.write_text(json.dumps({"rules": [], "default": "ok"}))
    m = make_model(f"scripted:{p}", cache=True)
    assert str(m.cache.path).startswith(str(tmp_path / "cache"))


def test_record_then_replay_exactly(tmp_path):
    cassette = tmp_path / "run.jsonl"
    rec = seq_model(tmp_path, False, record=cassette)
    prompts = ["a", "b", "a"]
    recorded = [rec.complete(p, purpose="act", stop=["\n"]).text for p in prompts]
    assert recorded == ["answer 0", "answer 1", "answer 2"]
    lines = [json.loads(x) for x in cassette.read_text().splitlines()]
    assert len(lines) == 3 and lines[0]["purpose"] == "act"
    # Replay serves the recorded answers (a live scripted model would say "answer 0").
    rep = seq_model(tmp_path, False, replay=cassette)
    assert [rep.complete(p, purpose="act", stop=["\n"]).text for p in prompts] == recorded
    assert rep.usage.total.cached_calls == 3
    with pytest.raises(CassetteMiss, match="not in cassette"):
        rep.complete("a", purpose="act", stop=["\n"])  # recorded twice, asked a third time
    with pytest.raises(CassetteMiss):
        rep.complete("never seen", purpose="act")


def test_entries_survive_a_crashed_writer(tmp_path):
    import subprocess
    import sys
    import textwrap

    path = tmp_path / "crash.sqlite3"
    code = textwrap.dedent(
        f"""
        import os
        from learnact.llm.cache import ResponseCache
        c = ResponseCache({str(path)!r})
        for i in range(20):
            c.put(f"k{{i}}", "m", "act", {{"text": str(i), "finish_reason": "stop"}})
        os._exit(9)  # no close, no checkpoint: a crash
        """
    )
    proc = subprocess.run([sys.executable, "-c", code], timeout=60)
    assert proc.returncode == 9
    cache = ResponseCache(path)
    assert cache.stats()["entries"] == 20 and cache.get("k19")["text"] == "19"
