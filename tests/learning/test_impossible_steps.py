"""The ``impossible_steps`` check: learned code whose basic-action calls can never run one
after the other, or that change nothing (envs/pddl/sequences.py, learning/straight.py).

The symbolic answers are checked against the real simulator: every sequence of two calls
over parameters that the analysis calls impossible fails (or changes nothing) in every
reachable state of a real generated problem, for every well-typed choice of objects."""

from __future__ import annotations

import ast
import itertools

import pytest

from learnact.envs import registry
from learnact.learning.checks import CHECKS, Checker, check_counts
from learnact.learning.journal import read_events
from learnact.learning.straight import straight_line_calls
from tests.learning.test_checks import GOOD, SUPPORT, _learner

GRIPPER = "pddl-gen/gripper[size=2,tasks=10]"
BLOCKWORLD = "pddl-gen/blockworld[size=3,tasks=6]"


@pytest.fixture(scope="module")
def gripper():
    return registry.make_family(GRIPPER)


@pytest.fixture(scope="module")
def blockworld():
    return registry.make_family(BLOCKWORLD)


def _show(calls):
    def show(i):
        name, terms = calls[i]
        return f"{name}({', '.join(t[1:] if t.startswith('?') else repr(t) for t in terms)})"

    return show


def _verdict(family, calls):
    return family.impossible_step(calls, _show(calls))


@pytest.mark.parametrize(
    ("calls", "kind", "words"),
    [
        # The learner's own mistakes (bench/results/small-learn-e2f5b64-libraries).
        ([("move", ("?room", "?room"))], "changes_nothing", "move(room, room) changes nothing"),
        (
            [("pick", ("?a", "?r", "left")), ("pick", ("?b", "?r", "left"))],
            "never_runs",
            "pick(b, r, 'left') can never run after the steps before it: it requires that "
            "left gripper is free, which pick(a, r, 'left') has just made false",
        ),
        (
            [("pick", ("?a", "?r", "left")), ("move", ("?s", "?t"))],
            None,
            None,
        ),
        # The expert's carry: right.
        (
            [("pick", ("?o", "?f", "?g")), ("move", ("?f", "?t")), ("drop", ("?o", "?t", "?g"))],
            None,
            None,
        ),
        # Two parameters may name the same ball: not refused.
        ([("pick", ("?a", "?r", "left")), ("drop", ("?b", "?r", "left"))], None, None),
    ],
)
def test_gripper_sequences(gripper, calls, kind, words):
    found = _verdict(gripper, calls)
    if kind is None:
        assert found is None
    else:
        assert found is not None and found.kind == kind and words in found.reason


def test_blockworld_pickup_then_unstack_never_runs(blockworld):
    calls = [("pickup", ("?x",)), ("unstack", ("?x", "?y"))]
    found = _verdict(blockworld, calls)
    assert found is not None and found.index == 1 and found.kind == "never_runs"
    assert "which pickup(x) has just made false" in found.reason
    assert _verdict(blockworld, [("pickup", ("?x",)), ("stack", ("?x", "?y"))]) is None


def _reachable(family, task):
    episode = family.make_episode(task)
    episode.reset()
    seen = {frozenset(episode.state)}
    frontier = list(seen)
    while frontier:
        state = frontier.pop()
        episode.state = set(state)
        for command in episode.valid_actions():
            episode.state = set(state)
            episode.step(command)
            after = frozenset(episode.state)
            if after not in seen:
                seen.add(after)
                frontier.append(after)
    return episode, seen


def _terms(family, pools):
    """Every call of every basic action with terms from ``pools`` (kind -> terms)."""
    out = []
    for action in family.basic_actions:
        kinds = family.parameter_kinds(action.name)
        choices = [
            sorted(set().union(*(pools.get(k, ()) for k in ks or {"object"}))) for ks in kinds
        ]
        out += [(action.name, terms) for terms in itertools.product(*choices)]
    return out


@pytest.mark.parametrize(
    ("spec", "pools", "objects", "no_ops"),
    [
        (
            GRIPPER,
            {"ball": ("?a", "?b"), "room": ("?r", "?s"), "gripper": ("?g", "left", "right")},
            {"ball": ("ball1", "ball2"), "room": ("rooma", "roomb"), "gripper": ("left", "right")},
            True,  # move(r, r)
        ),
        # Every blockworld action changes something.
        (BLOCKWORLD, {"block": ("?x", "?y", "?z")}, {"block": ("b1", "b2", "b3")}, False),
    ],
)
def test_every_verdict_holds_in_the_real_simulator(spec, pools, objects, no_ops):
    family = registry.make_family(spec)
    episode, states = _reachable(family, family.split.train[0])
    singles = _terms(family, pools)
    kind_of = {t: k for k, ts in pools.items() for t in ts if t.startswith("?")}
    flagged = {"never_runs": 0, "changes_nothing": 0}
    for pair in itertools.product(singles, repeat=2):
        calls = list(pair)
        found = _verdict(family, calls)
        if found is None:
            continue
        flagged[found.kind] += 1
        variables = sorted({t for _, ts in calls for t in ts if t.startswith("?")})
        for values in itertools.product(*(objects[kind_of[v]] for v in variables)):
            bind = dict(zip(variables, values, strict=True))
            for state in states:
                episode.state = set(state)
                ran = True
                for name, terms in calls[: found.index + 1]:
                    before = frozenset(episode.state)
                    result = episode.step(" ".join([name, *(bind.get(t, t) for t in terms)]))
                    ran = result.valid
                    if not ran:
                        break
                if found.kind == "never_runs":
                    assert not ran, (calls, bind, sorted(state))
                elif ran:
                    assert frozenset(episode.state) == before, (calls, bind, sorted(state))
    assert flagged["never_runs"] > 10 and (flagged["changes_nothing"] > 0) == no_ops, flagged


