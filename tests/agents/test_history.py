"""History truncation: sliding window, cache-friendly halving, token budget."""

from __future__ import annotations

from learnact.agents.history import History


def _fill(h: History, n: int) -> None:
    h.add(None, "start")
    for i in range(1, n):
        h.add(f"a{i}", f"o{i}")


def test_sliding_window_keeps_last_entries():
    h = History(window=4, truncation="sliding")
    _fill(h, 10)
    assert [e.observation for e in h.visible()] == ["o6", "o7", "o8", "o9"]
    assert h.dropped == 6


def test_halving_drops_half_at_once_and_keeps_a_stable_prefix():
    h = History(window=4, truncation="halving")
    _fill(h, 4)
    assert len(h.visible()) == 4
    h.add("a4", "o4")  # window overflows: the oldest half (2) goes at once
    first = [e.observation for e in h.visible()]
    assert first == ["o2", "o3", "o4"]
    h.add("a5", "o5")  # no drop: the shown prefix is unchanged, only the tail grows
    assert [e.observation for e in h.visible()][: len(first)] == first


def test_token_budget_drops_oldest_but_keeps_newest():
    h = History(window=100, token_budget=10, count_tokens=len, truncation="sliding")
    _fill(h, 6)
    shown = h.visible()
    assert shown[-1].observation == "o5"
    assert len(shown) < 6
    # A single huge entry is still shown: the newest observation is never dropped.
    h.add("a6", "x" * 1000)
    assert h.visible()[-1].observation == "x" * 1000


def test_read_jsonl_skips_only_a_torn_last_line(tmp_path):
    import pytest

    from learnact.agents.trajectory import read_jsonl
    from learnact.errors import LearnactError

    path = tmp_path / "t.jsonl"
    path.write_text('{"a": 1}\n{"b": 2}\n{"c": ')  # a crash mid-write
    assert read_jsonl(path) == [{"a": 1}, {"b": 2}]
    path.write_text('{"a": 1}\n{"b": \n{"c": 3}\n')  # damage in the middle: never silent
    with pytest.raises(LearnactError, match=r"t.jsonl: line 2 is not valid JSON"):
        read_jsonl(path)
