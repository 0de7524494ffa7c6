"""`learnact compare`: plan, estimate and run an experiment into a resumable run store.

The work is cut into units (`learnact.runner.store.Unit`): per family and seed one
``learn`` unit (LearnAct's learner), per family, Reflexion method and seed one ``lessons``
unit, and one ``episode`` unit per test episode. Units run on an executor (threads here,
or Ray) up to the acting model's concurrency limit; each episode gets its own
environment instance and its own sandbox. Workers return plain data; the coordinator
commits each unit as it finishes. Re-running continues with the units not yet done.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from learnact.agents.act import ActAgent, AgentConfig
from learnact.agents.methods import MethodSetup, build_agent
from learnact.agents.reflexion import Lessons, learn_lessons
from learnact.agents.trajectory import EpisodeRecord, read_jsonl
from learnact.envs import registry
from learnact.envs.base import TaskFamily
from learnact.errors import BadInput, LearnactError
from learnact.runner import fingerprint as fp
from learnact.runner.experiment import Experiment
from learnact.runner.store import RunStore, Unit
from learnact.runner.tasks import select_tasks

REFLEXION = ("act-reflexion", "react-reflexion")


def slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_") or "family"


def ordered(tasks: list[int], seed: int) -> list[int]:
    """Seed 0 keeps the canonical order; other seeds shuffle it (reproducibly)."""
    out = list(tasks)
    if seed != 0:
        random.Random(seed).shuffle(out)
    return out


# --- planning ---------------------------------------------------------------------------
@dataclass
class Plan:
    exp: Experiment
    families: dict[str, TaskFamily]
    units: list[Unit]
    fingerprint: dict[str, Any]
    test_tasks: dict[str, list[int]] = field(default_factory=dict)


def load_families(exp: Experiment) -> dict[str, TaskFamily]:
    names = [f.name for f in exp.families]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise BadInput(f"family listed twice: {', '.join(sorted(dupes))}")
    return {f.name: registry.make_family(f.name, data_dir=exp.data_dir) for f in exp.families}


def plan(exp: Experiment, families: dict[str, TaskFamily] | None = None) -> Plan:
    """Every unit of the experiment, in a deterministic order (validates task selections)."""
    families = families if families is not None else load_families(exp)
    units: list[Unit] = []
    tests: dict[str, list[int]] = {}
    for entry in exp.families:
        fam = families[entry.name]
        test = select_tasks(fam, exp.tasks_for(entry))
        if not test:
            raise BadInput(f"{fam.name}: the task selection {exp.tasks_for(entry)!r} is empty")
        tests[entry.name] = test
        methods = exp.methods_for(entry)
        if "learnact" in methods:
            select_tasks(fam, exp.learn.train_tasks)  # fail early on a bad selection
        if any(m in REFLEXION for m in methods):
            select_tasks(fam, exp.reflexion_train_tasks)
        for seed in exp.seed_list:
            for method in methods:
                dep = None
                if method == "learnact":
                    dep = f"learn|{entry.name}|s{seed}"
                    units.append(Unit(dep, "learn", entry.name, method, seed))
                elif method in REFLEXION:
                    dep = f"lessons|{entry.name}|{method}|s{seed}"
                    units.append(Unit(dep, "lessons", entry.name, method, seed))
                for task in ordered(test, seed):
                    uid = f"ep|{entry.name}|{method}|s{seed}|t{task}"
                    units.append(Unit(uid, "episode", entry.name, method, seed, task, dep))
    return Plan(exp, families, units, fp.compute(exp, families), tests)


# --- the up-front estimate ------------------------------------------------------------
def estimate(p: Plan, pending: set[str] | None = None) -> dict[str, Any]:
    """LLM calls the pending units may make: an upper bound, and a typical figure."""
    from learnact.agents.act import AgentConfig
    from learnact.learning.creation import CreationConfig
    from learnact.learning.learner import LearnConfig, estimate_calls

    exp = p.exp

    # "Typical" is a model that rarely wins, as the 1.5B default (BENCHMARKS.md, Success):
    # episodes use their whole step budget, and the repeat guard asks again on about a
    # fifth of the steps per retry allowed (1.34 to 1.47 calls per step measured with 2).
    def per_step(retries: int) -> float:
        return 1 + 0.2 * retries

    train_retries = (
        exp.learn.repeat_retries if exp.learn.repeat_retries is not None else exp.repeat_retries
    )
    calls_max = calls_typical = learner_calls = 0
    n = {"learn": 0, "lessons": 0, "episode": 0}
    for u in p.units:
        if pending is not None and u.id not in pending:
            continue
        n[u.kind] += 1
        fam = p.families[u.family]
        budget = exp.max_steps or fam.step_budget
        if u.kind == "episode":
            # A step may ask again when the repeat guard fires; a program is one call.
            program = u.method.startswith("code-as-policies")
            calls_max += budget * (1 if program else 1 + exp.repeat_retries)
            calls_typical += 1 if program else round(budget * per_step(exp.repeat_retries))
        elif u.kind == "learn":
            cfg = LearnConfig(
                creation=CreationConfig(
                    candidates=exp.learn.candidates, max_fix_tries=exp.learn.max_fix_tries
                ),
                train_tasks=select_tasks(fam, exp.learn.train_tasks),
                train_steps=exp.learn.train_steps,
                rounds=exp.learn.rounds,
                agent=AgentConfig(repeat_retries=exp.repeat_retries),
                train_repeat_retries=exp.learn.repeat_retries,
            )
            est = estimate_calls(fam, cfg)
            cap = exp.learn.budget_calls
            learn_max = est["learner_calls_max"] + est["actor_calls_max"]
            calls_max += min(learn_max, cap) if cap else learn_max
            calls_typical += est["learner_calls"] + round(
                est["episodes"] * exp.learn.train_steps * per_step(train_retries)
            )
            learner_calls += est["learner_calls"]
        else:
            n_train = len(select_tasks(fam, exp.reflexion_train_tasks))
            calls_max += exp.reflexion_rounds * n_train * (budget * (1 + exp.repeat_retries) + 1)
            calls_typical += (
                exp.reflexion_rounds * n_train * (round(budget * per_step(exp.repeat_retries)) + 1)
            )
            learner_calls += n_train
    out: dict[str, Any] = {
        "units": n,
        "llm_calls_max": calls_max,
        "llm_calls_typical": calls_typical,
        "learner_calls": learner_calls,
        "seconds_local": None,
    }
    if exp.model.startswith("local:") or exp.learner_spec.startswith("local:"):
        # The 1.5B model on 2 cores (BENCHMARKS.md): 1.5 s for a late PDDL step on an idle
        # machine, 4 to 6 s per acting call over whole runs (long prompts, first steps of
        # episodes without a reusable prefix); learner calls generate far more tokens.
        out["seconds_local"] = int((calls_typical - learner_calls) * 5 + learner_calls * 30)
    return out


# --- workers ----------------------------------------------------------------------------
@dataclass(frozen=True)
class WorkerSettings:
    """How a worker builds its models; not part of the fingerprint."""

    no_cache: bool = False
    record: str | None = None
    replay: str | None = None


class WorkerContext:
    """Models and families of one worker process (built once, shared by its threads)."""

    def __init__(self, exp: Experiment | dict[str, Any], settings: WorkerSettings) -> None:
        import threading

        self.exp = exp if isinstance(exp, Experiment) else Experiment.model_validate(exp)
        self.settings = settings
        self._models: dict[str, Any] = {}
        self._families: dict[str, TaskFamily] = {}
        self._lock = threading.Lock()
        self._local = threading.local()
        self._sandboxes: list[Any] = []

    def sandbox(self) -> Any:
        """This worker thread's sandbox. A sandbox serves one episode at a time and every
        run in it is a fresh, isolated worker process, so no state passes between
        episodes; keeping one per thread saves starting a sandbox per episode."""
        sb = getattr(self._local, "sandbox", None)
        if sb is None:
            from learnact.sandbox import Sandbox

            sb = self._local.sandbox = Sandbox()
            with self._lock:
                self._sandboxes.append(sb)
        return sb

    def close(self) -> None:
        with self._lock:
            sandboxes, self._sandboxes = self._sandboxes, []
        for sb in sandboxes:
            sb.close()

    def model(self, spec: str) -> Any:
        with self._lock:
            if spec not in self._models:
                from learnact.llm import make_model

                s = self.settings
                self._models[spec] = make_model(
                    spec, no_cache=s.no_cache, record=s.record, replay=s.replay
                )
            return self._models[spec]

    def family(self, name: str) -> TaskFamily:
        with self._lock:
            if name not in self._families:
                self._families[name] = registry.make_family(name, data_dir=self.exp.data_dir)
            return self._families[name]

    def usage_rows(self, label: str) -> list[dict[str, Any]]:
        from learnact.llm import Usage

        total = Usage()
        for m in {id(m): m for m in self._models.values()}.values():
            total.merge(m.usage.for_run(label))
        return total.to_dict()["rows"]


class BufferWriter:
    """A `TrajectoryWriter` look-alike that keeps episodes and prompts in memory."""

    def __init__(self) -> None:
        import threading

        self.episodes: list[EpisodeRecord] = []
        self.prompts: dict[str, list[dict[str, str]]] = {}
        self._lock = threading.Lock()

    def add_prompt(self, messages: list[dict[str, str]]) -> str:
        from learnact.agents.trajectory import prompt_hash

        h = prompt_hash(messages)
        with self._lock:
            self.prompts.setdefault(h, messages)
        return h

    def add_episode(self, episode: EpisodeRecord) -> None:
        with self._lock:
            self.episodes.append(episode)


def library_files(directory: Path) -> dict[str, str]:
    return {
        p.name: p.read_text(encoding="utf-8") for p in sorted(directory.iterdir()) if p.is_file()
    }


def library_from_files(files: dict[str, str]) -> Any:
    from learnact.library import ActionLibrary
    from learnact.library.format import ACTIONS_FILE, META_FILE

    meta = json.loads(files[META_FILE]) if META_FILE in files else {}
    return ActionLibrary.from_source(files[ACTIONS_FILE], meta, origin="run store")


def agent_config(exp: Experiment, seed: int) -> AgentConfig:
    return AgentConfig(
        max_steps=exp.max_steps,
        temperature=exp.temperature,
        max_tokens=exp.max_tokens,
        seed=seed,
        repeat_retries=exp.repeat_retries,
    )


def execute(
    job: dict[str, Any],
    ctx: WorkerContext,
    on_event: Callable[[int, dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Run one unit; return everything it produced as plain data."""
    exp = ctx.exp
    u = Unit(**job["unit"])
    fam = ctx.family(u.family)
    actor = ctx.model(exp.model)
    label = f"{job['run']}|{u.id}"
    if u.kind == "learn":
        return _learn(job, ctx, u, fam, actor, on_event)
    buf = BufferWriter()
    cfg = agent_config(exp, u.seed)
    react = u.method.startswith("react")
    sandbox = ctx.sandbox()

    def make(plan: str | None, writer: Any = None) -> ActAgent:
        """An Act/ReAct agent with Reflexion's lessons as its plan."""
        return ActAgent(
            fam,
            actor,
            sandbox,
            react=react,
            plan=plan,
            method=u.method,
            config=cfg,
            writer=buf,
            run=label,
        )

    if u.kind == "lessons":
        learner = ctx.model(exp.learner_spec)
        train = ordered(select_tasks(fam, exp.reflexion_train_tasks), u.seed)
        lessons = learn_lessons(fam, make, learner, train, rounds=exp.reflexion_rounds, run=label)
        for r in buf.episodes:
            r.phase = "train"
        return {
            "episodes": [r.to_dict() for r in buf.episodes],
            "prompts": buf.prompts,
            "usage": ctx.usage_rows(label),
            "lessons": lessons.lessons,
            "result": {"lessons": len(lessons.lessons)},
        }
    if u.method in REFLEXION:
        agent = make(Lessons(lessons=list(job.get("lessons") or [])).plan)
    else:
        library = library_from_files(job["library"]) if u.method == "learnact" else None
        setup = MethodSetup(library=library, config=cfg, writer=buf, run=label)
        agent = build_agent(u.method, fam, actor, sandbox, setup)
    record = agent.run(u.task)
    if not buf.episodes:
        buf.episodes.append(record)
    return {
        "episodes": [r.to_dict() for r in buf.episodes],
        "prompts": buf.prompts,
        "usage": ctx.usage_rows(label),
        "result": {"won": record.won, "progress": record.progress},
    }


