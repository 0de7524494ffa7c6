"""Sandbox speed: one basic-action round trip, and worker start/restart time.

Run by hand: ``python bench/sandbox_speed.py [--repeats N]``. Prints a markdown table.

* round trip: one basic-action call from learned code to the parent's ``execute``
  callback and back (median over many calls within one run, per-call);
* cold start: from spawning a worker to its handshake (Python start, pre-imports,
  namespaces, the fork into its PID namespace, rlimits, chroot, privilege drop, building
  and loading the seccomp filter);
* restart from spare: after a worker is killed (e.g. timeout: SIGTERM to its keeper,
  which SIGKILLs and reaps it), until a fresh worker is ready, when the pre-started spare
  is already up (the normal case);
* empty run: a whole ``Sandbox.run`` of ``x = 1`` with the spare already up.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time

from learnact.envs.base import BasicAction
from learnact.sandbox import Sandbox, mechanisms
from learnact.sandbox.limits import SandboxLimits
from learnact.sandbox.process import WorkerProcess

ACTIONS = [BasicAction("noop", ("x",), "Do nothing.", "noop {x}")]


def execute(command: str) -> tuple[str, bool]:
    return "ok", True


def round_trip(sb: Sandbox, calls: int, repeats: int) -> list[float]:
    code = f"t = perf()\nfor i in range({calls}):\n    noop(i)\nprint((perf() - t) / {calls})"
    # time is not importable from learned code; the benchmark climbs out to reach it.
    lib = (
        "def _clock():\n"
        "    for c in ().__class__.__base__.__subclasses__():\n"
        "        g = getattr(getattr(c, '__init__', None), '__globals__', None)\n"
        "        if isinstance(g, dict) and g.get('__name__') == 'os':\n"
        "            return g['sys'].modules['time'].perf_counter\n"
        "perf = _clock()\n"
    )
    out = []
    for _ in range(repeats):
        res = sb.run(code, library=lib, actions=ACTIONS, execute=execute, max_basic_actions=calls)
        assert res.error is None, res.error
        out.append(float(res.stdout))
    return out


def cold_start(repeats: int) -> list[float]:
    lim = SandboxLimits()
    out = []
    for _ in range(repeats):
        t = time.perf_counter()
        w = WorkerProcess(lim)
        w.handshake(time.monotonic() + 10)
        out.append(time.perf_counter() - t)
        w.kill()
    return out


def restart_from_spare(sb: Sandbox, repeats: int) -> tuple[list[float], list[float]]:
    restarts, empties = [], []
    for _ in range(repeats):
        w = sb.worker()  # the spare becomes current; a new spare starts
        time.sleep(0.15)  # as between agent steps: the new spare is up
        t = time.perf_counter()
        sb._retire(w)  # what a timeout does: SIGKILL + reap
        sb._retire(sb.worker())  # a ready worker again (from the spare)
        restarts.append(time.perf_counter() - t)
        time.sleep(0.15)
        t = time.perf_counter()
        sb.run("x = 1", actions=ACTIONS, execute=execute)
        empties.append(time.perf_counter() - t)
    return restarts, empties


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=30)
    ap.add_argument("--calls", type=int, default=200)
    args = ap.parse_args()
    mech = mechanisms()
    with Sandbox() as sb:
        rt = round_trip(sb, args.calls, args.repeats)
        cold = cold_start(args.repeats)
        restart, empty = restart_from_spare(sb, args.repeats)

    def ms(xs: list[float]) -> str:
        return f"{statistics.median(xs) * 1000:.3f} ms"

    print(f"command: python bench/sandbox_speed.py --repeats {args.repeats} --calls {args.calls}")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Linux {platform.release()}, "
        f"Python {platform.python_version()}; mechanisms: "
        + ", ".join(k for k, v in mech.items() if v is True)
    )
    print()
    print("| measure | median | target | repeats |")
    print("|---|---|---|---|")
    print(f"| basic-action round trip | {ms(rt)} | <= 1 ms | {args.repeats} x {args.calls} calls |")
    print(f"| worker cold start (spawn to handshake) | {ms(cold)} | <= 100 ms | {args.repeats} |")
    print(
        f"| worker restart from spare (kill + ready) | {ms(restart)} | <= 100 ms | {args.repeats} |"
    )
    print(f"| whole empty run, spare ready | {ms(empty)} | - | {args.repeats} |")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
