"""The methods one harness compares: names, and how each builds its agent.

Every method uses the same environments, step budgets, LLM layer and trajectory format,
so comparisons are fair.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from learnact.agents.act import ActAgent, AgentConfig
from learnact.agents.code_as_policies import CodeAsPoliciesAgent
from learnact.agents.reflexion import Lessons, learn_lessons
from learnact.agents.trajectory import TrajectoryWriter
from learnact.envs.base import TaskFamily
from learnact.errors import BadInput
from learnact.library import ActionLibrary

METHODS = (
    "act",
    "react",
    "act-reflexion",
    "react-reflexion",
    "code-as-policies",
    "code-as-policies-flat",
    "learnact",
)


@dataclass
class MethodSetup:
    """What a method needs beyond the family and the acting model."""

    library: ActionLibrary | None = None
    learner: Any = None  # the learner model (Reflexion lessons)
    config: AgentConfig = field(default_factory=AgentConfig)
    reflexion_rounds: int = 2
    train_tasks: Sequence[int] | None = None
    writer: TrajectoryWriter | None = None
    run: str | None = None
    on_lessons: Callable[[Lessons], None] | None = None


def check_method(method: str) -> str:
    if method not in METHODS:
        raise BadInput(f"unknown method {method!r}; choose from {', '.join(METHODS)}")
    return method


def build_agent(
    method: str, family: TaskFamily, model: Any, sandbox: Any, setup: MethodSetup
) -> Any:
    """An agent with a ``run(task) -> EpisodeRecord`` method, ready for test episodes.

    Reflexion methods first learn their lessons on the training tasks.
    """
    check_method(method)
    common = {"config": setup.config, "writer": setup.writer, "run": setup.run}
    if method in ("act", "react"):
        return ActAgent(family, model, sandbox, react=method == "react", method=method, **common)
    if method == "learnact":
        if setup.library is None:
            raise BadInput("method learnact needs an action library (--library DIR)")
        setup.library.check_calls({a.name for a in family.basic_actions})
        return ActAgent(family, model, sandbox, library=setup.library, method=method, **common)
    if method in ("code-as-policies", "code-as-policies-flat"):
        return CodeAsPoliciesAgent(
            family,
            model,
            sandbox,
            flat=method.endswith("flat"),
            max_actions=setup.config.max_steps or family.step_budget,
            writer=setup.writer,
            run=setup.run,
            seed=setup.config.seed,
        )
    # Reflexion: learn lessons on the training tasks, then act with them as a plan.
    react = method.startswith("react")
    learner = setup.learner or model
    train = list(setup.train_tasks if setup.train_tasks is not None else family.split.train)

    def make(plan: str | None, writer: TrajectoryWriter | None = None) -> ActAgent:
        kw = {**common, "writer": writer}
        return ActAgent(family, model, sandbox, react=react, plan=plan, method=method, **kw)

    lessons = learn_lessons(
        family, make, learner, train, rounds=setup.reflexion_rounds, run=setup.run
    )
    for record in lessons.episodes:
        record.phase = "train"
        if setup.writer is not None:
            setup.writer.add_episode(record)
    if setup.on_lessons:
        setup.on_lessons(lessons)
    return make(lessons.plan, setup.writer)