def _learn(
    job: dict[str, Any],
    ctx: WorkerContext,
    u: Unit,
    fam: TaskFamily,
    actor: Any,
    on_event: Callable[[int, dict[str, Any]], None] | None,
) -> dict[str, Any]:
    from learnact.learning.creation import CreationConfig
    from learnact.learning.journal import read_events
    from learnact.learning.learner import LearnConfig
    from learnact.runner.learn import learn_library

    exp = ctx.exp
    s = exp.learn
    learner = ctx.model(exp.learner_spec)
    out = Path(job["run_dir"]) / "learn" / slug(u.family) / f"s{u.seed}"
    shutil.rmtree(out, ignore_errors=True)  # an interrupted earlier attempt
    out.mkdir(parents=True)
    cfg = LearnConfig(
        creation=CreationConfig(
            candidates=s.candidates,
            max_fix_tries=s.max_fix_tries,
            temperature=s.temperature,
            seed=u.seed,
            max_tokens=s.max_tokens,
        ),
        train_tasks=ordered(select_tasks(fam, s.train_tasks), u.seed),
        train_steps=s.train_steps,
        rounds=s.rounds,
        budget_calls=s.budget_calls,
        agent=agent_config(exp, u.seed),
        selection=s.selection,
        race_keep=s.race_keep,
        race_bar=s.race_bar,
        train_repeat_retries=s.repeat_retries,
        early_stop=s.early_stop,
    )
    seq = iter(range(10**9))

    def event(e: dict[str, Any]) -> None:
        if on_event is not None:
            on_event(next(seq), e)

    result, library = learn_library(fam, learner, actor, ctx.sandbox(), cfg, out, event)
    prompts = {p["hash"]: p["messages"] for p in read_jsonl(out / "prompts.jsonl")}
    summary = json.loads((out / "learn.json").read_text(encoding="utf-8"))
    rel = str(out.relative_to(Path(job["run_dir"])))
    return {
        "episodes": read_jsonl(out / "trajectories.jsonl"),
        "prompts": prompts,
        "events": read_events(out),
        "usage": ctx.usage_rows(str(out)),
        "library": {
            "path": f"{rel}/library" if library is not None else None,
            "files": library_files(out / "library") if library is not None else None,
            "summary": summary,
        },
        "result": {
            "best": result.best.id if result.best else None,
            "stopped": result.stopped,
            "actions": [a.signature for a in library.actions] if library else [],
        },
    }


