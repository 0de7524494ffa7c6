"""The quickstart experiment: learn actions on a few training tasks, then evaluate
LearnAct against Act on a few held-out tasks.

It is an ordinary experiment (`learnact.runner.run_experiment`) sized by a `Profile`, so
its folder is a run like any other: ``learnact report DIR --html``, ``learnact trace show
DIR`` and ``learnact library show DIR`` read it, and running it again continues it. The
"quick" profile fits a laptop CPU and is not the paper's setting. `learnact quickstart`
is this with a live view.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from learnact.agents.turns import PromptStyle
from learnact.learning.induce import Source, source_label
from learnact.llm.spec import DEFAULT_MODEL, parse_spec
from learnact.runner import verdict
from learnact.runner.evaluate import write_json_atomic
from learnact.runner.experiment import Experiment, FamilyEntry, LearnSettings
from learnact.runner.run import RunEvent, RunResult, run_experiment
from learnact.runner.store import STORE_NAME, RunStore
from learnact.runner.units import WorkerSettings
from learnact.runner.verdict import MethodOutcome, outcomes


@dataclass(frozen=True)
class Profile:
    """A quickstart's size (learner settings, tasks and step budgets) and its learning
    variant (prompt layout, constrained answers, induced-action sources)."""

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
    # The learning variant (issue 20; chosen by bench/quickstart-variants.toml): the acting
    # prompt's layout and constrained answers for both methods (with models that take a
    # grammar: `constrains`), where induced actions come from, and whether Act sees the
    # demonstrations too (always, when induce uses them).
    prompt_style: PromptStyle = "text"
    constrained: bool = False
    induce: tuple[Source, ...] = ()

    @property
    def demonstrations(self) -> bool:
        """Whether the learner sees demonstrations (then Act sees them in context too)."""
        return "demonstrations" in self.induce

    def describe(self, family: str | None = None) -> str:
        """One line saying how big this profile is (printed before a quickstart), on
        ``family`` (default: the profile's)."""
        return (
            f"profile '{self.name}': {self.candidates} candidates, {self.rounds} round(s) of "
            f"{self.revisions} revision(s), "
            f"{self.train_tasks} training and {self.test_tasks} test tasks of "
            f"{family or self.family}, "
            f"step budgets {self.train_steps} (training) / {self.test_steps} (test)"
        )

    def variant(self, model: str = DEFAULT_MODEL) -> str:
        """One line saying which learning variant runs with ``model`` (printed before a
        quickstart)."""
        learned = "LLM-written actions"
        if self.induce:
            learned += f" and actions {source_label(self.induce)}"
        layout = "chat-turns prompt" if self.prompt_style == "turns" else "the paper's text prompt"
        if self.constrained and constrains(model):
            answers = "answers constrained to known calls"
        elif self.constrained:
            answers = (
                f"free answers ({parse_spec(model).provider}: models are not constrained here)"
            )
        else:
            answers = "free answers"
        line = f"variant: {learned}; {layout} and {answers} for both methods"
        if self.demonstrations:
            line += (
                "; DEMONSTRATIONS: solutions of the training tasks (planner plans, or "
                "ALFWorld's expert walkthroughs), which Act also sees as examples"
            )
        return line


def constrains(model: str) -> bool:
    """Whether a quickstart with ``model`` constrains the actor's answers: ``local:``
    models (llama.cpp's grammars in process) and ``scripted:`` ones. An ``openai:`` server
    takes a grammar only when it is llama.cpp's or vLLM's, and ``anthropic:`` never, so
    the quickstart leaves them free (`learnact compare --constrained` asks for it).
    Raises `BadModelSpec` for a malformed spec."""
    return parse_spec(model).provider in ("local", "scripted")


# Two balls, each of which must cross to the other room (6 steps at best), and 8 distinct
# problems, so no test task repeats a training one. One candidate and one revision of it:
# the whole loop (create, use, revise, keep the better) within about 10 minutes with the
# embedded model on 2 cores (two candidates took 11 min; BENCHMARKS.md, "First half hour").
# The variant, chat turns and constrained answers (v1 of bench/quickstart-variants.toml):
# on the quickstart's 5 test tasks no variant won a task, for either method (BENCHMARKS.md,
# "Which variant the quickstart should use"); this one cost the fewest calls, gave Act its
# only progress there, and is the layout in which the small actor won anything at all on
# the smallest ladder rungs (5 of 16 tasks against 0 of 16 in the paper's text layout).
# Induced actions found nothing on this task, and demonstrations (v3) did not help.
QUICK = Profile(
    name="quick",
    family="pddl-gen/gripper[size=2,tasks=8]",
    candidates=1,
    rounds=1,
    train_tasks=2,
    test_tasks=3,
    train_steps=6,
    test_steps=10,
    max_tokens=500,
    revisions=1,
    describe_tokens=80,
    example_tokens=250,
    prompt_style="turns",
    constrained=True,
)


@dataclass
class QuickstartResult:
    """What a quickstart produced: the run (`RunResult`: summary and report), the
    library's folder (``None`` when no candidate passed validation), the verdict
    (`learnact.runner.verdict`) and the short report written to ``report.json``."""

    run: RunResult
    library: Path | None
    outcomes: list[MethodOutcome] = field(default_factory=list)
    report: dict[str, Any] = field(default_factory=dict)

    @property
    def verdict(self) -> str:
        """One sentence saying what the run shows (`learnact.runner.verdict.sentence`)."""
        return verdict.sentence(self.outcomes)


def quickstart_experiment(
    profile: Profile = QUICK,
    model: str = DEFAULT_MODEL,
    family: str | None = None,
    data_dir: str | None = None,
) -> Experiment:
    """The `Experiment` a quickstart runs: Act and LearnAct (``model`` in every role) on
    the first ``profile.test_tasks`` test tasks of ``family`` (default: the profile's),
    the learner on its first ``profile.train_tasks`` training tasks; answers constrained
    only when the profile asks and ``model`` `constrains`."""
    return Experiment(
        name="quickstart",
        families=[FamilyEntry(name=family or profile.family)],
        methods=["act", "learnact"],
        tasks=f"first:{profile.test_tasks}",
        model=model,
        data_dir=data_dir,
        max_steps=profile.test_steps,
        prompt_style=profile.prompt_style,
        constrained=profile.constrained and constrains(model),
        baseline_demonstrations=profile.demonstrations,
        learn=LearnSettings(
            candidates=profile.candidates,
            rounds=profile.rounds,
            revisions=profile.revisions,
            train_tasks=f"first:{profile.train_tasks}",
            train_steps=profile.train_steps,
            max_tokens=profile.max_tokens,
            describe_max_tokens=profile.describe_tokens,
            example_max_tokens=profile.example_tokens,
            induce=list(profile.induce),
        ),
    )


def run_quickstart(
    experiment: Experiment,
    out_dir: str | os.PathLike[str],
    *,
    settings: WorkerSettings | None = None,
    on_event: Callable[[RunEvent], None] | None = None,
) -> QuickstartResult:
    """Run ``experiment`` (`quickstart_experiment`) into the run directory ``out_dir``
    (continued when it already holds this quickstart), then write ``report.json``
    beside the run store: the families, tasks, per-method results, the verdict, the
    library's path and the LLM usage. Raises what `run_experiment` raises (`BadInput`,
    `RunRefused` for a folder that holds another run)."""
    started = time.monotonic()
    out = Path(out_dir)
    run = run_experiment(experiment, out, settings=settings, on_event=on_event)
    family = experiment.families[0].name
    found = outcomes(out, family)
    library = _library_dir(out, family)
    done = QuickstartResult(run, library, found)
    rep = run.report or {}
    done.report = {
        "model": experiment.model,
        "family": family,
        "results": {
            m: _headline(c) for m, c in (rep.get("cells", {}).get(family) or {}).items() if c
        },
        "variant": {
            "prompt_style": experiment.prompt_style,
            "constrained": experiment.constrained,
            "induce": list(experiment.learn.induce),
            "baseline_demonstrations": experiment.baseline_demonstrations,
        },
        "verdict": verdict.to_dict(found),
        "library": str(library) if library else None,
        "run_store": str(out / STORE_NAME),
        "usage": rep.get("usage"),
        "complete": rep.get("complete"),
        "wall_time_s": round(time.monotonic() - started, 1),
    }
    write_json_atomic(out / "report.json", done.report)
    return done


def _library_dir(run_dir: Path, family: str) -> Path | None:
    """The folder of the library learned for ``family`` (seed 0), if one was learned."""
    with RunStore(run_dir) as store:
        lib = store.library(family, 0)
    if not lib or not lib.get("path"):
        return None
    return run_dir / lib["path"]


def _headline(cell: dict[str, Any]) -> dict[str, Any]:
    """A report cell's headline figures (the run report holds the rest)."""
    s, p = cell.get("success") or {}, cell.get("progress") or {}
    return {
        "episodes": cell["episodes"],
        "success_rate": s.get("mean"),
        "success_ci95": s.get("ci95"),
        "progress_rate": p.get("mean"),
        "mean_steps": cell["mean_steps"],
    }
