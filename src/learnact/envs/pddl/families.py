"""PDDL task families: AgentBoard's problem files (``pddl/*``) and generated ones (``pddl-gen/*``)."""

from __future__ import annotations

import hashlib
import keyword
import re
import threading
import warnings as warnings_module
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from learnact.download import sha256_file
from learnact.envs.base import (
    BasicAction,
    DataSource,
    Impossible,
    Split,
    TaskFamily,
    TaskObject,
    TaskSpec,
    example_arguments,
    listed,
)
from learnact.envs.data import fingerprint, resolve_family_dir
from learnact.envs.pddl import known_sets
from learnact.envs.pddl import model as m
from learnact.envs.pddl.episode import SEPARATORS, PddlEpisode, PddlTask
from learnact.envs.pddl.examples import example_key, example_states, example_text
from learnact.envs.pddl.generators import generate_distinct
from learnact.envs.pddl.knowledge import KNOWN, DomainKnowledge, action_doc, generic_instruction
from learnact.envs.pddl.loader import LenientPddlWarning, load_domain, parse_problem_text
from learnact.envs.pddl.render import TextStyle, sentence
from learnact.envs.pddl.resources import own_domain
from learnact.envs.splits import DEFAULT_SEED, paper_split, seeded_split
from learnact.errors import BadInput, DataNotFound
from learnact.paths import PDDL_SUBDIR

DATA_HINT = "Run `learnact data pddl` to download it, or pass --data-dir DIR."


def python_name(pddl_name: str) -> str:
    """``put-away`` -> ``put_away``, ``?from`` -> ``from_`` (stubs are real Python functions)."""
    name = pddl_name.lstrip("?").replace("-", "_")
    return f"{name}_" if keyword.iskeyword(name) else name


def basic_actions_of(domain: m.Domain, known: DomainKnowledge | None) -> list[BasicAction]:
    """One `BasicAction` per action schema, in file order: Python names (`python_name`), the command
    template ``<pddl-name> {param} ...``, and the one-line doc from ``known`` (else from the
    signature, `knowledge.action_doc`)."""
    actions = []
    for schema in domain.actions.values():
        params = tuple(python_name(v) for v, _ in schema.params)
        command = " ".join([schema.name, *(f"{{{p}}}" for p in params)])
        actions.append(
            BasicAction(python_name(schema.name), params, action_doc(schema, known), command)
        )
    return actions


@dataclass(frozen=True)
class TaskSource:
    """Where one task's problem text comes from (a file, or generated text)."""

    spec: TaskSpec
    read: Callable[[], str]


