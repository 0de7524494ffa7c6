"""The environment contract shared by agents, the learner and user environments.

A `TaskFamily` (e.g. ``pddl/gripper``) describes a kind of task: the instruction
shown to the agent, its basic actions, one worked example, and an ordered list of
tasks with a disjoint train/test split. `TaskFamily.make_episode(i)` gives a fresh,
independent `Episode` for task ``i``: ``reset()`` then ``step(command)`` until
``won`` or the step budget runs out. ``won`` means the goal was reached; running
out of steps is *not* winning.

A user environment only needs to subclass `TaskFamily` and `Episode` (see
docs/environments.md for a complete example) and register itself.
"""

from __future__ import annotations

import ast
import functools
import keyword
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# "mug 1", "countertop 12", "ball1": how object names look in generic observations.
_OBJECT_LIKE = re.compile(r"\b[a-z][a-z_-]*(?: \d+\b|\d+\b)")


@dataclass(frozen=True)
class BasicAction:
    """One basic action: a Python function name the agent calls and the command it becomes.

    ``command`` is a template over the parameter names, e.g. ``"pick {obj} {room} {gripper}"``
    for ``pick(obj, room, gripper)``.
    """

    name: str
    params: tuple[str, ...]
    doc: str
    command: str
    # Only looks (inventory, look, examine): a learned call that runs nothing else has
    # done nothing, however valid (learning/scoring.py).
    read_only: bool = False

    def __post_init__(self) -> None:
        if not _IDENT.match(self.name) or keyword.iskeyword(self.name):
            raise ValueError(f"basic action name {self.name!r} is not a Python identifier")
        for p in self.params:
            if not _IDENT.match(p) or keyword.iskeyword(p):
                # e.g. PDDL's ?from must become from_: stubs are real Python functions
                raise ValueError(f"parameter {p!r} of {self.name} is not a usable Python name")

    @property
    def signature(self) -> str:
        """The call as the agent sees it, e.g. ``pick(obj, room, gripper)``."""
        return f"{self.name}({', '.join(self.params)})"

    def to_command(self, *args: Any) -> str:
        """The environment command of a call: ``command`` with each parameter replaced by
        ``str(arg)``, e.g. ``pick('ball1', 'rooma', 'left')`` -> ``pick ball1 rooma left``.
        `TypeError` when the number of arguments is wrong."""
        if len(args) != len(self.params):
            raise TypeError(f"{self.name}() takes {len(self.params)} arguments ({len(args)} given)")
        return self.command.format(**{p: str(a) for p, a in zip(self.params, args, strict=True)})

    def to_dict(self) -> dict[str, Any]:
        """The action as JSON data (``learnact envs --json``)."""
        return {
            "name": self.name,
            "params": list(self.params),
            "doc": self.doc,
            "command": self.command,
            "read_only": self.read_only,
        }


@dataclass(frozen=True)
class ResetResult:
    observation: str
    goal: str


@dataclass(frozen=True)
class StepResult:
    """What one environment command did.

    ``progress`` is the best-so-far fraction of goal conditions satisfied, where the
    family reports one (PDDL), else ``None``.
    """

    observation: str
    valid: bool
    won: bool
    progress: float | None = None


@dataclass(frozen=True)
class TaskSpec:
    """One task of a family. ``index`` numbers tasks from 0 in canonical (sorted path) order.

    ``sha256`` is the hash of the task's file (or generated text); ``problem``, where set,
    identifies the problem however it is written (generated PDDL: a hash of its objects,
    initial facts and goal facts as sets, so two tasks that list the same goal in another
    order are one problem). Train/test checks use `same_problem`."""

    index: int
    name: str
    path: str | None = None
    sha256: str | None = None
    problem: str | None = None

    @property
    def identity(self) -> frozenset[str]:
        """What identifies the problem: its ``problem`` hash and its file hash, each where
        known (empty when neither is: such a task is the same problem as no other)."""
        return frozenset(
            k for k in (f"problem:{self.problem}" if self.problem else None, self.sha256) if k
        )

    def same_problem(self, other: TaskSpec) -> bool:
        """Whether ``other`` holds this task's problem: the same problem hash or the same
        file bytes."""
        return bool(self.identity & other.identity)


def listed(items: Sequence[object]) -> str:
    """``items`` for a message: ``a, b, c``, at most 8, then how many more."""
    more = f" and {len(items) - 8} more" if len(items) > 8 else ""
    return ", ".join(map(str, items[:8])) + more


