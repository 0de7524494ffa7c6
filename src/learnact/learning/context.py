"""What one learner run works with: its two model handles, a sandbox and its journal.

Both handles are `learnact.llm.run.RunModel`s bound to the same run: they share one
`Usage` that holds this run's calls only (never another run's on the same loaded
model), and the learner's budget (`learnact.llm.run.Budget`) is checked against it.
"""

from __future__ import annotations

from dataclasses import dataclass

from learnact.agents.context import RunContext, StepSandbox
from learnact.learning.journal import Journal
from learnact.llm.run import ChatModel, RunModel
from learnact.llm.usage import Usage


@dataclass(frozen=True)
class LearnContext:
    """``learner`` writes and revises actions; ``actor`` plays the training episodes."""

    learner: RunModel
    actor: RunModel
    sandbox: StepSandbox
    journal: Journal

    @classmethod
    def for_run(
        cls,
        learner: ChatModel,
        actor: ChatModel,
        sandbox: StepSandbox,
        journal: Journal | None = None,
        *,
        run: str | None = None,
    ) -> LearnContext:
        """Bind ``learner`` and ``actor`` (shared models) to the run labelled ``run``.

        ``journal`` defaults to one that keeps events in memory only.
        """
        actor_run = RunModel(actor, run)
        return cls(actor_run.sibling(learner), actor_run, sandbox, journal or Journal(None))

    @property
    def run(self) -> str | None:
        """The run's label (the actor's; the learner handle shares it), ``None`` when unlabelled."""
        return self.actor.run

    @property
    def usage(self) -> Usage:
        """This run's calls, learner and actor (rows are kept per model spec)."""
        return self.actor.usage

    def acting(self, sandbox: StepSandbox | None = None) -> RunContext:
        """The context of a training episode: the actor, ``sandbox`` (default: this
        run's), and the journal's trajectory writer."""
        return RunContext(self.actor, sandbox or self.sandbox, self.journal.trajectories)
