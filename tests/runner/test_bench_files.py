"""Every experiment file under bench/ is a valid experiment: the commands BENCHMARKS.md and
bench/README.md give for them must not fail on a typo in a file nobody ran since."""

from __future__ import annotations

from pathlib import Path

import pytest

from learnact.envs.registry import make_family
from learnact.runner.experiment import load_experiment

BENCH = Path(__file__).resolve().parents[2] / "bench"
FILES = sorted(BENCH.glob("*.toml"))


def test_there_are_bench_files():
    assert len(FILES) >= 5


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_bench_file_is_a_valid_experiment(path):
    exp = load_experiment(path)
    assert exp.families and exp.methods
    # Generated families build without data; their learner sources too.
    for entry in exp.families:
        for spec in {entry.name, exp.learn_family_for(entry)}:
            if spec.startswith("pddl-gen/"):
                assert make_family(spec).tasks
    # A file of generated families only must plan as it stands: no test task that repeats a
    # training problem or is the worked example's own problem (refused since 2026-11-30).
    specs = {s for e in exp.families for s in (e.name, exp.learn_family_for(e))}
    if all(s.startswith("pddl-gen/") for s in specs):
        from learnact.runner.plan import plan

        assert plan(exp).units