class PddlFamily(TaskFamily):
    """Tasks over one domain. Problems are parsed on first use and shared by episodes."""

    step_budget = 30
    state_observations = True

    def __init__(
        self,
        name: str,
        domain: m.Domain,
        sources: list[TaskSource],
        split: Split,
        source: DataSource,
        known: DomainKnowledge | None,
        example_kind: str | None,
    ) -> None:
        self.name = name
        self.domain = domain
        self._sources = sources
        self._split = split
        self._source = source
        self._known = known
        self._example_kind = example_kind
        self._tasks: dict[int, PddlTask] = {}
        #: known solution plans per task index (generated families), for tests and demos
        self.plans: dict[int, tuple[str, ...]] = {}
        self._lock = threading.Lock()

    @property
    def instruction(self) -> str:
        """The known task type's instruction (`DomainKnowledge.instruction`), else a generic one
        built from the domain."""
        return self._known.instruction() if self._known else generic_instruction(self.domain)

    @property
    def basic_actions(self) -> list[BasicAction]:
        """The domain's actions as basic actions (`basic_actions_of`)."""
        return basic_actions_of(self.domain, self._known)

    @property
    def example(self) -> str:
        """The known task type's worked example (`examples.example_text`); ``""`` for an unknown
        domain."""
        return example_text(self._example_kind) if self._example_kind else ""

    @property
    def example_problem(self) -> str | None:
        """The worked example's problem as a `TaskSpec.problem` hash (a generated task with
        this hash is the example's own problem); ``None`` for an unknown domain."""
        return _problem_hash(example_key(self._example_kind)) if self._example_kind else None

    def example_tasks(self, indices: Iterable[int]) -> list[int]:
        """Those of ``indices`` that are the worked example's own problem: by the problem
        hash for generated tasks; for problem files, by their initial and goal facts (as
        sets; objects may differ by domain constants), which parses them. AgentBoard's
        tyreworld p01 is the example's problem (a training task of the paper's split)."""
        if not self._example_kind:
            return []
        _, init, goal = example_key(self._example_kind)
        example = self.example_problem
        found = []
        for i in indices:
            spec = self.tasks[i]
            if spec.problem is not None:
                same = spec.problem == example
            else:
                problem = self.task(i).problem
                same = _facts(problem.init) == init and _goal_facts(problem.goal) == goal
            if same:
                found.append(i)
        return found

    @property
    def tasks(self) -> list[TaskSpec]:
        """One `TaskSpec` per problem: sorted file names (AgentBoard) or generation order."""
        return [s.spec for s in self._sources]

    @property
    def split(self) -> Split:
        """The paper's split when the files match AgentBoard's known set, else a seeded one
        (generated families: seeded with their ``seed`` option)."""
        return self._split

    @property
    def source(self) -> DataSource:
        """Where the problems came from (data directory or generator options), with the fingerprint
        and any warnings."""
        return self._source

    def task(self, index: int) -> PddlTask:
        """Problem ``index`` (0-based) compiled against the domain: parsed on first use, then shared
        by its episodes (thread-safe). Raises `BadInput` when out of range, `MalformedTask` when the
        problem does not parse."""
        self.check_task(index, len(self._sources))
        with self._lock:
            if index not in self._tasks:
                src = self._sources[index]
                problem = parse_problem_text(
                    src.read(), self.domain, source=src.spec.name, path=src.spec.path
                )
                style = self._known.style if self._known else None
                self._tasks[index] = PddlTask(self.domain, problem, style)
            return self._tasks[index]

    def make_episode(self, index: int) -> PddlEpisode:
        """A fresh episode of problem ``index`` (errors as for `task`)."""
        return PddlEpisode(self.task(index))

    def pddl_text(self, index: int) -> tuple[str, str]:
        """The PDDL text of the domain and of problem ``index``, e.g. for an external
        planner (`learnact.learning.demonstrations`). `BadInput` when out of range,
        `OSError` when a file cannot be read."""
        self.check_task(index, len(self._sources))
        if self.domain.path is not None:
            domain = Path(self.domain.path).read_text(encoding="utf-8")
        else:
            from learnact.envs.pddl.resources import own_domain_text

            domain = own_domain_text(self._example_kind or self.domain.name)
        return domain, self._sources[index].read()

    def task_objects(self, tasks: Sequence[int]) -> dict[str, TaskObject]:
        """The problem objects of ``tasks`` (parsed on first use) and the worked example's
        call arguments, with their types and super-types.

        Fixed (code may name them): the domain's constants, and the objects of a type that
        no goal of ``tasks`` mentions and whose objects are the same in every one of them
        (gripper's ``left`` and ``right``: tools, not what a task is about), or that has
        the same single object in each (tyreworld's ``boot``). Objects of a
        type the goals mention (balls, rooms, blocks) are each task's own, even when a
        generator gives every task the same names. An example argument no task has is the
        example's own."""
        problems = [self.task(i) for i in tasks]
        static = self.domain.static_predicates()
        members: list[dict[str, set[str]]] = []
        roles: list[dict[str, set[str]]] = []
        in_goal: set[str] = set()
        for t in problems:
            # An untyped domain (AgentBoard's gripper) says what an object is with static
            # unary facts, (ball ball1), (gripper left): those stand in for its type.
            unary: dict[str, set[str]] = defaultdict(set)
            for atom in t.problem.init:
                if len(atom) == 2 and atom[0] in static:
                    unary[atom[1]].add(atom[0])
            role = {
                name: set(tags) or unary.get(name) or {m.ROOT_TYPE}
                for name, tags in t.problem.objects.items()
            }
            by_tag: dict[str, set[str]] = defaultdict(set)
            goal_words = set(re.findall(r"[\w-]+", t.goal_text.lower()))
            for name, tags in role.items():
                for tag in tags:
                    by_tag[tag].add(name)
                    if name.lower() in goal_words:
                        in_goal.add(tag)
            members.append(by_tag)
            roles.append(role)
        tags = {tag for by_tag in members for tag in by_tag}
        alike = {
            tag for tag in tags if len({frozenset(by_tag.get(tag, ())) for by_tag in members}) == 1
        }
        # One object of its type in every task (tyreworld's boot): there is nothing to choose.
        single = {tag for tag in alike if len(members[0].get(tag, ())) == 1}
        tools = (alike - in_goal) | single
        out: dict[str, TaskObject] = {}
        for t, role in zip(problems, roles, strict=True):
            for name, obj_tags in t.problem.objects.items():
                kinds = frozenset(
                    k for tag in obj_tags or {m.ROOT_TYPE} for k in self.domain.ancestors(tag)
                )
                fixed = name in self.domain.constants or role[name] <= tools
                out.setdefault(name, TaskObject(name, kinds, fixed))
        for name in example_arguments(self.example):
            out.setdefault(name, TaskObject(name))
        return out

    def names_in(self, text: str, task: int) -> list[str]:
        """The objects of problem ``task`` (and the domain's constants) that ``text``
        mentions as a word, in any case (observations write "Ball1 is at rooma"), in order
        of first mention."""
        objects = {name.lower(): name for name in self.task(task).problem.objects}
        words = re.findall(r"[A-Za-z0-9_-]+", text)
        return list(dict.fromkeys(objects[w.lower()] for w in words if w.lower() in objects))

    def impossible_step(
        self, calls: Sequence[tuple[str, Sequence[str]]], show: Callable[[int], str]
    ) -> Impossible | None:
        """`TaskFamily.impossible_step` by symbolic execution over the domain's action
        schemas (`learnact.envs.pddl.sequences`); sentences in the family's own words."""
        from learnact.envs.pddl.sequences import impossible_step

        schemas = {python_name(s.name): s.name for s in self.domain.actions.values()}
        if any(name not in schemas for name, _ in calls):
            return None
        # Object names as the episode reads them (`PddlTask.parse`: lower case, split on
        # separators); a constant that is not one name is not reasoned about.
        calls = [(name, [a if m.is_var(a) else a.lower() for a in args]) for name, args in calls]
        if any(not m.is_var(a) and SEPARATORS.split(a) != [a] for _, args in calls for a in args):
            return None
        style = self._known.style if self._known else TextStyle()
        found = impossible_step(
            self.domain,
            [(schemas[name], tuple(args)) for name, args in calls],
            lambda atom: sentence(style, (atom[0], *(_placeholder(a) for a in atom[1:]))),
            show,
        )
        # What the schemas alone cannot exclude, the example's reachable states can (a ball
        # is never in the left gripper and the right one at once): for families whose
        # domain is the example's (generated ones) or a known set's (AgentBoard's files),
        # never for a domain file learnact has not checked.
        known_domain = self.name.startswith("pddl-gen/") or self.source.known_set is not None
        if found is not None or not self._example_kind or not known_domain:
            return found
        reach = example_states(self._example_kind)
        own = {python_name(s.name): s.name for s in reach.world.domain.actions.values()}
        if any(name not in own for name, _ in calls):
            return None
        index = reach.never_runs([(own[name], tuple(args)) for name, args in calls])
        if index is None:
            return None
        return Impossible(
            index,
            "never_runs",
            f"{show(index)} can never run after the steps before it: in no state of the "
            "worked example's problem does any choice of arguments get past it",
        )

    def parameter_kinds(self, action: str) -> tuple[frozenset[str], ...] | None:
        """The declared types of each parameter of the schema behind basic action ``action``
        (``frozenset()`` for an untyped one), or ``None`` for no such action."""
        for schema in self.domain.actions.values():
            if python_name(schema.name) == action:
                return tuple(frozenset(t) for _, t in schema.params)
        return None


