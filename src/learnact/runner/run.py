"""`run_experiment`: the one typed entry point that runs an experiment into a run store.

    from learnact.runner import Experiment, run_experiment

    exp = Experiment(families=["pddl-gen/gripper"], methods=["act", "learnact"],
                     model="local:qwen2.5-coder-1.5b")
    result = run_experiment(exp, "runs/gripper")
    result.summary.done, result.report["cells"]

It plans the units (`learnact.runner.plan`), estimates their LLM calls
(`learnact.runner.estimate`), asks ``confirm`` before starting, creates or reopens the
crash-safe run store (`learnact.runner.store`), runs the pending units on an executor
(`learnact.runner.executors`) and returns the summary and the report. Re-running with
the same experiment and directory continues with the units not yet done.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from learnact.agents.methods import REFLEXION
from learnact.errors import BadInput, LearnactError
from learnact.runner import fingerprint as fp
from learnact.runner.estimate import estimate
from learnact.runner.executors import (
    EXECUTORS,
    Executor,
    default_workers,
    make_executor,
    shared_local_model,
)
from learnact.runner.experiment import Experiment
from learnact.runner.plan import Plan, plan
from learnact.runner.runlock import LOCK_NAME, hold_run
from learnact.runner.store import STORE_NAME, RunStore, Unit
from learnact.runner.units import WorkerSettings

log = logging.getLogger(__name__)

#: ``on_unit(unit, state, result)``: state is "done", "failed" or "skipped".
UnitCallback = Callable[[Unit, str, dict[str, Any] | None], None]


@dataclass
class RunSummary:
    """Counts of one `run_units` call; ``errors`` holds ``"<unit id>: <error>"`` lines."""

    done: int = 0
    failed: int = 0
    skipped: int = 0
    already_done: int = 0
    errors: list[str] = field(default_factory=list)


def _job(
    u: Unit, store: RunStore, run_dir: Path, run_name: str, exp: Experiment
) -> dict[str, Any] | None:
    job: dict[str, Any] = {"unit": asdict(u), "run_dir": str(run_dir), "run": run_name}
    if u.kind == "episode" and u.method == "learnact":
        lib = store.library(exp.learn_family_for(u.family), u.seed)
        if lib is None or not lib["files"]:
            return None  # the learner found no usable action set
        job["library"] = lib["files"]
    if u.kind == "episode" and u.method in REFLEXION:
        job["lessons"] = store.lessons(u.family, u.method, u.seed) or []
    return job


def run_units(
    store: RunStore,
    p: Plan,
    executor: Executor,
    run_dir: Path,
    *,
    on_unit: UnitCallback | None = None,
) -> RunSummary:
    """Run every unit of ``p`` not yet done in ``store``; commit each as it finishes.

    A unit runs once the unit it depends on is done; when that one failed, or a learner
    produced no library, its dependents are marked failed ("skipped"). Units left
    running by an interrupted earlier run are run again. Shuts ``executor`` down at the
    end, also on an exception (e.g. `KeyboardInterrupt`).
    """
    summary = RunSummary()
    store.reset_unfinished()
    status = store.unit_status()
    by_id = {u.id: u for u in p.units}
    summary.already_done = sum(1 for u in p.units if status.get(u.id) == "done")
    waiting = [u for u in p.units if status.get(u.id) not in ("done", "skipped")]
    run_name = run_dir.name
    in_flight: dict[str, Unit] = {}

    def ready(u: Unit) -> bool:
        return u.depends is None or status.get(u.depends) == "done"

    def must_wait(u: Unit) -> bool:
        """A family whose episodes need their own process has one unit in flight at a
        time, unless the executor runs each unit in a process of its own."""
        if executor.isolated or p.families[u.family].concurrency != "process":
            return False
        return any(f.family == u.family for f in in_flight.values())

    def skip_dependents(dep: str, reason: str) -> None:
        for w in [w for w in waiting if w.depends == dep]:
            waiting.remove(w)
            store.fail(w.id, reason)
            status[w.id] = "failed"
            summary.skipped += 1
            if on_unit:
                on_unit(w, "skipped", {"error": reason})

    try:
        while waiting or in_flight:
            for u in list(waiting):
                if len(in_flight) >= executor.capacity:
                    break
                if not ready(u):
                    if u.depends is not None and status.get(u.depends) == "failed":
                        waiting.remove(u)
                        summary.skipped += 1
                    continue
                if must_wait(u):
                    continue
                waiting.remove(u)
                job = _job(u, store, run_dir, run_name, p.exp)
                if job is None:
                    reason = "the learner produced no action library for this seed"
                    store.fail(u.id, reason)
                    status[u.id] = "failed"
                    summary.skipped += 1
                    if on_unit:
                        on_unit(u, "skipped", {"error": reason})
                    continue
                store.start(u.id)
                status[u.id] = "running"
                in_flight[u.id] = u
                executor.submit(job)
            if not in_flight:
                break
            for uid, payload, error in executor.poll(0.5):
                u = in_flight.pop(uid)
                if error is not None:
                    store.fail(uid, error)
                    status[uid] = "failed"
                    summary.failed += 1
                    summary.errors.append(f"{uid}: {error}")
                    skip_dependents(uid, f"{uid} failed")
                    if on_unit:
                        on_unit(u, "failed", {"error": error})
                    continue
                store.complete(by_id[uid], payload)
                status[uid] = "done"
                summary.done += 1
                if on_unit:
                    on_unit(u, "done", payload.get("result"))
    finally:
        executor.shutdown()
    return summary


class RunRefused(BadInput):
    """A run directory that holds a different experiment (exit 2)."""


class UnitsFailed(LearnactError):
    """Some units failed or could not run (exit 1); the run can be resumed."""


# --- what a run reports as it goes ----------------------------------------------------
@dataclass(frozen=True)
class Planned:
    """The run is planned: ``units`` in all, ``pending`` still to run, the estimate of
    their LLM calls (`learnact.runner.estimate.estimate`)."""

    run_dir: Path
    plan: Plan
    pending: frozenset[str]
    estimate: dict[str, Any]

    @property
    def done_before(self) -> int:
        """Units an earlier run of this directory already finished (on resume)."""
        return len(self.plan.units) - len(self.pending)


@dataclass(frozen=True)
class Started:
    executor: str
    workers: int


@dataclass(frozen=True)
class LearnerEvent:
    """A learner's journal event (a decision, a score, an LLM exchange), as it is made."""

    unit_id: str
    event: dict[str, Any]