def repeated_problems(
    source: TaskFamily, train: Sequence[int], target: TaskFamily, test: Sequence[int]
) -> list[int]:
    """The ``test`` tasks of ``target`` that hold the problem of a ``train`` task of
    ``source`` (`TaskSpec.same_problem`), in the order of ``test``, each once. Tasks of
    unknown identity are never counted."""
    seen: set[str] = set()
    for i in train:
        seen |= source.tasks[i].identity
    return list(dict.fromkeys(i for i in test if target.tasks[i].identity & seen))


@dataclass(frozen=True)
class Split:
    """A disjoint train/test split over task indices.

    ``kind`` is ``"paper"`` when the family's files match a known benchmark file set and
    the paper's train indices apply, else ``"seeded"`` (chosen with ``seed``).
    """

    train: tuple[int, ...]
    test: tuple[int, ...]
    kind: Literal["paper", "seeded", "custom"]
    seed: int | None = None

    def __post_init__(self) -> None:
        overlap = set(self.train) & set(self.test)
        if overlap:
            raise ValueError(f"train and test tasks overlap: {sorted(overlap)}")

    def to_dict(self) -> dict[str, Any]:
        """The split as JSON data: ``train`` and ``test`` index lists, ``kind``, ``seed``."""
        return {
            "train": list(self.train),
            "test": list(self.test),
            "kind": self.kind,
            "seed": self.seed,
        }


