"""Planning an experiment: the units of work, in a fixed order, and the run's fingerprint.

The work is cut into units (`learnact.runner.store.Unit`): per family and seed one
``learn`` unit (LearnAct's learner), per family, Reflexion method and seed one
``lessons`` unit, and one ``episode`` unit per test episode. An episode of a method that
learns depends on its family's and seed's learn or lessons unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from learnact.agents.methods import EXPERT, REFLEXION
from learnact.envs import registry
from learnact.envs.base import TaskFamily, repeated_problems
from learnact.errors import BadInput
from learnact.library.experts import expert_key
from learnact.runner import fingerprint as fp
from learnact.runner.experiment import Experiment
from learnact.runner.store import Unit
from learnact.runner.tasks import (
    TrainTestOverlap,
    check_disjoint,
    example_repeats,
    listed,
    ordered,
    select_tasks,
)


def slug(name: str) -> str:
    """``name`` as a file-name component (``pddl/gripper[size=2]`` -> ``pddl_gripper_size_2``)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("_") or "family"


@dataclass
class Plan:
    """An experiment's families (built once), units, fingerprint and test tasks per family.

    ``overlap[family][what]`` lists the test tasks a method also learns on (``what`` is
    ``"learnact"`` or ``"reflexion"``); it is empty unless the experiment allows it."""

    exp: Experiment
    families: dict[str, TaskFamily]
    units: list[Unit]
    fingerprint: dict[str, Any]
    test_tasks: dict[str, list[int]] = field(default_factory=dict)
    overlap: dict[str, dict[str, list[int]]] = field(default_factory=dict)


def load_families(exp: Experiment) -> dict[str, TaskFamily]:
    """Every family of ``exp`` by its name; `BadInput` for a family listed twice or one
    that cannot be built (unknown name, missing data)."""
    names = [f.name for f in exp.families]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise BadInput(f"family listed twice: {', '.join(sorted(dupes))}")
    out = {f.name: registry.make_family(f.name, data_dir=exp.data_dir) for f in exp.families}
    for f in exp.families:  # families learnact learns on for others (library transfer)
        demonstrated = exp.baseline_demonstrations and any(
            m != "learnact" for m in exp.methods_for(f)
        )
        if "learnact" in exp.methods_for(f) or demonstrated:
            src = exp.learn_family_for(f)
            if src not in out:
                out[src] = registry.make_family(src, data_dir=exp.data_dir)
    return out


def check_transfer(source: TaskFamily, target: TaskFamily) -> None:
    """A library learned on ``source`` can act in ``target``: the same basic actions (names
    and parameters). Raises `BadInput` otherwise."""
    a = [(b.name, b.params) for b in source.basic_actions]
    b = [(b.name, b.params) for b in target.basic_actions]
    if a != b:
        raise BadInput(
            f"{target.name} cannot use a library learned on {source.name}: their basic "
            "actions differ (learn on a family of the same domain)"
        )


def plan(exp: Experiment, families: dict[str, TaskFamily] | None = None) -> Plan:
    """Every unit of the experiment, in a deterministic order.

    Validates every task selection first (`BadInput` for an empty or bad one), so that a
    run never starts with a selection that fails later, and refuses training tasks that
    are also test tasks (`learnact.runner.tasks.TrainTestOverlap`) unless the experiment
    sets ``allow_train_test_overlap``.
    """
    families = families if families is not None else load_families(exp)
    units: list[Unit] = []
    tests: dict[str, list[int]] = {}
    overlap: dict[str, dict[str, list[int]]] = {}
    learn_units: set[str] = set()
    for entry in exp.families:
        fam = families[entry.name]
        test = select_tasks(fam, exp.tasks_for(entry))
        if not test:
            raise BadInput(f"{fam.name}: the task selection {exp.tasks_for(entry)!r} is empty")
        tests[entry.name] = test
        shown = example_repeats(fam, test, allow=exp.allow_train_test_overlap)
        if shown:
            overlap.setdefault(entry.name, {})["worked example"] = shown
        methods = exp.methods_for(entry)
        if EXPERT in methods and expert_key(fam.name) is None:
            raise BadInput(f"{fam.name}: no expert library covers this family (method {EXPERT})")
        learns = {}
        # Another family's training tasks this family's test tasks must not repeat: the
        # overlap key, and what they are for the refusal ({src}: that family).
        cross: dict[str, str] = {}
        source = exp.learn_family_for(entry)
        if "learnact" in methods and source == entry.name:
            learns["learnact"] = select_tasks(fam, exp.learn.train_tasks, "train")
        elif "learnact" in methods:  # transfer: no test task may be a training problem
            check_transfer(families[source], fam)
            cross["learnact"] = "training problems of {src}, where learnact learns"
        if any(m in REFLEXION for m in methods):
            learns["reflexion"] = select_tasks(fam, exp.reflexion_train_tasks, "train")
        if exp.baseline_demonstrations and any(m != "learnact" for m in methods):
            # Every other method sees solutions of the training tasks of the family
            # learnact learns on (runner/units.py): the same demonstrations.
            if source == entry.name:
                learns["demonstrated"] = select_tasks(fam, exp.learn.train_tasks, "train")
            else:
                cross["demonstrated"] = (
                    "problems of {src} training tasks whose demonstrations the baselines see"
                )
        if cross:
            both = _cross_overlap(exp, source, families, fam, test, next(iter(cross.values())))
            if both:
                overlap.setdefault(entry.name, {}).update(dict.fromkeys(cross, both))
        for what, train in learns.items():
            both = check_disjoint(
                fam, train, test, what=f"{what} training", allow=exp.allow_train_test_overlap
            )
            if both:
                overlap.setdefault(entry.name, {})[what] = both
        for seed in exp.seed_list:
            for method in methods:
                dep = None
                if method == "learnact":
                    dep = f"learn|{source}|s{seed}"
                    if dep not in learn_units:  # one learner per source family and seed
                        learn_units.add(dep)
                        units.append(Unit(dep, "learn", source, method, seed))
                elif method in REFLEXION:
                    dep = f"lessons|{entry.name}|{method}|s{seed}"
                    units.append(Unit(dep, "lessons", entry.name, method, seed))
                for task in ordered(test, seed):
                    uid = f"ep|{entry.name}|{method}|s{seed}|t{task}"
                    units.append(Unit(uid, "episode", entry.name, method, seed, task, dep))
    return Plan(exp, families, units, fp.compute(exp, families), tests, overlap)


def _cross_overlap(
    exp: Experiment,
    source: str,
    families: dict[str, TaskFamily],
    fam: TaskFamily,
    test: list[int],
    what: str,
) -> list[int]:
    """The ``test`` tasks of ``fam`` that repeat a problem of the training tasks of the
    family ``source`` (another one: library transfer, demonstrations); `TrainTestOverlap`
    for any unless the experiment allows overlap. ``what`` says what they are, ``{src}``
    standing for ``source``."""
    src = families[source]
    both = repeated_problems(src, select_tasks(src, exp.learn.train_tasks, "train"), fam, test)
    if both and not exp.allow_train_test_overlap:
        raise TrainTestOverlap(
            f"{fam.name}: test tasks {listed(both)} are {what.format(src=source)}; choose "
            "other tasks, or opt in with --allow-train-test-overlap (TOML: "
            "allow_train_test_overlap = true)"
        )
    return both