SMALL_LEARNER_BLOCKWORLD = '''
def combine_pickup_and_unstack(ob1, ob2):
    """Pick up ob1 and unstack ob2 on top of ob1."""
    if not pickup(ob1):
        return f'Could not pick up {ob1}'
    if not unstack(ob1, ob2):
        return f'Could not unstack {ob2} on top of {ob1}'
    return 'Ob2 is now stacked on ob1'
'''

SMALL_LEARNER_GRIPPER = '''
def move_to_room(room):
    """Move Robby to the specified room."""
    move(room, room)

def pick_up_ball(obj, room):
    """Pick up the specified ball from the specified room."""
    pick(obj, room, 'left')

def move_and_pick(obj, room):
    """Move Robby to the specified room and pick up the specified ball."""
    move_to_room(room)
    pick_up_ball(obj, room)

def twice(obj, other, room):
    pick_up_ball(obj, room)
    for _ in range(2):
        pick_up_ball(other, room)
'''


def _fns(code):
    return [n.name for n in ast.parse(code).body if isinstance(n, ast.FunctionDef)]


def test_the_small_learners_functions_are_refused_with_a_reason(gripper, blockworld):
    found = Checker(blockworld, blockworld.split.train).findings(
        SMALL_LEARNER_BLOCKWORLD, _fns(SMALL_LEARNER_BLOCKWORLD), None
    )
    assert [(f.check, f.function) for f in found] == [
        ("impossible_steps", "combine_pickup_and_unstack")
    ]
    assert (
        "in combine_pickup_and_unstack, unstack(ob1, ob2) can never run after the steps "
        "before it: it requires that the arm is empty, which pickup(ob1) has just made false"
    ) in found[0].message
    found = Checker(gripper, gripper.split.train).findings(
        SMALL_LEARNER_GRIPPER, _fns(SMALL_LEARNER_GRIPPER), None
    )
    # move_and_pick inherits move_to_room's no-op; the loop in twice ends what can be said.
    assert [(f.check, f.function) for f in found] == [
        ("impossible_steps", "move_to_room"),
        ("impossible_steps", "move_and_pick"),
    ]
    assert "move(room, room) changes nothing whenever it can run: remove that call" in (
        found[1].message
    )
    assert (
        Checker(gripper, [0], enabled=()).findings(SMALL_LEARNER_GRIPPER, ["move_to_room"], None)
        == []
    )


def test_straight_line_calls_inline_helpers_and_stop_at_what_they_cannot_follow(gripper):
    tree = {n.name: n for n in ast.parse(SMALL_LEARNER_GRIPPER).body}
    basic = {a.name for a in gripper.basic_actions}
    steps = straight_line_calls(tree["move_and_pick"], tree, basic)
    assert [(s.action, s.terms, s.text) for s in steps] == [
        ("move", ("?room", "?room"), "move(room, room)"),
        ("pick", ("?obj", "?room", "left"), "pick(obj, room, 'left')"),
    ]
    assert [s.terms for s in straight_line_calls(tree["twice"], tree, basic)] == [
        ("?obj", "?room", "left")
    ]


def test_creation_sends_an_impossible_answer_back_and_counts_it(
    gripper, sandbox, scripted, tmp_path
):
    impossible = GOOD.replace(
        "    return drop(obj, to_room, gripper)\n",
        "    move(to_room, to_room)\n    return drop(obj, to_room, gripper)\n",
    )
    learner = scripted(
        [
            {"purpose": "create_actions", "response": impossible},
            {"purpose": "fix_actions", "response": GOOD},
            *SUPPORT,
        ]
    )
    actor = scripted([], default="check_valid_actions()")
    result = _learner(gripper, learner, actor, sandbox, tmp_path, rounds=0).learn()
    assert result.best is not None and "move(to_room, to_room)" not in result.best.library.source
    assert result.checks == {**dict.fromkeys(CHECKS, 0), "impossible_steps": 1}
    assert check_counts(read_events(tmp_path)) == result.checks
