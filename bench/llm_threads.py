"""How llama.cpp threads should be shared out when several processes use one machine.

    python bench/llm_threads.py [--model qwen2.5-coder-1.5b] [--repeats 3]

Runs the same call (a cold ~1,400-token prompt, 48 generated tokens, temperature 0) in
separate processes: one process at each thread count, then two processes at once at
every thread count from the machine's cores down to 1; per setting the median wall
time of a call over ``--repeats`` rounds and the ratio to two processes at one thread
each. Also checks that the logits of one prompt are bitwise the same at every thread
count. Run it on an otherwise quiet machine (figures: BENCHMARKS.md "LLM speed").
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys

CHILD = r"""
import hashlib, json, sys, time
import llama_cpp, numpy
from learnact.llm.models import resolve_local
model, n = sys.argv[1], int(sys.argv[2])
llm = llama_cpp.Llama(model_path=str(resolve_local(model)), n_ctx=4096, n_threads=n,
                      n_threads_batch=n, verbose=False, logits_all=True)
prompt = "def f(x):\n    return x\n" * 60
start = time.perf_counter()
llm.create_completion(prompt, max_tokens=48, temperature=0)
wall = time.perf_counter() - start
llm.reset()
llm.eval(llm.tokenize(b"Robby is in rooma. Goal: ball1 in roomb. Next action:"))
digest = hashlib.sha256(numpy.asarray(llm.scores[llm.n_tokens - 1]).tobytes()).hexdigest()
print(json.dumps({"wall_s": wall, "logits": digest[:16]}))
"""


def _round(model: str, threads: int, processes: int) -> list[dict]:
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, model, str(threads)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        for _ in range(processes)
    ]
    out = []
    try:
        for p in procs:
            stdout, _ = p.communicate(timeout=900)
            if p.returncode != 0:
                sys.exit(f"error: the llama.cpp child failed (exit {p.returncode})")
            out.append(json.loads(stdout))
    finally:
        for p in procs:  # none left running when one failed
            if p.poll() is None:
                p.kill()
                p.wait()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default="qwen2.5-coder-1.5b")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    cores = os.cpu_count() or 1
    settings = [(n, 1) for n in range(cores, 0, -1)] + [(n, 2) for n in range(cores, 0, -1)]
    rows, digests = [], set()
    for threads, processes in settings:
        walls = []
        for _ in range(args.repeats):
            for r in _round(args.model, threads, processes):
                walls.append(r["wall_s"])
                digests.add(r["logits"])
        rows.append(
            {"threads": threads, "processes": processes, "median_s": statistics.median(walls)}
        )
    ref = next(r["median_s"] for r in rows if r["threads"] == 1 and r["processes"] == 2)
    print(f"model {args.model}, {cores} cores, median of {args.repeats} rounds per setting")
    print("| processes at once | threads each | median wall per call (s) | ratio to 2 x 1 thread |")
    print("|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['processes']} | {r['threads']} | {r['median_s']:.1f} | {r['median_s'] / ref:.2f} |"
        )
    same = "the same" if len(digests) == 1 else f"NOT the same ({len(digests)} digests)"
    print(
        f"logits at every thread count: {same} ({hashlib.sha256(''.join(sorted(digests)).encode()).hexdigest()[:8]})"
    )


if __name__ == "__main__":
    main()
