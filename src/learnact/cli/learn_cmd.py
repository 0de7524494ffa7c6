"""`learnact learn FAMILY --out DIR`: learn an action library with the LearnAct learner."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import (
    Progress,
)

from learnact.agents.act import AgentConfig
from learnact.cli.console import cache_notice, info, out, print_json, warn, warn_source
from learnact.cli.options import (
    AllowOverlap,
    Checks,
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
    parse_checks,
    with_split,
)
from learnact.cli.status import StatusLine, live_progress
from learnact.envs import registry
from learnact.errors import BadInput
from learnact.learning.creation import CreationConfig
from learnact.learning.inducer import check_sources
from learnact.learning.learner import SELECTIONS, LearnConfig, estimate_calls
from learnact.library.format import version_source
from learnact.llm.spec import DEFAULT_MODEL
from learnact.runner.learn import learn_library
from learnact.runner.runlock import hold_run
from learnact.runner.tasks import check_disjoint, select_tasks

_C, _L = CreationConfig, LearnConfig  # the learner's defaults live there


def describe_event(e: dict) -> str | None:
    """A one-line live view of the learner's progress."""
    kind = e["event"]
    if kind == "candidate":
        return f"created candidate {e['candidate']}: {', '.join(e['functions'])}"
    if kind == "candidate_dropped":
        return f"candidate {e['candidate']} failed validation and was dropped"
    if kind == "score":
        s = e["score"]
        return (
            f"scored {e['candidate']}: {s['total']:.2f} (success {s['success']:.2f}, "
            f"learned share {s['learned_share']:.2f}, correct learned calls {s['correction']:.2f})"
        )
    if kind == "raced_out":
        below = " (below the previous best)" if e.get("below_best") else ""
        return (
            f"raced out {e['candidate']} after task {e['task']}: {e['score']['total']:.2f}{below}"
        )
    if kind == "failure":
        return f"round {e['round']}: revising after {e['call']} failed: {e['error']}"
    if kind == "revision":
        return f"  revision {e['index']}: {e['kind']} {e['detail']}"
    if kind == "best":
        return f"best so far: {e['candidate']}"
    if kind == "end":
        return f"done: best {e['best']} ({e['stopped']})"
    return None


