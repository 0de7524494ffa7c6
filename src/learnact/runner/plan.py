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
from learnact.envs.base import TaskFamily
from learnact.errors import BadInput
from learnact.library.experts import expert_key
from learnact.runner import fingerprint as fp
from learnact.runner.experiment import Experiment
from learnact.runner.store import Unit
from learnact.runner.tasks import check_disjoint, ordered, select_tasks


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
    return {f.name: registry.make_family(f.name, data_dir=exp.data_dir) for f in exp.families}


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
    for entry in exp.families:
        fam = families[entry.name]
        test = select_tasks(fam, exp.tasks_for(entry))
        if not test:
            raise BadInput(f"{fam.name}: the task selection {exp.tasks_for(entry)!r} is empty")
        tests[entry.name] = test
        methods = exp.methods_for(entry)
        if EXPERT in methods and expert_key(fam.name) is None:
            raise BadInput(f"{fam.name}: no expert library covers this family (method {EXPERT})")
        learns = {}
        if "learnact" in methods:
            learns["learnact"] = select_tasks(fam, exp.learn.train_tasks, "train")
        if any(m in REFLEXION for m in methods):
            learns["reflexion"] = select_tasks(fam, exp.reflexion_train_tasks, "train")
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
                    dep = f"learn|{entry.name}|s{seed}"
                    units.append(Unit(dep, "learn", entry.name, method, seed))
                elif method in REFLEXION:
                    dep = f"lessons|{entry.name}|{method}|s{seed}"
                    units.append(Unit(dep, "lessons", entry.name, method, seed))
                for task in ordered(test, seed):
                    uid = f"ep|{entry.name}|{method}|s{seed}|t{task}"
                    units.append(Unit(uid, "episode", entry.name, method, seed, task, dep))
    return Plan(exp, families, units, fp.compute(exp, families), tests, overlap)
