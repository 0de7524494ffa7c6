"""Run one method on some tasks of one family and write its trajectories and results."""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from statistics import mean
from typing import Any

from learnact import __version__
from learnact.agents.context import RunContext, StepSandbox
from learnact.agents.methods import REFLEXION, MethodSetup, build_agent
from learnact.agents.trajectory import EpisodeRecord, TrajectoryWriter
from learnact.envs.base import TaskFamily
from learnact.llm.run import ChatModel, RunModel
from learnact.runner.tasks import TrainTestOverlap, check_disjoint, example_repeats, listed


def summarise(family: TaskFamily, method: str, records: Sequence[EpisodeRecord]) -> dict[str, Any]:
    """Results of the test-phase episodes in ``records``: counts, success rate and mean
    progress rate (``None`` without episodes / progress), mean steps, one row a task."""
    tests = [r for r in records if r.phase == "test"]
    progress = [r.progress for r in tests if r.progress is not None]
    return {
        "family": family.name,
        "method": method,
        "episodes": len(tests),
        "won": sum(r.won for r in tests),
        "success_rate": (sum(r.won for r in tests) / len(tests)) if tests else None,
        "progress_rate": mean(progress) if progress else None,
        "mean_steps": mean(r.n_steps for r in tests) if tests else None,
        "basic_actions": sum(r.n_basic_actions for r in tests),
        "tasks": [r.summary() for r in tests],
    }


def evaluate(
    family: TaskFamily,
    method: str,
    model: ChatModel,
    sandbox: StepSandbox,
    tasks: Sequence[int],
    setup: MethodSetup,
    out_dir: str | os.PathLike[str] | None = None,
    on_episode: Callable[[EpisodeRecord], None] | None = None,
    *,
    allow_train_test_overlap: bool = False,
) -> dict[str, Any]:
    """Play ``method`` on ``tasks`` of ``family``, one episode each, in order.

    Refuses (`learnact.runner.tasks.TrainTestOverlap`) tasks that the method learned on:
    Reflexion's training tasks, or the tasks ``setup.library`` was learned on (as its
    metadata records, when it was learned on this family's data), and tasks that hold the
    worked example's own problem, unless ``allow_train_test_overlap``; the results then
    list them (``train_test_overlap``).

    The run is labelled ``str(out_dir)`` (or unlabelled); ``setup.learner``, if given,
    is bound to the same run. With ``out_dir``, trajectories go to
    ``trajectories.jsonl`` and the results (`summarise` plus model, version, data
    source and split) to ``results.json`` there, written atomically. Raises `BadInput`
    for an unknown method or ``learnact`` without a library.
    """
    shown = example_repeats(family, tasks, allow=allow_train_test_overlap)
    overlap = sorted(
        set(_learned_on(family, method, setup, tasks, allow_train_test_overlap)) | set(shown)
    )
    writer = TrajectoryWriter(out_dir) if out_dir else None
    actor = RunModel(model, str(out_dir) if out_dir else None)
    if setup.learner is not None:
        setup = dataclasses.replace(setup, learner=actor.sibling(setup.learner))
    agent = build_agent(method, family, RunContext(actor, sandbox, writer), setup)
    records = []
    for task in tasks:
        record = agent.run(task)
        records.append(record)
        if on_episode:
            on_episode(record)
    results = summarise(family, method, records)
    results.update(
        {
            "model": model.spec,
            "learnact_version": __version__,
            "data_source": family.source.to_dict(),
            "split": family.split.to_dict(),
            "train_test_overlap": overlap,
        }
    )
    if out_dir:
        write_json_atomic(Path(out_dir) / "results.json", results)
    return results


def _learned_on(
    family: TaskFamily, method: str, setup: MethodSetup, tasks: Sequence[int], allow: bool
) -> list[int]:
    """The test tasks ``method`` also learned on, or whose problem it learned on (see
    `evaluate`). Raises `TrainTestOverlap` for any unless ``allow``."""
    learned: list[int] = []
    problems: set[str] = set()
    if method in REFLEXION and setup.lessons is None:
        train = setup.train_tasks if setup.train_tasks is not None else family.split.train
        learned = list(train)
        what = "Reflexion training"
    elif setup.library is not None:
        meta = setup.library.extra
        src, here = meta.get("data_source") or {}, family.source
        # Indices name the same tasks only on the same data (files, or generator settings);
        # problems are recognised on any family (another size of task list, another seed).
        same_data = src.get("fingerprint") == here.fingerprint and (
            here.fingerprint is not None or src.get("description") == here.description
        )
        learned = list(meta.get("train_tasks") or []) if same_data else []
        problems = set(meta.get("train_problems") or [])
        what = "library's training"
    both = check_disjoint(family, learned, tasks, what=what, allow=allow) if learned else []
    more = [i for i in tasks if i not in both and family.tasks[i].identity & problems]
    if more and not allow:
        raise TrainTestOverlap(
            f"{family.name}: test tasks {listed(more)} hold problems the "
            f"library learned on ({setup.library.family if setup.library else '?'}); choose "
            "other tasks, or opt in with --allow-train-test-overlap, which the results state"
        )
    return sorted(set(both) | set(more))


def write_json_atomic(path: Path, data: Any) -> None:
    """Write ``data`` as indented JSON to ``path``: a temporary file in the same folder,
    flushed to disk, then renamed over ``path`` (readers never see half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=2)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
