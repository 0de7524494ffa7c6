"""Steps per second of learnact's PDDL simulator vs pddlgym, side by side (run by hand).

    python bench/pddl_speed.py [--steps 2000] [--repeats 5] [--data-dir ../shared/data]

One *step* is what an agent step costs the environment: for learnact, ``Episode.step``
(parse the command text, check preconditions, apply, render the observation text); for
pddlgym, ``env.step`` on the ground literal (pddlgym renders no text). Both replay the
same fixed random walk of valid actions from the initial state; we report the median of
several repeats. Needs ``pip install pddlgym==0.0.7`` (optional extra ``bench``).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

from learnact.envs.pddl.episode import PddlEpisode, PddlTask
from learnact.envs.pddl.knowledge import KNOWN
from learnact.envs.pddl.loader import LenientPddlWarning, load_domain, load_problem
from learnact.envs.pddl.resources import own_domain_text

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parent / ".." / "shared" / "data"


def random_walk(task: PddlTask, steps: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    episode = PddlEpisode(task)
    episode.reset()
    walk = []
    for _ in range(steps):
        command = rng.choice(episode.valid_actions())
        episode.step(command)
        walk.append(command)
    return walk


def time_learnact(task: PddlTask, walk: list[str], repeats: int, listing: bool) -> float:
    rates = []
    for _ in range(repeats):
        episode = PddlEpisode(task)
        episode.reset()
        start = time.perf_counter()
        for command in walk:
            episode.step(command)
            if listing:
                episode.valid_actions()
        rates.append(len(walk) / (time.perf_counter() - start))
    return statistics.median(rates)


def final_state(task: PddlTask, walk: list[str]) -> set[str]:
    episode = PddlEpisode(task)
    episode.reset()
    for command in walk:
        episode.step(command)
    return {f"{a[0]}({','.join(a[1:])})" for a in episode.state}


def time_pddlgym(
    domain_file: Path, problem_file: Path, walk: list[str], repeats: int
) -> tuple[float, float, set[str]]:
    import pddlgym  # noqa: F401 - import here: optional dependency
    from pddlgym.core import PDDLEnv
    from pddlgym.structs import Literal

    with tempfile.TemporaryDirectory() as tmp:
        problem_dir = Path(tmp) / "problems"
        problem_dir.mkdir()
        (problem_dir / "problem.pddl").write_text(problem_file.read_text())
        env = PDDLEnv(
            str(domain_file), str(problem_dir), operators_as_actions=True, dynamic_action_space=True
        )
        env.fix_problem_index(0)
        obs, _ = env.reset()
        predicates = {p.name: p for p in env.action_space.predicates}
        objects = {str(o.name): o for o in obs.objects}
        literals = []
        for command in walk:
            name, *args = command.split()
            literals.append(Literal(predicates[name], [objects[a] for a in args]))
        medians = []
        for listing in (False, True):
            rates = []
            for _ in range(repeats):
                env.reset()
                start = time.perf_counter()
                for lit in literals:
                    state, *_ = env.step(lit)
                    if listing:
                        env.action_space.all_ground_literals(state)
                rates.append(len(literals) / (time.perf_counter() - start))
            medians.append(statistics.median(rates))
        # sanity: both simulators must end in the same state
        final = {
            f"{lit.predicate.name}({','.join(str(v.name) for v in lit.variables)})"
            for lit in env.get_state().literals
        }
        return medians[0], medians[1], final


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--data-dir", type=Path, default=Path(os.environ.get("LEARNACT_DATA", DEFAULT_DATA))
    )
    args = parser.parse_args()
    warnings.simplefilter("ignore", LenientPddlWarning)

    with tempfile.TemporaryDirectory() as tmp:
        own_domain_file = Path(tmp) / "gripper.pddl"
        own_domain_file.write_text(own_domain_text("gripper"))
        cases = [
            (
                "pddl-gen gripper, 24 balls (bench/data/gripper-24.pddl)",
                own_domain_file,
                HERE / "data" / "gripper-24.pddl",
            )
        ]
        ab = args.data_dir / "pddl" / "agentboard"
        if (ab / "gripper" / "prob20.pddl").is_file():
            cases.append(
                (
                    "AgentBoard gripper prob20 (12 balls)",
                    ab / "gripper.pddl",
                    ab / "gripper" / "prob20.pddl",
                )
            )
        else:
            print(
                f"(AgentBoard data not found under {args.data_dir}; skipping prob20)",
                file=sys.stderr,
            )

        rows = []
        for label, domain_file, problem_file in cases:
            domain = load_domain(domain_file)
            task = PddlTask(domain, load_problem(problem_file, domain), KNOWN["gripper"].style)
            walk = random_walk(task, args.steps)
            ours = time_learnact(task, walk, args.repeats, listing=False)
            ours_l = time_learnact(task, walk, args.repeats, listing=True)
            try:
                theirs, theirs_l, final = time_pddlgym(
                    domain_file, problem_file, walk, args.repeats
                )
            except Exception as e:  # report why pddlgym could not run, keep our figures
                print(f"pddlgym failed on {label}: {type(e).__name__}: {e}", file=sys.stderr)
                theirs = theirs_l = None
                final = set()
            agree = "-" if theirs is None else "yes" if final == final_state(task, walk) else "NO"
            rows.append((label, ours, theirs, ours_l, theirs_l, agree))

    print(f"Command: python bench/pddl_speed.py --steps {args.steps} --repeats {args.repeats}")
    print(
        f"Python {sys.version.split()[0]}, median of {args.repeats} repeats of {args.steps} steps\n"
    )
    print(
        "| problem | learnact steps/s | pddlgym steps/s | speed-up "
        "| learnact step+valid list/s | pddlgym step+valid list/s | speed-up | same final state |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|:---:|")
    for label, ours, theirs, ours_l, theirs_l, agree in rows:
        print(
            f"| {label} | {ours:,.0f} | {_fmt(theirs)} | {_ratio(ours, theirs)} "
            f"| {ours_l:,.0f} | {_fmt(theirs_l)} | {_ratio(ours_l, theirs_l)} | {agree} |"
        )
    return 0


def _fmt(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:,.0f}"


def _ratio(ours: float, theirs: float | None) -> str:
    return "-" if theirs is None else f"{ours / theirs:.0f}x"


if __name__ == "__main__":
    sys.exit(main())