@dataclass(frozen=True)
class UnitFinished:
    """``state`` is ``"done"``, ``"failed"`` or ``"skipped"``; ``result`` is the unit's
    result (done) or ``{"error": ...}``."""

    unit: Unit
    state: str
    result: dict[str, Any] | None


RunEvent = Planned | Started | LearnerEvent | UnitFinished


@dataclass
class RunResult:
    """What `run_experiment` did: the summary, and the report of the whole run store
    (`learnact.runner.report.build`); ``started`` is false when ``confirm`` declined."""

    run_dir: Path
    summary: RunSummary
    report: dict[str, Any] | None = None
    started: bool = True
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the run started and every unit finished (none failed or could not run)."""
        return self.started and not (self.summary.failed or self.summary.skipped)

    def raise_for_failures(self) -> None:
        """`UnitsFailed` naming the first error when a unit failed or could not run."""
        s = self.summary
        if s.failed or s.skipped:
            first = s.errors[0] if s.errors else ""
            raise UnitsFailed(
                f"{s.failed} unit(s) failed and {s.skipped} could not run"
                + (f" (first: {first})" if first else "")
                + f"; rerun `learnact compare --resume {self.run_dir}` to retry them"
            )


# --- the run store --------------------------------------------------------------------
def open_run(
    run_dir: Path,
    p: Plan,
    *,
    resume_only: bool = False,
    allow_code_change: bool = False,
    write: bool = True,
) -> RunStore:
    """Create the store, or open it and check the fingerprint. Nothing is written before
    the checks pass, so a refused run leaves the directory as it was; with ``write``
    false an existing store is only checked (`accept_open` writes what opening it adds
    once the run really starts: an estimate changes nothing).

    A change of learnact's code alone (`fingerprint.source_hash`; the configuration,
    prompts, version, models and data the same) is refused too, unless
    ``allow_code_change``: the new code is then recorded in the store (``code_changes``:
    source hash, git commit, time) and every report says so; a later resume with the same
    code needs no flag again. Raises `BadInput` when ``run_dir`` holds something else
    (or nothing, with ``resume_only``), `RunRefused` when it holds a different
    experiment (or the code changed and no override was given)."""
    exists = (run_dir / STORE_NAME).exists()
    if not exists:
        if resume_only:
            raise BadInput(f"nothing to resume: {run_dir} holds no run store")
        _check_free(run_dir)
        store = RunStore(run_dir, create=True)
        store.set_meta(
            fingerprint=p.fingerprint,
            digest=fp.digest(p.fingerprint),
            config=p.exp.canonical(),
            commit=fp.git_commit(),
            created=time.time(),
            train_test_overlap=p.overlap,
        )
        store.add_units(p.units)
        return store
    store = RunStore(run_dir)
    if store.get_meta("fingerprint") is None:
        store.close()
        raise BadInput(f"{run_dir}: the run store has no fingerprint (damaged run directory)")
    try:
        _accept(store, run_dir, p, allow_code_change, write=write)
    except RunRefused:
        store.close()
        raise
    if write:
        store.add_units(p.units)
    return store


def accept_open(store: RunStore, run_dir: Path, p: Plan, allow_code_change: bool) -> None:
    """Write what continuing an existing run adds to its store (checked by `open_run`):
    the new code, when it changed, and the plan's units."""
    _accept(store, run_dir, p, allow_code_change, write=True)
    store.add_units(p.units)


