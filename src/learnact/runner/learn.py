"""Run the learner for one family and save what it learned as an action library."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from learnact import __version__
from learnact.envs.base import TaskFamily
from learnact.learning.journal import Journal
from learnact.learning.learner import LearnConfig, Learner, LearnResult
from learnact.library import ActionLibrary
from learnact.runner.evaluate import write_json_atomic


def learn_library(
    family: TaskFamily,
    learner_model: Any,
    actor_model: Any,
    sandbox: Any,
    cfg: LearnConfig,
    out_dir: str | os.PathLike[str],
    on_event: Any = None,
) -> tuple[LearnResult, ActionLibrary | None]:
    """Learn, then write ``<out>/library`` (the best action set) and ``<out>/learn.json``."""
    out = Path(out_dir)
    journal = Journal(out)
    result = Learner(
        family, learner_model, actor_model, sandbox, cfg, journal, run=str(out), on_event=on_event
    ).learn()
    library = None
    if result.best is not None:
        library = result.best.library
        library.family = family.name
        for action in library.actions:
            calls = [
                s for r in result.best.episodes for s in r.steps if s.learned_call == action.name
            ]
            action.stats = {
                "calls": len(calls),
                "succeeded": sum(s.valid for s in calls),
                "episodes": len(result.best.episodes),
            }
        library.extra.update(
            {
                "learnact_version": __version__,
                "learner_model": getattr(learner_model, "spec", str(learner_model)),
                "actor_model": getattr(actor_model, "spec", str(actor_model)),
                "data_source": family.source.to_dict(),
                "candidate": result.best.id,
                "training": result.best.score.to_dict() if result.best.score else None,
            }
        )
        library.save(out / "library")
    summary = {
        "family": family.name,
        "best": result.best.id if result.best else None,
        "stopped": result.stopped,
        "rounds": result.rounds_run,
        "candidates": [
            {
                "id": c.id,
                "parent": c.parent,
                "origin": c.origin,
                "detail": c.detail,
                "actions": [a.name for a in c.library.actions],
                "score": c.score.to_dict() if c.score else None,
                "complete": c.complete,  # False: raced out after one task
            }
            for c in result.candidates
        ],
        "usage": {
            "learner": learner_model.usage.to_dict() if hasattr(learner_model, "usage") else None,
            "actor": actor_model.usage.to_dict()
            if hasattr(actor_model, "usage") and actor_model is not learner_model
            else None,
        },
    }
    write_json_atomic(out / "learn.json", summary)
    return result, library