class LearnProgress:
    """Live view of learning: bars for candidates, training episodes and rounds on a
    terminal; on a pipe (or with NO_COLOR terminals alike) one plain line per event."""

    def __init__(
        self,
        candidates: int,
        rounds: int,
        episodes_per_candidate: int,
        prefix: str = "",
        progress: Progress | None = None,
    ) -> None:
        self.prefix = prefix
        # A caller's own live display (one Rich live display at a time) gets the bars.
        self.progress = progress or live_progress(remaining=True)
        # A display of its own gets a status line too (a caller's has its own).
        self.status = (
            StatusLine(self.progress, "learner: writing candidates…") if progress is None else None
        )
        self.per_candidate = max(1, episodes_per_candidate)
        self.created = self.progress.add_task("candidates created", total=candidates)
        self.episodes = self.progress.add_task(
            "training episodes", total=candidates * self.per_candidate
        )
        self.rounds = self.progress.add_task("revision rounds", total=rounds)

    def __enter__(self) -> LearnProgress:
        self.progress.__enter__()
        self._listening = self.status.listening() if self.status else None
        if self._listening:
            self._listening.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._listening:
            self._listening.__exit__(*exc)
        self.progress.__exit__(*exc)

    def __call__(self, seq: int, e: dict) -> None:
        """One journal event (``seq`` is its line in learning.jsonl)."""
        kind = e["event"]
        if kind in ("candidate", "candidate_dropped"):
            self.progress.advance(self.created)
        elif kind in ("score", "score_reused", "raced_out"):
            self.progress.advance(self.episodes, self.per_candidate)
        elif kind == "revision" and e.get("kind") != "none":
            task = self.progress.tasks[self.episodes]
            self.progress.update(self.episodes, total=(task.total or 0) + self.per_candidate)
        elif kind == "best" and "round" in e:
            self.progress.advance(self.rounds)
        line = describe_event(e)
        if line:
            self.progress.console.print(f"{self.prefix}{line}", markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    @app.command("learn")
    def learn(
        family_name: str = typer.Argument(..., metavar="FAMILY"),
        out_dir: Path = typer.Option(
            ..., "--out", help="Run directory; the library goes to OUT/library."
        ),
        model: str = typer.Option(DEFAULT_MODEL, "--model", help="Acting model spec."),
        learner_model: str = typer.Option(
            None, "--learner-model", help="Learner model spec (default: --model)."
        ),
        candidates: int = typer.Option(_C.candidates, "--candidates", min=1),
        rounds: int = typer.Option(_L.rounds, "--rounds", min=0),
        train_tasks: str = typer.Option("train", "--train-tasks", help="train, first:N or 0,3,5."),
        train_steps: int = typer.Option(_L.train_steps, "--train-steps", min=1),
        budget_calls: int = typer.Option(
            None,
            "--budget-calls",
            "--budget",
            min=1,
            help="Stop after this many LLM calls of this run (learner + actor, cached ones too).",
        ),
        budget_tokens: int = typer.Option(
            None, "--budget-tokens", min=1, help="Stop after this many tokens of this run."
        ),
        temperature: float = typer.Option(
            _C.temperature, "--temperature", help="Sampling temperature of candidates."
        ),
        seed: int = typer.Option(_C.seed, "--seed"),
        selection: str = typer.Option(
            _L.selection,
            "--selection",
            help="full: every candidate on every training task (the paper); race: new "
            "candidates play one task, the better half plays the rest, and a revision "
            "that does worse there than the previous best plays no more.",
        ),
        induce: str = typer.Option(
            "",
            "--induce",
            help="Also induce actions from action sequences (Stitch): comma-separated "
            "sources example, won, demonstrations (of training tasks); default: none, the paper.",
        ),
        checks: str = Checks,
        allow_overlap: bool = AllowOverlap,
        data_dir: str = DataDir,
        split: str = DataSplit,
        no_cache: bool = NoCache,
        record: str = Record,
        replay: str = Replay,
        constrained: bool = Constrained,
        prompt_style: str = PromptStyleOpt,
        json_out: bool = Json,
    ) -> None:
        """Create, evaluate and revise candidate action sets; save the best as a library."""
        from learnact.sandbox import Sandbox

        chosen_checks = parse_checks(checks)
        if selection not in SELECTIONS:
            raise BadInput(f"--selection must be one of {', '.join(SELECTIONS)}, not {selection!r}")
        family = registry.make_family(with_split(family_name, split), data_dir=data_dir)
        info(f"{family.name}: data {family.source.path or family.source.description}")
        warn_source(family.source)
        tasks = select_tasks(family, train_tasks, "train")
        both = check_disjoint(family, tasks, family.split.test, allow=allow_overlap)
        if both:
            warn(
                f"learning on test tasks, or their problems: {both} "
                "(--allow-train-test-overlap); recorded in the library"
            )
        cfg = LearnConfig(
            creation=CreationConfig(
                candidates=candidates,
                temperature=temperature,
                seed=seed,
                **({} if chosen_checks is None else {"checks": chosen_checks}),
            ),
            train_tasks=tasks,
            train_steps=train_steps,
            rounds=rounds,
            budget_calls=budget_calls,
            budget_tokens=budget_tokens,
            selection=selection,
            induce=tuple(check_sources([x.strip() for x in induce.split(",") if x.strip()])),
            agent=AgentConfig(
                constrained=constrained, prompt_style=check_prompt_style(prompt_style)
            ),
        )
        if "demonstrations" in cfg.induce:
            info("demonstrations: solutions of the training tasks are a source of actions")
        est = estimate_calls(family, cfg)
        info(
            f"estimate: about {est['learner_calls']} learner calls (at most {est['learner_calls_max']}), "
            f"{est['episodes']} training episodes (at most {est['actor_calls_max']} actor calls)"
        )
        actor, learner = build_models(
            model, learner_model, no_cache=no_cache, record=record, replay=replay
        )

        view = LearnProgress(candidates, rounds, len(tasks))
        # One process per output folder: two learners there would overwrite each other.
        with hold_run(out_dir), Sandbox() as sandbox, view:
            result, library = learn_library(family, learner, actor, sandbox, cfg, out_dir, view)
        summary = {
            "family": family.name,
            "library": str(out_dir / "library") if library else None,
            "best": result.best.id if result.best else None,
            "stopped": result.stopped,
            "usage": result.usage.total.to_dict(),
            "score": result.best.score.to_dict() if result.best and result.best.score else None,
            "actions": [a.signature for a in library.actions] if library else [],
            "checks": result.checks,
        }
        cache_notice(summary["usage"]["calls"], summary["usage"]["cached_calls"])
        if json_out:
            print_json(summary)
            return
        if library is None:
            out.print(f"No library learned: {result.stopped}.", markup=False)
            raise typer.Exit(1)
        out.print(
            f"Learned library: {out_dir / 'library'} (candidate {summary['best']}; "
            f"learning stopped: {result.stopped})",
            markup=False,
        )
        for a in library.actions:
            source = version_source((library.lineage.get(a.name) or [{}])[-1])
            tag = f" [{source}]" if source.startswith("induced") else ""
            out.print(f"  {a.signature}{tag}: {a.description}", markup=False)
        if any(result.checks.values()):
            fired = ", ".join(f"{k} {v}" for k, v in result.checks.items() if v)
            out.print(f"Answers sent back by the checks of learned code: {fired}", markup=False)
