"""The methods one harness compares: names, and how each builds its agent.

Every method uses the same environments, step budgets, LLM layer and trajectory format,
so comparisons are fair.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from learnact.agents.act import ActAgent, AgentConfig
from learnact.agents.code_as_policies import CodeAsPoliciesAgent
from learnact.agents.context import ChatModel, RunContext
from learnact.agents.reflexion import ROUNDS, Lessons, learn_lessons
from learnact.agents.trajectory import EpisodeRecord
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
    "expert-library",
)
#: The reference condition: Act with the shipped hand-written library of the family's task
#: type (`learnact.library.experts`), written by people, not learned.
EXPERT = "expert-library"
#: Methods that learn lessons on training tasks before testing (cross-task Reflexion).
REFLEXION = ("act-reflexion", "react-reflexion")


class Agent(Protocol):
    """What `build_agent` returns: plays one task to the end."""

    method: str

    def run(self, task: int) -> EpisodeRecord:
        """Play task ``task`` (0-based index into the family's tasks) and return the episode."""
        ...


@dataclass
class MethodSetup:
    """What a method needs beyond the family and the run's context."""

    library: ActionLibrary | None = None
    learner: ChatModel | None = None  # the learner model (Reflexion lessons)
    config: AgentConfig = field(default_factory=AgentConfig)
    reflexion_rounds: int = ROUNDS
    train_tasks: Sequence[int] | None = None
    lessons: Sequence[str] | None = None  # Reflexion: lessons learned earlier (skip training)
    on_lessons: Callable[[Lessons], None] | None = None


def check_method(method: str) -> str:
    """``method`` itself; `BadInput` (exit 2) naming the known ones if it is unknown."""
    if method not in METHODS:
        raise BadInput(f"unknown method {method!r}; choose from {', '.join(METHODS)}")
    return method


def build_agent(method: str, family: TaskFamily, ctx: RunContext, setup: MethodSetup) -> Agent:
    """An agent for ``method`` (one of `METHODS`), ready for test episodes.

    Reflexion methods first learn their lessons on the training tasks (their training
    episodes go to ``ctx.writer`` with phase ``"train"``), unless ``setup.lessons`` gives
    them. ``expert-library`` acts with ``setup.library``, else the shipped expert library of
    the family's task type. Raises `BadInput` for an unknown method, ``learnact`` without a
    library, or ``expert-library`` on a family no expert library covers.
    """
    check_method(method)
    config = setup.config
    if method in ("act", "react"):
        return ActAgent(family, ctx, react=method == "react", method=method, config=config)
    if method == "learnact":
        if setup.library is None:
            raise BadInput("method learnact needs an action library (--library DIR)")
        setup.library.check_calls({a.name for a in family.basic_actions})
        return ActAgent(family, ctx, library=setup.library, method=method, config=config)
    if method == EXPERT:
        from learnact.library.experts import expert_library

        library = setup.library or expert_library(family)
        library.check_calls({a.name for a in family.basic_actions})
        return ActAgent(family, ctx, library=library, method=method, config=config)
    if method in ("code-as-policies", "code-as-policies-flat"):
        return CodeAsPoliciesAgent(
            family,
            ctx,
            flat=method.endswith("flat"),
            max_actions=config.max_steps or family.step_budget,
            seed=config.seed,
        )
    # Reflexion: learn lessons on the training tasks, then act with them as a plan.
    lessons = (
        Lessons(lessons=list(setup.lessons))
        if setup.lessons is not None
        else reflexion_lessons(method, family, ctx, setup)
    )
    return _reflexion_agent(method, family, ctx, config, lessons.plan)


def reflexion_lessons(
    method: str, family: TaskFamily, ctx: RunContext, setup: MethodSetup
) -> Lessons:
    """Cross-task Reflexion's training: play ``setup.train_tasks`` (default: the family's
    training split) for ``setup.reflexion_rounds`` rounds and collect lessons from the
    failures, written by ``setup.learner`` (default: the acting model). The training
    episodes go to ``ctx.writer`` with phase ``"train"``."""
    if method not in REFLEXION:
        raise BadInput(f"{method} learns no lessons; Reflexion methods: {', '.join(REFLEXION)}")

    def make(plan: str | None) -> ActAgent:
        return _reflexion_agent(method, family, ctx, setup.config, plan, phase="train")

    learner = setup.learner or ctx.model
    train = list(setup.train_tasks if setup.train_tasks is not None else family.split.train)
    lessons = learn_lessons(family, make, learner, train, rounds=setup.reflexion_rounds)
    if setup.on_lessons:
        setup.on_lessons(lessons)
    return lessons


def _reflexion_agent(
    method: str,
    family: TaskFamily,
    ctx: RunContext,
    config: AgentConfig,
    plan: str | None,
    phase: str = "test",
) -> ActAgent:
    react = method.startswith("react")
    return ActAgent(family, ctx, react=react, plan=plan, method=method, config=config, phase=phase)
