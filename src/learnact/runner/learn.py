"""Run the learner for one family and save what it learned as an action library."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from learnact import __version__
from learnact.agents.context import StepSandbox
from learnact.envs.base import TaskFamily
from learnact.learning.context import LearnContext
from learnact.learning.journal import Journal
from learnact.learning.learner import LearnConfig, Learner, LearnResult
from learnact.library import ActionLibrary
from learnact.llm.run import ChatModel
from learnact.runner.evaluate import write_json_atomic
from learnact.runner.tasks import check_disjoint


def learn_library(
    family: TaskFamily,
    learner_model: ChatModel,
    actor_model: ChatModel,
    sandbox: StepSandbox,
    cfg: LearnConfig,
    out_dir: str | os.PathLike[str],
    on_event: Callable[[int, dict[str, Any]], None] | None = None,
) -> tuple[LearnResult, ActionLibrary | None]:
    """Learn, then write ``<out>/library`` (the best action set) and ``<out>/learn.json``.

    The run is labelled ``str(out_dir)``; its usage (``learn.json`` "usage", and the
    result's ``usage``) holds this run's calls only, and ``cfg``'s budget is counted
    from them. Journal, trajectories and prompts go to ``out_dir``; ``on_event(seq,
    event)`` sees each journal event as it is written. Returns the result
    and the saved library (``None`` when no candidate was scored on every training task:
    none passed validation, or the budget stopped learning first; ``result.stopped`` says
    which).
    """
    out = Path(out_dir)
    journal = Journal(out, on_event=on_event)
    ctx = LearnContext.for_run(learner_model, actor_model, sandbox, journal, run=str(out))
    learner = Learner(family, ctx, cfg)
    result = learner.learn()
    train = learner.train_tasks
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
                "learner_model": learner_model.spec,
                "actor_model": actor_model.spec,
                "data_source": family.source.to_dict(),
                "candidate": result.best.id,
                "training": result.best.score.to_dict() if result.best.score else None,
                # What it learned on, so that an evaluation can refuse those tasks: by
                # index on the same data, by problem on any family (`TaskSpec.identity`).
                "train_tasks": train,
                "train_problems": sorted(set().union(*(family.tasks[i].identity for i in train))),
                "train_test_overlap": check_disjoint(family, train, family.split.test, allow=True),
            }
        )
        library.save(out / "library")
    summary = {
        "family": family.name,
        "best": result.best.id if result.best else None,
        "stopped": result.stopped,
        "rounds": result.rounds_run,
        "checks": result.checks,  # answers each static check refused (learning/checks.py)
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
        "usage": _usage_by_role(ctx),
    }
    write_json_atomic(out / "learn.json", summary)
    return result, library


def _usage_by_role(ctx: LearnContext) -> dict[str, Any]:
    """This run's usage as ``{"learner": ..., "actor": ...}`` (`Usage.to_dict` each);
    ``"actor"`` is ``None`` when one model played both roles (its usage is all under
    ``"learner"``, as before)."""
    from learnact.llm.usage import Usage

    learner, actor = ctx.learner.spec, ctx.actor.spec
    if learner == actor:
        return {"learner": ctx.usage.to_dict(), "actor": None}
    rows = ctx.usage.to_dict()["rows"]
    return {
        role: Usage.from_dict({"rows": [r for r in rows if r["model"] == spec]}).to_dict()
        for role, spec in (("learner", learner), ("actor", actor))
    }
