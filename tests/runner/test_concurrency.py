"""Episodes run concurrently up to the model's limit, each with its own environment."""

from __future__ import annotations

import sys
import time

import pytest

from learnact.runner.executors.local import LocalExecutor
from learnact.runner.experiment import parse_experiment
from learnact.runner.plan import plan
from learnact.runner.run import RunSummary, open_run, run_units
from learnact.runner.units import WorkerSettings
from tests.helpers import EXAMPLES
from tests.runner.standin import LightsServer


@pytest.fixture
def lights_path(monkeypatch, tmp_path):
    monkeypatch.syspath_prepend(str(EXAMPLES))
    monkeypatch.setenv("LEARNACT_CACHE", str(tmp_path / "cache"))
    yield
    sys.modules.pop("lights_env", None)


def run(tmp_path, spec: str, workers: int, name: str) -> tuple[float, RunSummary]:
    exp = parse_experiment(
        {
            "families": ["lights_env:LightsFamily[tasks=16]"],
            "methods": ["act"],
            "tasks": "all",
            "model": spec,
        }
    )
    p = plan(exp)
    store = open_run(tmp_path / name, p)
    ex = LocalExecutor(exp, WorkerSettings(no_cache=True), workers, store.add_event)
    started = time.perf_counter()
    summary = run_units(store, p, ex, tmp_path / name)
    elapsed = time.perf_counter() - started
    store.close()
    return elapsed, summary


def test_eight_episodes_in_flight_against_a_slow_server(tmp_path, lights_path):
    with LightsServer(delay=0.2) as server:
        elapsed, summary = run(tmp_path, server.spec, 8, "par")
        assert summary.done == 16 and summary.failed == 0
        # 16 episodes x 2 calls x 0.2 s = 6.4 s one at a time.
        assert 6 <= server.peak <= 8 and len(server.requests) == 32
        # Every episode had its own environment: each won from a fresh start.
        starts = [
            b["messages"][-1]["content"]
            for _, b, _ in server.requests
            if "Lamps that are on: none.\nAction:" in b["messages"][-1]["content"][-40:]
        ]
        assert len(starts) == 16


def test_one_at_a_time_never_overlaps(tmp_path, lights_path):
    with LightsServer(delay=0.0) as server:
        _, summary = run(tmp_path, server.spec, 1, "seq")
        assert summary.done == 16 and server.peak == 1


@pytest.mark.parametrize(
    ("model", "learner", "kind", "workers", "warned"),
    [
        ("local:qwen2.5-coder-1.5b", None, "local", 2, True),
        # A local learner alone: the episodes (most of the work) gain from the workers.
        ("openai:m@http://127.0.0.1:1/v1", "local:qwen2.5-coder-1.5b", "local", 8, False),
        ("local:qwen2.5-coder-1.5b", None, "local", 1, False),
        ("local:qwen2.5-coder-1.5b", None, "ray", 2, False),  # one process per worker
        ("openai:m@http://127.0.0.1:1/v1", None, "local", 8, False),
    ],
)
def test_units_in_flight_on_one_local_model_are_said_to_gain_nothing(
    model, learner, kind, workers, warned
):
    """Threads of one process share one llama.cpp instance (one call at a time): --jobs
    above 1 is warned about, with what to do instead; Ray's processes and hosted models
    are not."""
    from learnact.runner.executors import shared_local_model

    exp = parse_experiment(
        {"families": ["pddl-gen/gripper"], "methods": ["act"], "model": model}
        | ({"learner_model": learner} if learner else {})
    )
    note = shared_local_model(exp, kind, workers)
    assert (note is not None) == warned
    if note:
        assert f"{workers} units in flight" in note and "LEARNACT_LLM_THREADS" in note
