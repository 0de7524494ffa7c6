"""Environments: the task-family contract, the registry and the built-in families."""

from learnact.envs.base import (
    BasicAction,
    DataSource,
    Episode,
    EpisodeExecutor,
    ResetResult,
    Split,
    StepResult,
    TaskFamily,
    TaskSpec,
)

__all__ = [
    "BasicAction",
    "DataSource",
    "Episode",
    "EpisodeExecutor",
    "ResetResult",
    "Split",
    "StepResult",
    "TaskFamily",
    "TaskSpec",
]
