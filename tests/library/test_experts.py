"""The shipped expert libraries (`learnact.library.experts`) win training tasks.

A scripted caller writes what an agent using each library would write (calls of the expert
actions only, derived from the task's goal and first observation); the calls run in the
real sandbox on the real environments. Only training tasks are played: the libraries are
never tuned on test tasks. Each library's ``usage_example`` is the real run of its first
calls on one training task; ``LEARNACT_REGEN_EXPERT_EXAMPLES=1`` rewrites them.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable

import pytest

from learnact.agents.act import ActAgent, AgentConfig
from learnact.agents.context import RunContext
from learnact.envs.base import TaskFamily
from learnact.envs.registry import make_family
from learnact.errors import BadInput
from learnact.learning.usage import execute_example
from learnact.library.experts import KEYS, expert_dir, expert_key, expert_library
from tests.helpers import missing

# --- scripted callers: the calls an agent would write with each library -----------------


def _facts(family: TaskFamily, task: int) -> tuple[set[tuple[str, ...]], list[tuple[str, ...]]]:
    t = family.task(task)  # type: ignore[attr-defined]
    return set(t.initial_state), [(g.pred, *g.args) for g in t.goal_parts]


def gripper_calls(family: TaskFamily, task: int) -> list[str]:
    init, goal = _facts(family, task)
    robby = next(f[1] for f in init if f[0] == "at-robby")
    start = {f[1]: f[2] for f in init if f[0] == "at"}
    target = {g[1]: g[2] for g in goal if g[0] == "at"}
    calls = []
    for room in sorted({start[b] for b in target}, key=lambda r: r != robby):
        balls = sorted(b for b in target if start[b] == room and target[b] != room)
        for i in range(0, len(balls), 2):
            if robby != room:
                calls.append(f"move('{robby}', '{room}')")
            dest = target[balls[i]]
            if i + 1 < len(balls):
                calls.append(f"carry_pair('{balls[i]}', '{balls[i + 1]}', '{room}', '{dest}')")
            else:
                calls.append(f"carry('{balls[i]}', '{room}', '{dest}', 'left')")
            robby = dest
    return calls


def blockworld_calls(family: TaskFamily, task: int) -> list[str]:
    init, goal = _facts(family, task)
    on = {f[1]: f[2] for f in init if f[0] == "on"}
    calls = []
    for top in sorted(f[1] for f in init if f[0] == "clear"):  # take every tower apart
        block = top
        while block in on:
            calls.append(f"move_block('{block}', '{on[block]}', 'table')")
            block = on[block]
    above = {g[2]: g[1] for g in goal if g[0] == "on"}
    for base in sorted(set(above) - set(above.values())):  # then build the goal towers
        tower = [base]
        while tower[-1] in above:
            tower.append(above[tower[-1]])
        calls.append(f"build_tower({tower!r})")
    return calls


def tyreworld_calls(family: TaskFamily, task: int) -> list[str]:
    init, goal = _facts(family, task)
    calls = ["get_tools(open_boot=False)" if ("isopen", "boot") in init else "get_tools()"]
    flat_on = {f[2]: f[1] for f in init if f[0] == "on"}
    spare_for = {g[2]: g[1] for g in goal if g[0] == "on"}
    spares = sorted(f[1] for f in init if f[0] == "in" and f[1] not in flat_on.values())
    spares = [r for r in spares if r not in spare_for.values() and r.startswith("r")]
    stowed = {g[1] for g in goal if g[0] == "in"}
    for hub in sorted(h for h, w in flat_on.items() if h in spare_for or w in stowed):
        spare = spare_for.get(hub) or spares.pop(0)  # a goal that only stows the flat
        nut = next(f[1] for f in init if f[0] in ("tight", "loose") and f[2] == hub)
        calls.append(f"change_tyre('{flat_on[hub]}', '{spare}', '{hub}', '{nut}')")
    return calls


def barman_calls(family: TaskFamily, task: int) -> list[str]:
    init, goal = _facts(family, task)
    parts = {(f[0], f[1]): f[2] for f in init if f[0].startswith("cocktail-part")}
    calls = []
    for g in sorted(g for g in goal if g[0] == "contains"):
        shot, drink = g[1], g[2]
        if ("cocktail-part1", drink) in parts:
            p1, p2 = parts[("cocktail-part1", drink)], parts[("cocktail-part2", drink)]
            calls.append(f"make_cocktail('{drink}', '{p1}', '{p2}', '{shot}')")
        else:
            calls.append(f"fill_shot_with('{shot}', '{drink}')")
    return calls


_FIRST: dict[tuple[str, int], tuple[str, str]] = {}  # each game is loaded once per session


def _alfworld(family: TaskFamily, task: int) -> tuple[str, list[str]]:
    if (family.name, task) not in _FIRST:
        episode = family.make_episode(task)
        try:
            first = episode.reset()
        finally:
            episode.close()
        _FIRST[(family.name, task)] = (first.goal, first.observation)
    goal, observation = _FIRST[(family.name, task)]
    places = re.findall(r"an? ([a-z]+ \d+)", observation.split("you see", 1)[1])
    return goal.lower(), places


def _one(places: list[str], kind: str) -> str:
    return next(p for p in places if p.rsplit(" ", 1)[0] == kind)


def alfworld_calls(family: TaskFamily, task: int) -> list[str]:
    goal, places = _alfworld(family, task)
    kind = family.name.split("/", 1)[1]
    if kind == "examine":
        obj, lamp = re.search(
            r"(?:examine|look at) the (\w+) (?:with|under) the (\w+)", goal
        ).groups()  # type: ignore[union-attr]
        return [f"find_and_take('{obj}', {places!r})", f"look_under_lamp('{lamp}', {places!r})"]
    if kind == "puttwo":
        obj, where = re.search(r"two (\w+) (?:and put them )?in (\w+)", goal).groups()  # type: ignore[union-attr]
        return [f"put_two('{obj}', '{_one(places, where)}', {places!r})"]
    m = re.search(r"(?:clean|heat|cool) some (\w+) and put it in (\w+)", goal) or re.search(
        r"put (?:a|an|some) (?:clean |hot |cool )?(\w+) (?:in|on) (\w+)", goal
    )
    assert m, goal
    obj, where = m.groups()
    calls = [f"find_and_take('{obj}', {places!r})"]
    device = {"clean": "sinkbasin", "heat": "microwave", "cool": "fridge"}.get(kind)
    if device:
        verb = {"clean": "clean_with_sink", "heat": "heat_with_microwave"}.get(
            kind, "cool_with_fridge"
        )
        calls.append(f"{verb}('{obj}', '{_one(places, device)}')")
    calls.append(f"put_in('{obj}', '{_one(places, where)}')")
    return calls


CALLERS: dict[str, Callable[[TaskFamily, int], list[str]]] = {
    "gripper": gripper_calls,
    "blockworld": blockworld_calls,
    "tyreworld": tyreworld_calls,
    "barman": barman_calls,
}
#: Generated families whose training tasks the PDDL libraries are checked on, and whose
#: first training task holds the usage example (no data needed).
GENERATED = {
    "gripper": "pddl-gen/gripper[size=3,tasks=13]",
    "blockworld": "pddl-gen/blockworld[size=4,tasks=13]",
    "tyreworld": "pddl-gen/tyreworld[size=2,tasks=13]",
    "barman": "pddl-gen/barman[size=2,tasks=13]",
}


def _calls(key: str) -> Callable[[TaskFamily, int], list[str]]:
    return CALLERS.get(key, alfworld_calls)


def play(family: TaskFamily, key: str, task: int, ctx: RunContext) -> tuple[bool, list[str]]:
    """Play the scripted calls of ``task`` with the expert library, in the sandbox; whether
    it won and the failures (call -> observation)."""
    library = expert_library(family)
    agent = ActAgent(family, ctx, library=library, method="expert-library", config=AgentConfig())
    episode = family.make_episode(task)
    failures = []
    try:
        first = episode.reset()
        if key not in CALLERS:
            _FIRST[(family.name, task)] = (first.goal, first.observation)
        state = first.observation
        for i, line in enumerate(_calls(key)(family, task)):
            step = agent.play_line(episode, i, line, state)
            if not step.valid:
                failures.append(f"{line[:80]} -> {step.observation[:200]}")
                break
            state = step.observation if step.sub_actions else state
            if step.won:
                return True, failures
    finally:
        episode.close()
    return False, failures


def test_every_family_has_its_expert():
    assert expert_key("pddl-gen/gripper[size=3]") == "gripper"
    assert expert_key("pddl/barman") == "barman"
    assert expert_key("alfworld/puttwo") == "alfworld-puttwo"
    assert expert_key("lights/basic") is None
    with pytest.raises(BadInput, match="no expert library for lights"):
        expert_library("lights/basic")
    for key in KEYS:
        meta = json.loads((expert_dir(key) / "library.json").read_text(encoding="utf-8"))
        assert meta["author"] == "human" and meta["expert"] is True
        assert 2 <= len(meta["actions"]) <= 3, key  # few actions, each a sub-goal
        assert all(a["description"] and a["notes"] for a in meta["actions"].values()), key
        # The prompt prints each signature before its description: no second copy.
        assert not any(a["description"].startswith(f"{n}(") for n, a in meta["actions"].items())
        assert meta["usage_example"].count("Action:") >= 1, key


@pytest.mark.parametrize("key", list(GENERATED))
def test_pddl_expert_wins_generated_training_tasks(key, sandbox, scripted):
    family = make_family(GENERATED[key])
    ctx = RunContext(scripted([], default="look()"), sandbox)
    results = [play(family, key, t, ctx) for t in family.split.train]
    assert all(won for won, _ in results), [f for _, f in results]


@pytest.mark.parametrize("key", list(GENERATED))
def test_pddl_expert_wins_agentboard_training_tasks(key, sandbox, scripted, shared_data):
    if not (shared_data / "pddl" / "agentboard" / key).is_dir():
        missing(f"AgentBoard PDDL data not found under {shared_data}")
    family = make_family(f"pddl/{key}", data_dir=str(shared_data))
    ctx = RunContext(scripted([], default="look()"), sandbox)
    results = [play(family, key, t, ctx) for t in family.split.train]
    assert all(won for won, _ in results), [f for _, f in results]


def _check_example(key: str, family: TaskFamily, ctx: RunContext, lines: list[str]):
    """Run ``lines`` on the first training task as a usage example: the stored example must
    be this real run (rewritten with ``LEARNACT_REGEN_EXPERT_EXAMPLES=1``)."""
    task = family.split.train[0]
    ran = execute_example(family, ctx, expert_library(family), lines, task, 10.0)
    assert ran.usable and ran.valid == len(lines), ran.failure
    path = expert_dir(key) / "library.json"
    meta = json.loads(path.read_text(encoding="utf-8"))
    if os.environ.get("LEARNACT_REGEN_EXPERT_EXAMPLES"):
        meta["usage_example"] = ran.text
        path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    assert meta["usage_example"] == ran.text
    return ran


@pytest.mark.parametrize("key", list(GENERATED))
def test_pddl_usage_example_is_a_real_run_on_a_training_task(key, sandbox, scripted):
    family = make_family(GENERATED[key])
    ctx = RunContext(scripted([], default="look()"), sandbox)
    # The whole run, so that the example shows every action and ends in a win.
    ran = _check_example(key, family, ctx, _calls(key)(family, family.split.train[0]))
    assert ran.won


@pytest.mark.parametrize("kind", ["put", "clean", "heat", "cool", "examine", "puttwo"])
def test_alfworld_expert_wins_training_tasks(kind, sandbox, scripted, shared_data):
    """The first training task's whole scripted run is the usage example; when it does not
    win, the other training tasks are played until one does."""
    if not (shared_data / "alfworld").is_dir():
        missing(f"ALFWorld data not found under {shared_data}")
    family = make_family(f"alfworld/{kind}", data_dir=str(shared_data))
    ctx = RunContext(scripted([], default="look()"), sandbox)
    key = f"alfworld-{kind}"
    first = family.split.train[0]
    if _check_example(key, family, ctx, alfworld_calls(family, first)).won:
        return
    failures = []
    for task in family.split.train[1:]:  # until the first win: each game takes seconds to load
        won, failed = play(family, key, task, ctx)
        if won:
            return
        failures.append(failed)
    pytest.fail(f"no training task won: {failures}")
