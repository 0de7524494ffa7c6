"""The quickstart experiment: learn actions on a few training tasks, then evaluate
LearnAct against Act on a few held-out tasks, and write ``report.json``.

Sized by a `Profile`; the "quick" profile fits a laptop CPU and is not the paper's
setting. `learnact quickstart` is this with a live view.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from learnact.agents.act import AgentConfig
from learnact.agents.context import StepSandbox
from learnact.agents.methods import MethodSetup
from learnact.agents.trajectory import EpisodeRecord
from learnact.envs.base import TaskFamily
from learnact.learning.creation import CreationConfig
from learnact.learning.learner import LearnConfig, LearnResult
from learnact.library import ActionLibrary
from learnact.llm.model import Model
from learnact.llm.run import ChatModel, RunModel
from learnact.runner.evaluate import evaluate, write_json_atomic
from learnact.runner.learn import learn_library


@dataclass(frozen=True)
class Profile:
    """The size of a quickstart: learner settings, tasks and step budgets."""

    name: str
    family: str
    candidates: int
    rounds: int
    train_tasks: int
    test_tasks: int
    train_steps: int
    test_steps: int
    max_tokens: int
    revisions: int
    describe_tokens: int
    example_tokens: int

    def describe(self) -> str:
        """One line saying how big this profile is (printed before a quickstart)."""
        return (
            f"profile '{self.name}': {self.candidates} candidates, {self.rounds} round(s) of "
            f"{self.revisions} revision(s), "
            f"{self.train_tasks} training and {self.test_tasks} test tasks of {self.family}, "
            f"step budgets {self.train_steps} (training) / {self.test_steps} (test)"
        )

    def learn_config(self, train_tasks: list[int]) -> LearnConfig:
        """The learner settings of this profile, learning on ``train_tasks`` (0-based)."""
        return LearnConfig(
            creation=CreationConfig(
                candidates=self.candidates,
                max_tokens=self.max_tokens,
                describe_max_tokens=self.describe_tokens,
                example_max_tokens=self.example_tokens,
            ),
            train_tasks=train_tasks,
            train_steps=self.train_steps,
            rounds=self.rounds,
            revisions=self.revisions,
        )


QUICK = Profile(
    name="quick",
    family="pddl-gen/gripper[size=3,tasks=10]",
    candidates=2,
    rounds=1,
    train_tasks=2,
    test_tasks=3,
    train_steps=6,
    test_steps=12,
    max_tokens=500,
    revisions=1,
    describe_tokens=120,
    example_tokens=250,
)


@dataclass
class QuickstartResult:
    """What a quickstart produced: the learner's result, the library (``None`` when no
    candidate passed validation), the evaluation results per method
    (`learnact.runner.evaluate.evaluate`) and the report written to ``report.json``."""

    learned: LearnResult
    library: ActionLibrary | None
    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    report: dict[str, Any] = field(default_factory=dict)


def run_quickstart(
    family: TaskFamily,
    model: ChatModel,
    sandbox: StepSandbox,
    out_dir: str | os.PathLike[str],
    *,
    profile: Profile = QUICK,
    on_learn_event: Callable[[int, dict[str, Any]], None] | None = None,
    on_episode: Callable[[str, EpisodeRecord], None] | None = None,
    say: Callable[[str], None] = lambda _line: None,
) -> QuickstartResult:
    """Learn with ``model`` in both roles on the first training tasks of ``family``, then
    play Act and LearnAct on the first test tasks; everything goes under ``out_dir``
    (``library/``, ``eval-<method>/``, ``report.json``). ``say`` gets progress lines,
    ``on_episode(method, record)`` each test episode."""
    started = time.monotonic()
    out = Path(out_dir)
    train = list(family.split.train)[: profile.train_tasks]
    test = list(family.split.test)[: profile.test_tasks]
    learned, library = learn_library(
        family, model, model, sandbox, profile.learn_config(train), out, on_learn_event
    )
    done = QuickstartResult(learned, library)

    def episode_done(method: str) -> Callable[[EpisodeRecord], None] | None:
        if on_episode is None:
            return None
        report = on_episode
        return lambda record: report(method, record)

    for method in ("act", "learnact"):
        if method == "learnact" and library is None:
            say("[eval] no learned library (every candidate failed validation): skipping learnact")
            continue
        say(f"[eval] {method} on test tasks {test}")
        setup = MethodSetup(library=library, config=AgentConfig(max_steps=profile.test_steps))
        done.results[method] = evaluate(
            family,
            method,
            model,
            sandbox,
            test,
            setup,
            out_dir=out / f"eval-{method}",
            on_episode=episode_done(method),
        )
    done.report = {
        "profile": asdict(profile),
        "model": model.spec,
        "family": family.name,
        "train_tasks": train,
        "test_tasks": test,
        "library": str(out / "library") if library else None,
        "learning": {
            "best": learned.best.id if learned.best else None,
            "stopped": learned.stopped,
        },
        "results": {
            m: {k: v for k, v in r.items() if k != "tasks"} for m, r in done.results.items()
        },
        "usage": _usage(model),
        "wall_time_s": round(time.monotonic() - started, 1),
    }
    write_json_atomic(out / "report.json", done.report)
    return done


def _usage(model: ChatModel) -> dict[str, Any] | None:
    """The model's whole usage (learning and evaluation), when it keeps one."""
    if isinstance(model, Model | RunModel):
        return model.usage.to_dict()
    return None  # a stand-in model that keeps no usage
