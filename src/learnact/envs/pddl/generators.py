"""Seeded problem generators for learnact's own domains, each with a constructive plan.

`generate(kind, index, seed, size)` returns PDDL problem text for ``domains/<kind>.pddl``
plus a plan (commands) that solves it, so solvability is checked by simply playing the
plan. Default sizes vary per task within AgentBoard's ranges; ``size`` fixes the main
size (balls, blocks, hubs, goal shots) and may be much larger.

Problems take the shape of AgentBoard's problems of the same domain, and no goal
condition holds in the initial state (so a progress rate measures what the agent did,
not where it started):

* gripper: every ball must cross to the other room (AgentBoard's start all balls in
  rooma; here each ball's side and Robby's room are drawn, which gives distinct
  problems of one size);
* blockworld: random towers; the goal is the ``on`` facts of other random towers that do
  not already hold (a partial goal, as AgentBoard's);
* tyreworld: every hub's flat wheel is replaced by an inflated spare from the boot and the
  flat put away (the spares are assigned to hubs in a drawn order);
* barman: shots filled with a cocktail or an ingredient, from clean empty shots.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from learnact.errors import BadInput

# Default (min, max) main size per task type, after AgentBoard's problem sets.
DEFAULT_SIZES = {"gripper": (4, 12), "blockworld": (3, 7), "tyreworld": (1, 3), "barman": (1, 3)}
MAX_SIZE = 500  # a sanity bound: bigger problems make unreadable observations
MIN_SIZES = {"blockworld": 2}  # one block has no goal that does not already hold


@dataclass(frozen=True)
class Generated:
    name: str
    text: str  # PDDL problem
    plan: tuple[str, ...]  # commands reaching the goal
    size: int
    #: the problem itself (objects, init and goal facts as sets): equal keys, same problem
    key: tuple[frozenset[str], frozenset[str], frozenset[str]]


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
    if n < MIN_SIZES.get(kind, 1):
        raise BadInput(f"{kind} needs a size of at least {MIN_SIZES[kind]} (got {n})")
    name = f"{kind}-s{seed}-{index}"
    objects, init, goal, plan = _GENERATORS[kind](rng, n)
    key = (
        frozenset(o for objs in objects.values() for o in objs),
        frozenset(init),
        frozenset(goal),
    )
    return Generated(name, problem_text(name, kind, objects, init, goal), tuple(plan), n, key)


def generate_distinct(
    kind: str, count: int, seed: int = 0, size: int | None = None, *, tries: int = 50
) -> tuple[list[Generated], int]:
    """``count`` problems of ``kind``: `generate` for indices 0, 1, 2, ... skipping a problem equal
    to an earlier one (same objects, init and goal), at most ``tries * count`` draws. Small sizes
    have few distinct problems (gripper with 1 ball: 4); the rest are then filled with repeats in
    draw order. Returns the problems and how many of them are distinct. Raises as `generate`."""
    seen: set[tuple[frozenset[str], frozenset[str], frozenset[str]]] = set()
    distinct: list[Generated] = []
    repeats: list[Generated] = []
    for index in range(tries * count):
        if len(distinct) == count:
            break
        g = generate(kind, index, seed, size)
        if g.key in seen:
            if len(repeats) < count:
                repeats.append(g)
            continue
        seen.add(g.key)
        distinct.append(g)
    n_distinct = len(distinct)
    return distinct + repeats[: count - n_distinct], n_distinct


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
    target = {b: rooms[1] if start[b] == rooms[0] else rooms[0] for b in balls}  # all cross
    robby = rng.choice(rooms)
    init = [f"(at-robby {robby})", "(free left)", "(free right)"]
    init += [f"(at {b} {start[b]})" for b in balls]
    plan: list[str] = []
    for room in rooms:  # two balls a trip, from one room, then the other
        here = [b for b in balls if start[b] == room]
        for i in range(0, len(here), 2):
            pair = list(zip(here[i : i + 2], ("left", "right"), strict=False))
            if robby != room:
                plan.append(f"move {robby} {room}")
            plan += [f"pick {b} {room} {g}" for b, g in pair]
            plan.append(f"move {room} {target[here[i]]}")
            plan += [f"drop {b} {target[b]} {g}" for b, g in pair]
            robby = target[here[i]]
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
    held = set(_on_facts(start))
    goal: list[str] = []
    for _ in range(100):
        target = _towers(rng, blocks)
        goal = [f for f in _on_facts(target) if f not in held]  # nothing true at the start
        if goal:
            break
    else:  # tiny problems: one tower in an order that does not hold (reversed if it does)
        target = [blocks if f"(on {blocks[1]} {blocks[0]})" not in held else blocks[::-1]]
        goal = [f for f in _on_facts(target) if f not in held]
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
    for spare in spares:
        init += [f"(intact {spare})", f"(in {spare} boot)", f"(not-inflated {spare})"]
    for hub, nut, flat in zip(hubs, nuts, flats, strict=True):
        init += [f"(on {flat} {hub})", f"(on-ground {hub})", f"(tight {nut} {hub})"]
        init.append(f"(fastened {hub})")
    assigned = spares[:]
    rng.shuffle(assigned)  # which spare goes on which hub: distinct problems of one size
    for hub, nut, spare, flat in zip(hubs, nuts, assigned, flats, strict=True):
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
