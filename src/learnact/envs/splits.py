"""Train/test splits: the paper's when the files are the known benchmark set, else seeded."""

from __future__ import annotations

import random
from collections.abc import Sequence

from learnact.envs.base import Split

DEFAULT_SEED = 0
DEFAULT_TRAIN = 3  # the paper trains on 3 tasks per task type


def paper_split(n_tasks: int, train: Sequence[int]) -> Split:
    """The paper's split: the 0-based indices ``train`` (from a known file set; the LearnAct paper
    trains on 3 tasks per task type) for training, every other task for testing. `ValueError` when
    an index is not below ``n_tasks``."""
    train_t = tuple(train)
    if any(i < 0 or i >= n_tasks for i in train_t):
        raise ValueError(f"train index out of range for {n_tasks} tasks: {train_t}")
    test = tuple(i for i in range(n_tasks) if i not in set(train_t))
    return Split(train=train_t, test=test, kind="paper")


def seeded_split(n_tasks: int, n_train: int = DEFAULT_TRAIN, seed: int = DEFAULT_SEED) -> Split:
    """A reproducible split: ``n_train`` tasks drawn with ``seed``, the rest are test tasks.

    With fewer than two tasks there is nothing to hold out, so everything is a test task.
    """
    if n_tasks < 2:
        return Split(train=(), test=tuple(range(n_tasks)), kind="seeded", seed=seed)
    k = min(n_train, n_tasks - 1)
    train = tuple(sorted(random.Random(seed).sample(range(n_tasks), k)))
    test = tuple(i for i in range(n_tasks) if i not in set(train))
    return Split(train=train, test=test, kind="seeded", seed=seed)
