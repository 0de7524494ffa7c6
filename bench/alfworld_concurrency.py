"""ALFWorld episodes per second with 1, 2, 4, 8 jobs against a 200 ms stand-in server.

    python bench/alfworld_concurrency.py --data-dir ../shared/data [--tasks 2]
        [--max-steps 4] [--delay 0.2] [--workers 1,2,4,8]

A loopback OpenAI-compatible server answers every step with ``look()`` after a fixed
delay (a hosted model's latency, without its variance). For each worker count the same
comparison (Act on the first ``--tasks`` test tasks of all six ALFWorld families, at most
``--max-steps`` steps, no response cache) runs into a fresh run store through the real
local executor, engines and sandboxes. Prints a Markdown table: wall time, episodes per
second, speed-up over one job, and failed units (which must be 0: before issue 16 every
unit failed with more than one job). The TextWorld engine's calls are serialized
(`learnact.envs.alfworld.engine.ENGINE_LOCK`), so the speed-up is bounded by the engine
time per episode; the table shows how much of the server's latency overlaps.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "src")]

from learnact.runner.executors.local import LocalExecutor  # noqa: E402
from learnact.runner.experiment import parse_experiment  # noqa: E402
from learnact.runner.plan import plan  # noqa: E402
from learnact.runner.run import open_run, run_units  # noqa: E402
from learnact.runner.units import WorkerSettings  # noqa: E402
from tests.llm.servers import FakeServer, Reply, openai_body  # noqa: E402

KINDS = ("put", "clean", "heat", "cool", "examine", "puttwo")


class LookServer(FakeServer):
    """Answers ``look()`` to every request after ``delay`` seconds."""

    def __init__(self, delay: float) -> None:
        def handler(path: str, body: dict[str, Any]) -> Reply:
            return Reply(body=openai_body("look()", prompt=400, completion=3), delay=delay)

        super().__init__(handler=handler)

    @property
    def spec(self) -> str:
        return f"openai:standin@{self.url}/v1"


def one(spec: str, args: argparse.Namespace, workers: int, root: Path) -> tuple[float, int, int]:
    exp = parse_experiment(
        {
            "families": [f"alfworld/{k}" for k in KINDS],
            "methods": ["act"],
            "tasks": f"first:{args.tasks}",
            "max_steps": args.max_steps,
            "repeat_retries": 0,  # one call per step: the load is the same for every count
            "model": spec,
            "data_dir": args.data_dir,
        }
    )
    p = plan(exp)
    run_dir = root / f"w{workers}"
    store = open_run(run_dir, p)
    if args.executor == "ray":
        from learnact.runner.executors.ray import RayExecutor

        ex: Any = RayExecutor(exp, WorkerSettings(no_cache=True), workers)  # Ray up first
    else:
        ex = LocalExecutor(exp, WorkerSettings(no_cache=True), workers, store.add_event)
    started = time.perf_counter()
    summary = run_units(store, p, ex, run_dir)
    elapsed = time.perf_counter() - started
    store.close()
    return elapsed, summary.done, summary.failed + summary.skipped


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--tasks", type=int, default=2)
    ap.add_argument("--max-steps", type=int, default=4)
    ap.add_argument("--delay", type=float, default=0.2)
    ap.add_argument("--workers", default="1,2,4,8")
    ap.add_argument("--repeats", type=int, default=1, help="runs per count (median reported)")
    ap.add_argument("--executor", choices=("local", "ray"), default="local")
    args = ap.parse_args()
    counts = [int(x) for x in args.workers.split(",")]
    rows = []
    with tempfile.TemporaryDirectory() as tmp, LookServer(args.delay) as server:
        for workers in counts:
            times, done, failed = [], 0, 0
            for rep in range(args.repeats):
                t, done, failed = one(server.spec, args, workers, Path(tmp) / f"r{rep}")
                times.append(t)
            rows.append((workers, statistics.median(times), done, failed))
            print(
                f"{workers} job(s): {rows[-1][1]:.1f} s, {done} done, {failed} failed",
                file=sys.stderr,
            )
    base = rows[0][1]
    print(
        f"\n{len(KINDS) * args.tasks} episodes, {args.max_steps} steps each, {args.delay * 1000:.0f} ms per answer\n"
    )
    print("| jobs | wall (s) | episodes/s | speed-up | failed units |")
    print("|---:|---:|---:|---:|---:|")
    for workers, t, done, failed in rows:
        print(f"| {workers} | {t:.1f} | {done / t:.2f} | {base / t:.2f}x | {failed} |")


if __name__ == "__main__":
    main()
