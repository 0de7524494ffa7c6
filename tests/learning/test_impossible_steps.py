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
from tests.learning.test_checks import GOOD, _refused_then_fixed

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
            "left gripper is free, which pick(a, r, 'left') made false",
        ),
        # Parameters read as placeholders in the sentence: <g> is not the gripper "g".
        (
            [("pick", ("?a", "?r", "?g")), ("pick", ("?b", "?r", "?g"))],
            "never_runs",
            "it requires that <g> gripper is free, which pick(a, r, g) made false",
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
        # Picked with the left gripper, dropped from the right one: the schemas allow it
        # (nothing says a ball is in one gripper only), no reachable state does. The
        # -full gripper learner kept exactly this (runs/ladder-gripper-full, 68d0574).
        (
            [("pick", ("?o", "?f", "left")), ("drop", ("?o", "?t", "right"))],
            "never_runs",
            "drop(o, t, 'right') can never run after the steps before it: in no state of the "
            "worked example's problem",
        ),
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
    assert "which pickup(x) made false" in found.reason
    assert _verdict(blockworld, [("pickup", ("?x",)), ("stack", ("?x", "?y"))]) is None


def test_reachable_states_judge_only_what_the_example_can_hold(blockworld):
    # Put a on b, then unstack b from a: b is under a in every state that follows.
    swap = [("pickup", ("?a",)), ("stack", ("?a", "?b")), ("unstack", ("?b", "?a"))]
    found = _verdict(blockworld, swap)
    assert found is not None and found.index == 2 and "worked example's problem" in found.reason
    # A tower of four blocks cannot be built in the example's three-block problem, but may
    # in a bigger one: more parameters than blocks, so it is not judged.
    tower = [("pickup", ("?b",)), ("stack", ("?b", "?a")), ("pickup", ("?c",))]
    tower += [("stack", ("?c", "?b")), ("pickup", ("?d",)), ("stack", ("?d", "?c"))]
    assert _verdict(blockworld, tower) is None
    assert _verdict(blockworld, tower[:4]) is None  # three blocks: it runs
    # A value the code computes may be any block: not judged either.
    computed = [*tower[:4], ("pickup", ("?_1",)), ("stack", ("?_1", "?c"))]
    assert _verdict(blockworld, computed) is None


def test_object_names_count_toward_what_the_example_must_hold():
    # Tyreworld's example has one spare wheel and three tools in the boot: fetching the
    # tools and then four parameters' worth of objects needs more than it holds, and runs
    # in a bigger problem (a review played it in pddl-gen/tyreworld[size=4] task 0).
    tyre = registry.make_family("pddl-gen/tyreworld[size=4,tasks=4]")
    calls = [("open", ("boot",))] + [
        ("fetch", (tool, "boot")) for tool in ("wrench", "jack", "pump")
    ]
    calls += [("fetch", (f"?s{i}", "boot")) for i in range(1, 5)]
    assert _verdict(tyre, calls) is None


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

# runs/ladder-blockworld-full's kept library (657082c): a guard on an argument between
# the calls hid pickup-then-unstack from the reading.
GUARDED_BLOCKWORLD = '''
def unstack_clear_underneath(ob, clear):
    """Take the clear block ob off the block underob."""
    if not pickup(ob):
        return 'Error: Cannot pick up block.'
    if not clear:
        return 'Error: Clear block is not clear.'
    if not unstack(ob, clear):
        return 'Error: Cannot unstack block.'
    return 'Block unstacked.'
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
        "before it: it requires that the arm is empty, which pickup(ob1) made false"
    ) in found[0].message
    found = Checker(blockworld, blockworld.split.train).findings(
        GUARDED_BLOCKWORLD, _fns(GUARDED_BLOCKWORLD), None
    )
    assert [(f.check, f.function) for f in found] == [
        ("impossible_steps", "unstack_clear_underneath")
    ]
    assert "unstack(ob, clear) can never run after the steps before it" in found[0].message
    found = Checker(gripper, gripper.split.train).findings(
        SMALL_LEARNER_GRIPPER, _fns(SMALL_LEARNER_GRIPPER), None
    )
    # move_and_pick inherits move_to_room's no-op; the loop in twice ends what can be said.
    assert [(f.check, f.function) for f in found] == [
        ("impossible_steps", "move_to_room"),
        ("impossible_steps", "move_and_pick"),
    ]
    assert (
        "in move_and_pick, move(room, room) (in move_to_room(room)) changes nothing whenever "
        "it can run: remove that call"
    ) in found[1].message
    assert (
        Checker(gripper, [0], enabled=()).findings(SMALL_LEARNER_GRIPPER, ["move_to_room"], None)
        == []
    )


def test_straight_line_calls_inline_helpers_and_stop_at_what_they_cannot_follow(gripper):
    tree = {n.name: n for n in ast.parse(SMALL_LEARNER_GRIPPER).body}
    basic = {a.name for a in gripper.basic_actions}
    steps = straight_line_calls(tree["move_and_pick"], tree, basic)
    assert [(s.action, s.terms, s.text) for s in steps] == [
        ("move", ("?room", "?room"), "move(room, room) (in move_to_room(room))"),
        ("pick", ("?obj", "?room", "left"), "pick(obj, room, 'left') (in pick_up_ball(obj, room))"),
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
    result = _refused_then_fixed(gripper, sandbox, scripted, tmp_path, impossible)
    assert result.best is not None and "move(to_room, to_room)" not in result.best.library.source
    assert result.checks == {**dict.fromkeys(CHECKS, 0), "impossible_steps": 1}
    assert check_counts(read_events(tmp_path)) == result.checks


# --- what the straight-line reading follows, and where it stops -------------------------

EDGE = """
def print_wrapped(a, b, r):
    pick(a, r, 'left')
    print(drop(a, r, 'left'))
    pick(b, r, 'left')

def str_wrapped(a, b, r):
    pick(a, r, 'left')
    log = str(drop(a, r, 'left'))
    pick(b, r, 'left')

def put_down(obj, room):
    return 'Dropped: ' + drop(obj, room, 'left')

def through_helper_expression(a, b, r):
    pick(a, r, 'left')
    put_down(a, r)
    pick(b, r, 'left')

def pick_left(obj, room, gripper):
    pick(obj, room, gripper)
    return 'right'

def rebinds(a, b, room, gripper):
    gripper = pick_left(a, room, gripper)
    pick(b, room, gripper)

def returns_at_guard(a, b, r):
    if pick(a, r, 'left'):
        return 'picked'
    pick(b, r, 'left')

def goes_on_after_guard(a, b, r):
    if not pick(a, r, 'left'):
        return 'could not pick'
    print('picked', a)
    return pick(b, r, 'left')

def keyword(a, b, r):
    pick(a, r, 'left')
    pick(obj=b, room=r, gripper='left')

def upper_case(a, b, r):
    pick(a, r, 'left')
    drop(a, r, 'LEFT')
    pick(b, r, 'Left')

def argument_guard(a, b, r):
    if not a:
        return 'no ball'
    if a == b:
        return 'the same ball'
    pick(a, r, 'left')
    pick(b, r, 'left')

def result_guard(a, b, r):
    seen = pick(a, r, 'left')
    if 'not valid' in seen:
        return seen
    pick(b, r, 'right')

def truthy_result(a, b, r):
    seen = pick(a, r, 'left')
    if seen:
        return seen
    pick(b, r, 'left')

def grab(ball, room, have):
    if have:
        return 'already held'
    pick(ball, room, 'left')

def helper_guard(a, b, r, have):
    grab(a, r, have)
    pick(b, r, 'left')

def walrus_guard(a, b, r):
    pick(a, r, 'left')
    if (a := b) is None:
        return 'no ball'
    pick(a, r, 'right')
"""


@pytest.mark.parametrize(
    ("function", "refused"),
    [
        # A call inside an expression runs, but is not read: the path ends there.
        ("print_wrapped", False),
        ("str_wrapped", False),
        ("through_helper_expression", False),
        # A parameter assigned anew names another object.
        ("rebinds", False),
        # ``if basic(...): return`` always returns: what follows never runs.
        ("returns_at_guard", False),
        # ``if not basic(...): return`` never returns: the path goes on.
        ("goes_on_after_guard", True),
        ("keyword", False),
        # Names are read as the episode reads them: LEFT is left, so the drop frees it.
        ("upper_case", False),
        # A guard on the function's own arguments is read as false: the way on to the
        # calls after it. Not one on a call's result (always true: an observation is never
        # empty), one in an inlined helper (its caller goes on when it returns), or one
        # that rebinds a name.
        ("argument_guard", True),
        ("result_guard", False),
        ("truthy_result", False),
        ("helper_guard", False),
        ("walrus_guard", False),
    ],
)
def test_the_reading_stops_where_it_cannot_be_sure(gripper, function, refused):
    found = Checker(gripper, gripper.split.train).findings(EDGE, [function], None)
    assert bool(found) == refused, found
    if refused:
        assert "pick(b, r, 'left') can never run" in found[0].message


def test_every_edge_case_runs_in_the_simulator_as_the_check_says(gripper, sandbox):
    """The functions not refused above really run to the end in the sandbox (ball1 and
    ball2 in roomb with robby, every basic action valid): the check's silence about them
    is right."""
    task = gripper.split.train[0]
    for function, args in [
        ("print_wrapped", "('ball1', 'ball2', 'roomb')"),
        ("str_wrapped", "('ball1', 'ball2', 'roomb')"),
        ("through_helper_expression", "('ball1', 'ball2', 'roomb')"),
        ("rebinds", "('ball1', 'ball2', 'roomb', 'left')"),
        ("upper_case", "('ball1', 'ball2', 'roomb')"),
        ("result_guard", "('ball1', 'ball2', 'roomb')"),
        ("truthy_result", "('ball1', 'ball2', 'roomb')"),
        ("helper_guard", "('ball1', 'ball2', 'roomb', 'yes')"),
        ("walrus_guard", "('ball1', 'ball2', 'roomb')"),
    ]:
        episode = gripper.make_episode(task)
        episode.reset()
        assert "Robby is at roomb. Ball1 is at roomb. Ball2 is at roomb" in episode.observation()

        def execute(command, episode=episode):
            r = episode.step(command)
            return r.observation, r.valid

        res = sandbox.run(
            f"{function}{args}",
            library=EDGE,
            actions=gripper.basic_actions,
            execute=execute,
            timeout_s=10,
        )
        assert res.error is None and not res.failed_action, (function, res.error)


TOY_DOMAIN = """(define (domain toy)
 (:requirements :strips :negative-preconditions :equality :conditional-effects)
 (:predicates (p ?x) (q ?x ?y) (r))
 (:action a :parameters (?x ?y) :precondition (and (not (p ?x)) (not (= ?x ?y)))
   :effect (and (p ?x) (not (q ?x ?y))))
 (:action b :parameters (?x) :precondition (and (p ?x) (not (r)))
   :effect (and (not (p ?x)) (r) (when (q ?x ?x) (not (r)))))
 (:action c :parameters (?x ?y) :precondition (and (= ?x ?y) (q ?x ?y))
   :effect (and (q ?y ?x) (not (p ?x))))
 (:action d :parameters (?x) :precondition (r)
   :effect (and (not (r)) (forall (?z) (q ?x ?z))))
 (:action e :parameters (?x ?y) :precondition (q ?x ?y)
   :effect (and (not (q ?x ?y)) (q ?y ?x) (p ?y) (not (p ?y)))))"""


def test_negative_preconditions_equality_and_conditional_effects_in_every_state():
    """Features no shipped domain has: every verdict on every pair of calls holds in
    *every* state of a two-object toy problem (not only the reachable ones)."""
    from learnact.envs.pddl.loader import parse_domain_text, parse_problem_text
    from learnact.envs.pddl.sequences import impossible_step
    from learnact.envs.pddl.simulator import World

    domain = parse_domain_text(TOY_DOMAIN)
    problem = parse_problem_text(
        "(define (problem t) (:domain toy) (:objects o1 o2) (:init) (:goal (r)))", domain
    )
    world = World(domain, problem)
    actions = {n: world.compile_action(s) for n, s in domain.actions.items()}
    objects = ("o1", "o2")
    atoms = [("p", o) for o in objects] + [("q", a, b) for a in objects for b in objects] + [("r",)]
    states = [frozenset(c) for n in range(len(atoms) + 1) for c in itertools.combinations(atoms, n)]
    terms = ("?u", "?v", "o1", "o2")
    singles = [
        (n, t)
        for n, s in domain.actions.items()
        for t in itertools.product(terms, repeat=len(s.params))
    ]
    flagged = {"never_runs": 0, "changes_nothing": 0}
    for pair in itertools.product(singles, repeat=2):
        calls = list(pair)
        found = impossible_step(domain, calls, str, str)
        if found is None:
            continue
        flagged[found.kind] += 1
        variables = sorted({t for _, ts in calls for t in ts if t.startswith("?")})
        for values in itertools.product(objects, repeat=len(variables)):
            bind = dict(zip(variables, values, strict=True))
            for state in states:
                current, ran, before = set(state), True, None
                for name, ts in calls[: found.index + 1]:
                    binding = tuple(bind.get(t, t) for t in ts)
                    if actions[name].failed_condition(current, binding) is not None:
                        ran = False
                        break
                    before = frozenset(current)
                    actions[name].apply(current, binding)
                if found.kind == "never_runs":
                    assert not ran, (calls, bind, sorted(state), found.reason)
                elif ran:
                    assert frozenset(current) == before, (calls, bind, sorted(state))
    assert flagged["never_runs"] > 50 and flagged["changes_nothing"] > 5, flagged