def _placeholder(term: str) -> str:
    """A term in a sentence for the learner: an object name as it is, a parameter ``?room``
    as ``<room>`` (so "left gripper is free" and "<g> gripper is free" read apart), a
    value the code computes as ``<a value>``."""
    if not m.is_var(term):
        return term
    return "<a value>" if term.startswith("?_") else f"<{term[1:]}>"


# --- pddl/<kind>: AgentBoard layout on disk ---------------------------------------------


def agentboard_family(kind: str, data_dir: str | None = None) -> PddlFamily:
    """``pddl/<kind>``: ``<kind>.pddl`` + ``<kind>/*.pddl`` under the resolved data dir."""
    resolved = resolve_family_dir(
        PDDL_SUBDIR,
        lambda p: (p / f"{kind}.pddl").is_file() and (p / kind).is_dir(),
        data_dir,
        hint=DATA_HINT,
    )
    root = resolved.path
    domain_path = root / f"{kind}.pddl"
    problem_paths = sorted((root / kind).glob("*.pddl"), key=lambda p: p.name)
    if not problem_paths:
        raise DataNotFound(f"no problem files in {root / kind}. {DATA_HINT}")
    # The lenient loader's notes are warned below, unless these are AgentBoard's own files:
    # their quirks are known, and said once per data directory (`DataSource.known_set`).
    with warnings_module.catch_warnings(record=True) as caught:
        warnings_module.simplefilter("always", LenientPddlWarning)
        domain = load_domain(domain_path)
    hashes = {p.name: sha256_file(p) for p in problem_paths}
    domain_sha = sha256_file(domain_path)
    known = known_sets.agentboard(kind)
    diffs = known_sets.differences(known, domain_sha, hashes)
    if diffs:
        for w in caught:
            warnings_module.warn(w.message, w.category, stacklevel=2)
    warnings = list(domain.warnings)
    if diffs:
        split = seeded_split(len(problem_paths), seed=DEFAULT_SEED)
        warnings.append(
            f"files differ from {known.label} ({'; '.join(diffs)}): using a seeded split "
            f"(seed {DEFAULT_SEED}) instead of the paper's"
        )
    else:
        split = paper_split(len(problem_paths), known.train)
    source = DataSource(
        path=str(root),
        description=f"AgentBoard-layout PDDL {kind} problems ({resolved.describe()})",
        known_set=None if diffs else known.label,
        fingerprint=fingerprint(
            [(domain_path.name, domain_sha)] + [(f"{kind}/{n}", h) for n, h in hashes.items()]
        ),
        warnings=tuple(warnings),
    )
    sources = [
        TaskSource(TaskSpec(i, f"{kind}/{p.stem}", str(p), hashes[p.name]), _reader(p))
        for i, p in enumerate(problem_paths)
    ]
    return PddlFamily(f"pddl/{kind}", domain, sources, split, source, KNOWN[kind], kind)