# --- running ----------------------------------------------------------------------------
class RunRefused(BadInput):
    """A run directory that holds a different experiment (exit 2)."""


def open_run(run_dir: Path, p: Plan, *, resume_only: bool = False) -> RunStore:
    """Create the store, or open it and check the fingerprint. Nothing is written before
    the checks pass, so a refused run leaves the directory as it was."""
    from learnact.runner.store import STORE_NAME

    exists = (run_dir / STORE_NAME).exists()
    if not exists:
        if resume_only:
            raise BadInput(f"nothing to resume: {run_dir} holds no run store")
        if run_dir.exists() and any(run_dir.iterdir()):
            raise BadInput(f"{run_dir} exists and is not a learnact run; choose another --out")
        store = RunStore(run_dir, create=True)
        store.set_meta(
            fingerprint=p.fingerprint,
            digest=fp.digest(p.fingerprint),
            config=p.exp.canonical(),
            commit=fp.git_commit(),
            created=time.time(),
        )
        store.add_units(p.units)
        return store
    store = RunStore(run_dir)
    old = store.get_meta("fingerprint")
    if old is None:
        store.close()
        raise BadInput(f"{run_dir}: the run store has no fingerprint (damaged run directory)")
    if fp.digest(old) != fp.digest(p.fingerprint):
        store.close()
        changes = fp.diff(old, p.fingerprint)
        raise RunRefused(
            f"{run_dir} was started with a different setup; refusing to mix results "
            f"({'; '.join(changes)}). Use a new --out, or restore the original setup."
        )
    store.add_units(p.units)
    return store


