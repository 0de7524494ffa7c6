"""Running episodes and experiments, and storing their results.

The public entry point for experiments is `run_experiment` (see `learnact.runner.run`):

    from learnact.runner import Experiment, run_experiment
    result = run_experiment(Experiment(families=["pddl-gen/gripper"], methods=["act"]), "runs/x")
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what type checkers see; at run time the names load lazily
    from learnact.runner.experiment import Experiment, load_experiment
    from learnact.runner.run import RunResult, run_experiment

__all__ = ["Experiment", "RunResult", "load_experiment", "run_experiment"]

_WHERE = {
    "Experiment": "learnact.runner.experiment",
    "load_experiment": "learnact.runner.experiment",
    "RunResult": "learnact.runner.run",
    "run_experiment": "learnact.runner.run",
}


def __getattr__(name: str) -> Any:
    # Lazy, so that importing one runner module does not import them all.
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'learnact.runner' has no attribute {name!r}")
