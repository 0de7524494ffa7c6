"""`learnact eval FAMILY --method M`: run a method on tasks of a family and report."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path

import typer
from rich.table import Table

from learnact.agents.act import AgentConfig
from learnact.agents.methods import METHODS, MethodSetup, check_method
from learnact.cli.console import (
    cache_notice,
    info,
    out,
    print_json,
    show_table,
    warn,
    warn_source,
)
from learnact.cli.options import (
    AllowOverlap,
    Constrained,
    DataDir,
    DataSplit,
    Json,
    NoCache,
    PromptStyleOpt,
    Record,
    Replay,
    build_models,
    check_prompt_style,
    with_split,
)
from learnact.cli.status import StatusLine, live_progress
from learnact.envs import registry
from learnact.library import ActionLibrary
from learnact.llm.spec import DEFAULT_MODEL
from learnact.runner.evaluate import evaluate
from learnact.runner.runlock import hold_run
from learnact.runner.tasks import select_tasks


def register(app: typer.Typer) -> None:
    @app.command("eval")
    def eval_(
        family_name: str = typer.Argument(..., metavar="FAMILY"),
        method: str = typer.Option("act", "--method", help=f"One of: {', '.join(METHODS)}."),
        library: Path = typer.Option(
            None, "--library", help="Action library directory (learnact)."
        ),
        model: str = typer.Option(DEFAULT_MODEL, "--model", help="Acting model spec."),
        learner_model: str = typer.Option(
            None,
            "--learner-model",
            help="Learner model spec (Reflexion lessons); default: --model.",
        ),
        tasks: str = typer.Option("test", "--tasks", help="test, train, all, first:N or 0,3,5."),
        max_steps: int = typer.Option(None, "--max-steps", help="Step budget per episode."),
        data_dir: str = DataDir,
        split: str = DataSplit,
        no_cache: bool = NoCache,
        record: str = Record,
        replay: str = Replay,
        out_dir: Path = typer.Option(
            None, "--out", help="Write trajectories.jsonl and results.json here."
        ),
        allow_overlap: bool = AllowOverlap,
        constrained: bool = Constrained,
        prompt_style: str = PromptStyleOpt,
        json_out: bool = Json,
    ) -> None:
        """Run episodes of one method and print per-task results and the success rate."""
        from learnact.sandbox import Sandbox

        check_method(method)
        family = registry.make_family(with_split(family_name, split), data_dir=data_dir)
        info(f"{family.name}: data {family.source.path or family.source.description}")
        warn_source(family.source)
        selected = select_tasks(family, tasks)
        lib = ActionLibrary.load(library) if library else None
        if lib is not None and lib.family and lib.family != family.name:
            info(
                f"note: {library} was learned on {lib.family}; using it on {family.name} "
                "(its actions call the same basic actions only if the domains match)"
            )
        actor, learner = build_models(
            model, learner_model, no_cache=no_cache, record=record, replay=replay
        )
        setup = MethodSetup(
            library=lib,
            learner=learner,
            config=AgentConfig(
                max_steps=max_steps,
                constrained=constrained,
                prompt_style=check_prompt_style(prompt_style),
            ),
        )
        # One process per output folder: two evaluations there would mix their trajectories.
        with (
            hold_run(out_dir) if out_dir is not None else nullcontext(),
            Sandbox() as sandbox,
            _progress(len(selected)) as (progress, bar),
        ):
            results = evaluate(
                family,
                method,
                actor,
                sandbox,
                selected,
                setup,
                out_dir=out_dir,
                on_episode=lambda r: progress.advance(bar),
                allow_train_test_overlap=allow_overlap,
            )
        used = actor.usage.total
        cache_notice(used.calls, used.cached_calls)
        if results["train_test_overlap"]:
            warn(
                f"evaluated on tasks it learned on: {results['train_test_overlap']} "
                "(--allow-train-test-overlap); recorded in the results"
            )
        if json_out:
            print_json(results)
            return
        table = Table("task", "name", "won", "progress", "steps", "basic actions")
        for t in results["tasks"]:
            prog = "-" if t["progress"] is None else f"{t['progress']:.2f}"
            table.add_row(
                str(t["task"]),
                t["task_name"],
                "yes" if t["won"] else "no",
                prog,
                str(t["steps"]),
                str(t["basic_actions"]),
            )
        show_table(table)
        rate = results["success_rate"]
        out.print(
            f"success rate: {results['won']}/{results['episodes']}"
            + ("" if rate is None else f" = {rate:.1%}"),
            markup=False,
        )
        if results["progress_rate"] is not None:
            out.print(f"progress rate: {results['progress_rate']:.3f}", markup=False)
        if out_dir:
            info(f"wrote {out_dir / 'trajectories.jsonl'} and {out_dir / 'results.json'}")


class _progress:
    """A progress bar on stderr (plain and quiet when stderr is not a terminal)."""

    def __init__(self, total: int) -> None:
        self.progress = live_progress()
        self.total = total

    def __enter__(self):
        self.progress.__enter__()
        bar = self.progress.add_task("episodes", total=self.total)
        self._listening = StatusLine(self.progress).listening()
        self._listening.__enter__()
        return self.progress, bar

    def __exit__(self, *exc):
        self._listening.__exit__(*exc)
        return self.progress.__exit__(*exc)
