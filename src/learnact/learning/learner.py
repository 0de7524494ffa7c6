"""The LearnAct learning loop: create K candidate action sets, then revise the best.

1. Create K candidates (`creation`), each validated in the sandbox.
2. Evaluate each with the Act agent on the training tasks (short step budget) and score it
   (`scoring`); keep the best.
3. For R rounds, or until no learned action fails: find the first failed learned call of
   the best candidate, ask the learner for K revisions (`revision`), evaluate the ones
   that changed something, and keep the best of the previous best and the revisions.
   Unchanged candidates are not re-evaluated: their scores stand.

Selection ``"full"`` (the paper's) plays every candidate on every training task.
``"race"`` plays the new candidates of a pool on one training task first (see
``_heat_task``), keeps the better half (``race_keep``; ties
broken by progress, then order) and plays only those on the remaining tasks; the candidates raced
out keep their partial score and can never be chosen as best. In a revision round the
previous best has already played the heat task: with ``race_bar`` a revision that does
worse than it there (score, then progress) is raced out too, so a round in which no
revision gets past the incumbent on the heat costs one episode per revision.

Every exchange, candidate, score and decision goes to the `Journal`.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from learnact.agents.act import ActAgent, AgentConfig
from learnact.agents.context import StepSandbox
from learnact.agents.trajectory import EpisodeRecord
from learnact.envs.base import TaskFamily
from learnact.learning.checks import Checker, check_counts
from learnact.learning.context import LearnContext
from learnact.learning.creation import CreationConfig, create_candidate
from learnact.learning.failure import Failure, first_failure
from learnact.learning.inducer import Inducer
from learnact.learning.revision import revise
from learnact.learning.scoring import Score, default_terms, score
from learnact.library import ActionLibrary
from learnact.llm.run import Budget, BudgetExceeded
from learnact.llm.usage import Usage

__all__ = [
    "SELECTIONS",
    "BudgetExceeded",
    "Candidate",
    "LearnConfig",
    "LearnResult",
    "Learner",
    "estimate_calls",
]


@dataclass
class LearnConfig:
    """The learning loop's settings. These defaults are the learner's defaults everywhere
    (`learnact learn`, `compare` and its TOML schema derive theirs from them)."""

    creation: CreationConfig = field(default_factory=CreationConfig)
    train_tasks: Sequence[int] | None = None  # default: the family's training split
    validation_tasks: Sequence[int] | None = None  # optional held-out selection tasks
    train_steps: int = 10
    rounds: int = 2
    revisions: int | None = None  # default: as many as creation candidates
    revise_temperature: float = 0.7
    score_terms: Sequence[str] | None = None
    early_stop: bool = False  # stop when a round brings no gain
    # This run's learner + actor LLM calls (cached ones included) and tokens; learning
    # stops at the next safe point once reached (`learnact.llm.run.Budget`).
    budget_calls: int | None = None
    budget_tokens: int | None = None
    agent: AgentConfig = field(default_factory=AgentConfig)
    selection: str = "full"  # "full" (paper) or "race" (see the module docstring)
    race_keep: float = 0.5  # the share of a race's candidates that play the other tasks
    race_bar: bool = True  # revisions must match the previous best on the heat task
    # The repeat guard's retries in training episodes (None: the acting agent's own); each
    # retry is an acting call, so 0 makes learning cheaper.
    train_repeat_retries: int | None = None
    # Induced actions (learning/induce.py): where Stitch takes action sequences from
    # ("example", "won", "demonstrations"); empty: the paper's LLM-written actions only.
    induce: Sequence[str] = ()
    induce_actions: int = 3  # actions per induced candidate (the most compressive first)


SELECTIONS = ("full", "race")


@dataclass
class Candidate:
    id: str
    library: ActionLibrary
    parent: str | None
    origin: str  # "create", "update", "plan"
    detail: str = ""
    score: Score | None = None
    episodes: list[EpisodeRecord] = field(default_factory=list)
    complete: bool = False  # scored on every training task (a raced-out one is not)
    # The learned call that failed in this candidate's usage example: what to revise
    # from when the agent never called a learned action in training.
    example_failure: Failure | None = None

    @property
    def fingerprint(self) -> str:
        """sha256 hex of what the agent sees of this candidate: the library's source, each action's
        name, description and notes, and the usage example. Candidates with equal fingerprints are
        scored once (`Learner.evaluate` reuses the score)."""
        meta = repr(sorted((a.name, a.description, tuple(a.notes)) for a in self.library.actions))
        # The usage example is part of the agent's prompt, so it is part of the candidate.
        text = self.library.source + meta + self.library.usage_example
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class LearnResult:
    """What a learner run ended with: the ``best`` candidate (``None`` when none passed
    validation), every candidate in order, the revision rounds run, why it stopped, and
    this run's own LLM usage (learner and actor)."""

    best: Candidate | None
    candidates: list[Candidate]
    rounds_run: int
    stopped: str  # why learning ended
    usage: Usage = field(default_factory=Usage)
    # How many answers each static check refused (learning/checks.py), every check named.
    checks: dict[str, int] = field(default_factory=dict)