def _accept(store: RunStore, run_dir: Path, p: Plan, allow: bool, *, write: bool) -> None:
    old = store.get_meta("fingerprint")
    if fp.digest(old) != fp.digest(p.fingerprint):
        stored = store.unit_status()
        finished = all(status == "done" for status in stored.values()) and all(
            u.id in stored for u in p.units
        )
        _accept_code_change(
            store, run_dir, old, p.fingerprint, allow, write=write, finished=finished
        )


def _accept_code_change(
    store: RunStore,
    run_dir: Path,
    old: dict[str, Any],
    new: dict[str, Any],
    allow: bool,
    *,
    write: bool = True,
    finished: bool = False,
) -> None:
    """Record a resume across a change of learnact's code only (with ``write``), or raise
    `RunRefused`. A ``finished`` run (every unit of the plan stored and done) runs nothing
    with the new code: it is neither refused nor recorded as mixing code."""
    source = new["learnact"]["source"]
    rest_old = {**old, "learnact": {**old["learnact"], "source": None}}
    rest_new = {**new, "learnact": {**new["learnact"], "source": None}}
    if fp.digest(rest_old) != fp.digest(rest_new):
        changes = fp.diff(old, new)
        raise RunRefused(
            f"{run_dir} was started with a different setup; refusing to mix results "
            f"({'; '.join(changes)}). Use a new --out, or restore the original setup."
        )
    if finished:
        return
    accepted: list[dict[str, Any]] = store.get_meta("code_changes") or []
    if any(c["source"] == source for c in accepted):
        return
    if not allow:
        raise RunRefused(
            f"{run_dir} was started with other learnact code (source "
            f"{old['learnact']['source'][:10]} -> {source[:10]}, commit "
            f"{store.get_meta('commit') or 'unknown'} -> {fp.git_commit() or 'unknown'}); "
            "its configuration, prompts, models and data are unchanged, but results may "
            "differ. Pass --allow-code-change to continue it with this code (recorded, and "
            "stated in every report), or use a new --out."
        )
    if write:
        accepted.append({"source": source, "commit": fp.git_commit(), "time": time.time()})
        store.set_meta(code_changes=accepted)


def _check_free(run_dir: Path) -> None:
    if run_dir.exists() and any(p.name != LOCK_NAME for p in run_dir.iterdir()):
        raise BadInput(f"{run_dir} exists and is not a learnact run; choose another --out")


