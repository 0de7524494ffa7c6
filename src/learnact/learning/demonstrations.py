"""Demonstrations of training tasks: solutions the agent did not find itself.

Used only when a user asks for them (``induce`` source ``demonstrations``; baselines may
get the same ones as in-context examples), and only ever for **training** tasks: asking for
a demonstration of a task in the family's test split raises.

* PDDL: a plan from pyperplan (Alkhazraji et al., "Pyperplan", 2020; PyPI ``pyperplan``),
  greedy best-first search with the FF heuristic, run on the task's domain and problem
  files in a subprocess with a time limit. learnact's simulator then replays the plan; a
  plan that does not win is dropped.
* ALFWorld: the ``walkthrough`` (expert plan) a game file carries; the json_2.1.1 games in
  the new format carry one, the old-format games none (no demonstration then). The game
  replays it; one that does not win is dropped.

Any other family has no demonstrations. Every task that gets none is named, with why, in
`Demonstrations.missing`.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from learnact.envs.base import Episode, TaskFamily, TaskObject, repeated_problems
from learnact.errors import BadInput

__all__ = [
    "Demonstration",
    "Demonstrations",
    "WithDemonstrations",
    "demonstrations",
    "render_demonstration",
    "with_demonstrations",
]

PLANNER = "pyperplan gbf hff"
PLAN_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class Demonstration:
    """A winning command sequence for training task ``task``, and where it came from
    (`PLANNER` or ``"walkthrough"``)."""

    task: int
    commands: tuple[str, ...]
    origin: str


@dataclass
class Demonstrations:
    """The demonstrations found, in task order, and the tasks without one (task -> why)."""

    found: list[Demonstration] = field(default_factory=list)
    missing: dict[int, str] = field(default_factory=dict)


def demonstrable(family: TaskFamily, tasks: Sequence[int]) -> list[int]:
    """The ``tasks`` a demonstration may be taken of: neither in the test split nor holding
    a test task's problem (`learnact.envs.base.repeated_problems`), in order."""
    test = list(family.split.test)
    excluded = set(test) | set(repeated_problems(family, test, family, tasks))
    return [t for t in tasks if t not in excluded]


def demonstrations(
    family: TaskFamily, tasks: Sequence[int], *, timeout_s: float = PLAN_TIMEOUT_S
) -> Demonstrations:
    """A demonstration per task of ``tasks`` where one can be had (see the module
    docstring). Raises `BadInput` when a task is in the family's test split or holds a
    test task's problem (`demonstrable`; small generated sizes repeat problems): its
    demonstration would leak a test solution into learning or prompts."""
    leaked = sorted(set(tasks) - set(demonstrable(family, tasks)))
    if leaked:
        raise BadInput(
            f"no demonstrations of test problems: {family.name} tasks "
            f"{', '.join(map(str, leaked))} are in its test split or hold a test task's problem"
        )
    out = Demonstrations()
    for task in tasks:
        try:
            commands, origin = _solution(family, task, timeout_s)
        except _NoDemonstration as e:
            out.missing[task] = str(e)
            continue
        why = _replay(family, task, commands)
        if why is not None:
            out.missing[task] = why
            continue
        out.found.append(Demonstration(task, tuple(commands), origin))
    return out


def render_demonstration(family: TaskFamily, demo: Demonstration) -> str:
    """The demonstration as the agent's ``Goal:`` / ``Observation:`` / ``Action:`` lines,
    every observation the environment's own (the commands are replayed)."""
    episode = family.make_episode(demo.task)
    try:
        first = episode.reset()
        lines = [f"Goal: {first.goal}", f"Observation: {first.observation}"]
        for command in demo.commands:
            r = episode.step(command)
            lines += [f"Action: {family.as_call(command)}", f"Observation: {r.observation}"]
    finally:
        episode.close()
    return "\n".join(lines)


class _NoDemonstration(Exception):
    pass


def _solution(family: TaskFamily, task: int, timeout_s: float) -> tuple[list[str], str]:
    from learnact.envs.alfworld.families import AlfworldFamily
    from learnact.envs.pddl.families import PddlFamily

    if isinstance(family, PddlFamily):
        return _plan(*family.pddl_text(task), timeout_s=timeout_s), PLANNER
    path = family.tasks[task].path
    if isinstance(family, AlfworldFamily) and path:
        return _walkthrough(Path(path)), "walkthrough"
    raise _NoDemonstration(f"{family.name} has no source of demonstrations")