def estimate_calls(family: TaskFamily, cfg: LearnConfig) -> dict[str, int]:
    """An up-front estimate (upper bound on learner calls, typical on actor calls)."""
    k = cfg.creation.candidates
    r = cfg.revisions or k
    n_train = len(cfg.train_tasks if cfg.train_tasks is not None else family.split.train)
    n_val = len(cfg.validation_tasks or [])
    actions_per_set = 3  # a typical set size, for descriptions
    creation = k * (1 + actions_per_set + 1)
    example_tries = max(1, cfg.creation.example_tries)  # executed usage example
    creation_max = k * (1 + cfg.creation.max_fix_tries + actions_per_set + example_tries)
    revision = cfg.rounds * r * (1 + 1 + 1)  # revise + one description + usage example
    # Induced candidates: one name per action and a usage example, after creation and
    # (from won episodes) after each round.
    induced = (1 + cfg.rounds) * (cfg.induce_actions + example_tries) if cfg.induce else 0
    episodes = (k + cfg.rounds * r) * (n_train + n_val)
    episodes += (1 + cfg.rounds) * (n_train + n_val) if cfg.induce else 0
    # Each step may ask again when the repeat guard fires (agents/act.py).
    per_step = 1 + max(0, _train_retries(cfg))
    return {
        "learner_calls": creation + revision + induced,
        "learner_calls_max": creation_max
        + induced
        + cfg.rounds * r * (1 + cfg.creation.max_fix_tries + actions_per_set + example_tries),
        "actor_calls_max": episodes * cfg.train_steps * per_step,
        "episodes": episodes,
    }


