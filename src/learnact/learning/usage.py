"""The learned actions' usage example, written by the learner and then *executed*.

An LLM-written example trajectory invents its observations, and a small model invents
wrong ones (it picks balls from the wrong room, or never calls a learned action at all);
the acting agent then imitates the mistakes. So the learner writes only the actions for a
real training task (its goal and first observation are given), we run them one by one in
the sandbox, and the example is the real trajectory up to the first invalid line. It is
kept only when it holds at least one successful learned-action call; otherwise the
learner gets the failure back and tries again (``example_tries`` in all), and the library
ends up with no usage example rather than a wrong one.

A learned call that fails while the example runs is a real failure of that action; it is
returned with the example (`UsageExample.failure`) and kept by the learner with the
candidate, so that the learner can revise the action even when the acting agent never
called it during training.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from learnact.agents.act import ActAgent, AgentConfig
from learnact.agents.context import RunContext
from learnact.agents.trajectory import EpisodeRecord, StepRecord
from learnact.envs.base import TaskFamily
from learnact.learning.failure import Failure
from learnact.library import ActionLibrary
from learnact.prompts import render

if TYPE_CHECKING:
    from learnact.learning.context import LearnContext
    from learnact.learning.creation import CreationConfig

MAX_LINES = 12


@dataclass
class ExecutedExample:
    text: str = ""
    lines: int = 0  # action lines the learner wrote
    valid: int = 0  # lines that ran validly, in order
    learned_ok: int = 0  # successful learned-action calls among them
    won: bool = False
    failure: str | None = None  # "<line> -> <observation>" of the first invalid line
    trace: list[str] = field(default_factory=list)
    record: EpisodeRecord | None = None  # the run as an episode (phase "learn")
    learned_failure: StepRecord | None = None  # the failed step, when a learned call failed

    @property
    def usable(self) -> bool:
        """Whether the example may be kept: at least one learned-action call in it succeeded."""
        return self.learned_ok > 0


def action_lines(text: str) -> list[str]:
    """The calls of an answer: ``Action:`` lines, else bare call lines."""
    lines = [ln.strip() for ln in text.replace("```", "\n").splitlines() if ln.strip()]
    marked = [ln.split(":", 1)[1].strip() for ln in lines if ln.lower().startswith("action:")]
    if marked:
        return marked
    return [ln for ln in lines if "(" in ln and not ln.startswith(("#", "Goal", "Observation"))]


@dataclass(frozen=True)
class UsageExample:
    """The usage example of a library: ``text`` is the executed trajectory (``""`` when
    no try was usable); ``failure`` is the latest try's failed learned call, if any."""

    text: str = ""
    failure: Failure | None = None


def execute_example(
    family: TaskFamily,
    ctx: RunContext,
    library: ActionLibrary,
    lines: list[str],
    task: int,
    timeout_s: float,
) -> ExecutedExample:
    """Run the lines on a fresh episode of ``task`` in ``ctx.sandbox`` (at most 12); the
    real trajectory up to the first invalid line. No model is called."""
    agent = ActAgent(
        family,
        ctx.with_writer(None),
        library=library,
        config=AgentConfig(timeout_s=timeout_s, allow_check=False),
        phase="learn",
    )
    out = ExecutedExample(lines=len(lines))
    episode = family.make_episode(task)
    try:
        first = episode.reset()
        out.record = EpisodeRecord(
            family=family.name,
            task=task,
            task_name=family.tasks[task].name,
            method="usage-example",
            model="learner",
            goal=first.goal,
            first_observation=first.observation,
            phase="learn",
        )
        trace = [f"Goal: {first.goal}", f"Observation: {first.observation}"]
        last_state = first.observation
        for index, line in enumerate(lines[:MAX_LINES]):
            step = agent.play_line(episode, index, line, last_state)
            out.record.steps.append(step)
            if step.kind != "action" or not step.valid:
                out.failure = f"{step.call or line} -> {step.observation}"
                if step.learned_call:
                    out.learned_failure = step
                break
            trace += [f"Action: {step.call}", f"Observation: {step.observation}"]
            out.valid += 1
            if step.learned_call:
                out.learned_ok += 1
            if family.state_observations and step.sub_actions:
                last_state = step.observation
            if step.won:
                out.won = True
                break
        out.trace = trace
    finally:
        episode.close()
    if out.usable:
        out.text = "\n".join(out.trace)
    return out


def usage_example(
    family: TaskFamily,
    ctx: LearnContext,
    library: ActionLibrary,
    cfg: CreationConfig,
    *,
    task: int,
) -> UsageExample:
    """A real trajectory on training task ``task`` that uses the learned actions.

    The learner writes the action lines (``cfg.example_tries`` tries, the first at
    temperature 0); each try runs in ``ctx.sandbox``. Every exchange and run goes to
    ``ctx.journal``.
    """
    episode = family.make_episode(task)
    try:
        first = episode.reset()
    finally:
        episode.close()
    messages = [
        {
            "role": "user",
            "content": render(
                "usage_example",
                instruction=family.instruction,
                basic_actions=family.basic_actions,
                learned_actions=library.actions,
                code=library.source,
                example=family.example,
                goal=first.goal,
                observation=first.observation,
            ),
        }
    ]
    tries = max(1, cfg.example_tries)
    failure: Failure | None = None
    journal = ctx.journal
    for attempt in range(tries):
        c = ctx.learner.complete(
            messages,
            purpose="usage_example",
            family=family.name,
            max_tokens=cfg.example_max_tokens,
            temperature=0.0 if attempt == 0 else cfg.temperature,
            seed=cfg.seed,
            sample_index=attempt,
        )
        journal.exchange("usage_example", messages, c, attempt=attempt)
        text = c.text or ""
        lines = action_lines(text)
        ran = execute_example(
            family, RunContext(ctx.learner, ctx.sandbox), library, lines, task, cfg.timeout_s
        )
        journal.event(
            "usage_example_run",
            attempt=attempt,
            lines=ran.lines,
            valid=ran.valid,
            learned_ok=ran.learned_ok,
            won=ran.won,
            failure=ran.failure,
        )
        if ran.usable:
            return UsageExample(ran.text)
        if ran.learned_failure is not None and ran.record is not None:
            failure = Failure(ran.record, ran.learned_failure)  # the latest
        problem = (
            f"The line {ran.failure}"
            if ran.failure
            else "None of the lines called a learned action."
            if ran.valid
            else "The answer held no action line."
        )
        retry = render("usage_example_retry", trace="\n".join(ran.trace), problem=problem)
        messages = [
            *messages,
            {"role": "assistant", "content": text},
            {"role": "user", "content": retry},
        ]
    return UsageExample("", failure)
