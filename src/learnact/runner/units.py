"""Running one unit of an experiment, on whatever worker an executor gives it.

A unit gets its own environment instance, its own run label and model handles (so that
its usage and budget are its own, `learnact.llm.run.RunModel`), and the worker thread's
sandbox. It returns everything it produced as plain data (episodes, prompts, usage
rows, libraries or lessons); only the coordinator writes the run store.
"""

from __future__ import annotations

import json
import shutil
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from learnact.agents.context import RunContext
from learnact.agents.methods import REFLEXION, MethodSetup, build_agent, reflexion_lessons
from learnact.agents.trajectory import EpisodeRecord, prompt_hash, read_jsonl
from learnact.envs import registry
from learnact.envs.base import TaskFamily
from learnact.errors import LearnactError
from learnact.learning.journal import read_events
from learnact.library import ActionLibrary
from learnact.library.format import ACTIONS_FILE, META_FILE
from learnact.llm import Model, make_model
from learnact.llm.run import RunModel
from learnact.runner.experiment import Experiment
from learnact.runner.learn import learn_library
from learnact.runner.plan import slug
from learnact.runner.store import Unit
from learnact.runner.tasks import ordered, select_tasks
from learnact.sandbox.sandbox import Sandbox

#: ``on_event(seq, event)``: a learner's journal events as they are written.
EventSink = Callable[[int, dict[str, Any]], None]


@dataclass(frozen=True)
class WorkerSettings:
    """How a worker builds its models; not part of the fingerprint."""

    no_cache: bool = False
    record: str | None = None
    replay: str | None = None


class WorkerContext:
    """What one worker process shares between its threads: the loaded models (one per
    spec), the families, and one sandbox per thread. Units never share model handles:
    each binds the shared models to its own run (`learnact.llm.run.RunModel`)."""

    def __init__(self, exp: Experiment | dict[str, Any], settings: WorkerSettings) -> None:
        self.exp = exp if isinstance(exp, Experiment) else Experiment.model_validate(exp)
        self.settings = settings
        self._models: dict[str, Model] = {}
        self._families: dict[str, TaskFamily] = {}
        self._lock = threading.Lock()
        self._local = threading.local()
        self._sandboxes: list[Sandbox] = []

    def sandbox(self) -> Sandbox:
        """This worker thread's sandbox. A sandbox serves one episode at a time and every
        run in it is a fresh, isolated worker process, so no state passes between
        episodes; keeping one per thread saves starting a sandbox per episode."""
        sb: Sandbox | None = getattr(self._local, "sandbox", None)
        if sb is None:
            sb = self._local.sandbox = Sandbox()
            with self._lock:
                self._sandboxes.append(sb)
        return sb

    def close(self) -> None:
        """Stop the sandboxes of this context's threads and close its models (backends,
        response caches): the executor is shutting down."""
        with self._lock:
            sandboxes, self._sandboxes = self._sandboxes, []
            models, self._models = list(self._models.values()), {}
        for sb in sandboxes:
            sb.close()
        for m in models:
            m.close()

    def model(self, spec: str) -> Model:
        """The shared model of ``spec`` (built on first use)."""
        with self._lock:
            if spec not in self._models:
                s = self.settings
                self._models[spec] = make_model(
                    spec, no_cache=s.no_cache, record=s.record, replay=s.replay
                )
            return self._models[spec]

    def family(self, name: str) -> TaskFamily:
        """The family ``name``, built on first use with the experiment's ``data_dir`` and then
        shared. Raises what `learnact.envs.registry.make_family` raises (`BadInput` and its
        subclasses)."""
        with self._lock:
            if name not in self._families:
                self._families[name] = registry.make_family(name, data_dir=self.exp.data_dir)
            return self._families[name]


class BufferWriter:
    """A trajectory sink (`learnact.agents.context.TrajectorySink`) that keeps episodes and
    prompts in memory, to be returned to the coordinator."""

    def __init__(self) -> None:
        self.episodes: list[EpisodeRecord] = []
        self.prompts: dict[str, list[dict[str, str]]] = {}
        self._lock = threading.Lock()

    def add_prompt(self, messages: list[dict[str, str]]) -> str:
        """Keep ``messages`` (once) under their `prompt_hash`, which is returned."""
        h = prompt_hash(messages)
        with self._lock:
            self.prompts.setdefault(h, messages)
        return h

    def add_episode(self, episode: EpisodeRecord) -> None:
        """Keep ``episode`` (returned to the coordinator with the unit)."""
        with self._lock:
            self.episodes.append(episode)


def library_files(directory: Path) -> dict[str, str]:
    """The two files of a saved library directory (``actions.py``, ``library.json``), by
    name; never a save's journal or temporary files (`learnact.library.format`)."""
    return {
        name: (directory / name).read_text(encoding="utf-8")
        for name in (ACTIONS_FILE, META_FILE)
        if (directory / name).is_file()
    }