class Learner:
    """One learner run for ``family`` (see the module docstring); `learn` runs it.

    ``ctx`` holds the run's learner and actor handles (their shared usage is what the
    budget counts), its sandbox and journal (whose ``on_event`` sees every event as it is
    written). Raises `ValueError` when there are no training tasks.
    """

    def __init__(
        self,
        family: TaskFamily,
        ctx: LearnContext,
        cfg: LearnConfig | None = None,
    ) -> None:
        self.family = family
        self.ctx = ctx
        self.actor = ctx.actor
        self.journal = ctx.journal
        self.cfg = cfg or LearnConfig()
        self.budget = Budget(self.cfg.budget_calls, self.cfg.budget_tokens)
        self.train_tasks = list(
            self.cfg.train_tasks if self.cfg.train_tasks is not None else family.split.train
        )
        if not self.train_tasks:
            raise ValueError(f"{family.name} has no training tasks to learn from")
        self.terms = tuple(self.cfg.score_terms or default_terms(family.state_observations))
        self._read_only = family.is_read_only
        self.checker = Checker(family, self.train_tasks, self.cfg.creation.checks)
        self._scores: dict[str, tuple[Score, list[EpisodeRecord]]] = {}
        self.inducer = (
            Inducer(family, ctx, self.cfg, self.train_tasks, self.checker)
            if self.cfg.induce
            else None
        )

    # --- budget -------------------------------------------------------------------------
    def _check_budget(self) -> None:
        """`BudgetExceeded` once this run's own calls or tokens reach the budget."""
        self.budget.check(self.ctx.usage)

    def _event(self, kind: str, /, **data: Any) -> None:
        self.journal.event(kind, **data)

    # --- evaluation ---------------------------------------------------------------------
    def evaluate(self, cand: Candidate, played: Sequence[EpisodeRecord] = ()) -> Score:
        """Score a candidate on the training tasks (and validation tasks, if any); the
        episodes in ``played`` (from a race) are kept and their tasks not played again."""
        key = cand.fingerprint
        if key in self._scores:  # unchanged candidates keep their score
            cand.score, cand.episodes = self._scores[key]
            cand.complete = True
            self._event("score_reused", candidate=cand.id, score=cand.score.to_dict())
            return cand.score
        tasks = self.train_tasks + list(self.cfg.validation_tasks or [])
        done = {r.task: r for r in played}
        fresh = self._play(cand, [t for t in tasks if t not in done])
        by_task = {**done, **{r.task: r for r in fresh}}
        records = [by_task[t] for t in tasks]
        selection = records
        if self.cfg.validation_tasks:
            val = set(self.cfg.validation_tasks)
            selection = [r for r in records if r.task in val]
        cand.score, cand.episodes, cand.complete = (
            score(selection, self.terms, self._read_only),
            records,
            True,
        )
        self._scores[key] = (cand.score, records)
        self._event(
            "score", candidate=cand.id, score=cand.score.to_dict(), won=[r.won for r in records]
        )
        return cand.score

    def select(
        self,
        cands: Sequence[Candidate],
        first_task: int | None = None,
        incumbent: Candidate | None = None,
    ) -> None:
        """Score new candidates: all on every task (``full``), or by a race (``race``)
        in which ``incumbent``'s episode on the heat task is the bar (``race_bar``)."""
        new = [c for c in cands if not c.complete]
        # One runner per distinct candidate; the others take its result afterwards.
        racing: list[Candidate] = []
        for c in new:
            if c.fingerprint not in self._scores and all(
                c.fingerprint != r.fingerprint for r in racing
            ):
                racing.append(c)
        self._race(racing, first_task, incumbent)
        for c in new:
            if c in racing:
                continue
            if c.fingerprint in self._scores:
                self.evaluate(c)
            else:  # a copy of a raced-out candidate
                twin = next(r for r in racing if r.fingerprint == c.fingerprint)
                c.score, c.episodes = twin.score, twin.episodes

    def _race(
        self, racing: list[Candidate], first_task: int | None, incumbent: Candidate | None
    ) -> None:
        tasks = self.train_tasks + list(self.cfg.validation_tasks or [])
        if self.cfg.selection != "race" or not racing or len(tasks) <= 1:
            for c in racing:
                self.evaluate(c)
            return
        task = self._heat_task(first_task)
        bar = None  # the incumbent's episode on the heat task
        if self.cfg.race_bar and incumbent is not None:
            bar = next((r for r in incumbent.episodes if r.task == task), None)
        if len(racing) == 1 and bar is None:  # nothing to race against
            self.evaluate(racing[0])
            return
        workers = min(len(racing), self._parallel())
        if workers > 1:  # heats in parallel, each with its own sandbox
            with ThreadPoolExecutor(max_workers=workers) as pool:
                played = list(
                    pool.map(
                        lambda c: self._run_concurrently(c, self._agent_cfg(), [task], 1), racing
                    )
                )
            heats = {c.id: p for c, p in zip(racing, played, strict=True)}
        else:
            heats = {c.id: self._play(c, [task]) for c in racing}
        heat_scores = {c.id: score(heats[c.id], self.terms, self._read_only) for c in racing}
        ranked = sorted(
            racing, key=lambda c: (*(-x for x in heat_scores[c.id].order), racing.index(c))
        )
        share = ranked[: max(1, math.ceil(len(racing) * self.cfg.race_keep - 1e-9))]
        line = score([bar], self.terms, self._read_only).order if bar is not None else None
        keep = [c for c in share if line is None or heat_scores[c.id].order >= line]
        for c in racing:
            if c in keep:
                continue
            c.score, c.episodes = heat_scores[c.id], heats[c.id]
            self._event(
                "raced_out",
                candidate=c.id,
                task=task,
                below_best=c in share,  # in the kept share, but worse than the incumbent
                score=c.score.to_dict(),
                won=[r.won for r in heats[c.id]],
            )
        for c in keep:
            self.evaluate(c, heats[c.id])

    def _induce(
        self, cands: list[Candidate], *, won: bool = False, among: list[Candidate] | None = None
    ) -> bool:
        """Add an induced candidate to ``cands`` (and to ``among``, all candidates so far)
        when the inducer finds a new action set: before scoring from the example and the
        demonstrations, with ``won`` from the won training episodes of every candidate."""
        if self.inducer is None or (won and "won" not in self.cfg.induce):
            return False
        self._check_budget()
        everyone = among if among is not None else cands
        created = self.inducer.candidate(everyone if won else [])
        if created is None:
            return False
        cand = Candidate(
            created.label,
            created.library,
            None,
            "induce",
            created.detail,
            example_failure=created.example_failure,
        )
        cands.append(cand)
        if among is not None:
            among.append(cand)
        self._event(
            "candidate",
            candidate=cand.id,
            origin="induce",
            sources=created.sources,
            functions=[a.name for a in cand.library.actions],
        )
        return True

    def _parallel(self) -> int:
        """Training episodes at once: the actor's concurrency, or 1 when the family's
        episodes need a process of their own (``TaskFamily.concurrency``)."""
        return 1 if self.family.concurrency == "process" else self.actor.concurrency

    def _heat_task(self, first_task: int | None) -> int:
        """Where a race is decided: the first validation task when there are some (they
        decide selection); else the revision's failure task; else a training task other
        than the one the usage examples run on (``train_tasks[0]``), whose real run every
        candidate shows the agent."""
        if self.cfg.validation_tasks:
            return list(self.cfg.validation_tasks)[0]
        if first_task in self.train_tasks and first_task != self.train_tasks[0]:
            return first_task
        return self.train_tasks[1] if len(self.train_tasks) > 1 else self.train_tasks[0]

    def _agent_cfg(self) -> AgentConfig:
        return AgentConfig(
            **{
                **self.cfg.agent.__dict__,
                "max_steps": self.cfg.train_steps,
                "repeat_retries": _train_retries(self.cfg),
            }
        )

    def _training_agent(
        self, cand: Candidate, agent_cfg: AgentConfig, sandbox: StepSandbox
    ) -> ActAgent:
        """The acting agent that plays ``cand`` on training tasks in ``sandbox``."""
        return ActAgent(
            self.family,
            self.ctx.acting(sandbox),
            library=cand.library,
            config=agent_cfg,
            method="learnact",
            phase="train",
            library_id=cand.id,
        )

    def _play(self, cand: Candidate, tasks: list[int]) -> list[EpisodeRecord]:
        """Training episodes of ``cand`` on ``tasks`` (concurrently when the actor allows)."""
        if not tasks:
            return []
        agent_cfg = self._agent_cfg()
        agent = self._training_agent(cand, agent_cfg, self.ctx.sandbox)
        workers = min(len(tasks), self._parallel())
        if workers <= 1:
            records = []
            for task in tasks:
                self._check_budget()
                records.append(agent.run(task))
            return records
        return self._run_concurrently(cand, agent_cfg, tasks, workers)

    def _run_concurrently(
        self, cand: Candidate, agent_cfg: AgentConfig, tasks: list[int], workers: int
    ) -> list[EpisodeRecord]:
        """Training episodes in parallel, each with its own environment and sandbox."""
        from learnact.sandbox import Sandbox

        def one(task: int) -> EpisodeRecord:
            self._check_budget()
            with Sandbox() as sandbox:
                return self._training_agent(cand, agent_cfg, sandbox).run(task)

        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(one, tasks))  # task order kept

    # --- the loop -----------------------------------------------------------------------
    def learn(self) -> LearnResult:
        """Run the LearnAct loop (Zhao et al., COLM 2024; see the module docstring): create
        ``cfg.creation.candidates`` candidates, score them on the training tasks, then up to
        ``cfg.rounds`` revision rounds from the best candidate's first failed learned call.

        Stops early when no learned action failed, after a round without gain (``early_stop``), or
        when this run's budget is spent (``stopped`` is ``"budget: ..."`` and the best candidate
        scored so far is kept). Returns a `LearnResult` whose ``best`` is ``None`` when no candidate
        was scored (none passed validation, or the budget ran out first). Every decision goes to the
        journal. Errors of the LLM layer (e.g. `learnact.llm.errors.RetriesExhausted`) and of the
        sandbox propagate.
        """
        cfg = self.cfg
        self._event(
            "start",
            family=self.family.name,
            train_tasks=self.train_tasks,
            estimate=estimate_calls(self.family, cfg),
        )
        candidates: list[Candidate] = []
        best: Candidate | None = None
        rounds_run = 0
        stopped = "rounds done"
        try:
            for k in range(cfg.creation.candidates):
                self._check_budget()
                created = create_candidate(
                    self.family,
                    self.ctx,
                    k,
                    cfg.creation,
                    self.train_tasks[0],
                    checker=self.checker,
                )
                if created is None:
                    self._event("candidate_dropped", candidate=f"c{k}")
                    continue
                lib = created.library
                cand = Candidate(
                    f"c{k}", lib, None, "create", example_failure=created.example_failure
                )
                candidates.append(cand)
                self._event(
                    "candidate",
                    candidate=cand.id,
                    origin="create",
                    functions=[a.name for a in lib.actions],
                )
            self._induce(candidates)  # from the example and demonstrations
            self.select(candidates)
            if self._induce(candidates, won=True):  # from the won training episodes
                self.select(candidates)
            best = _best(candidates)
            if best is None:
                stopped = "no candidate passed validation"
                checks = check_counts(self.journal.events)
                self._event("end", best=None, stopped=stopped, rounds=0, checks=checks)
                return LearnResult(None, candidates, 0, stopped, self.ctx.usage, checks)
            self._event(
                "best", candidate=best.id, score=best.score.to_dict() if best.score else None
            )
            for rnd in range(1, cfg.rounds + 1):
                failure = first_failure(best.episodes, self._read_only)
                if failure is None and not any(
                    s.learned_call for r in best.episodes for s in r.steps
                ):
                    # The agent never called a learned action: revise from the usage
                    # example's failed call, if there was one.
                    failure = best.example_failure
                if failure is None:
                    stopped = "no learned action failed"
                    break
                rounds_run = rnd
                self._event(
                    "failure",
                    round=rnd,
                    candidate=best.id,
                    call=failure.step.call,
                    error=failure.step.error,
                    task=failure.episode.task,
                    source=failure.episode.method,  # the actor's, or "usage-example"
                )
                pool = [best]
                for j in range(cfg.revisions or cfg.creation.candidates):
                    self._check_budget()
                    rev = revise(
                        self.family,
                        self.ctx,
                        best.library,
                        failure,
                        sample_index=j,
                        cfg=cfg.creation,
                        validation_task=self.train_tasks[0],
                        temperature=cfg.revise_temperature,
                        checker=self.checker,
                    )
                    self._event(
                        "revision",
                        round=rnd,
                        index=j,
                        kind=rev.kind,
                        diagnosis=rev.diagnosis,
                        detail=rev.detail,
                    )
                    if rev.library is None:
                        continue
                    cand = Candidate(
                        f"r{rnd}.{j}",
                        rev.library,
                        best.id,
                        rev.kind,
                        rev.detail,
                        example_failure=rev.example_failure,
                    )
                    candidates.append(cand)
                    pool.append(cand)
                self.select(pool[1:], first_task=failure.episode.task, incumbent=best)
                if self._induce(pool, won=True, among=candidates):
                    self.select(pool[1:])
                previous = best
                best = _best(pool) or best
                self._event(
                    "best",
                    round=rnd,
                    candidate=best.id,
                    score=best.score.to_dict() if best.score else None,
                    kept_previous=best is previous,
                )
                if cfg.early_stop and best is previous:
                    stopped = "no gain this round"
                    break
        except BudgetExceeded as e:
            stopped = f"budget: {e}"
            best = _best(candidates) or best
        checks = check_counts(self.journal.events)
        self._event(
            "end", best=best.id if best else None, stopped=stopped, rounds=rounds_run, checks=checks
        )
        return LearnResult(best, candidates, rounds_run, stopped, self.ctx.usage, checks)


def _train_retries(cfg: LearnConfig) -> int:
    if cfg.train_repeat_retries is None:
        return cfg.agent.repeat_retries
    return cfg.train_repeat_retries


def _best(cands: Sequence[Candidate]) -> Candidate | None:
    """Highest score; then the higher mean progress rate on the training episodes (a small
    model often wins nothing and calls no learned action, so every paper score is 0 and
    progress is the only signal left); then the earlier candidate (the previous best comes
    first)."""
    scored = [c for c in cands if c.score is not None and c.complete]
    if not scored:
        return None
    return max(
        scored,
        key=lambda c: (*c.score.order, -scored.index(c)),  # type: ignore[union-attr]
    )
