"""Game load time and steps per second of the ALFWorld families (run by hand).

    python bench/alfworld_speed.py [--data-dir ../shared/data] [--games 2] [--steps 20]

For each task type and both game formats we take the first ``--games`` games and time:

* *load*: ``make_episode(i).reset()`` the first time (read the game JSON, compile the
  PDDL with fast-downward's translator, demangle names, build the first observation);
  the first load of the process also copies fast-downward's library (later episodes reuse
  closed episodes' copies), so it is reported separately;
* *step*: ``Episode.step`` of a basic-action command (translation, the engine's step,
  admissible commands of the new state, our observation text), over ``--steps`` steps
  that alternate ``look`` and ``inventory`` plus the game's walkthrough where it has one.

Needs the ``alfworld`` extra.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

from learnact.envs.alfworld import alfworld_family
from learnact.envs.alfworld.tasks import KINDS


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", default=os.environ.get("LEARNACT_DATA", "../shared/data"))
    ap.add_argument("--games", type=int, default=2)
    ap.add_argument("--steps", type=int, default=20)
    args = ap.parse_args()
    root = Path(args.data_dir)
    for fmt, sub in (("old", "alfworld"), ("new", "alfworld-newformat")):
        loads: list[float] = []
        first_load = None
        step_times: list[float] = []
        for kind in KINDS:
            family = alfworld_family(kind, str(root / sub))
            for index in range(min(args.games, len(family.tasks))):
                episode = family.make_episode(index)
                t0 = time.perf_counter()
                episode.reset()
                elapsed = time.perf_counter() - t0
                if first_load is None:
                    first_load = elapsed
                else:
                    loads.append(elapsed)
                game = json.loads(Path(family.tasks[index].path).read_text())
                commands = list(game.get("walkthrough") or [])
                while len(commands) < args.steps:
                    commands.append("look" if len(commands) % 2 else "inventory")
                for command in commands[: args.steps]:
                    t0 = time.perf_counter()
                    episode.step(command)
                    step_times.append(time.perf_counter() - t0)
                episode.close()
        mean_step = statistics.mean(step_times)
        print(
            f"{fmt} format: first load {first_load:.2f} s; later loads over {len(loads)} games: "
            f"median {statistics.median(loads):.2f} s, max {max(loads):.2f} s; "
            f"steps: {len(step_times)}, mean {mean_step * 1000:.0f} ms "
            f"({1 / mean_step:.1f} steps/s), max {max(step_times) * 1000:.0f} ms"
        )


if __name__ == "__main__":
    main()