def _reader(path: Path) -> Callable[[], str]:
    return lambda: path.read_text(encoding="utf-8", errors="replace")


# --- pddl-gen/<kind>: generated problems, no data needed ---------------------------------


def _int_option(name: str, value: str | int | None, default: int | None, low: int) -> int | None:
    if value is None or value == "":
        return default
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise BadInput(f"option {name} must be an integer (got {value!r})") from None
    if n < low:
        raise BadInput(f"option {name} must be at least {low} (got {n})")
    return n


def _facts(atoms: Iterable[tuple[str, ...]]) -> frozenset[str]:
    """Atoms as the generators write facts: ``(pred arg ...)``."""
    return frozenset(f"({' '.join(atom)})" for atom in atoms)


def _goal_facts(goal: m.Formula) -> frozenset[str] | None:
    """A goal that is a conjunction of positive atoms (or one atom) as facts; ``None`` for
    any other goal (it is then no generated or example goal)."""
    parts = goal.parts if isinstance(goal, m.Junction) and goal.conjunction else (goal,)
    if not all(isinstance(p, m.Lit) and p.positive for p in parts):
        return None
    return frozenset(f"({' '.join((p.pred, *p.args))})" for p in parts if isinstance(p, m.Lit))


def _problem_hash(key: tuple[frozenset[str], ...]) -> str:
    """A hash of a generated problem's objects, init and goal facts, each as a set."""
    text = "\n".join(" ".join(sorted(part)) for part in key)
    return hashlib.sha256(text.encode()).hexdigest()


def generated_family(
    kind: str,
    data_dir: str | None = None,
    tasks: str | int = 20,
    seed: str | int = 0,
    size: str | int | None = None,
) -> PddlFamily:
    """``pddl-gen/<kind>[tasks=N,seed=S,size=K]``: ``data_dir`` is accepted and ignored.

    The tasks are distinct problems (`generators.generate_distinct`) where the size allows; a
    size with fewer distinct problems than ``tasks`` repeats some, and the family's source
    warns how many are distinct. Raises `BadInput` for a bad option."""
    del data_dir  # generated families read no data
    n_tasks = _int_option("tasks", tasks, 20, 1)
    seed_i = _int_option("seed", seed, 0, 0)
    size_i = _int_option("size", size, None, 1)
    assert n_tasks is not None and seed_i is not None
    generated, n_distinct = generate_distinct(kind, n_tasks, seed_i, size_i)
    texts = [g.text for g in generated]
    hashes = [hashlib.sha256(t.encode()).hexdigest() for t in texts]
    sources = [
        TaskSource(TaskSpec(i, g.name, None, h, _problem_hash(g.key)), _constant(t))
        for i, (g, t, h) in enumerate(zip(generated, texts, hashes, strict=True))
    ]
    options = f"tasks={n_tasks}, seed={seed_i}" + (f", size={size_i}" if size_i else "")
    warnings: tuple[str, ...] = ()
    if n_distinct < n_tasks:
        warnings = (
            f"only {n_distinct} of the {n_tasks} generated {kind} problems are distinct at this "
            "size; the others repeat them",
        )
    split = seeded_split(n_tasks, seed=seed_i)
    example = example_key(kind)
    # Only the split's test tasks matter here (a training task may well be the example's).
    as_example = [i for i in split.test if generated[i].key == example]
    if as_example:
        warnings += (
            f"test tasks {listed(as_example)} of the split are the worked example's own {kind} problem, "
            "whose solution every method sees in its prompt: runs refuse them as test tasks",
        )
    source = DataSource(
        path=None,
        description=f"generated by learnact ({kind}: {options})",
        fingerprint=fingerprint([(g.name, h) for g, h in zip(generated, hashes, strict=True)]),
        warnings=warnings,
    )
    family = PddlFamily(
        f"pddl-gen/{kind}", own_domain(kind), sources, split, source, KNOWN[kind], kind
    )
    family.plans = {i: g.plan for i, g in enumerate(generated)}
    return family


def _constant(text: str) -> Callable[[], str]:
    return lambda: text
