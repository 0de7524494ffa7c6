"""`learnact quickstart`: a small real LearnAct experiment with the embedded model.

Learn actions on a few training tasks, then evaluate LearnAct against Act on a few
held-out tasks; print what each method did, a one-sentence verdict and the learned
actions. The folder it writes is an ordinary run (`learnact.runner.quickstart`). The
"quick" profile is sized for a laptop CPU; it is not the paper's setting.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from learnact.cli.console import cache_notice, info, out, show_table
from learnact.cli.learn_cmd import LearnProgress
from learnact.cli.options import DataDir, NoCache, Record, Replay
from learnact.cli.status import StatusLine, live_progress
from learnact.llm.spec import DEFAULT_MODEL
from learnact.runner.quickstart import QUICK, Profile, QuickstartResult

if TYPE_CHECKING:
    from learnact.runner.run import RunEvent, UnitFinished


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
            Path("runs/quickstart"), "--out", help="The run directory it writes (or continues)."
        ),
        data_dir: str = DataDir,
        no_cache: bool = NoCache,
        record: str = Record,
        replay: str = Replay,
    ) -> None:
        """Learn actions on a few tasks, then compare LearnAct with Act on held-out tasks."""
        from learnact.runner.quickstart import quickstart_experiment, run_quickstart
        from learnact.runner.units import WorkerSettings

        p = QUICK
        info(f"learnact quickstart — {p.describe(family_name)}.")
        info(p.variant(model))
        info(
            "This is a small demonstration, NOT the paper's setting (see `learnact learn --help`)."
        )
        exp = quickstart_experiment(p, model, family_name, data_dir)
        ensure_local_model(model)
        view = QuickstartView(p)
        with view, view.status.listening():
            done = run_quickstart(
                exp,
                out_dir,
                settings=WorkerSettings(no_cache=no_cache, record=record, replay=replay),
                on_event=view.on_event,
            )
        _print(done)
        _next_steps(done, out_dir)


class QuickstartView:
    """What the quickstart shows on stderr while it runs. On a terminal: the learner's
    bars, an evaluation bar and a status line (`learnact.cli.status`) that says what is
    happening now, so that no phase sits silent. Off a terminal: one line per learner
    event and per test episode."""

    def __init__(self, profile: Profile) -> None:
        self.progress = live_progress()
        self.status = StatusLine(self.progress, "loading the model…")
        self.learn = LearnProgress(
            profile.candidates,
            profile.rounds,
            profile.train_tasks,
            prefix="[learn] ",
            progress=self.progress,
        )
        self.eval = self.progress.add_task("test episodes", total=None, visible=False)

    def __enter__(self) -> QuickstartView:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def on_event(self, e: RunEvent) -> None:
        from learnact.cli.console import warn_source
        from learnact.runner.run import LearnerEvent, Planned, UnitFinished

        if isinstance(e, Planned):
            for fam in e.plan.families.values():
                warn_source(fam.source)
            episodes = sum(1 for u in e.plan.units if u.kind == "episode")
            self.progress.update(self.eval, total=episodes)
            if e.done_before:
                info(
                    f"{e.run_dir} holds this quickstart already: {e.done_before} of "
                    f"{len(e.plan.units)} units done, continuing"
                )
            est = e.estimate
            info(
                f"[plan] learning on {e.plan.exp.learn.train_tasks} training tasks, then "
                f"{episodes} test episodes; at most {est['llm_calls_max']} LLM calls"
            )
        elif isinstance(e, LearnerEvent):
            self.learn(0, e.event)
        elif isinstance(e, UnitFinished):
            self._finished(e)

    def _finished(self, e: UnitFinished) -> None:
        u, result = e.unit, e.result or {}
        if u.kind == "learn":
            acts = ", ".join(result.get("actions") or []) or "none (no candidate passed)"
            info(f"[learn] learned actions: {acts}" if e.state == "done" else f"[learn] {e.state}")
            return
        self.progress.update(self.eval, visible=True)
        self.progress.advance(self.eval)
        if e.state != "done":
            info(f"[eval] {u.method} task {u.task}: {e.state} ({result.get('error', '')})")
            return
        prog = result.get("progress")
        tail = "" if prog is None else f", progress {prog:.2f}"
        info(f"[eval] {u.method} task {u.task}: {'won' if result.get('won') else 'not won'}{tail}")


def _print(done: QuickstartResult) -> None:
    """Per method what it did, the verdict and the learned actions, on stdout."""
    fam = done.report["family"]
    table = Table(
        "method",
        "won",
        "progress (start → end)",
        "steps",
        "learned-action steps",
        title=f"{fam}: held-out test tasks",
    )
    for o in done.outcomes:
        prog = (
            "-"
            if o.progress is None or o.start_progress is None or o.gained is None
            else f"{o.start_progress:.2f} → {o.progress:.2f} ({o.gained:+.2f})"
        )
        learned = (
            f"{o.learned_share:.0%} ({o.learned_ok}/{o.learned_steps} worked)"
            if o.method == "learnact"
            else "-"
        )
        table.add_row(o.method, f"{o.won}/{o.episodes}", prog, str(o.steps), learned)
    show_table(table)
    out.print(f"Verdict: {done.verdict}", markup=False)
    if done.library is not None:
        from learnact.library import ActionLibrary

        lib = ActionLibrary.load(done.library)
        out.print("Learned actions:", markup=False)
        for a in lib.actions:
            out.print(f"  {a.signature}: {a.description}", markup=False)


def _next_steps(done: QuickstartResult, run_dir: Path) -> None:
    """Where everything is, and the next three commands to try (stderr)."""
    rep = done.report
    usage = (rep.get("usage") or {}).get("total") or {}
    cached = usage.get("cached_calls", 0)
    calls = usage.get("calls", 0)
    info(f"run: {run_dir} (took {rep['wall_time_s']:.0f} s)")
    cache_notice(calls, cached)
    if done.library is not None:
        info(f"library: {done.library}")
    info(f"report: {run_dir / 'report.json'}")
    info("next:")
    info(f"  learnact report {run_dir} --html        # results and every trajectory, in a browser")
    info(f"  learnact trace show {run_dir} --method learnact   # what the agent did, step by step")
    if done.library is not None:
        info(
            f"  learnact library show {done.library}   # the learned actions, their code and notes"
        )
    else:
        info(f"  learnact report {run_dir}              # the results table with intervals")
