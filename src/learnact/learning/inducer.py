"""The learner's second source of candidates: action sets induced from action sequences.

One `Inducer` per learner run gathers the sequences of the sources the run asks for
(``LearnConfig.induce``): the family's worked example, the demonstrations of the
training tasks (computed once; never of a test task) and the won training episodes of
every candidate so far. Each time it is asked, it compresses them with Stitch
(`learnact.learning.induce`) and, when the abstractions differ from every earlier induced
set, builds a validated candidate (`learnact.learning.induced`) named ``i0``, ``i1``, ...
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from learnact.envs.base import TaskFamily
from learnact.errors import BadInput
from learnact.learning.checks import Checker
from learnact.learning.context import LearnContext
from learnact.learning.failure import Failure
from learnact.learning.induce import (
    SOURCES,
    Trace,
    induce,
    source_label,
    trace_from_commands,
    trace_from_episode,
    trace_from_example,
)
from learnact.learning.induced import induced_candidate
from learnact.library import ActionLibrary

if TYPE_CHECKING:
    from learnact.learning.learner import Candidate, LearnConfig

__all__ = ["InducedCandidate", "Inducer", "check_sources"]


def check_sources(sources: Sequence[str]) -> list[str]:
    """``sources`` in `SOURCES` order; `BadInput` naming an unknown one, or when
    ``stitch-core`` (the ``induce`` extra) is not installed."""
    bad = [s for s in sources if s not in SOURCES]
    if bad:
        raise BadInput(
            f"unknown induce source(s) {', '.join(bad)}; choose from {', '.join(SOURCES)}"
        )
    if sources:
        try:
            import stitch_core  # noqa: F401
        except ImportError as e:
            raise BadInput(
                "induced actions need stitch-core: pip install 'learnact[induce]'"
            ) from e
    return [s for s in SOURCES if s in sources]


@dataclass(frozen=True)
class InducedCandidate:
    """A new induced action set: its label (``i0``, ...), library, the sources its
    sequences came from, a one-line detail and its usage example's failed call."""

    label: str
    library: ActionLibrary
    sources: list[str]
    detail: str
    example_failure: Failure | None


class Inducer:
    """Induced candidates for one learner run on ``train_tasks`` (see the module docstring).
    Raises `BadInput` as `check_sources`."""

    def __init__(
        self,
        family: TaskFamily,
        ctx: LearnContext,
        cfg: LearnConfig,
        train_tasks: Sequence[int],
        checker: Checker | None = None,
    ) -> None:
        self.family, self.ctx, self.cfg = family, ctx, cfg
        self.checker = checker
        self.sources = check_sources(cfg.induce)
        self.train_tasks = list(train_tasks)
        self._demos: list[Trace] | None = None
        self._seen: set[tuple[object, ...]] = set()
        self._count = 0

    def demonstration_traces(self) -> list[Trace]:
        """The demonstrations of the training tasks that are not test tasks and hold no
        test task's problem (computed once; journal event ``demonstrations``)."""
        if self._demos is None:
            from learnact.learning.demonstrations import demonstrable, demonstrations

            tasks = demonstrable(self.family, self.train_tasks)
            found = demonstrations(self.family, tasks)
            self.ctx.journal.event(
                "demonstrations",
                tasks=[d.task for d in found.found],
                origins=sorted({d.origin for d in found.found}),
                missing={str(t): why for t, why in found.missing.items()},
                skipped_test_tasks=[t for t in self.train_tasks if t not in tasks],
                # Demonstrated tasks that are the worked example's own problem: a second
                # solution of what every prompt already shows.
                worked_example=self.family.example_tasks([d.task for d in found.found]),
            )
            self._demos = [
                trace_from_commands(self.family, d.commands, "demonstrations", d.task)
                for d in found.found
            ]
        return self._demos

    def traces(self, candidates: Sequence[Candidate]) -> list[Trace]:
        """The sequences to compress: the example, the demonstrations and the won training
        episodes of ``candidates`` (each distinct sequence once), as the sources ask."""
        out: list[Trace] = []
        if "example" in self.sources:
            out.append(trace_from_example(self.family))
        if "demonstrations" in self.sources:
            out += self.demonstration_traces()
        if "won" in self.sources:
            seen = set()
            for c in candidates:
                for r in c.episodes:
                    if not r.won or r.phase != "train":
                        continue
                    t = trace_from_episode(self.family, r)
                    if (t.task, t.calls) not in seen:
                        seen.add((t.task, t.calls))
                        out.append(t)
        return out

    def candidate(self, candidates: Sequence[Candidate]) -> InducedCandidate | None:
        """A new induced candidate from the sequences of ``candidates`` (see `traces`), or
        ``None`` when Stitch finds nothing new (journal event ``induce``)."""
        traces = self.traces(candidates)
        found = induce(self.family, traces, max_actions=self.cfg.induce_actions)
        key = tuple(a.body for a in found)
        new = bool(found) and key not in self._seen
        self.ctx.journal.event(
            "induce",
            sequences={s: sum(t.source == s for t in traces) for s in self.sources},
            found=[a.template() for a in found],
            new=new,
        )
        if not new:
            return None
        self._seen.add(key)
        label = f"i{self._count}"
        self._count += 1
        created = induced_candidate(
            self.family,
            self.ctx,
            found,
            self.cfg.creation,
            task=self.train_tasks[0],
            label=label,
            checker=self.checker,
        )
        if created is None:
            return None
        sources = [s for s in SOURCES if any(s in a.sources for a in found)]
        return InducedCandidate(
            label,
            created.library,
            sources,
            source_label(sources),
            created.example_failure,
        )
