#!/usr/bin/env python3
"""Play one task with this skill's learned actions, through learnact's Python API.

    python scripts/play.py --task 0 [--family FAMILY] [--data-dir DIR] < calls.txt

Reads one call per line on standard input -- a learned action such as
carry('ball1', 'rooma', 'roomb', 'left'), a basic action, or check_valid_actions() --
and prints one JSON object per line: first the episode's goal and first observation,
then for each call its observation, valid, won, progress, error and sub_trajectory (the
basic actions it ran). Every call runs in learnact's sandbox, as in learnact's own
agents. Exit status: 0 when the goal was reached, 1 when not, 2 on bad input.
Needs learnact: pip install 'learnact[mcp]'.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from learnact.envs.registry import make_family
from learnact.errors import LearnactError
from learnact.library import ActionLibrary
from learnact.serve.episodes import LiveEpisode

HERE = Path(__file__).resolve().parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--task", type=int, default=0, help="task index (0-based)")
    parser.add_argument("--family", help="task family (default: the library's)")
    parser.add_argument("--data-dir", help="data root (default: $LEARNACT_DATA)")
    args = parser.parse_args()
    try:
        library = ActionLibrary.load(HERE)
        name = args.family or library.family
        if not name:
            raise LearnactError("the library names no family; pass --family")
        family = make_family(name, data_dir=args.data_dir)
        library.check_calls({a.name for a in family.basic_actions})
        live = LiveEpisode(family, args.task, library, client="skill:play.py")
    except LearnactError as e:
        sys.stderr.write(f"error: {e}\n")
        return 2
    try:
        print(json.dumps(live.start_info()), flush=True)
        for line in sys.stdin:
            line = line.strip()
            if line and not line.startswith("#"):
                print(json.dumps(live.play(line)), flush=True)
    finally:
        live.close()
    return 0 if live.record.won else 1


if __name__ == "__main__":
    sys.exit(main())
