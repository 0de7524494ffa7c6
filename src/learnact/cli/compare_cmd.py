"""`learnact compare FAMILY... --methods ... --out runs/NAME`: the experiment harness.

Learns where a method learns, evaluates every method on the same held-out tasks, and
keeps everything in a resumable run store (see docs/experiments.md).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer

from learnact.cli.console import err, info, out, print_json, warn
from learnact.cli.learn_cmd import describe_event
from learnact.cli.options import Json, NoCache, Record, Replay
from learnact.errors import BadInput, LearnactError

CONFIRM_ABOVE = 2000


def _progress(total: int):
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    p = Progress(
        TextColumn("units"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=err,
        disable=not err.is_terminal,
    )
    return p, total


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
        candidates: int = typer.Option(None, "--candidates", min=1, help="Learner candidates."),
        rounds: int = typer.Option(None, "--rounds", min=0, help="Learner revision rounds."),
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
        confirm_above: int = typer.Option(
            CONFIRM_ABOVE, "--confirm-above", help="Ask before running more LLM calls than this."
        ),
        no_cache: bool = NoCache,
        record: str = Record,
        replay: str = Replay,
        json_out: bool = Json,
    ) -> None:
        """Learn and evaluate several methods on several families; a resumable run."""
        from learnact.runner import compare as cmp
        from learnact.runner import report
        from learnact.runner.experiment import load_experiment, parse_experiment, split_methods

        if executor not in ("local", "ray"):
            raise BadInput(f"unknown executor {executor!r}; choose local or ray")
        if resume is not None and out_dir is not None and resume != out_dir:
            raise BadInput("give --resume DIR or --out DIR, not both")
        run_dir = resume or out_dir
        if run_dir is None:
            raise BadInput("say where the run goes: --out runs/NAME (or --resume runs/NAME)")

        given: dict[str, Any] = {
            "families": families or None,
            "methods": split_methods(methods) if methods else None,
            "tasks": tasks,
            "seeds": seeds,
            "model": model,
            "learner_model": learner_model,
            "data_dir": data_dir,
            "max_steps": max_steps,
        }
        given = {k: v for k, v in given.items() if v is not None}
        learn = {
            k: v for k, v in {"candidates": candidates, "rounds": rounds}.items() if v is not None
        }
        if resume is not None and experiment is None:
            base = cmp.stored_experiment(resume).canonical()
        elif experiment is not None:
            base = load_experiment(experiment).model_dump(exclude_unset=True)
        else:
            base = {}
            if not families or not methods:
                raise BadInput("name the families and --methods (or give --experiment FILE)")
        data = {**base, **given}
        if learn:
            data["learn"] = {**dict(data.get("learn") or {}), **learn}
        exp = parse_experiment(data, str(experiment) if experiment else "options")

        p = cmp.plan(exp)
        for fam in p.families.values():
            for w in fam.source.warnings:
                warn(w)
        if executor == "ray":
            from learnact.runner.executors.ray import check_ray

            check_ray(ray_address)
        from learnact.runner.store import STORE_NAME

        store = None
        status: dict[str, str] = {}
        if (run_dir / STORE_NAME).exists() or resume is not None:
            store = cmp.open_run(run_dir, p, resume_only=resume is not None)
            status = store.unit_status()
        elif run_dir.exists() and any(run_dir.iterdir()):
            raise BadInput(f"{run_dir} exists and is not a learnact run; choose another --out")
        try:
            pending = {u.id for u in p.units if status.get(u.id) not in ("done", "skipped")}
            est = cmp.estimate(p, pending)
            done_before = len(p.units) - len(pending)
            info(
                f"{run_dir}: {len(p.units)} units ({est['units']['learn']} learner runs, "
                f"{est['units']['lessons']} Reflexion lesson runs, {est['units']['episode']} "
                f"test episodes to go); {done_before} already done"
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
            if est["llm_calls_max"] > confirm_above and not yes:
                if not sys.stdin.isatty():
                    raise BadInput(
                        f"this run may make up to {est['llm_calls_max']} LLM calls (more than "
                        f"--confirm-above {confirm_above}); pass --yes to run it"
                    )
                if not typer.confirm("Run it?", default=False, err=True):
                    info("not started")
                    raise typer.Exit(1)
            if store is None:
                store = cmp.open_run(run_dir, p)
            workers = jobs or cmp.default_workers(exp)
            info(f"running on {executor} with {workers} unit(s) in flight")
            progress, _ = _progress(len(pending))

            def echo(unit_id: str, event: dict) -> None:
                line = describe_event(event)
                if line:  # the learner's rounds and candidates, live
                    progress.console.print(f"[{unit_id}] {line}", markup=False, highlight=False)

            ex = cmp.make_executor(
                executor,
                exp,
                cmp.WorkerSettings(no_cache=no_cache, record=record, replay=replay),
                store,
                workers=workers,
                ray_address=ray_address,
                echo=echo,
            )
            with progress:
                bar = progress.add_task("units", total=len(pending))

                def on_unit(u, state, result) -> None:
                    progress.advance(bar)
                    if u.kind != "episode" or state != "done":
                        detail = ""
                        if result and "error" in result:
                            detail = f": {result['error']}"
                        elif u.kind == "learn" and result:
                            acts = ", ".join(result.get("actions") or []) or "no library"
                            detail = f": {acts} ({result.get('stopped')})"
                        elif u.kind == "lessons" and result:
                            detail = f": {result.get('lessons')} lesson(s)"
                        info(f"{u.kind} {u.family} {u.method} seed {u.seed} {state}{detail}")

                try:
                    summary = cmp.run_units(store, p, ex, run_dir, on_unit=on_unit)
                except KeyboardInterrupt:
                    info(
                        f"interrupted: completed units are saved; continue with "
                        f"`learnact compare --resume {run_dir}`"
                    )
                    raise
        finally:
            if store is not None:
                store.close()
        rep = report.build(run_dir)
        if json_out:
            print_json(rep)
        else:
            for t in report.tables(rep):
                out.print(t)
            info(f"run store: {run_dir / 'run.sqlite3'}; export: learnact report {run_dir} --csv")
        if summary.failed or summary.skipped:
            first = summary.errors[0] if summary.errors else ""
            raise LearnactError(
                f"{summary.failed} unit(s) failed and {summary.skipped} could not run"
                + (f" (first: {first})" if first else "")
                + f"; rerun `learnact compare --resume {run_dir}` to retry them"
            )
