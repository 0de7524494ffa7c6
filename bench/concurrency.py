"""Scaling of concurrent episodes against a stand-in server that answers after 200 ms.

    python bench/concurrency.py [--episodes 32] [--delay 0.2] [--workers 1,2,4,8]

A loopback OpenAI-compatible server (tests/runner/standin.py) plays the lights family
(examples/lights_env.py): every answer comes after a fixed delay, and every episode takes
exactly two model calls. For each worker count the same `learnact compare` run (Act on
all tasks, no response cache) goes into a fresh run store, through the real executor,
sandboxes and store commits; we time the run (not the process start) and print a
Markdown table of the scaling curve.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "examples"), str(REPO / "src")]

from learnact.runner.executors.local import LocalExecutor  # noqa: E402
from learnact.runner.experiment import parse_experiment  # noqa: E402
from learnact.runner.plan import plan  # noqa: E402
from learnact.runner.run import open_run, run_units  # noqa: E402
from learnact.runner.units import WorkerSettings  # noqa: E402
from tests.runner.standin import LightsServer  # noqa: E402


def one(spec: str, episodes: int, workers: int, root: Path) -> tuple[float, int]:
    exp = parse_experiment(
        {
            "families": [f"lights_env:LightsFamily[tasks={episodes}]"],
            "methods": ["act"],
            "tasks": "all",
            "model": spec,
        }
    )
    p = plan(exp)
    run_dir = root / f"w{workers}"
    store = open_run(run_dir, p)
    ex = LocalExecutor(exp, WorkerSettings(no_cache=True), workers, store.add_event)
    started = time.perf_counter()
    summary = run_units(store, p, ex, run_dir)
    elapsed = time.perf_counter() - started
    won = store.query("SELECT COUNT(*) AS n FROM episodes WHERE won = 1")[0]["n"]
    store.close()
    assert summary.done == episodes and summary.failed == 0, summary
    return elapsed, won


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--episodes", type=int, default=32)
    ap.add_argument("--delay", type=float, default=0.2)
    ap.add_argument("--workers", default="1,2,4,8")
    args = ap.parse_args()
    counts = [int(x) for x in args.workers.split(",")]
    os.environ["LEARNACT_LLM_CONCURRENCY"] = str(max(counts))
    rows = []
    with LightsServer(delay=args.delay) as server, tempfile.TemporaryDirectory() as tmp:
        for w in counts:
            before = len(server.requests)
            elapsed, won = one(server.spec, args.episodes, w, Path(tmp))
            calls = len(server.requests) - before
            rows.append((w, elapsed, won, calls, server.peak))
            server.peak = 0
            print(f"workers {w}: {elapsed:.2f} s", file=sys.stderr)
    base = rows[0][1]
    ideal = args.episodes * 2 * args.delay
    print(
        f"\n{args.episodes} episodes (Act, lights family, 2 calls each), stand-in server "
        f"delay {args.delay * 1000:.0f} ms; {ideal:.1f} s of pure waiting one at a time.\n"
    )
    print(
        "| episodes in flight | wall time | episodes/s | speed-up vs 1 | peak requests in flight | won | model calls |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for w, elapsed, won, calls, peak in rows:
        print(
            f"| {w} | {elapsed:.2f} s | {args.episodes / elapsed:.2f} | {base / elapsed:.1f}x "
            f"| {peak} | {won}/{args.episodes} | {calls} |"
        )


if __name__ == "__main__":
    main()
