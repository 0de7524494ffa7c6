"""Where the units of a run execute: threads in this process, or a Ray cluster.

An executor (`Executor`) has ``capacity`` (units in flight at
once), ``submit(job)``, ``poll(timeout) -> [(unit_id, payload, error)]`` and
``shutdown()``. Workers return plain data; only the coordinator writes the run store
(local workers also stream learner decisions to it as they are made).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from learnact.errors import BadInput
from learnact.runner.experiment import Experiment
from learnact.runner.units import WorkerSettings

EXECUTORS = ("local", "ray")
#: ``(unit id, payload, error)``: a finished unit; exactly one of payload and error is set.
Finished = tuple[str, Any, str | None]


class Executor(Protocol):
    """Where units run: ``capacity`` units at once; ``poll`` returns those finished.
    ``isolated``: every unit in flight runs in a process of its own (Ray actors), so a
    family whose episodes need their own process (``concurrency = "process"``) may have
    several units in flight; in a shared process (threads) it has at most one."""

    capacity: int
    isolated: bool

    def submit(self, job: dict[str, Any]) -> None:
        """Start one unit (``job``: the unit and what it needs, from the coordinator); called only
        while fewer than ``capacity`` units are in flight."""
        ...

    def poll(self, timeout: float) -> list[Finished]:
        """The units finished since the last poll, waiting up to ``timeout`` seconds for one; ``[]``
        when none finished."""
        ...

    def shutdown(self) -> None:
        """Stop the workers and release what they hold (sandboxes, Ray actors)."""
        ...


#: ``on_event(unit_id, seq, event)``: a learner decision, as it is made (local only).
UnitEventSink = Callable[[str, int, dict[str, Any]], None]


def make_executor(
    kind: str,
    exp: Experiment,
    settings: WorkerSettings,
    *,
    workers: int,
    ray_address: str | None = None,
    on_event: UnitEventSink | None = None,
) -> Executor:
    """A ``"local"`` (threads) or ``"ray"`` executor with ``workers`` units in flight.

    ``on_event`` sees each learner journal event as it is written (local only; Ray
    returns them with the finished unit). Raises `BadInput` for an unknown kind, or when
    Ray is missing or its address does not answer.
    """
    if kind == "local":
        from learnact.runner.executors.local import LocalExecutor

        return LocalExecutor(exp, settings, workers, event_sink=on_event)
    if kind == "ray":
        from learnact.runner.executors.ray import RayExecutor

        return RayExecutor(exp, settings, workers, address=ray_address)
    raise BadInput(f"unknown executor {kind!r}; choose {' or '.join(EXECUTORS)}")


def default_workers(exp: Experiment) -> int:
    """The acting model's concurrency limit (1 for an in-process local: model)."""
    from learnact.llm.retry import default_concurrency
    from learnact.llm.spec import parse_spec

    return max(1, default_concurrency(parse_spec(exp.model).provider))


def shared_local_model(exp: Experiment, kind: str, workers: int) -> str | None:
    """Why ``workers`` units in flight gain nothing, or ``None`` when they can: with the
    ``"local"`` executor (threads of one process) every unit of a ``local:`` acting model
    shares one llama.cpp instance, which runs one call at a time, and episodes taking turns
    evict each other's KV-cache prefix (bench/README.md: run one process per run directory
    instead, each with ``$LEARNACT_LLM_THREADS`` set to its share of the cores). Only the
    acting model counts: it plays every episode, and its default is one unit in flight."""
    from learnact.llm.spec import parse_spec

    if kind != "local" or workers < 2 or parse_spec(exp.model).provider != "local":
        return None
    return (
        f"{workers} units in flight share one in-process llama.cpp model, which runs one "
        "call at a time (interleaved episodes also evict each other's cached prompt): "
        "for parallel local runs start one process per run directory with "
        "LEARNACT_LLM_THREADS set to its share of the cores (or --executor ray: one process, "
        "and one copy of the model in memory, per unit in flight; the same thread setting)"
    )


__all__ = [
    "EXECUTORS",
    "Executor",
    "Finished",
    "UnitEventSink",
    "default_workers",
    "make_executor",
    "shared_local_model",
]