# --- the entry point ------------------------------------------------------------------
def run_experiment(
    experiment: Experiment,
    out_dir: str | os.PathLike[str],
    *,
    resume: bool = False,
    executor: str = "local",
    workers: int | None = None,
    ray_address: str | None = None,
    settings: WorkerSettings | None = None,
    allow_code_change: bool = False,
    confirm: Callable[[Planned], bool] | None = None,
    on_event: Callable[[RunEvent], None] | None = None,
) -> RunResult:
    """Run ``experiment`` into the run directory ``out_dir`` (created, or continued).

    ``resume``: the directory must already hold this experiment's run. ``executor``:
    ``"local"`` (threads) or ``"ray"``; ``workers``: units in flight (default: the
    acting model's concurrency limit). ``settings``: cache and record/replay of the
    models. ``allow_code_change``: continue a run started with other learnact code (see
    `open_run`). ``confirm(planned)`` is asked after the estimate and before anything is
    written; returning false leaves the directory as it was (``started`` false).
    ``on_event`` sees `Planned`, `Started`, `LearnerEvent` and `UnitFinished` as they
    happen, in the calling thread, except `LearnerEvent`: it comes from the worker thread
    that runs the learner (local executor), and not at all under Ray (there the
    learner's events reach the store when its unit ends). Failed units do not raise: see `RunResult.ok` / `raise_for_failures`.

    Raises `BadInput` for a bad experiment, data that is missing, an executor that is
    unknown or unavailable, or a directory that holds something else; `RunRefused` for a
    directory started with a different experiment; `RunBusy` (`learnact.runner.runlock`)
    when another process is running ``out_dir``. On `KeyboardInterrupt` the finished
    units are saved and the store is closed before it propagates.
    """
    run_dir = Path(out_dir)
    emit = on_event or (lambda _e: None)
    if executor not in EXECUTORS:
        raise BadInput(f"unknown executor {executor!r}; choose {' or '.join(EXECUTORS)}")
    p = plan(experiment)
    warnings = [w for fam in p.families.values() for w in fam.source.warnings]
    if executor == "ray":
        from learnact.runner.executors.ray import check_ray

        check_ray(ray_address)
    store: RunStore | None = None
    status: dict[str, str] = {}
    existing = (run_dir / STORE_NAME).exists() or resume
    # The store closes before the lock is released (an ExitStack unwinds in reverse).
    with ExitStack() as stack:
        if existing:
            if (run_dir / STORE_NAME).exists():
                # Refused at once while another process runs it (before its estimate).
                stack.enter_context(hold_run(run_dir))
            # Checked only: nothing is written before the run is confirmed.
            store = open_run(
                run_dir, p, resume_only=resume, allow_code_change=allow_code_change, write=False
            )
            stack.callback(store.close)
            status = store.unit_status()
        else:
            _check_free(run_dir)
        pending = frozenset(u.id for u in p.units if status.get(u.id) not in ("done", "skipped"))
        planned = Planned(run_dir, p, pending, estimate(p, set(pending)))
        n = workers or default_workers(experiment)
        note = shared_local_model(experiment, executor, n)
        if note:
            log.warning(note)  # before the estimate is accepted
        emit(planned)
        if confirm is not None and not confirm(planned):
            return RunResult(run_dir, RunSummary(), started=False, warnings=warnings)
        if store is None:
            stack.enter_context(hold_run(run_dir))
            store = open_run(run_dir, p)
            stack.callback(store.close)
        else:
            accept_open(store, run_dir, p, allow_code_change)
        emit(Started(executor, n))
        opened = store

        def sink(unit_id: str, seq: int, event: dict[str, Any]) -> None:
            opened.add_event(unit_id, seq, event)
            emit(LearnerEvent(unit_id, event))

        ex = make_executor(
            executor,
            experiment,
            settings or WorkerSettings(),
            workers=n,
            ray_address=ray_address,
            on_event=sink,
        )
        summary = run_units(
            store,
            p,
            ex,
            run_dir,
            on_unit=lambda u, state, result: emit(UnitFinished(u, state, result)),
        )
    from learnact.runner import report

    return RunResult(run_dir, summary, report.build(run_dir), warnings=warnings)
