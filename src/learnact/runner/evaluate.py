"""Run one method on some tasks of one family and write its trajectories and results."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from statistics import mean
from typing import Any

from learnact import __version__
from learnact.agents.methods import MethodSetup, build_agent
from learnact.agents.trajectory import EpisodeRecord, TrajectoryWriter
from learnact.envs.base import TaskFamily


def summarise(family: TaskFamily, method: str, records: Sequence[EpisodeRecord]) -> dict[str, Any]:
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
    model: Any,
    sandbox: Any,
    tasks: Sequence[int],
    setup: MethodSetup,
    out_dir: str | os.PathLike[str] | None = None,
    on_episode: Callable[[EpisodeRecord], None] | None = None,
) -> dict[str, Any]:
    writer = TrajectoryWriter(out_dir) if out_dir else None
    setup.writer = writer
    agent = build_agent(method, family, model, sandbox, setup)
    records = []
    for task in tasks:
        record = agent.run(task)
        records.append(record)
        if on_episode:
            on_episode(record)
    results = summarise(family, method, records)
    results.update(
        {
            "model": getattr(model, "spec", str(model)),
            "learnact_version": __version__,
            "data_source": family.source.to_dict(),
            "split": family.split.to_dict(),
        }
    )
    if out_dir:
        write_json_atomic(Path(out_dir) / "results.json", results)
    return results


def write_json_atomic(path: Path, data: Any) -> None:
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
