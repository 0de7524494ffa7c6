"""The Code-as-Policies baseline: one LLM call writes a whole program, run once, no feedback.

``code-as-policies`` (the paper's default) lets the program define helper functions;
``code-as-policies-flat`` asks for a single flat program. The program's basic actions are
capped at the family's step budget.
"""

from __future__ import annotations

import ast
import re
import time

from learnact.agents.context import RunContext
from learnact.agents.trajectory import EpisodeRecord, StepRecord, SubAction
from learnact.envs.base import Episode, EpisodeExecutor, TaskFamily
from learnact.library.format import without_functions
from learnact.prompts import render

_BLOCK = re.compile(r"```(?:python|py)?\s*\n(.*?)(?:```|\Z)", re.DOTALL | re.IGNORECASE)


def extract_program(text: str) -> str:
    """The program in a reply: the first fenced block, else the whole text."""
    m = _BLOCK.search(text)
    return (m.group(1) if m else text).strip()


def salvage_truncated(program: str, max_dropped_lines: int = 30) -> tuple[str, int]:
    """A program cut off by the token limit, minus its unfinished tail, so that what was
    written completely still runs. Returns the program and how many lines were dropped."""
    lines = program.splitlines()
    for dropped in range(min(max_dropped_lines, len(lines)) + 1):
        candidate = "\n".join(lines[: len(lines) - dropped])
        try:
            ast.parse(candidate)
        except SyntaxError:
            continue
        return candidate, dropped
    return program, 0


def defines_functions(program: str) -> bool:
    """Whether ``program`` defines a function anywhere (nested and ``async`` ones included);
    ``False`` when it does not parse."""
    try:
        tree = ast.parse(program)
    except SyntaxError:
        return False
    return any(isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) for n in ast.walk(tree))


def without_basic_actions(program: str, family: TaskFamily) -> tuple[str, tuple[str, ...]]:
    """The program minus its top-level functions named like a basic action, and their names.

    A small model re-implements the actions it was given (``def pick(...): return
    f"pick(...)"``) and then calls its own copies, so the program runs and acts not once.
    The learner's answers are treated the same way (``learning.code.parse_proposal``).
    """
    try:
        tree = ast.parse(program)
    except SyntaxError:
        return program, ()  # the sandbox reports the error
    basic = {a.name for a in family.basic_actions}
    shadowing = tuple(
        n.name
        for n in tree.body
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name in basic
    )
    return (without_functions(program, shadowing) if shadowing else program), shadowing


class CodeAsPoliciesAgent:
    def __init__(
        self,
        family: TaskFamily,
        ctx: RunContext,
        *,
        flat: bool = False,
        max_actions: int | None = None,
        max_tokens: int = 1024,
        temperature: float = 0.0,
        seed: int | None = None,
        timeout_s: float = 60.0,
    ) -> None:
        self.family = family
        self.model = ctx.model
        self.sandbox = ctx.sandbox
        self.writer = ctx.writer
        self.flat = flat
        self.max_actions = max_actions or family.step_budget
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.seed = seed
        self.timeout_s = timeout_s
        self.method = "code-as-policies-flat" if flat else "code-as-policies"

    def messages(self, goal: str, observation: str) -> list[dict[str, str]]:
        """The episode's one request: the system message (template ``program_system``: instruction,
        basic actions, the cap of ``max_actions`` basic actions, the worked example; ``flat`` asks
        for a program without helper functions) and the user message with the goal and the first
        observation."""
        system = render(
            "program_system",
            instruction=self.family.instruction,
            max_actions=self.max_actions,
            flat=self.flat,
            basic_actions=self.family.basic_actions,
            example=self.family.example,
        )
        user = render("program_user", goal=goal, observation=observation)
        return [{"role": "system", "content": system}, {"role": "user", "content": user}]

    def run(self, task: int) -> EpisodeRecord:
        """Play task ``task`` (0-based) as Code as Policies does (Liang et al., ICRA 2023): one
        model call writes a whole program from the goal and the first observation, and it runs once
        in the sandbox with no feedback, capped at ``max_actions`` basic actions and ``timeout_s``
        seconds.

        A program cut at ``max_tokens`` loses its unfinished tail (`salvage_truncated`), and
        re-definitions of basic actions are dropped (`without_basic_actions`); both are noted in
        ``record.error``. Returns the episode (one ``"program"`` step), also written to
        ``ctx.writer`` when there is one. Errors of the model layer and the sandbox propagate;
        a ``task`` out of range raises `BadInput`.
        """
        self.family.check_task(task)
        spec = self.family.tasks[task]
        record = EpisodeRecord(
            family=self.family.name,
            task=task,
            task_name=spec.name,
            method=self.method,
            model=self.model.spec,
            data_source=self.family.source.to_dict(),
        )
        episode = self.family.make_episode(task)
        try:
            first = episode.reset()
            record.goal, record.first_observation = first.goal, first.observation
            record.start_progress = episode.progress
            messages = self.messages(first.goal, first.observation)
            prompt_ref = self.writer.add_prompt(messages) if self.writer else None
            started = time.perf_counter()
            completion = self.model.complete(
                messages,
                purpose="program",
                family=self.family.name,
                max_tokens=self.max_tokens,
                temperature=self.temperature,
                seed=self.seed,
            )
            latency = time.perf_counter() - started
            program = extract_program(completion.text or "")
            if completion.truncated:
                program, dropped = salvage_truncated(program)
                if dropped:
                    record.error = f"the program was cut at the token limit; its last {dropped} line(s) were dropped"
            program, shadowing = without_basic_actions(program, self.family)
            if shadowing:
                note = (
                    f"the program re-defined the basic action(s) {', '.join(shadowing)}; "
                    "those definitions were left out so that its calls reach the real actions"
                )
                record.error = f"{record.error}; {note}" if record.error else note
            step = self._execute(episode, program)
            step.prompt, step.completion, step.latency_s = (
                prompt_ref,
                completion.text or "",
                latency,
            )
            step.reasoning = completion.reasoning or None
            step.prompt_tokens = completion.usage.prompt_tokens
            step.completion_tokens = completion.usage.completion_tokens
            record.steps.append(step)
            record.won = step.won
            record.progress = step.progress if step.progress is not None else episode.progress
        finally:
            episode.close()
        if self.writer is not None:
            self.writer.add_episode(record)
        return record

    def _execute(self, episode: Episode, program: str) -> StepRecord:
        execute = EpisodeExecutor(episode)
        res = self.sandbox.run(
            program,
            library="",
            actions=self.family.basic_actions,
            execute=execute,
            max_basic_actions=self.max_actions,
            timeout_s=self.timeout_s,
        )
        subs = [SubAction(s.command, s.observation, s.valid) for s in res.sub_trajectory]
        error = None
        if res.timed_out:
            error = f"timeout after {self.timeout_s:g} s"
        elif res.error is not None:
            error = str(res.error)
        observation = subs[-1].observation if subs else "The program executed no action."
        if error:
            observation = f"{observation}\nThe program stopped with an error: {error}"
        return StepRecord(
            index=0,
            kind="program",
            prompt=None,
            completion="",
            call=program,
            observation=observation,
            valid=error is None,
            sub_actions=subs,
            error=error,
            won=execute.won,
            progress=execute.progress,
        )
