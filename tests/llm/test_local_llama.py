"""llama.cpp in-process with the real SmolLM2-135M model."""

from __future__ import annotations

import os

import pytest

from learnact.llm import make_model

SYSTEM = (
    "You are an agent in a house. You can call these actions: go_to(place), take(obj, place), "
    "put(obj, place), open(place), close(place), heat(obj, appliance), cool(obj, appliance). "
    "Answer with one action call per line and nothing else. "
) * 3


def steps(n):
    msgs = [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": "Goal: heat an egg."},
    ]
    for i in range(n):
        msgs += [
            {"role": "assistant", "content": f"go_to(counter {i})"},
            {"role": "user", "content": f"You arrive at counter {i}. You see nothing."},
        ]
    return msgs


def test_real_tokens_and_stop(smollm):
    c = smollm.complete(steps(0), purpose="act", max_tokens=12, stop=["\n"], temperature=0.0)
    assert c.usage.prompt_tokens > 50 and 0 < c.usage.completion_tokens <= 12
    assert "\n" not in c.text
    assert c.finish_reason in ("stop", "length")
    assert smollm.count_tokens("go_to(counter 1)") > 1


def test_prefix_reuse_reported_by_llama_cpp(smollm):
    first = smollm.complete(steps(1), purpose="act", max_tokens=4, family="alfworld", run="t")
    perf1 = dict(smollm.backend.last_perf)
    second = smollm.complete(steps(2), purpose="act", max_tokens=4, family="alfworld", run="t")
    perf2 = dict(smollm.backend.last_perf)
    # The second prompt extends the first: llama.cpp evaluates only the new suffix.
    assert second.usage.prompt_tokens > first.usage.prompt_tokens
    new_tokens = second.usage.prompt_tokens - first.usage.prompt_tokens
    assert perf2["n_p_eval"] < new_tokens + 30  # llama.cpp's own prompt-eval counter
    assert perf2["n_p_eval"] < perf1["n_p_eval"] or perf1["n_p_eval"] < 60
    assert perf2["n_p_eval"] < second.usage.prompt_tokens / 3
    assert second.usage.prefix_cached_tokens >= second.usage.prompt_tokens - new_tokens - 30
    assert smollm.usage.by_run()["t"].prefix_cached_tokens >= second.usage.prefix_cached_tokens


def test_seed_and_samples(smollm):
    msgs = [{"role": "user", "content": "Name a colour."}]
    a = smollm.complete(msgs, purpose="act", max_tokens=6, temperature=0.9, seed=7)
    b = smollm.complete(msgs, purpose="act", max_tokens=6, temperature=0.9, seed=7)
    assert a.text == b.text  # same seed, same sample
    greedy = [smollm.complete(msgs, purpose="act", max_tokens=6).text for _ in range(2)]
    assert greedy[0] == greedy[1]


def test_truncation_is_flagged(smollm):
    c = smollm.complete("Write a long story about a robot.", purpose="reflect", max_tokens=3)
    assert c.truncated and c.incomplete and c.usage.completion_tokens == 3


def test_context_too_long_is_a_clear_error(smollm):
    from learnact.llm import LLMRequestRejected

    with pytest.raises(LLMRequestRejected, match="n_ctx=2048"):
        smollm.complete("word " * 5000, purpose="act", max_tokens=4)


def test_alias_resolves_to_installed_package(smollm_path, llama_cpp_module):
    m = make_model("local:smollm2-135m", n_ctx=2048, cache=False)
    assert m.backend.path == smollm_path and m.spec == "local:smollm2-135m"


def test_generation_reports_tokens_as_they_come(smollm):
    from learnact import activity

    counts: list[int] = []
    with activity.listening(
        lambda kind, f: counts.append(f["tokens"]) if kind == "tokens" else None
    ):
        c = smollm.complete(steps(1), purpose="act", max_tokens=8, temperature=0.0, no_cache=True)
    assert counts and counts == list(range(1, len(counts) + 1))  # one report per token
    assert len(counts) >= c.usage.completion_tokens - 1


def test_threads_come_from_the_environment_when_not_given(monkeypatch):
    from learnact.errors import BadInput
    from learnact.llm.backends.llama_backend import THREADS_ENV, default_threads

    monkeypatch.delenv(THREADS_ENV, raising=False)
    assert default_threads() == (os.cpu_count() or 1)
    monkeypatch.setenv(THREADS_ENV, "1")
    assert default_threads() == 1
    for bad in ("0", "two", "-1", "1.5", "\u00b2", "+", "1 2"):
        monkeypatch.setenv(THREADS_ENV, bad)
        with pytest.raises(BadInput, match=THREADS_ENV):
            default_threads()


def test_a_bad_threads_setting_is_bad_input_before_any_command_runs(tmp_path):
    from tests.helpers import run_cli

    r = run_cli("envs", env={"LEARNACT_LLM_THREADS": "two"})
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert (
        r.stderr.strip()
        == "error: $LEARNACT_LLM_THREADS must be a positive number of threads, not 'two'"
    )


def test_a_local_model_runs_with_the_threads_the_environment_names(
    smollm_path, llama_cpp_module, monkeypatch
):
    from learnact.llm.backends.llama_backend import THREADS_ENV

    monkeypatch.setenv(THREADS_ENV, "1")
    m = make_model("local:smollm2-135m", n_ctx=2048, cache=False)
    assert m.backend.n_threads == 1 and m.backend.llm.n_threads == 1
    assert m.complete("Say hi.", purpose="act", max_tokens=3).text is not None
