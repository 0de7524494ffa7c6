"""`learnact quickstart`: a small real LearnAct experiment with the embedded model.

Learn actions on a few training tasks, then evaluate LearnAct against Act on a few
held-out tasks, print the table and the learned actions, and write a report. The "quick"
profile is sized for a laptop CPU; it is not the paper's setting.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from learnact.cli.console import info, out, show_table, warn_source
from learnact.cli.learn_cmd import LearnProgress
from learnact.cli.options import DataDir, NoCache, Record, Replay, build_models
from learnact.envs import registry
from learnact.learning.learner import estimate_calls
from learnact.llm.spec import DEFAULT_MODEL
from learnact.runner.quickstart import QUICK, QuickstartResult, run_quickstart


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
        info(f"learnact quickstart — {p.describe()}.")
        info(
            "This is a small demonstration, NOT the paper's setting (see `learnact learn --help`)."
        )
        family = registry.make_family(family_name, data_dir=data_dir)
        warn_source(family.source)
        ensure_local_model(model)
        info(f"[model] loading {model}")
        llm, _ = build_models(model, None, no_cache=no_cache, record=record, replay=replay)
        train = list(family.split.train)[: p.train_tasks]
        est = estimate_calls(family, p.learn_config(train))
        info(
            f"[learn] learning actions on {family.name} tasks {train}: about "
            f"{est['learner_calls']} learner calls and {est['episodes']} training episodes"
        )
        view = LearnProgress(p.candidates, p.rounds, len(train), prefix="[learn] ")
        with Sandbox() as sandbox, view:
            done = run_quickstart(
                family,
                llm,
                sandbox,
                out_dir,
                profile=p,
                on_learn_event=view,
                on_episode=lambda _m, r: info(
                    f"[eval]   task {r.task}: {'won' if r.won else 'not won'} in {r.n_steps} steps"
                ),
                say=info,
            )
        _print(done)
        info(f"report: {out_dir / 'report.json'} (took {done.report['wall_time_s']:.0f} s)")


def _print(done: QuickstartResult) -> None:
    """The results table and the learned actions, on stdout."""
    rep = done.report
    table = Table(
        "method",
        "success",
        "progress",
        "mean steps",
        title=f"{rep['family']}, test tasks {rep['test_tasks']}",
    )
    for method, res in done.results.items():
        prog = "-" if res["progress_rate"] is None else f"{res['progress_rate']:.2f}"
        table.add_row(method, f"{res['won']}/{res['episodes']}", prog, f"{res['mean_steps']:.1f}")
    show_table(table)
    if done.library is not None:
        out.print("Learned actions:", markup=False)
        for a in done.library.actions:
            out.print(f"  {a.signature}: {a.description}", markup=False)
