"""`learnact quickstart`: a small real LearnAct experiment with the embedded model.

Learn actions on a few training tasks, then evaluate LearnAct against Act on a few
held-out tasks, print the table and the learned actions, and write a report. The "quick"
profile is sized for a laptop CPU; it is not the paper's setting.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import typer
from rich.table import Table

from learnact.agents.act import AgentConfig
from learnact.agents.methods import MethodSetup
from learnact.cli.console import info, out, warn
from learnact.cli.learn_cmd import LearnProgress
from learnact.cli.options import DataDir, NoCache, Record, Replay, build_models
from learnact.envs import registry
from learnact.learning.creation import CreationConfig
from learnact.learning.learner import LearnConfig, estimate_calls
from learnact.runner.evaluate import evaluate, write_json_atomic
from learnact.runner.learn import learn_library

DEFAULT_MODEL = "local:qwen2.5-coder-1.5b"


@dataclass(frozen=True)
class Profile:
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
        return (
            f"profile '{self.name}': {self.candidates} candidates, {self.rounds} round(s) of "
            f"{self.revisions} revision(s), "
            f"{self.train_tasks} training and {self.test_tasks} test tasks of {self.family}, "
            f"step budgets {self.train_steps} (training) / {self.test_steps} (test)"
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


def ensure_local_model(spec: str) -> None:
    """Pull a ``local:<alias>`` model on first use, with a progress bar."""
    if not spec.startswith("local:"):
        return
    from learnact.llm.models import MODELS, find_model, get_model, pull

    name = spec.split(":", 1)[1]
    if name not in MODELS:
        return  # a path: make_model reports a missing file clearly
    if find_model(get_model(name)) is None:
        info(f"[model] {name} is not on this machine yet: fetching it once (about 1.1 GB)...")
        path = pull(name, progress=True)
        info(f"[model] saved to {path}")


def register(app: typer.Typer) -> None:
    @app.command("quickstart")
    def quickstart(
        model: str = typer.Option(
            DEFAULT_MODEL, "--model", help="Model spec for learner and actor."
        ),
        family_name: str = typer.Option(QUICK.family, "--family", help="Task family to learn on."),
        out_dir: Path = typer.Option(
            Path("runs/quickstart"), "--out", help="Where the report goes."
        ),
        data_dir: str = DataDir,
        no_cache: bool = NoCache,
        record: str = Record,
        replay: str = Replay,
    ) -> None:
        """Learn actions on a few tasks, then compare LearnAct with Act on held-out tasks."""
        from learnact.sandbox import Sandbox

        p = QUICK
        started = time.monotonic()
        info(f"learnact quickstart — {p.describe()}.")
        info(
            "This is a small demonstration, NOT the paper's setting (see `learnact learn --help`)."
        )
        family = registry.make_family(family_name, data_dir=data_dir)
        for warning in family.source.warnings:
            warn(warning)
        train = list(family.split.train)[: p.train_tasks]
        test = list(family.split.test)[: p.test_tasks]
        ensure_local_model(model)
        info(f"[model] loading {model}")
        llm, _ = build_models(model, None, no_cache=no_cache, record=record, replay=replay)
        cfg = LearnConfig(
            creation=CreationConfig(
                candidates=p.candidates,
                max_tokens=p.max_tokens,
                describe_max_tokens=p.describe_tokens,
                example_max_tokens=p.example_tokens,
            ),
            train_tasks=train,
            train_steps=p.train_steps,
            rounds=p.rounds,
            revisions=p.revisions,
        )
        est = estimate_calls(family, cfg)
        info(
            f"[learn] learning actions on {family.name} tasks {train}: about "
            f"{est['learner_calls']} learner calls and {est['episodes']} training episodes"
        )

        view = LearnProgress(p.candidates, p.rounds, len(train), prefix="[learn] ")
        with Sandbox() as sandbox:
            with view:
                result, library = learn_library(family, llm, llm, sandbox, cfg, out_dir, view)
            rows = {}
            for method in ("act", "learnact"):
                if method == "learnact" and library is None:
                    info(
                        "[eval] no learned library (every candidate failed validation): skipping learnact"
                    )
                    continue
                info(f"[eval] {method} on test tasks {test}")
                setup = MethodSetup(library=library, config=AgentConfig(max_steps=p.test_steps))
                rows[method] = evaluate(
                    family,
                    method,
                    llm,
                    sandbox,
                    test,
                    setup,
                    out_dir=out_dir / f"eval-{method}",
                    on_episode=lambda r: info(
                        f"[eval]   task {r.task}: {'won' if r.won else 'not won'} in {r.n_steps} steps"
                    ),
                )
        table = Table(
            "method", "success", "progress", "mean steps", title=f"{family.name}, test tasks {test}"
        )
        for method, res in rows.items():
            prog = "-" if res["progress_rate"] is None else f"{res['progress_rate']:.2f}"
            table.add_row(
                method, f"{res['won']}/{res['episodes']}", prog, f"{res['mean_steps']:.1f}"
            )
        out.print(table)
        if library is not None:
            out.print("Learned actions:", markup=False)
            for a in library.actions:
                out.print(f"  {a.signature}: {a.description}", markup=False)
        report = {
            "profile": p.__dict__,
            "model": model,
            "family": family.name,
            "train_tasks": train,
            "test_tasks": test,
            "library": str(out_dir / "library") if library else None,
            "learning": {
                "best": result.best.id if result.best else None,
                "stopped": result.stopped,
            },
            "results": {m: {k: v for k, v in r.items() if k != "tasks"} for m, r in rows.items()},
            "usage": llm.usage.to_dict(),
            "wall_time_s": round(time.monotonic() - started, 1),
        }
        write_json_atomic(out_dir / "report.json", report)
        info(f"report: {out_dir / 'report.json'} (took {report['wall_time_s']:.0f} s)")