def library_from_files(files: dict[str, str]) -> ActionLibrary:
    """The library whose files `library_files` returned (as stored in the run store)."""
    meta = json.loads(files[META_FILE]) if META_FILE in files else {}
    return ActionLibrary.from_source(files[ACTIONS_FILE], meta, origin="run store")


def unit_error(e: BaseException) -> str:
    """A failed unit's error as one line: a learnact error's own message, else the
    exception type, message and the innermost frame's file and line."""
    if isinstance(e, LearnactError):
        return str(e)
    frame = traceback.extract_tb(e.__traceback__)[-1:] if e.__traceback__ else []
    where = f" (at {frame[0].filename.rsplit('/', 1)[-1]}:{frame[0].lineno})" if frame else ""
    return f"{type(e).__name__}: {e}{where}"


def execute(
    job: dict[str, Any], ctx: WorkerContext, on_event: EventSink | None = None
) -> dict[str, Any]:
    """Run one unit (``job`` as built by the scheduler); everything it produced as plain
    data: ``{"episodes": [...], "prompts": {hash: messages}, "usage": [rows], "result":
    {...}}`` plus ``"lessons"`` (lessons units) or ``"events"`` and ``"library"`` (learn
    units). Exceptions propagate to the executor, which reports them with `unit_error`."""
    exp = ctx.exp
    u = Unit(**job["unit"])
    fam = ctx.family(u.family)
    if u.kind == "learn":
        return _learn(job, ctx, u, fam, on_event)
    if exp.baseline_demonstrations and u.method != "learnact":
        # The same demonstrations learnact's induced actions may use, in context: those
        # of the training tasks of the family its learner learns on.
        from learnact.learning.demonstrations import with_demonstrations

        src = ctx.family(exp.learn_family_for(u.family))
        train = select_tasks(src, exp.learn.train_tasks, "train")
        fam = with_demonstrations(fam, train, src)
    buf = BufferWriter()
    actor = RunModel(ctx.model(exp.model), f"{job['run']}|{u.id}")
    run_ctx = RunContext(actor, ctx.sandbox(), buf)
    setup = MethodSetup(config=exp.agent_config(u.seed), reflexion_rounds=exp.reflexion_rounds)
    if u.kind == "lessons":
        # Only lessons units use the learner: an episode never loads it (nor needs its key).
        setup.learner = actor.sibling(ctx.model(exp.learner_spec))
        setup.train_tasks = ordered(select_tasks(fam, exp.reflexion_train_tasks, "train"), u.seed)
        lessons = reflexion_lessons(u.method, fam, run_ctx, setup)
        return {
            "episodes": [r.to_dict() for r in buf.episodes],
            "prompts": buf.prompts,
            "usage": actor.usage.to_dict()["rows"],
            "lessons": lessons.lessons,
            "result": {"lessons": len(lessons.lessons)},
        }
    if u.method in REFLEXION:
        setup.lessons = list(job.get("lessons") or [])
    elif u.method == "learnact":
        setup.library = library_from_files(job["library"])
    assert u.task is not None  # episode units always name their task
    record = build_agent(u.method, fam, run_ctx, setup).run(u.task)
    if not buf.episodes:
        buf.episodes.append(record)
    return {
        "episodes": [r.to_dict() for r in buf.episodes],
        "prompts": buf.prompts,
        "usage": actor.usage.to_dict()["rows"],
        "result": {"won": record.won, "progress": record.progress},
    }


def _learn(
    job: dict[str, Any],
    ctx: WorkerContext,
    u: Unit,
    fam: TaskFamily,
    on_event: EventSink | None,
) -> dict[str, Any]:
    exp = ctx.exp
    out = Path(job["run_dir"]) / "learn" / slug(u.family) / f"s{u.seed}"
    shutil.rmtree(out, ignore_errors=True)  # an interrupted earlier attempt
    out.mkdir(parents=True)
    # Streamed with the journal's own sequence numbers, so that the copy the unit returns
    # when it ends (`read_events`) lands on the same rows of the run store.
    result, library = learn_library(
        fam,
        ctx.model(exp.learner_spec),
        ctx.model(exp.model),
        ctx.sandbox(),
        exp.learn_config(fam, u.seed),
        out,
        on_event,
    )
    prompts = {p["hash"]: p["messages"] for p in read_jsonl(out / "prompts.jsonl")}
    summary = json.loads((out / "learn.json").read_text(encoding="utf-8"))
    rel = str(out.relative_to(Path(job["run_dir"])))
    return {
        "episodes": read_jsonl(out / "trajectories.jsonl"),
        "prompts": prompts,
        "events": read_events(out),
        "usage": result.usage.to_dict()["rows"],
        "library": {
            "path": f"{rel}/library" if library is not None else None,
            "files": library_files(out / "library") if library is not None else None,
            "summary": summary,
        },
        "result": {
            "best": result.best.id if result.best else None,
            "stopped": result.stopped,
            "actions": [a.signature for a in library.actions] if library else [],
            "checks": result.checks,
        },
    }