def stored_experiment(run_dir: Path) -> Experiment:
    from learnact.runner.experiment import parse_experiment

    with RunStore(run_dir) as store:
        config = store.get_meta("config")
    if config is None:
        raise BadInput(f"{run_dir}: the run store holds no configuration")
    return parse_experiment(config, f"{run_dir} (stored configuration)")


@dataclass
class RunSummary:
    done: int = 0
    failed: int = 0
    skipped: int = 0
    already_done: int = 0
    errors: list[str] = field(default_factory=list)


def _job(u: Unit, store: RunStore, run_dir: Path, run_name: str) -> dict[str, Any] | None:
    job: dict[str, Any] = {"unit": asdict(u), "run_dir": str(run_dir), "run": run_name}
    if u.kind == "episode" and u.method == "learnact":
        lib = store.library(u.family, u.seed)
        if lib is None or not lib["files"]:
            return None  # the learner found no usable action set
        job["library"] = lib["files"]
    if u.kind == "episode" and u.method in REFLEXION:
        job["lessons"] = store.lessons(u.family, u.method, u.seed) or []
    return job


def run_units(
    store: RunStore,
    p: Plan,
    executor: Any,
    run_dir: Path,
    *,
    on_unit: Callable[[Unit, str, dict[str, Any] | None], None] | None = None,
) -> RunSummary:
    """Run every unit not yet done; commit each as it finishes."""
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
                    if status.get(u.depends) == "failed":
                        waiting.remove(u)
                        summary.skipped += 1
                    continue
                waiting.remove(u)
                job = _job(u, store, run_dir, run_name)
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


def make_executor(
    kind: str,
    exp: Experiment,
    settings: WorkerSettings,
    store: RunStore,
    *,
    workers: int,
    ray_address: str | None = None,
    echo: Callable[[str, dict[str, Any]], None] | None = None,
) -> Any:
    """``echo(unit_id, event)`` also sees each learner decision as it is made (local only;
    the CLI shows them live)."""
    if kind == "local":
        from learnact.runner.executors.local import LocalExecutor

        def sink(unit_id: str, seq: int, event: dict[str, Any]) -> None:
            store.add_event(unit_id, seq, event)
            if echo is not None:
                echo(unit_id, event)

        return LocalExecutor(exp, settings, workers, event_sink=sink)
    if kind == "ray":
        from learnact.runner.executors.ray import RayExecutor

        return RayExecutor(exp, settings, workers, address=ray_address)
    raise BadInput(f"unknown executor {kind!r}; choose local or ray")


def default_workers(exp: Experiment) -> int:
    """The acting model's concurrency limit (1 for an in-process local: model)."""
    from learnact.llm.retry import default_concurrency
    from learnact.llm.spec import parse_spec

    return max(1, default_concurrency(parse_spec(exp.model).provider))


class UnitsFailed(LearnactError):
    pass