@dataclass(frozen=True)
class DataSource:
    """Where a family's tasks came from, recorded in every result."""

    path: str | None
    description: str
    known_set: str | None = None  # e.g. "agentboard@bb7255e" when the files match a known set
    fingerprint: str | None = None  # sha256 over the sorted (name, sha256) of all task files
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        """The source as JSON data (recorded in every episode and result)."""
        return {
            "path": self.path,
            "description": self.description,
            "known_set": self.known_set,
            "fingerprint": self.fingerprint,
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class Impossible:
    """Step ``index`` (0-based) of a sequence of basic-action calls over parameters can
    never run after the steps before it (``kind="never_runs"``) or changes nothing
    whenever it runs (``"changes_nothing"``); ``reason`` says why in words. See
    `TaskFamily.impossible_step`."""

    index: int
    kind: Literal["never_runs", "changes_nothing"]
    reason: str


@dataclass(frozen=True)
class TaskObject:
    """An object that tasks of a family name, as the learner's checks of learned code see it
    (`learnact.learning.checks`).

    ``kinds`` are its types with their super-types (PDDL), empty when the family does not
    know them. ``fixed`` is true for an object every task has alike (gripper's ``left`` and
    ``right`` grippers, a domain constant): learned code may name it; a task's own object
    (``ball1``) belongs in a parameter.
    """

    name: str
    kinds: frozenset[str] = frozenset()
    fixed: bool = False


#: What an environment answers to an action it cannot apply (AgentBoard's wording, used
#: by every built-in family and by the agents' own "not valid" observations).
NOT_VALID = "The action is not valid and therefore takes no effect."
#: The environment command that lists the commands applicable now (AgentBoard's
#: "check valid actions"; agents call it as ``check_valid_actions()``).
CHECK_VALID_COMMAND = "check valid actions"


class Episode(ABC):
    """One play-through of one task. Not shared between concurrent episodes."""

    @abstractmethod
    def reset(self) -> ResetResult:
        """Start (or restart) the task; returns the first observation and the goal text."""

    @abstractmethod
    def step(self, command: str) -> StepResult:
        """Apply one environment command. An invalid command leaves the state unchanged."""

    def valid_actions(self) -> list[str] | None:
        """Commands applicable now (the agent-level ``check valid actions``), if known."""
        return None

    def state_key(self) -> Hashable | None:
        """A value equal for equal states of this episode (PDDL: the set of true facts), or
        ``None`` when the family cannot tell. The agents' repeat guard treats a valid call
        that leaves it unchanged like a failed one (it did nothing)."""
        return None

    @property
    def progress(self) -> float | None:
        """Best-so-far progress rate in [0, 1], if this family reports one."""
        return None

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release resources (game engines, files)."""


class EpisodeExecutor:
    """The callback through which a sandboxed run steps an episode's basic actions.

    Called with one environment command, it returns ``(observation, valid)`` and keeps
    ``won`` (the goal was reached by any command so far) and ``progress`` (the last
    progress rate the environment reported, or ``None``). Once the goal is reached no
    further command reaches the environment ("sticky success"): a learned action that
    goes on after winning must not undo the win.
    """

    REACHED = "The goal is already reached."

    def __init__(self, episode: Episode) -> None:
        self.episode = episode
        self.won = False
        self.progress: float | None = None

    def __call__(self, command: str) -> tuple[str, bool]:
        if self.won:
            return self.REACHED, True
        r = self.episode.step(command)
        self.won = self.won or r.won
        if r.progress is not None:
            self.progress = r.progress
        return r.observation, r.valid


@functools.cache
def _template_pattern(template: str) -> re.Pattern[str]:
    """``"pick {obj} {room}"`` -> a pattern whose groups are the arguments."""
    parts = re.split(r"\{\w+\}", template)
    # Arguments parted by spaces alone are single words (PDDL objects); between words such
    # as "from" or "with" they may hold spaces ('mug 1').
    spaced = len(parts) > 2 and all(not p.strip() for p in parts[1:-1])
    return re.compile((r"(\S+)" if spaced else "(.+?)").join(re.escape(p) for p in parts))


class TaskFamily(ABC):
    """A kind of task with its prompts, basic actions and tasks."""

    #: registered name, e.g. ``"pddl/gripper"``
    name: str
    #: default step budget of an episode at test time
    step_budget: int = 30
    #: True when every valid observation describes the whole state (PDDL): the agent then
    #: shows a learned call's last observation; False when observations are events
    #: (ALFWorld): the agent shows all the observations a learned call produced.
    state_observations: bool = True
    #: Action/Observation entries the acting agent sees (20 for PDDL, 50 for ALFWorld,
    #: whose observations are short events)
    history_window: int = 20
    #: True when the learner should ask for new actions with the paper's "decompose"
    #: creation prompt (sub-goals first, then functions; the paper's ALFWorld setting)
    decompose_creation: bool = False
    #: What episodes of this family can do at the same time in one process:
    #: ``"threads"``: each episode has its own state; any number may run in threads.
    #: ``"serialized"``: the family serializes its engine calls itself (a lock), so
    #: threads are safe but engine work does not overlap (ALFWorld's TextWorld engine).
    #: ``"process"``: at most one episode per process at a time; the executors run at
    #: most one unit of the family at once in a process, and the learner plays its
    #: training episodes one after another.
    concurrency: Literal["threads", "serialized", "process"] = "threads"

    @property
    @abstractmethod
    def instruction(self) -> str:
        """What the agent is told about the environment (not a particular task's goal)."""

    @property
    @abstractmethod
    def basic_actions(self) -> list[BasicAction]:
        """The actions the agent may call: Python function names with parameters, and the
        environment command each becomes."""
        ...

    @property
    @abstractmethod
    def example(self) -> str:
        """One worked example trajectory, in the agent's Action/Observation format."""

    @property
    def example_problem(self) -> str | None:
        """The worked example's problem as a `TaskSpec.problem` hash, where the family can
        tell (a task with this hash is the example's own problem, whose solution every
        method sees in its prompt); ``None`` otherwise."""
        return None

    def example_tasks(self, indices: Iterable[int]) -> list[int]:
        """Those of ``indices`` whose task is the worked example's own problem, in order:
        here, tasks whose ``problem`` hash is `example_problem`. Families that can
        recognise the example's problem otherwise (PDDL files) override it."""
        example = self.example_problem
        return [i for i in indices if example is not None and self.tasks[i].problem == example]

    @property
    @abstractmethod
    def tasks(self) -> list[TaskSpec]:
        """Every task, numbered from 0 in canonical order (sorted file paths for data on disk)."""
        ...

    @property
    @abstractmethod
    def split(self) -> Split:
        """The disjoint train/test split over task indices (the paper's when the data is a known
        set)."""
        ...

    @property
    @abstractmethod
    def source(self) -> DataSource:
        """Where the tasks came from; recorded in every result."""
        ...

    @abstractmethod
    def make_episode(self, index: int) -> Episode:
        """A fresh episode of task ``index`` (raises `IndexError`-like `BadInput` if out of range)."""

    def check_task(self, index: int, count: int | None = None) -> None:
        """Raise `BadInput` (exit 2) unless ``index`` names one of the ``count`` tasks
        (default: ``len(self.tasks)``)."""
        from learnact.errors import BadInput

        n = len(self.tasks) if count is None else count
        if not 0 <= index < n:
            raise BadInput(f"task index {index} out of range: {self.name} has tasks 0..{n - 1}")

    def as_call(self, command: str) -> str:
        """An environment command (e.g. from ``valid_actions()``) as the basic-action call
        the agent writes, ``pick ball1 rooma left`` -> ``pick('ball1', 'rooma', 'left')``;
        the command itself when no basic action's template fits it."""
        found = self._basic_action_of(command)
        if found is None:
            return command
        action, args = found
        return f"{action.name}({', '.join(repr(v) for v in args)})"

    def is_read_only(self, command: str) -> bool:
        """Whether environment ``command`` is a read-only basic action (it changes nothing)."""
        found = self._basic_action_of(command)
        return found is not None and found[0].read_only

    def _basic_action_of(self, command: str) -> tuple[BasicAction, tuple[str, ...]] | None:
        """The first basic action whose command template fits ``command``, and its arguments."""
        text = " ".join(command.split())
        for a in self.basic_actions:
            if m := _template_pattern(a.command).fullmatch(text):
                return a, m.groups()
        return None

    def task_objects(self, tasks: Sequence[int]) -> dict[str, TaskObject]:
        """The objects of ``tasks`` and of the worked example, by name, that learned code is
        checked against (a task's own object hard-coded where a parameter belongs; an
        example call's argument of the wrong kind). This default knows only the string
        arguments of the calls in `example` (kinds unknown, none fixed); families that know
        their tasks' objects say more (PDDL: problem objects, their types, and which are
        the same in every task)."""
        return {n: TaskObject(n) for n in example_arguments(self.example)}

    def names_in(self, text: str, task: int) -> list[str]:
        """The object names that ``text`` (task ``task``'s goal and observations so far)
        mentions, in order of first mention: the arguments a constrained agent may write
        (`learnact.agents.grammar`). This default takes the words written like objects:
        a word and a number (ALFWorld's ``mug 1``) or a word ending in digits (``ball1``).
        Families that know their objects say exactly (PDDL: the task's objects)."""
        found = _OBJECT_LIKE.findall(text)
        return list(dict.fromkeys(" ".join(f.split()) for f in found))

    def terms_in(self, text: str, task: int) -> list[str]:
        """Words of ``text`` (as for `names_in`) that name no object but that a learned
        action may take as an argument, in order of first mention (a constrained agent may
        pass them to learned actions only, `learnact.agents.grammar`). This default: none.
        ALFWorld: object types (``mug`` for ``mug 1``; the goal's ``saltshaker``)."""
        return []

    def impossible_step(
        self, calls: Sequence[tuple[str, Sequence[str]]], show: Callable[[int], str]
    ) -> Impossible | None:
        """The first of ``calls`` (basic action, arguments) that can never run after the
        ones before it in any state, or that changes nothing whenever it runs; an argument
        starting with ``?`` is a parameter that may name any object, others are object
        names. ``show(i)`` renders call ``i`` for the reason. ``None`` when every call may
        run, or when the family cannot tell (this default; PDDL families reason over their
        action schemas, `learnact.envs.pddl.sequences`)."""
        return None

    def parameter_kinds(self, action: str) -> tuple[frozenset[str], ...] | None:
        """The kinds of object each parameter of basic action ``action`` takes (an empty set:
        any), or ``None`` when the family does not know them (this default). PDDL: the
        parameter types of the action schema."""
        return None

    def action(self, name: str) -> BasicAction | None:
        """The basic action called ``name``, or ``None``."""
        for a in self.basic_actions:
            if a.name == name:
                return a
        return None

    def describe(self) -> dict[str, Any]:
        """The JSON record `learnact envs --json` prints for this family."""
        return {
            "name": self.name,
            "tasks": len(self.tasks),
            "train": list(self.split.train),
            "test": list(self.split.test),
            "split": self.split.kind,
            "split_seed": self.split.seed,  # None for the paper's split
            "step_budget": self.step_budget,
            "source": self.source.to_dict(),
            "basic_actions": [a.to_dict() for a in self.basic_actions],
        }


def example_arguments(example: str) -> list[str]:
    """The string arguments of the calls on the ``Action:`` lines of a worked example, in
    order of first use: ``Action: pick('ball1', 'rooma', 'left')`` -> ``ball1, rooma, left``."""
    out: dict[str, None] = {}
    for line in example.splitlines():
        if not line.startswith("Action:"):
            continue
        try:
            node = ast.parse(line.split(":", 1)[1].strip(), mode="eval").body
        except SyntaxError:
            continue
        if isinstance(node, ast.Call):
            for arg in node.args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    out.setdefault(arg.value)
    return list(out)
