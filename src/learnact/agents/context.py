"""What an agent runs with: a model handle, a sandbox and a trajectory sink, typed.

A `RunContext` is built once per run (a test episode, a Reflexion lesson run, a learner
run's training episodes) by whoever owns the run — the runner, the CLI, your code — and
passed to the agent. The model is usually a `learnact.llm.run.RunModel`: calls carry the
run's label and count against the run's own usage and budget.

    from learnact.agents.act import ActAgent
    from learnact.agents.context import RunContext
    from learnact.llm import make_model
    from learnact.sandbox import Sandbox

    with Sandbox() as sandbox:
        ctx = RunContext(make_model("scripted:model.json"), sandbox)
        record = ActAgent(family, ctx).run(0)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from learnact.agents.trajectory import EpisodeRecord
from learnact.envs.base import BasicAction
from learnact.llm.run import ChatModel
from learnact.sandbox.results import ExecResult

__all__ = ["ChatModel", "RunContext", "StepSandbox", "TrajectorySink"]


class StepSandbox(Protocol):
    """Runs one step of LLM-written code outside this process (`learnact.sandbox.Sandbox`).

    ``execute(command) -> (observation, valid)`` steps the environment for each basic
    action the code calls; ``library`` is the learned actions' source, defined first.
    """

    def run(
        self,
        code: str,
        *,
        library: str = "",
        actions: Sequence[BasicAction],
        execute: Callable[[str], tuple[str, bool]],
        max_basic_actions: int = 50,
        timeout_s: float = 10.0,
    ) -> ExecResult:
        """Run ``code`` (one step: a line or a whole program) after defining ``library``, with
        ``actions`` bound as stubs that step the environment through ``execute``; at most
        ``max_basic_actions`` basic actions and ``timeout_s`` seconds of the code's own time. Errors
        of the code, timeouts and invalid actions are reported in the `ExecResult`, not raised;
        `learnact.sandbox.SandboxUnavailable` when no worker can start."""
        ...


class TrajectorySink(Protocol):
    """Where episodes go (`learnact.agents.trajectory.TrajectoryWriter` and look-alikes).

    ``add_prompt`` stores a prompt once and returns its sha256 key (steps refer to it).
    """

    def add_prompt(self, messages: list[dict[str, str]]) -> str:
        """Store ``messages`` (once) and return their key, the 64-character sha256 hex
        `learnact.agents.trajectory.prompt_hash`."""
        ...

    def add_episode(self, episode: EpisodeRecord) -> None:
        """Record one finished episode."""
        ...


@dataclass(frozen=True)
class RunContext:
    """The collaborators of one run: ``model`` (bound to the run), ``sandbox``, ``writer``.

    ``writer`` is ``None`` when episodes are only returned, not recorded.
    """

    model: ChatModel
    sandbox: StepSandbox
    writer: TrajectorySink | None = None

    def with_writer(self, writer: TrajectorySink | None) -> RunContext:
        """This context with ``writer`` instead (``None``: episodes are only returned)."""
        return replace(self, writer=writer)

    def with_sandbox(self, sandbox: StepSandbox) -> RunContext:
        """This context with ``sandbox`` instead (e.g. one per worker thread)."""
        return replace(self, sandbox=sandbox)
