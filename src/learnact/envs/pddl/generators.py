"""Seeded problem generators for learnact's own domains, each with a constructive plan.

`generate(kind, index, seed, size)` returns PDDL problem text for ``domains/<kind>.pddl``
plus a plan (commands) that solves it, so solvability is checked by simply playing the
plan. Default sizes vary per task within AgentBoard's ranges; ``size`` fixes the main
size (balls, blocks, hubs, goal shots) and may be much larger.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from learnact.errors import BadInput

# Default (min, max) main size per task type, after AgentBoard's problem sets.
DEFAULT_SIZES = {"gripper": (4, 12), "blockworld": (3, 7), "tyreworld": (1, 3), "barman": (1, 3)}
MAX_SIZE = 500  # a sanity bound: bigger problems make unreadable observations


@dataclass(frozen=True)
class Generated:
    name: str
    text: str  # PDDL problem
    plan: tuple[str, ...]  # commands reaching the goal
    size: int


def generate(kind: str, index: int, seed: int = 0, size: int | None = None) -> Generated:
    """Problem ``index`` of task type ``kind`` for ``seed``: PDDL text for learnact's own domain and
    a plan that solves it; the same arguments always give the same problem. ``size`` fixes the main
    size (balls, blocks, hubs or goal shots; 1 to `MAX_SIZE`), else it is drawn from `DEFAULT_SIZES`
    (AgentBoard's ranges). Raises `BadInput` for an unknown kind or a size out of range."""
    if kind not in _GENERATORS:
        raise BadInput(f"no generator for {kind!r}; known: {', '.join(_GENERATORS)}")
    # A string seed is hashed deterministically (unlike hash()), so tasks are reproducible.
    rng = random.Random(f"learnact:{kind}:{seed}:{index}")
    n = size if size is not None else rng.randint(*DEFAULT_SIZES[kind])
    if not 1 <= n <= MAX_SIZE:
        raise BadInput(f"size must be between 1 and {MAX_SIZE} (got {n})")
    name = f"{kind}-s{seed}-{index}"
    objects, init, goal, plan = _GENERATORS[kind](rng, n)
    return Generated(name, problem_text(name, kind, objects, init, goal), tuple(plan), n)


def problem_text(
    name: str, domain: str, objects: dict[str, list[str]], init: list[str], goal: list[str]
) -> str:
    """A PDDL problem: ``objects`` maps a type to its object names, ``init`` and ``goal`` are atoms
    as PDDL text (``"(at ball1 rooma)"``); the goal is their conjunction."""
    decls = "\n".join(f"    {' '.join(objs)} - {t}" for t, objs in objects.items() if objs)
    facts = "\n".join(f"    {f}" for f in init)
    goals = "\n".join(f"      {g}" for g in goal)
    return (
        f"(define (problem {name})\n  (:domain {domain})\n  (:objects\n{decls})\n"
        f"  (:init\n{facts})\n  (:goal\n    (and\n{goals})))\n"
    )


Spec = tuple[dict[str, list[str]], list[str], list[str], list[str]]


def _gripper(rng: random.Random, n: int) -> Spec:
    rooms = ["rooma", "roomb"]
    balls = [f"ball{i}" for i in range(1, n + 1)]
    start = {b: rng.choice(rooms) for b in balls}
    target = {b: rng.choice(rooms) for b in balls}
    if start == target:  # at least one ball has to move
        target[balls[0]] = rooms[1] if start[balls[0]] == rooms[0] else rooms[0]
    robby = rng.choice(rooms)
    init = [f"(at-robby {robby})", "(free left)", "(free right)"]
    init += [f"(at {b} {start[b]})" for b in balls]
    plan: list[str] = []
    for b in balls:
        if start[b] == target[b]:
            continue
        if robby != start[b]:
            plan.append(f"move {robby} {start[b]}")
        plan += [f"pick {b} {start[b]} left", f"move {start[b]} {target[b]}"]
        plan.append(f"drop {b} {target[b]} left")
        robby = target[b]
    objects = {"room": rooms, "ball": balls, "gripper": ["left", "right"]}
    return objects, init, [f"(at {b} {target[b]})" for b in balls], plan


def _towers(rng: random.Random, blocks: list[str]) -> list[list[str]]:
    """A random arrangement of blocks into towers (each listed bottom to top)."""
    order = blocks[:]
    rng.shuffle(order)
    towers: list[list[str]] = []
    for b in order:
        if towers and rng.random() < 0.6:
            rng.choice(towers).append(b)
        else:
            towers.append([b])
    return towers


def _on_facts(towers: list[list[str]]) -> list[str]:
    return [f"(on {t[i]} {t[i - 1]})" for t in towers for i in range(1, len(t))]


def _blockworld(rng: random.Random, n: int) -> Spec:
    blocks = [f"b{i}" for i in range(1, n + 1)]
    start = _towers(rng, blocks)
    for _ in range(100):
        target = _towers(rng, blocks)
        goal = _on_facts(target)
        if goal and not set(goal) <= set(_on_facts(start)):
            break
    else:  # tiny problems: stack everything into one tower in name order
        target = [blocks]
        goal = _on_facts(target)
    init = ["(arm-empty)"]
    init += [f"(on-table {t[0]})" for t in start] + _on_facts(start)
    init += [f"(clear {t[-1]})" for t in start]
    plan: list[str] = []
    for tower in start:  # take every tower apart, top first
        for i in range(len(tower) - 1, 0, -1):
            plan += [f"unstack {tower[i]} {tower[i - 1]}", f"putdown {tower[i]}"]
    for tower in target:  # then build the goal towers bottom up
        for i in range(1, len(tower)):
            plan += [f"pickup {tower[i]}", f"stack {tower[i]} {tower[i - 1]}"]
    return {"block": blocks}, init, goal, plan


def _tyreworld(rng: random.Random, n: int) -> Spec:
    hubs = [f"the-hub{i}" for i in range(1, n + 1)]
    nuts = [f"nuts{i}" for i in range(1, n + 1)]
    spares = [f"r{i}" for i in range(1, n + 1)]
    flats = [f"w{i}" for i in range(1, n + 1)]
    init = ["(in jack boot)", "(in pump boot)", "(in wrench boot)", "(unlocked boot)"]
    init.append("(closed boot)")
    goal: list[str] = []
    plan = ["open boot", "fetch wrench boot", "fetch jack boot", "fetch pump boot"]
    for hub, nut, spare, flat in zip(hubs, nuts, spares, flats, strict=True):
        init += [f"(intact {spare})", f"(in {spare} boot)", f"(not-inflated {spare})"]
        init += [f"(on {flat} {hub})", f"(on-ground {hub})", f"(tight {nut} {hub})"]
        init.append(f"(fastened {hub})")
        goal += [f"(on {spare} {hub})", f"(inflated {spare})", f"(in {flat} boot)"]
        plan += [
            f"fetch {spare} boot",
            f"loosen {nut} {hub}",
            f"jack-up {hub}",
            f"undo {nut} {hub}",
            f"remove-wheel {flat} {hub}",
            f"put-on-wheel {spare} {hub}",
            f"do-up {nut} {hub}",
            f"jack-down {hub}",
            f"tighten {nut} {hub}",
            f"inflate {spare}",
            f"put-away {flat} boot",
        ]
    rng.shuffle(goal)  # order carries no hint
    objects = {"hub": hubs, "nut": nuts, "container": ["boot"], "wheel": spares + flats}
    return objects, init, goal, plan


def _barman(rng: random.Random, n: int) -> Spec:
    ingredients = ["ingredient1", "ingredient2", "ingredient3"]
    dispensers = ["dispenser1", "dispenser2", "dispenser3"]
    n_cocktails = rng.randint(3, 7)
    cocktails = [f"cocktail{i}" for i in range(1, n_cocktails + 1)]
    shots = [f"shot{i}" for i in range(1, n + rng.randint(2, 4) + 1)]
    parts = {c: rng.sample(ingredients, 2) for c in cocktails}
    init = ["(ontable shaker1)", "(clean shaker1)", "(empty shaker1)"]
    init += ["(handempty left)", "(handempty right)"]
    init += ["(shaker-empty-level shaker1 l0)", "(shaker-level shaker1 l0)"]
    init += ["(next l0 l1)", "(next l1 l2)"]
    init += [f"(dispenses {d} {i})" for d, i in zip(dispensers, ingredients, strict=True)]
    for s in shots:
        init += [f"(ontable {s})", f"(clean {s})", f"(empty {s})"]
    for c, (p1, p2) in parts.items():
        init += [f"(cocktail-part1 {c} {p1})", f"(cocktail-part2 {c} {p2})"]
    targets = rng.sample(shots[:-1], n)  # the last shot is kept as the pouring helper
    helper = shots[-1]
    goal: list[str] = []
    plan: list[str] = []
    for shot in targets:
        if rng.random() < 0.5:
            i = rng.randrange(3)
            goal.append(f"(contains {shot} {ingredients[i]})")
            plan += [f"grasp left {shot}"]
            plan += [f"fill-shot {shot} {ingredients[i]} left right {dispensers[i]}"]
            plan += [f"leave left {shot}"]
        else:
            c = rng.choice(cocktails)
            goal.append(f"(contains {shot} {c})")
            plan += _cocktail_plan(c, parts[c], shot, helper)
    objects = {
        "shaker": ["shaker1"],
        "hand": ["left", "right"],
        "shot": shots,
        "ingredient": ingredients,
        "cocktail": cocktails,
        "dispenser": dispensers,
        "level": ["l0", "l1", "l2"],
    }
    return objects, init, goal, plan


def _cocktail_plan(cocktail: str, parts: list[str], shot: str, helper: str) -> list[str]:
    """Mix ``cocktail`` with the helper shot and pour it into ``shot``; shaker ends clean."""
    d1, d2 = (f"dispenser{p[-1]}" for p in parts)
    i1, i2 = parts
    return [
        f"grasp left {helper}",
        f"fill-shot {helper} {i1} left right {d1}",
        f"pour-shot-to-clean-shaker {helper} {i1} shaker1 left l0 l1",
        f"clean-shot {helper} {i1} left right",
        f"fill-shot {helper} {i2} left right {d2}",
        f"pour-shot-to-used-shaker {helper} {i2} shaker1 left l1 l2",
        f"clean-shot {helper} {i2} left right",
        f"leave left {helper}",
        "grasp left shaker1",
        f"shake {cocktail} {i1} {i2} shaker1 left right",
        f"pour-shaker-to-shot {cocktail} {shot} left shaker1 l2 l1",
        f"empty-shaker left shaker1 {cocktail} l1 l0",
        "clean-shaker left right shaker1",
        "leave left shaker1",
    ]


_GENERATORS: dict[str, Callable[[random.Random, int], Spec]] = {
    "gripper": _gripper,
    "blockworld": _blockworld,
    "tyreworld": _tyreworld,
    "barman": _barman,
}
KINDS = tuple(_GENERATORS)
