"""Act+Reflexion and ReAct+Reflexion, cross-task as in the LearnAct paper.

On the training tasks, after each failed episode the learner model writes a short lesson
for similar tasks. Round 1 plays every training task; later rounds replay the tasks still
failed, with the lessons so far. At test time the lessons are given to the agent as a plan.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from learnact.agents.trajectory import EpisodeRecord
from learnact.envs.base import TaskFamily
from learnact.llm.run import ChatModel
from learnact.prompts import render

if TYPE_CHECKING:
    from learnact.agents.act import ActAgent

MAX_TRAJECTORY_CHARS = 6000
#: Passes over the training tasks (the paper's Reflexion baselines use 2).
ROUNDS = 2


@dataclass
class Lessons:
    lessons: list[str] = field(default_factory=list)
    episodes: list[EpisodeRecord] = field(default_factory=list)

    @property
    def plan(self) -> str | None:
        """The lessons as the agent's plan, one ``- lesson`` line each (Reflexion, Shinn et al.,
        NeurIPS 2023, used across tasks as in the LearnAct paper); ``None`` when there are none."""
        return "\n".join(f"- {lesson}" for lesson in self.lessons) or None


def render_trajectory(record: EpisodeRecord, limit: int = MAX_TRAJECTORY_CHARS) -> str:
    """Action/Observation lines of an episode, the newest kept when it is too long."""
    lines = [f"Observation: {record.first_observation}"]
    for s in record.steps:
        lines.append(f"Action: {s.call or s.completion.strip() or '(empty answer)'}")
        lines.append(f"Observation: {s.observation}")
    outcome = "The agent reached the goal." if record.won else "The agent did not reach the goal."
    text = "\n".join(lines)
    if len(text) > limit:
        text = "(... earlier steps omitted ...)\n" + text[-limit:]
    return f"{text}\n{outcome}"


def clean_lesson(text: str, max_chars: int = 600) -> str | None:
    """The lesson in a reply, one paragraph; ``None`` when the model returned nothing usable."""
    lesson = " ".join(text.replace("```", " ").split()).strip()
    for prefix in ("Lesson:", "lesson:"):
        if lesson.startswith(prefix):
            lesson = lesson[len(prefix) :].strip()
    return lesson[:max_chars] or None


def learn_lessons(
    family: TaskFamily,
    make_agent: Callable[[str | None], ActAgent],
    learner: ChatModel,
    train_tasks: Sequence[int],
    *,
    rounds: int = ROUNDS,
    max_tokens: int = 160,
) -> Lessons:
    """Play the training tasks and collect lessons from the failures.

    ``make_agent(plan)`` builds the agent for one episode with the lessons so far as its
    plan (``None`` before the first lesson). Returns the lessons (one paragraph each, no
    repeats) and every episode played, in order.
    """
    out = Lessons()
    pending = list(train_tasks)
    for _ in range(rounds):
        still_failed = []
        for task in pending:
            record = make_agent(out.plan).run(task)
            out.episodes.append(record)
            if record.won:
                continue
            still_failed.append(task)
            prompt = render(
                "reflect",
                instruction=family.instruction,
                goal=record.goal,
                trajectory=render_trajectory(record),
            )
            completion = learner.complete(
                [{"role": "user", "content": prompt}],
                purpose="reflect",
                family=family.name,
                max_tokens=max_tokens,
                temperature=0.0,
            )
            lesson = clean_lesson(completion.text or "")
            if lesson and lesson not in out.lessons:  # a repeated lesson adds nothing
                out.lessons.append(lesson)
        pending = still_failed
        if not pending:
            break
    return out