def _plan(domain: str, problem: str, *, timeout_s: float) -> list[str]:
    """pyperplan's plan (commands without parentheses) for the PDDL ``domain`` and
    ``problem``; `_NoDemonstration` when it finds none in ``timeout_s`` seconds or fails."""
    if importlib.util.find_spec("pyperplan") is None:  # a clear error, not a subprocess's
        raise BadInput(
            "demonstrations of PDDL tasks need pyperplan: pip install 'learnact[induce]'"
        )
    with tempfile.TemporaryDirectory(prefix="learnact-plan-") as tmp:
        d, p = Path(tmp) / "domain.pddl", Path(tmp) / "problem.pddl"
        d.write_text(domain, encoding="utf-8")
        p.write_text(problem, encoding="utf-8")
        cmd = [sys.executable, "-m", "pyperplan", "-s", "gbf", "-H", "hff", "-l", "error"]
        try:
            # pyperplan's search order follows set iteration, so its plan depends on the
            # string hash seed: pin it, or the same task gets a different demonstration
            # (and different induced actions) in each run.
            env = {**os.environ, "PYTHONHASHSEED": "0"}
            done = subprocess.run(
                [*cmd, str(d), str(p)], capture_output=True, text=True, timeout=timeout_s, env=env
            )
        except subprocess.TimeoutExpired as e:
            raise _NoDemonstration(f"pyperplan found no plan within {timeout_s:g} s") from e
        soln = Path(f"{p}.soln")
        if done.returncode != 0 or not soln.is_file():
            last = (done.stderr.strip().splitlines() or ["no plan"])[-1]
            raise _NoDemonstration(f"pyperplan failed: {last[:200]}")
        lines = soln.read_text(encoding="utf-8").splitlines()
    return [line.strip().strip("()").strip() for line in lines if line.strip().startswith("(")]


def _walkthrough(path: Path) -> list[str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise _NoDemonstration(f"cannot read {path}: {e}") from e
    walk = data.get("walkthrough") if isinstance(data, dict) else None
    if not isinstance(walk, list) or not walk or not all(isinstance(c, str) for c in walk):
        raise _NoDemonstration("the game file carries no walkthrough (old-format game)")
    return list(walk)


def _replay(family: TaskFamily, task: int, commands: list[str]) -> str | None:
    """Why ``commands`` is no demonstration of ``task`` (a step invalid, or no win); ``None``
    when it wins."""
    episode = family.make_episode(task)
    try:
        episode.reset()
        for i, command in enumerate(commands):
            r = episode.step(command)
            if not r.valid:
                return f"step {i + 1} ({command}) is invalid when replayed: {r.observation[:120]}"
            if r.won:
                return None
        return "the plan does not reach the goal when replayed"
    finally:
        episode.close()


class WithDemonstrations(TaskFamily):
    """``family`` as the acting agent sees it when given demonstrations in context: its
    worked example is followed by the demonstrations' real trajectories
    (``prompts/demonstrations.j2``). Everything else is ``family``'s own, so episodes,
    scoring and reports are unchanged. ``demos`` are rendered once, here."""

    def __init__(
        self,
        family: TaskFamily,
        demos: Sequence[Demonstration],
        source: TaskFamily | None = None,
    ) -> None:
        from learnact.prompts import render

        shown = source or family  # the family whose tasks the demonstrations solve

        self.inner = family
        self.name = family.name
        self.step_budget = family.step_budget
        self.state_observations = family.state_observations
        self.history_window = family.history_window
        self.decompose_creation = family.decompose_creation
        self.concurrency = family.concurrency
        self.demonstrations = list(demos)
        self._example = render(
            "demonstrations",
            example=family.example,
            demonstrations=[render_demonstration(shown, d) for d in self.demonstrations],
        )

    instruction = property(lambda self: self.inner.instruction)
    basic_actions = property(lambda self: self.inner.basic_actions)
    tasks = property(lambda self: self.inner.tasks)
    split = property(lambda self: self.inner.split)
    source = property(lambda self: self.inner.source)

    @property
    def example(self) -> str:
        """The family's worked example, then the demonstrations."""
        return self._example

    def make_episode(self, index: int) -> Episode:
        return self.inner.make_episode(index)

    def as_call(self, command: str) -> str:
        return self.inner.as_call(command)

    def is_read_only(self, command: str) -> bool:
        return self.inner.is_read_only(command)

    def task_objects(self, tasks: Sequence[int]) -> dict[str, TaskObject]:
        return self.inner.task_objects(tasks)

    def names_in(self, text: str, task: int) -> list[str]:
        return self.inner.names_in(text, task)

    def terms_in(self, text: str, task: int) -> list[str]:
        return self.inner.terms_in(text, task)

    def parameter_kinds(self, action: str) -> tuple[frozenset[str], ...] | None:
        return self.inner.parameter_kinds(action)

    def describe(self) -> dict[str, Any]:
        return self.inner.describe()


_CACHE: dict[tuple[str, str | None, tuple[int, ...]], Demonstrations] = {}
_CACHE_LOCK = threading.Lock()


def with_demonstrations(
    family: TaskFamily, tasks: Sequence[int], source: TaskFamily | None = None
) -> WithDemonstrations:
    """``family`` given the demonstrations of ``tasks`` of ``source`` (default: ``family``
    itself; in a transfer, the family the learner learned on, so that the baselines see
    the demonstrations learnact's induced actions came from), less the source's test tasks
    and the tasks holding a test task's problem of either family (`demonstrable`;
    computed once per process and family data; see `demonstrations`)."""
    src = source or family
    chosen = demonstrable(src, tasks)
    if src is not family:
        clash = set(repeated_problems(family, list(family.split.test), src, chosen))
        chosen = [t for t in chosen if t not in clash]
    key = (src.name, src.source.fingerprint, tuple(chosen))
    with _CACHE_LOCK:
        if key not in _CACHE:
            _CACHE[key] = demonstrations(src, chosen)
        found = _CACHE[key].found
    return WithDemonstrations(family, found, src)
