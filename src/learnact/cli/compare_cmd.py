"""`learnact compare FAMILY... --methods ... --out runs/NAME`: the experiment harness.

Learns where a method learns, evaluates every method on the same held-out tasks, and
keeps everything in a resumable run store (see docs/experiments.md). The work is done by
`learnact.runner.run_experiment`; this module parses options, asks before a large run
and prints.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from learnact.cli.console import cache_notice, info, print_json, show_table, warn_source
from learnact.cli.learn_cmd import describe_event
from learnact.cli.options import Checks, Json, NoCache, Record, Replay, parse_checks
from learnact.cli.status import StatusLine, live_progress
from learnact.errors import BadInput

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from rich.progress import TaskID

    from learnact.runner.run import Planned, RunEvent, UnitFinished

CONFIRM_ABOVE = 2000


def register(app: typer.Typer) -> None:
    @app.command("compare")
    def compare(
        families: list[str] = typer.Argument(None, metavar="FAMILY...", show_default=False),
        methods: str = typer.Option(
            None, "--methods", help="Comma-separated methods, e.g. act,react,learnact."
        ),
        experiment: Path = typer.Option(
            None, "--experiment", "-e", help="TOML experiment file (docs/experiments.md)."
        ),
        tasks: str = typer.Option(None, "--tasks", help="test (default), first:N or 0,3,5."),
        seeds: int = typer.Option(None, "--seeds", min=1, help="Seeds per cell (default 1)."),
        model: str = typer.Option(None, "--model", help="Acting model spec."),
        learner_model: str = typer.Option(
            None, "--learner-model", help="Learner model spec (default: --model)."
        ),
        data_dir: str = typer.Option(None, "--data-dir", help="Data root of the families."),
        max_steps: int = typer.Option(None, "--max-steps", min=1, help="Test step budget."),
        constrained: bool = typer.Option(
            None,
            "--constrained/--unconstrained",
            help="Constrained acting for every step-wise method (local: models, servers "
            "with a grammar field); default: the experiment's, else off.",
        ),
        prompt_style: str = typer.Option(
            None,
            "--prompt-style",
            help="Acting prompt layout for every step-wise method: text (the paper's; "
            "default) or turns (example and history as chat turns).",
        ),
        learned_first: bool = typer.Option(
            None,
            "--learned-first/--basic-first",
            help="List learned actions before the basic actions in the acting prompt "
            "(default: after them, the paper's order).",
        ),
        candidates: int = typer.Option(None, "--candidates", min=1, help="Learner candidates."),
        rounds: int = typer.Option(None, "--rounds", min=0, help="Learner revision rounds."),
        budget_calls: int = typer.Option(
            None, "--budget-calls", min=1, help="Each learner run's LLM calls at most."
        ),
        budget_tokens: int = typer.Option(
            None, "--budget-tokens", min=1, help="Each learner run's tokens at most."
        ),
        allow_overlap: bool = typer.Option(
            None,
            "--allow-train-test-overlap",
            help="Let methods learn on test tasks (refused otherwise; every report says so).",
        ),
        induce: str = typer.Option(
            None,
            "--induce",
            help="learnact also induces actions from action sequences: comma-separated sources "
            "example, won, demonstrations (default: none, the paper).",
        ),
        checks: str = Checks,
        selection: str = typer.Option(
            None,
            "--selection",
            help="Learner selection: full (every candidate on every training task; the "
            "paper) or race; default: the experiment's, else full.",
        ),
        baseline_demonstrations: bool = typer.Option(
            None,
            "--baseline-demonstrations",
            help="Give every method but learnact the training tasks' demonstrations in context.",
        ),
        allow_code_change: bool = typer.Option(
            False,
            "--allow-code-change",
            help="Continue a run started with other learnact code (recorded in the run).",
        ),
        out_dir: Path = typer.Option(None, "--out", help="Run directory, e.g. runs/NAME."),
        resume: Path = typer.Option(
            None, "--resume", help="Continue the run in this directory with its stored setup."
        ),
        executor: str = typer.Option("local", "--executor", help="local or ray."),
        ray_address: str = typer.Option(
            None, "--ray-address", help="Ray cluster (host:port); default: start a local Ray."
        ),
        jobs: int = typer.Option(
            None,
            "--jobs",
            min=1,
            help="Units in flight at once (default: the acting model's concurrency limit).",
        ),
        yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask before a large run."),
        estimate_only: bool = typer.Option(
            False,
            "--estimate",
            help="Print the plan's units and estimate (LLM calls, hours for a local model) "
            "and exit without running or writing anything.",
        ),
        confirm_above: int = typer.Option(
            CONFIRM_ABOVE, "--confirm-above", help="Ask before running more LLM calls than this."
        ),
        no_cache: bool = NoCache,
        record: str = Record,
        replay: str = Replay,
        json_out: bool = Json,
    ) -> None:
        """Learn and evaluate several methods on several families; a resumable run."""
        from learnact.runner import report
        from learnact.runner.experiment import compose_experiment, split_methods
        from learnact.runner.run import run_experiment
        from learnact.runner.units import WorkerSettings

        if resume is not None and out_dir is not None and resume != out_dir:
            raise BadInput("give --resume DIR or --out DIR, not both")
        run_dir = resume or out_dir
        chosen_checks = parse_checks(checks)
        if run_dir is None:
            raise BadInput("say where the run goes: --out runs/NAME (or --resume runs/NAME)")
        exp = compose_experiment(
            options={
                "families": families or None,
                "methods": split_methods(methods) if methods else None,
                "tasks": tasks,
                "seeds": seeds,
                "model": model,
                "learner_model": learner_model,
                "data_dir": data_dir,
                "max_steps": max_steps,
                "constrained": constrained,
                "prompt_style": prompt_style,
                "learned_first": learned_first,
                "allow_train_test_overlap": allow_overlap,
                "baseline_demonstrations": baseline_demonstrations,
            },
            learn_options={
                "candidates": candidates,
                "rounds": rounds,
                "budget_calls": budget_calls,
                "budget_tokens": budget_tokens,
                "induce": split_methods(induce) if induce is not None else None,
                "checks": None if chosen_checks is None else list(chosen_checks),
                "selection": selection,
            },
            file=experiment,
            resume=resume,
        )
        view = _LiveView(run_dir, confirm_above, yes, estimate_only)
        try:
            result = run_experiment(
                exp,
                run_dir,
                resume=resume is not None,
                executor=executor,
                workers=jobs,
                ray_address=ray_address,
                settings=WorkerSettings(no_cache=no_cache, record=record, replay=replay),
                allow_code_change=allow_code_change,
                confirm=view.confirm,
                on_event=view.on_event,
            )
        except KeyboardInterrupt:
            info(
                "interrupted: completed units are saved; continue with "
                f"`learnact compare --resume {run_dir}`"
            )
            raise
        finally:
            view.close()
        if not result.started and estimate_only:
            if json_out:
                print_json(view.estimate)
            return
        if not result.started:
            info("not started")
            raise typer.Exit(1)
        assert result.report is not None
        total = result.report["usage"]["total"]
        cache_notice(total["calls"], total["cached_calls"])
        if json_out:
            print_json(result.report)
        else:
            for t in report.tables(result.report):
                show_table(t)
            info(f"run store: {run_dir / 'run.sqlite3'}; export: learnact report {run_dir} --csv")
        result.raise_for_failures()


class _LiveView:
    """What `compare` shows on stderr while it runs: the estimate, a progress bar of
    units, the learner's decisions and each non-episode unit as it ends."""

    def __init__(
        self, run_dir: Path, confirm_above: int, yes: bool, estimate_only: bool = False
    ) -> None:
        self.run_dir = run_dir
        self.confirm_above = confirm_above
        self.yes = yes
        self.estimate_only = estimate_only
        self.estimate: dict[str, object] | None = None
        self.progress = live_progress(remaining=True)
        self.bar: TaskID | None = None
        self._status: AbstractContextManager[None] | None = None
        self._pending: frozenset[str] = frozenset()

    def confirm(self, planned: Planned) -> bool:
        if self.estimate_only:  # printed by on_event(Planned); nothing runs
            self.estimate = {"units": len(planned.plan.units), **planned.estimate}
            return False
        calls = planned.estimate["llm_calls_max"]
        if calls <= self.confirm_above or self.yes:
            return True
        if not sys.stdin.isatty():
            raise BadInput(
                f"this run may make up to {calls} LLM calls (more than "
                f"--confirm-above {self.confirm_above}); pass --yes to run it"
            )
        return typer.confirm("Run it?", default=False, err=True)

    def on_event(self, e: RunEvent) -> None:
        from learnact.runner.run import LearnerEvent, Planned, Started, UnitFinished

        if isinstance(e, Planned):
            for fam in e.plan.families.values():
                warn_source(fam.source)
            self._estimate(e)
        elif isinstance(e, Started):
            info(f"running on {e.executor} with {e.workers} unit(s) in flight")
            self.progress.start()
            self.bar = self.progress.add_task("units", total=len(self._pending))
            if e.workers == 1:  # one unit at a time: its step and tokens are one story
                self._status = StatusLine(self.progress).listening()
                self._status.__enter__()
        elif isinstance(e, LearnerEvent):
            line = describe_event(e.event)
            if line:  # the learner's rounds and candidates, live
                self.progress.console.print(f"[{e.unit_id}] {line}", markup=False, highlight=False)
        elif isinstance(e, UnitFinished):
            self._unit(e)

    def _estimate(self, planned: Planned) -> None:
        est = planned.estimate
        self._pending = planned.pending
        info(
            f"{self.run_dir}: {len(planned.plan.units)} units ({est['units']['learn']} learner "
            f"runs, {est['units']['lessons']} Reflexion lesson runs, {est['units']['episode']} "
            f"test episodes to go); {planned.done_before} already done"
        )
        line = (
            f"estimate: at most {est['llm_calls_max']} LLM calls "
            f"(typically about {est['llm_calls_typical']})"
        )
        if est["seconds_local"] is not None:
            secs = est["seconds_local"]
            took = f"{secs / 3600:.1f} h" if secs >= 3600 else f"{max(1, round(secs / 60))} min"
            line += f", about {took} with a local model"
        info(line)

    def _unit(self, e: UnitFinished) -> None:
        if self.bar is not None:
            self.progress.advance(self.bar)
        u, state, result = e.unit, e.state, e.result
        if u.kind == "episode" and state == "done":
            return
        detail = ""
        if result and "error" in result:
            detail = f": {result['error']}"
        elif u.kind == "learn" and result:
            acts = ", ".join(result.get("actions") or []) or "no library"
            detail = f": {acts} ({result.get('stopped')})"
        elif u.kind == "lessons" and result:
            detail = f": {result.get('lessons')} lesson(s)"
        info(f"{u.kind} {u.family} {u.method} seed {u.seed} {state}{detail}")

    def close(self) -> None:
        if self._status is not None:
            self._status.__exit__(None, None, None)
            self._status = None
        self.progress.stop()
