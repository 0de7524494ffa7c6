"""An experiment: families x methods x seeds, from CLI options or a TOML file (pydantic).

The schema, with a full example, is documented in docs/experiments.md. Everything here
that can change a result goes into the run's fingerprint (`learnact.runner.fingerprint`);
how the work is executed (executor, concurrency) does not.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from learnact.agents.act import AgentConfig
from learnact.agents.methods import METHODS, MethodSetup
from learnact.agents.turns import PromptStyle
from learnact.envs.base import TaskFamily
from learnact.errors import BadInput
from learnact.learning.creation import CreationConfig
from learnact.learning.induce import Source
from learnact.learning.learner import LearnConfig
from learnact.llm.spec import DEFAULT_MODEL
from learnact.runner.store import RunStore
from learnact.runner.tasks import ordered, select_tasks

LEARNING_METHODS = ("learnact", "act-reflexion", "react-reflexion")
# Learn settings only LearnAct's learner reads (Reflexion reads only the training tasks).
LEARNACT_OPTIONS = (
    "candidates",
    "rounds",
    "budget_calls",
    "budget_tokens",
    "induce",
    "checks",
    "selection",
)

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


_C, _L, _A = CreationConfig, LearnConfig, AgentConfig  # the one home of each default


class LearnSettings(_Strict):
    """The LearnAct learner (`learnact learn`), run once per family and seed.

    Defaults come from `CreationConfig` and `LearnConfig` (the learner's own)."""

    candidates: int = Field(_C.candidates, ge=1)
    rounds: int = Field(_L.rounds, ge=0)
    train_tasks: str = "train"
    train_steps: int = Field(_L.train_steps, ge=1)
    temperature: float = Field(_C.temperature, ge=0.0)
    max_fix_tries: int = Field(_C.max_fix_tries, ge=0)
    max_tokens: int = Field(_C.max_tokens, ge=1)
    describe_max_tokens: int = Field(_C.describe_max_tokens, ge=1)
    example_max_tokens: int = Field(_C.example_max_tokens, ge=1)
    # Revisions per round; unset: as many as there are candidates (the paper).
    revisions: int | None = Field(_L.revisions, ge=1)
    # Caps on each learner run's own LLM use (learner + actor; cached calls count).
    budget_calls: int | None = Field(_L.budget_calls, ge=1)
    budget_tokens: int | None = Field(_L.budget_tokens, ge=1)
    # "full": every candidate on every training task (the paper); "race": new candidates
    # play one task first and only the better half plays the rest (learning/learner.py).
    selection: Literal["full", "race"] = _L.selection  # type: ignore[assignment]
    race_keep: float = Field(_L.race_keep, gt=0.0, le=1.0)  # share of a race that plays on
    race_bar: bool = _L.race_bar  # a revision must match the previous best on the heat task
    # The repeat guard's retries in training episodes; unset: the experiment's repeat_retries.
    repeat_retries: int | None = Field(_L.train_repeat_retries, ge=0)
    early_stop: bool = _L.early_stop  # stop after a revision round that brings no gain
    # Static checks of learned code sent back to be fixed (learning/checks.py); [] none.
    checks: list[
        Literal[
            "hard_coded_names",
            "unused_parameters",
            "example_arguments",
            "impossible_steps",
            "endless_recursion",
        ]
    ] = Field(
        default_factory=lambda: list(_C.checks)  # type: ignore[arg-type]
    )
    # Induced actions (learning/induce.py): where Stitch takes action sequences from;
    # empty (the default): the paper's LLM-written actions only. "demonstrations" gives
    # the learner solutions of the training tasks (every report then says so).
    induce: list[Source] = Field(default_factory=list)
    induce_actions: int = Field(_L.induce_actions, ge=1)  # actions per induced candidate
    # Learn on this family spec (e.g. "pddl-gen/gripper[size=2,tasks=13]") and evaluate that
    # library on every family of the same domain; unset: each family learns on its own.
    family: str | None = None


class FamilyEntry(_Strict):
    """One task family; ``methods`` / ``tasks`` override the experiment's for it."""

    name: str
    methods: list[str] | None = None
    tasks: str | None = None
    learn_family: str | None = None  # learnact's library comes from this family's learner

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
    model: str = DEFAULT_MODEL
    learner_model: str | None = None
    data_dir: str | None = None
    max_steps: int | None = Field(None, ge=1)
    temperature: float = Field(_A.temperature, ge=0.0)
    max_tokens: int = Field(_A.max_tokens, ge=1)
    repeat_retries: int = Field(_A.repeat_retries, ge=0)  # the repeat guard (agents/act.py)
    # Constrained acting for every step-wise method (agents/grammar.py): answers decoded
    # under a grammar of known calls; needs local: or a server with a grammar field.
    constrained: bool = _A.constrained
    # The acting prompt's layout for every step-wise method (agents/turns.py): "text" (the
    # paper's) or "turns" (example and history as chat turns).
    prompt_style: PromptStyle = _A.prompt_style
    # Learned actions listed before the basic actions in the acting prompt (agents/act.py).
    learned_first: bool = _A.learned_first
    reflexion_rounds: int = Field(MethodSetup.reflexion_rounds, ge=1)
    reflexion_train_tasks: str = "train"
    # Learning on test tasks is refused unless this is set; every report then says so.
    allow_train_test_overlap: bool = False
    # Every method but learnact sees demonstrations of the training tasks as in-context
    # examples (learning/demonstrations.py), the same ones learn.induce may use; every
    # report says so (docs/learning.md, "Induced actions").
    baseline_demonstrations: bool = False
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
        """The seeds to run: ``0 .. seeds-1`` for a count, else the list as given."""
        return list(range(self.seeds)) if isinstance(self.seeds, int) else list(self.seeds)

    @property
    def learner_spec(self) -> str:
        """The learner's model spec: ``learner_model``, else the acting ``model``."""
        return self.learner_model or self.model

    def methods_for(self, family: FamilyEntry) -> list[str]:
        """The methods run on ``family``: its own list, else the experiment's."""
        return list(family.methods if family.methods is not None else self.methods)

    def tasks_for(self, family: FamilyEntry) -> str:
        """The test-task selection for ``family`` (`learnact.runner.tasks.select_tasks` syntax): its
        own, else the experiment's."""
        return family.tasks or self.tasks

    def learn_family_for(self, family: FamilyEntry | str) -> str:
        """The family whose learner gives ``family`` its learnact library: its own
        ``learn_family``, else ``learn.family``, else the family itself."""
        entry = family if isinstance(family, FamilyEntry) else self.entry(family)
        return entry.learn_family or self.learn.family or entry.name

    def entry(self, name: str) -> FamilyEntry:
        """The family entry called ``name`` (`BadInput` if there is none)."""
        for f in self.families:
            if f.name == name:
                return f
        raise BadInput(f"no family {name!r} in this experiment")

    @property
    def all_methods(self) -> list[str]:
        """Every method run on some family, in `METHODS` order."""
        seen: list[str] = []
        for f in self.families:
            for m in self.methods_for(f):
                if m not in seen:
                    seen.append(m)
        return [m for m in METHODS if m in seen]

    def agent_config(self, seed: int) -> AgentConfig:
        """The acting agents' settings for one seed (test episodes and training)."""
        return AgentConfig(
            max_steps=self.max_steps,
            temperature=self.temperature,
            max_tokens=self.max_tokens,
            seed=seed,
            repeat_retries=self.repeat_retries,
            constrained=self.constrained,
            prompt_style=self.prompt_style,
            learned_first=self.learned_first,
        )

    def learn_config(self, family: TaskFamily, seed: int) -> LearnConfig:
        """The learner's settings for ``family`` and ``seed``: training tasks selected by
        ``learn.train_tasks`` in the seed's order (`BadInput` for a bad selection)."""
        s = self.learn
        return LearnConfig(
            creation=CreationConfig(
                candidates=s.candidates,
                max_fix_tries=s.max_fix_tries,
                temperature=s.temperature,
                seed=seed,
                max_tokens=s.max_tokens,
                describe_max_tokens=s.describe_max_tokens,
                example_max_tokens=s.example_max_tokens,
                checks=tuple(s.checks),
            ),
            train_tasks=ordered(select_tasks(family, s.train_tasks, "train"), seed),
            train_steps=s.train_steps,
            rounds=s.rounds,
            revisions=s.revisions,
            budget_calls=s.budget_calls,
            budget_tokens=s.budget_tokens,
            agent=self.agent_config(seed),
            selection=s.selection,
            race_keep=s.race_keep,
            race_bar=s.race_bar,
            train_repeat_retries=s.repeat_retries,
            early_stop=s.early_stop,
            induce=tuple(s.induce),
            induce_actions=s.induce_actions,
        )

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
    """``data`` (e.g. a parsed TOML file) validated as an `Experiment`. Raises `BadInput` naming
    ``where``, the first bad field and how many other problems there are."""
    try:
        return Experiment.model_validate(data)
    except ValidationError as e:
        first = e.errors()[0]
        loc = ".".join(str(p) for p in first["loc"]) or "(top level)"
        msg = first["msg"].removeprefix("Value error, ")
        more = f" (and {e.error_count() - 1} more problem(s))" if e.error_count() > 1 else ""
        raise BadInput(f"{where}: {loc}: {msg}{more}") from e


def load_experiment(path: str | Path) -> Experiment:
    """The `Experiment` of the TOML file ``path`` (schema: docs/experiments.md). Raises `BadInput`
    when it cannot be read, is not TOML or is not a valid experiment."""
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


def compose_experiment(
    *,
    options: dict[str, Any],
    learn_options: dict[str, Any] | None = None,
    file: str | Path | None = None,
    resume: str | Path | None = None,
) -> Experiment:
    """The experiment of a command line: ``options`` (top-level fields; ``None`` values
    are not given) and ``learn_options`` (fields of ``learn``) override the experiment
    ``file`` (TOML), else the stored experiment of the run directory ``resume``, else
    the defaults. Raises `BadInput` for a bad file or a result that is not a valid
    experiment, when neither a file nor families and methods say what to run, and when
    ``learn_options`` set one of LearnAct's own settings (`LEARNACT_OPTIONS`) for an
    experiment without the ``learnact`` method (it would be stored and do nothing)."""
    given = {k: v for k, v in options.items() if v is not None}
    learn = {k: v for k, v in (learn_options or {}).items() if v is not None}
    base: dict[str, Any]
    if resume is not None and file is None:
        base = stored_experiment(resume).canonical()
    elif file is not None:
        base = load_experiment(file).model_dump(exclude_unset=True)
    else:
        base = {}
        if not given.get("families") or not given.get("methods"):
            raise BadInput("name the families and --methods (or give --experiment FILE)")
    data = {**base, **given}
    if learn:
        data["learn"] = {**dict(data.get("learn") or {}), **learn}
    exp = parse_experiment(data, str(file) if file else "options")
    unused = [k for k in LEARNACT_OPTIONS if k in learn]
    if unused and "learnact" not in exp.all_methods:
        flags = ", ".join(f"--{k.replace('_', '-')}" for k in unused)
        raise BadInput(
            f"{flags}: LearnAct's own setting, and no method run learns actions "
            f"(methods: {', '.join(exp.all_methods)}); add learnact to --methods or leave it out"
        )
    return exp


def stored_experiment(run_dir: str | os.PathLike[str]) -> Experiment:
    """The experiment a run directory was started with (`BadInput` if it has none)."""
    with RunStore(Path(run_dir)) as store:
        config = store.get_meta("config")
    if config is None:
        raise BadInput(f"{run_dir}: the run store holds no configuration")
    return parse_experiment(config, f"{run_dir} (stored configuration)")


def split_methods(text: str) -> list[str]:
    """Method names from a comma- or space-separated list (``"act, learnact"``); not checked against
    `METHODS`."""
    return [m.strip() for m in re.split(r"[,\s]+", text) if m.strip()]
