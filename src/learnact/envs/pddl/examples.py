"""One worked example per task type, played in our simulator so its text is always exact.

Each example is a small hand-written problem for learnact's own domain and a plan; the
trajectory text (Goal / Observation / Action lines) is produced by really playing it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from learnact.envs.pddl import model as m
from learnact.envs.pddl.episode import PddlEpisode, PddlTask
from learnact.envs.pddl.generators import problem_text
from learnact.envs.pddl.knowledge import KNOWN
from learnact.envs.pddl.loader import parse_problem_text
from learnact.envs.pddl.resources import own_domain
from learnact.envs.pddl.sequences import Reachable


@dataclass(frozen=True)
class ExampleSpec:
    objects: dict[str, list[str]]
    init: list[str]
    goal: list[str]
    plan: list[str]


SPECS = {
    "gripper": ExampleSpec(
        {"room": ["rooma", "roomb"], "ball": ["ball1", "ball2"], "gripper": ["left", "right"]},
        ["(at-robby rooma)", "(at ball1 rooma)", "(at ball2 rooma)", "(free left)", "(free right)"],
        ["(at ball1 roomb)", "(at ball2 roomb)"],
        [
            "pick ball1 rooma left",
            "pick ball2 rooma right",
            "move rooma roomb",
            "drop ball1 roomb left",
            "drop ball2 roomb right",
        ],
    ),
    "blockworld": ExampleSpec(
        {"block": ["b1", "b2", "b3"]},
        ["(arm-empty)", "(on-table b1)", "(on b2 b1)", "(on-table b3)", "(clear b2)", "(clear b3)"],
        ["(on b1 b3)", "(on b2 b1)"],
        ["unstack b2 b1", "putdown b2", "pickup b1", "stack b1 b3", "pickup b2", "stack b2 b1"],
    ),
    "tyreworld": ExampleSpec(
        {"hub": ["the-hub1"], "nut": ["nuts1"], "container": ["boot"], "wheel": ["r1", "w1"]},
        [
            "(in jack boot)",
            "(in pump boot)",
            "(in wrench boot)",
            "(in r1 boot)",
            "(unlocked boot)",
            "(closed boot)",
            "(intact r1)",
            "(not-inflated r1)",
            "(on w1 the-hub1)",
            "(on-ground the-hub1)",
            "(tight nuts1 the-hub1)",
            "(fastened the-hub1)",
        ],
        ["(on r1 the-hub1)", "(inflated r1)", "(in w1 boot)"],
        [
            "open boot",
            "fetch wrench boot",
            "fetch jack boot",
            "fetch pump boot",
            "fetch r1 boot",
            "loosen nuts1 the-hub1",
            "jack-up the-hub1",
            "undo nuts1 the-hub1",
            "remove-wheel w1 the-hub1",
            "put-on-wheel r1 the-hub1",
            "do-up nuts1 the-hub1",
            "jack-down the-hub1",
            "tighten nuts1 the-hub1",
            "inflate r1",
            "put-away w1 boot",
        ],
    ),
    "barman": ExampleSpec(
        {
            "shaker": ["shaker1"],
            "hand": ["left", "right"],
            "shot": ["shot1", "shot2"],
            "ingredient": ["ingredient1", "ingredient2"],
            "cocktail": ["cocktail1"],
            "dispenser": ["dispenser1", "dispenser2"],
            "level": ["l0", "l1", "l2"],
        },
        [
            "(ontable shaker1)",
            "(ontable shot1)",
            "(ontable shot2)",
            "(clean shaker1)",
            "(clean shot1)",
            "(clean shot2)",
            "(empty shaker1)",
            "(empty shot1)",
            "(empty shot2)",
            "(handempty left)",
            "(handempty right)",
            "(dispenses dispenser1 ingredient1)",
            "(dispenses dispenser2 ingredient2)",
            "(shaker-empty-level shaker1 l0)",
            "(shaker-level shaker1 l0)",
            "(next l0 l1)",
            "(next l1 l2)",
            "(cocktail-part1 cocktail1 ingredient1)",
            "(cocktail-part2 cocktail1 ingredient2)",
        ],
        ["(contains shot1 cocktail1)"],
        [
            "grasp left shot2",
            "fill-shot shot2 ingredient1 left right dispenser1",
            "pour-shot-to-clean-shaker shot2 ingredient1 shaker1 left l0 l1",
            "clean-shot shot2 ingredient1 left right",
            "fill-shot shot2 ingredient2 left right dispenser2",
            "pour-shot-to-used-shaker shot2 ingredient2 shaker1 left l1 l2",
            "leave left shot2",
            "grasp left shaker1",
            "shake cocktail1 ingredient1 ingredient2 shaker1 left right",
            "pour-shaker-to-shot cocktail1 shot1 left shaker1 l2 l1",
        ],
    ),
}


def as_call(command: str) -> str:
    """``pick ball1 rooma left`` -> ``pick('ball1', 'rooma', 'left')``."""
    name, *args = command.split()
    return f"{name.replace('-', '_')}({', '.join(repr(a) for a in args)})"


def example_key(kind: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """The worked example's problem as `generators.Generated.key` writes a generated one
    (objects, init and goal facts as sets), so a generated task that is the example's own
    problem can be recognised. `KeyError` for an unknown kind."""
    spec = SPECS[kind]
    objects = frozenset(o for objs in spec.objects.values() for o in objs)
    return objects, frozenset(spec.init), frozenset(spec.goal)


@cache
def example_pddl(kind: str) -> tuple[m.Domain, m.Problem]:
    """The worked example of task type ``kind`` as learnact's own domain and the example's
    problem, parsed (cached). `KeyError` for an unknown kind."""
    spec = SPECS[kind]
    domain = own_domain(kind)
    text = problem_text(f"{kind}-example", kind, spec.objects, spec.init, spec.goal)
    return domain, parse_problem_text(text, domain)


@cache
def example_states(kind: str) -> Reachable:
    """Every state reachable in the worked example's problem of ``kind`` (cached; barman's,
    the largest, has about 5,000), for `Reachable.never_runs`."""
    return Reachable(*example_pddl(kind))


@cache
def example_text(kind: str) -> str:
    """The worked example of task type ``kind``: a small hand-written problem for learnact's own
    domain, its plan played in the simulator, as ``Goal:`` / ``Observation:`` / ``Action:`` lines
    (actions written as calls). Cached. `KeyError` for an unknown kind; `AssertionError` if the plan
    fails (a packaging bug, never a user error)."""
    spec = SPECS[kind]
    domain, problem = example_pddl(kind)
    episode = PddlEpisode(PddlTask(domain, problem, KNOWN[kind].style))
    first = episode.reset()
    lines = [f"Goal: {first.goal}", f"Observation: {first.observation}"]
    for command in spec.plan:
        result = episode.step(command)
        if not result.valid:  # a broken example must never reach a prompt
            raise AssertionError(f"example plan step {command!r} is invalid: {result.observation}")
        lines += [f"Action: {as_call(command)}", f"Observation: {result.observation}"]
    if not episode.won:
        raise AssertionError(f"the {kind} example does not reach its goal")
    return "\n".join(lines)
