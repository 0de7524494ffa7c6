"""Failed learned-action calls: what revision starts from.

A failure is a step of some episode (a training episode, or the run of a usage example)
in which a learned action was called and did not work: it was not valid, or it ran only
read-only basic actions and so changed nothing (`learnact.learning.scoring.did_something`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from learnact.agents.trajectory import EpisodeRecord, StepRecord
from learnact.learning.scoring import did_something

_TRAJECTORY_CHARS = 4000


@dataclass(frozen=True)
class Failure:
    """The failed learned call ``step`` of ``episode``."""

    episode: EpisodeRecord
    step: StepRecord

    def context(self, state_observations: bool) -> tuple[str, str]:
        """A label and the text shown to the learner before the call: the last state
        (state families), else the trajectory up to the call (at most 4,000 characters,
        the newest kept; the paper's ALFWorld setting)."""
        before = self.episode.steps[: self.step.index]
        if state_observations:
            last = before[-1].observation if before else self.episode.first_observation
            return "The state before the call", last
        lines = [f"Goal: {self.episode.goal}", f"Observation: {self.episode.first_observation}"]
        for s in before:
            lines += [f"Action: {s.call or s.completion.strip()}", f"Observation: {s.observation}"]
        text = "\n".join(lines)
        if len(text) > _TRAJECTORY_CHARS:
            text = "(... earlier steps omitted ...)\n" + text[-_TRAJECTORY_CHARS:]
        return "The trajectory up to the call", text

    def describe(self) -> dict[str, Any]:
        """What produced a revision, recorded in the library's lineage."""
        return {
            "task": self.episode.task,
            "step": self.step.index,
            "call": self.step.call,
            "error": self.step.error,
        }


def first_failure(
    records: Sequence[EpisodeRecord], read_only: Callable[[str], bool] | None = None
) -> Failure | None:
    """The first learned call that failed, or that did nothing (ran only read-only basic
    actions: `scoring.did_something`), with that said as its error."""
    for r in records:
        for s in r.steps:
            if not s.learned_call:
                continue
            if not s.valid:
                return Failure(r, s)
            if not did_something(s, read_only):
                looked = ", ".join(a.command for a in s.sub_actions) or "nothing"
                error = f"the call did nothing: it ran only {looked}, which changes nothing"
                return Failure(r, dataclasses.replace(s, error=error))
    return None
