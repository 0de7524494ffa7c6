"""LLM layer speed, run by hand (figures go in BENCHMARKS.md, "## LLM speed").

    python bench/llm_speed.py                      # qwen2.5-coder-1.5b (pull it first)
    python bench/llm_speed.py --model local:smollm2-135m --steps 4
    python bench/llm_speed.py --cache-only         # just the response-cache overhead

Measures, with llama.cpp's own counters: prompt tokens/s (a cold ~700-token prompt),
generation tokens/s, and the latency of agent-like steps that share a long prompt prefix
(system prompt + growing history, answer cut at "\\n"); and the response cache's lookup
overhead (key hashing + SQLite read) on an agent-sized prompt.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from learnact.llm import make_model
from learnact.llm.cache import ResponseCache, request_key
from learnact.llm.types import Request

SYSTEM = (
    "You control a robot with two grippers in a building of rooms. Actions: "
    "move(from_room, to_room), pick(ball, room, gripper), drop(ball, room, gripper). "
    "Learned actions: move_ball(ball, src, dst) carries one ball; "
    "move_two(b1, b2, src, dst) carries two balls with both grippers. "
    "Answer with exactly one Python call per line and nothing else.\n"
)
OBS = "You are in {room}. Balls here: {balls}. Your grippers: left {l}, right {r}."


def agent_messages(system: str, steps: int) -> list[dict[str, str]]:
    msgs = [
        {"role": "system", "content": system},
        {
            "role": "user",
            "content": "Goal: all balls in roomb. "
            + OBS.format(room="rooma", balls="ball1, ball2, ball3, ball4", l="free", r="free"),
        },
    ]
    for i in range(steps):
        msgs.append({"role": "assistant", "content": f"move_ball(ball{i + 1}, rooma, roomb)"})
        msgs.append(
            {
                "role": "user",
                "content": OBS.format(room="roomb", balls=f"ball{i + 1}", l="free", r="free"),
            }
        )
    return msgs


def bench_cache(entries: int = 10_000, lookups: int = 2_000) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        cache = ResponseCache(Path(tmp) / "c.sqlite3")
        for i in range(entries):
            cache.put(
                f"{i:064x}", "m", "act", {"text": "move(rooma, roomb)", "finish_reason": "stop"}
            )
        msgs = tuple((m["role"], m["content"]) for m in agent_messages(SYSTEM * 8, 20))
        req = Request(messages=msgs, purpose="act", stop=("\n",), max_tokens=32)
        chars = sum(len(c) for _, c in msgs)
        times, key_times = [], []
        for i in range(lookups):
            t0 = time.perf_counter()
            key = request_key("local:qwen2.5-coder-1.5b", req)
            t1 = time.perf_counter()
            cache.get(f"{(i * 7919) % entries:064x}" if i % 2 else key)
            t2 = time.perf_counter()
            key_times.append(t1 - t0)
            times.append(t2 - t0)
        times.sort()
        return {
            "prompt_chars": chars,
            "entries": entries,
            "key_median_ms": statistics.median(key_times) * 1e3,
            "lookup_median_ms": statistics.median(times) * 1e3,
            "lookup_p99_ms": times[int(len(times) * 0.99)] * 1e3,
        }


def bench_model(spec: str, steps: int, n_ctx: int) -> dict[str, object]:
    t0 = time.perf_counter()
    model = make_model(spec, cache=False, n_ctx=n_ctx)
    load_s = time.perf_counter() - t0
    backend = model.backend
    # Cold prompt: evaluate a long prompt, generate one token.
    long_system = SYSTEM * 8
    c = model.complete(agent_messages(long_system + "(cold)", 0), purpose="act", max_tokens=1)
    perf = backend.last_perf
    prompt_tps = perf["n_p_eval"] / (perf["t_p_eval_ms"] / 1e3)
    cold_prompt_tokens = c.usage.prompt_tokens
    # Generation: a longer answer.
    g = model.complete(
        [
            {
                "role": "user",
                "content": "Write a Python function that sorts a list of balls by room.",
            }
        ],
        purpose="program",
        max_tokens=64,
    )
    perf = backend.last_perf
    gen_tps = perf["n_eval"] / (perf["t_eval_ms"] / 1e3) if perf["t_eval_ms"] else 0.0
    # Agent-like steps sharing a long prefix.
    latencies, rows = [], []
    for i in range(steps + 1):
        s = model.complete(
            agent_messages(long_system, i), purpose="act", max_tokens=24, stop=["\n"], run="bench"
        )
        if i > 0:  # the first step fills the KV cache
            latencies.append(s.latency_s)
        rows.append(
            {
                "prompt_tokens": s.usage.prompt_tokens,
                "prefix_cached": s.usage.prefix_cached_tokens,
                "completion_tokens": s.usage.completion_tokens,
                "latency_s": round(s.latency_s, 3),
                "text": s.text[:40],
            }
        )
    return {
        "model": spec,
        "n_ctx": n_ctx,
        "threads": backend.n_threads,
        "load_s": round(load_s, 2),
        "cold_prompt_tokens": cold_prompt_tokens,
        "prompt_tokens_per_s": round(prompt_tps, 1),
        "generation_tokens_per_s": round(gen_tps, 1),
        "generation_tokens": g.usage.completion_tokens,
        "step_latency_median_s": round(statistics.median(latencies), 3) if latencies else None,
        "steps": rows,
    }


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--model", default="local:qwen2.5-coder-1.5b")
    ap.add_argument("--steps", type=int, default=6)
    ap.add_argument("--n-ctx", type=int, default=8192)
    ap.add_argument("--cache-only", action="store_true")
    args = ap.parse_args()
    out: dict[str, object] = {"cpu_count": os.cpu_count(), "cache": bench_cache()}
    if not args.cache_only:
        out["model"] = bench_model(args.model, args.steps, args.n_ctx)
    json.dump(out, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
