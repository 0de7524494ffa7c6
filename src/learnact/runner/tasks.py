"""Choosing tasks: ``test``, ``train``, ``all``, ``first:N`` or a list such as ``0,3,5``,
and keeping the tasks a run learns on apart from the tasks it tests on.

A selection is relative to the split it selects from: ``first:N`` is the first N test
tasks where test tasks are chosen, and the first N *training* tasks where training tasks
are chosen (`learnact learn --train-tasks`, ``learn.train_tasks``,
``reflexion_train_tasks``). Explicit indices name tasks of the whole family, so they can
cross the split: `check_disjoint` refuses a run whose training and test tasks overlap, or
whose test tasks repeat a training problem (a small generated size repeats problems).
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from typing import Literal

from learnact.envs.base import TaskFamily, listed, repeated_problems
from learnact.errors import BadInput

Split = Literal["train", "test"]


def ordered(tasks: list[int], seed: int) -> list[int]:
    """Seed 0 keeps the canonical order; other seeds shuffle it (reproducibly)."""
    out = list(tasks)
    if seed != 0:
        random.Random(seed).shuffle(out)
    return out


def select_tasks(family: TaskFamily, spec: str, among: Split = "test") -> list[int]:
    """Task indices (0-based, in the family's canonical order) named by ``spec``.

    ``among`` is the split a relative selection (``first:N``) picks from: ``"test"`` for
    the tasks a method is evaluated on, ``"train"`` for the tasks it learns on. Raises
    `BadInput` for a malformed selection or an index out of range.
    """
    spec = spec.strip()
    n = len(family.tasks)
    if spec == "test":
        return list(family.split.test)
    if spec == "train":
        return list(family.split.train)
    if spec == "all":
        return list(range(n))
    if spec.startswith("first:"):
        try:
            k = int(spec.split(":", 1)[1])
        except ValueError as e:
            raise BadInput(f"bad task selection {spec!r}: expected first:N") from e
        pool = family.split.train if among == "train" else family.split.test
        return list(pool)[: max(k, 0)]
    try:
        indices = [int(part) for part in spec.split(",") if part.strip()]
    except ValueError as e:
        raise BadInput(
            f"bad task selection {spec!r}: use test, train, all, first:N or indices like 0,3,5"
        ) from e
    bad = [i for i in indices if not 0 <= i < n]
    if bad:
        raise BadInput(f"task index out of range for {family.name} (0..{n - 1}): {bad}")
    return indices


class TrainTestOverlap(BadInput):
    """The tasks a run learns on include tasks it is tested on (exit 2)."""


def check_disjoint(
    family: TaskFamily,
    train: Iterable[int],
    test: Iterable[int],
    *,
    what: str = "training",
    allow: bool = False,
) -> list[int]:
    """The test tasks that are ``train`` tasks or hold the same problem as one (sorted,
    each once; `learnact.envs.base.repeated_problems`). Raises `TrainTestOverlap` naming
    both kinds (tasks in both by index and name, repeats by index) unless ``allow`` (the
    user opted in; the caller records it)."""
    train = list(train)
    test = list(test)
    same = sorted(set(train) & set(test))
    repeats = sorted(set(repeated_problems(family, train, family, test)) - set(same))
    if (same or repeats) and not allow:
        found = []
        if same:
            named = [f"{i} ({family.tasks[i].name})" for i in same]
            found.append(f"the {what} tasks include test tasks {listed(named)}")
        if repeats:
            found.append(f"test tasks {listed(repeats)} hold the same problems as {what} tasks")
        raise TrainTestOverlap(
            f"{family.name}: {' and '.join(found)}; learning on held-out problems makes the "
            "results meaningless. Choose other tasks, or opt in with "
            "--allow-train-test-overlap (TOML: allow_train_test_overlap = true), which every "
            "report then states"
        )
    return sorted(set(same) | set(repeats))


def example_repeats(family: TaskFamily, test: Iterable[int], *, allow: bool = False) -> list[int]:
    """The ``test`` tasks that hold the worked example's own problem
    (`TaskFamily.example_problem`; every method sees its solution in its prompt), sorted.
    Raises `TrainTestOverlap` naming them unless ``allow`` (the caller records it)."""
    found = family.example_tasks(sorted(set(test)))
    if found and not allow:
        raise TrainTestOverlap(
            f"{family.name}: test task{'s' if len(found) > 1 else ''} {listed(found)} "
            f"hold{'' if len(found) > 1 else 's'} the worked example's own problem, "
            "whose solution every method sees in its prompt; choose other tasks (another size "
            "or seed), or opt in with --allow-train-test-overlap (TOML: "
            "allow_train_test_overlap = true), which every report then states"
        )
    return found
