"""An experiment: families x methods x seeds, from CLI options or a TOML file (pydantic).

The schema, with a full example, is documented in docs/experiments.md. Everything here
that can change a result goes into the run's fingerprint (`learnact.runner.fingerprint`);
how the work is executed (executor, concurrency) does not.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from learnact.agents.methods import METHODS
from learnact.errors import BadInput

LEARNING_METHODS = ("learnact", "act-reflexion", "react-reflexion")

#: What one seed changes, said in every report.
SEED_VARIES = (
    "the sampling seed passed to the acting model (and to the learner's candidate sampling, "
    "which also uses distinct sample indices); the order in which training tasks are given "
    "to the learner and to Reflexion (the learner validates candidates on the first one); "
    "and the order in which test episodes are scheduled. The test tasks themselves are the "
    "same for every seed and every method."
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LearnSettings(_Strict):
    """The LearnAct learner (`learnact learn`), run once per family and seed."""

    candidates: int = Field(4, ge=1)
    rounds: int = Field(2, ge=0)
    train_tasks: str = "train"
    train_steps: int = Field(10, ge=1)
    temperature: float = Field(0.7, ge=0.0)
    max_fix_tries: int = Field(4, ge=0)
    max_tokens: int = Field(1024, ge=1)
    budget_calls: int | None = Field(None, ge=1)
    # "full": every candidate on every training task (the paper); "race": new candidates
    # play one task first and only the better half plays the rest (learning/learner.py).
    selection: Literal["full", "race"] = "full"
    race_keep: float = Field(0.5, gt=0.0, le=1.0)  # share of a race that plays on
    race_bar: bool = True  # a revision must match the previous best on the heat task
    # The repeat guard's retries in training episodes; unset: the experiment's repeat_retries.
    repeat_retries: int | None = Field(None, ge=0)
    early_stop: bool = False  # stop after a revision round that brings no gain


class FamilyEntry(_Strict):
    """One task family; ``methods`` / ``tasks`` override the experiment's for it."""

    name: str
    methods: list[str] | None = None
    tasks: str | None = None

    @field_validator("methods")
    @classmethod
    def _known(cls, v: list[str] | None) -> list[str] | None:
        if v is not None:
            _check_methods(v)
        return v


class Experiment(_Strict):
    name: str | None = None
    families: list[FamilyEntry] = Field(min_length=1)
    methods: list[str] = Field(min_length=1)
    tasks: str = "test"
    seeds: int | list[int] = 1
    model: str = "local:qwen2.5-coder-1.5b"
    learner_model: str | None = None
    data_dir: str | None = None
    max_steps: int | None = Field(None, ge=1)
    temperature: float = Field(0.0, ge=0.0)
    max_tokens: int = Field(128, ge=1)
    repeat_retries: int = Field(2, ge=0)  # the acting agents' repeat guard (agents/act.py)
    reflexion_rounds: int = Field(2, ge=1)
    reflexion_train_tasks: str = "train"
    learn: LearnSettings = Field(default_factory=LearnSettings)

    @field_validator("families", mode="before")
    @classmethod
    def _names(cls, v: Any) -> Any:
        if isinstance(v, list):
            return [{"name": x} if isinstance(x, str) else x for x in v]
        return v

    @field_validator("methods")
    @classmethod
    def _known(cls, v: list[str]) -> list[str]:
        return _check_methods(v)

    @field_validator("seeds")
    @classmethod
    def _seeds(cls, v: int | list[int]) -> int | list[int]:
        if isinstance(v, int) and v < 1:
            raise ValueError("seeds must be at least 1")
        if isinstance(v, list) and (not v or len(set(v)) != len(v)):
            raise ValueError("seeds must be a non-empty list of distinct integers")
        return v

    # --- views --------------------------------------------------------------------------
    @property
    def seed_list(self) -> list[int]:
        return list(range(self.seeds)) if isinstance(self.seeds, int) else list(self.seeds)

    @property
    def learner_spec(self) -> str:
        return self.learner_model or self.model

    def methods_for(self, family: FamilyEntry) -> list[str]:
        return list(family.methods if family.methods is not None else self.methods)

    def tasks_for(self, family: FamilyEntry) -> str:
        return family.tasks or self.tasks

    @property
    def all_methods(self) -> list[str]:
        seen: list[str] = []
        for f in self.families:
            for m in self.methods_for(f):
                if m not in seen:
                    seen.append(m)
        return [m for m in METHODS if m in seen]

    def canonical(self) -> dict[str, Any]:
        """The configuration as plain data, defaults filled in (for the fingerprint)."""
        return self.model_dump(mode="json")


def _check_methods(v: list[str]) -> list[str]:
    bad = [m for m in v if m not in METHODS]
    if bad:
        raise ValueError(f"unknown method(s) {', '.join(bad)}; choose from {', '.join(METHODS)}")
    if len(set(v)) != len(v):
        raise ValueError("a method is listed twice")
    return v


def parse_experiment(data: dict[str, Any], where: str = "experiment") -> Experiment:
    try:
        return Experiment.model_validate(data)
    except ValidationError as e:
        first = e.errors()[0]
        loc = ".".join(str(p) for p in first["loc"]) or "(top level)"
        msg = first["msg"].removeprefix("Value error, ")
        more = f" (and {e.error_count() - 1} more problem(s))" if e.error_count() > 1 else ""
        raise BadInput(f"{where}: {loc}: {msg}{more}") from e


def load_experiment(path: str | Path) -> Experiment:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as e:
        raise BadInput(f"cannot read experiment file {p}: {e.strerror or e}") from e
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise BadInput(f"{p}: not valid TOML: {e}") from e
    return parse_experiment(data, str(p))


def split_methods(text: str) -> list[str]:
    return [m.strip() for m in re.split(r"[,\s]+", text) if m.strip()]
