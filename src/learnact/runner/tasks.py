"""Choosing tasks: ``test``, ``train``, ``all``, ``first:N`` or a list such as ``0,3,5``."""

from __future__ import annotations

import random

from learnact.envs.base import TaskFamily
from learnact.errors import BadInput


def ordered(tasks: list[int], seed: int) -> list[int]:
    """Seed 0 keeps the canonical order; other seeds shuffle it (reproducibly)."""
    out = list(tasks)
    if seed != 0:
        random.Random(seed).shuffle(out)
    return out


def select_tasks(family: TaskFamily, spec: str) -> list[int]:
    """Task indices (0-based, canonical order) named by ``spec``."""
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
        return list(family.split.test)[: max(k, 0)]
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
