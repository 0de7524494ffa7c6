"""The ``endless_recursion`` check (learning/recursion.py): a learned function that calls
itself with its own arguments before anything else never returns. Every function the
check refuses is run in the real sandbox and must end in `RecursionError`; every function
it lets through that ends is run too and must end without one (the ones that may not end,
known misses, are only read)."""

from __future__ import annotations

import ast

import pytest

from learnact.envs import registry
from learnact.learning.checks import CHECKS, Checker, check_counts, endless_recursion
from learnact.learning.journal import read_events
from tests.learning.test_checks import GOOD, _refused_then_fixed

GRIPPER = "pddl-gen/gripper[size=2,tasks=10]"

# The ALFWorld put learner's kept library in `runs/real-data-cut` (657082c), verbatim:
# every one of its 24 learned calls in the test episodes raised RecursionError.
PUT_LEARNER = """
def go_to(recep):
    if not receptacle_is_open(recep):
        return 'The action is not valid and therefore takes no effect. You are at {} and hold nothing.'.format(recep)
    return goto(recep)

def receptacle_is_open(recep):
    if receptacle_is_open(recep):
        return True
    else:
        return False
"""

CODE = """
def plain(a, r, g):
    return plain(a, r, g)

def after_a_guard(a, r, g):
    '''Guards on arguments that call nothing take the same way every time.'''
    if a == r:
        return 'Error: a ball is no room'
    n = 1
    return after_a_guard(a, r, g)

def inside_an_expression(a, r, g):
    return 'done: ' + str(inside_an_expression(a, r, g))

def in_both_branches_call_free(a, r, g):
    if g == 'left':
        x = 1
    else:
        x = 2
    held = inside = in_both_branches_call_free(a, r, g)
    return held

def after_a_basic_action(a, r, g):
    pick(a, r, g)
    return after_a_basic_action(a, r, g)

def other_arguments(a, b, r):
    if a == b:
        return pick(a, r, 'left')
    return other_arguments(a, a, r)

def rebound_argument(a, b, r):
    if a == b:
        return pick(a, r, 'left')
    b = a
    return rebound_argument(a, b, r)

def shadowed(a, r, g):
    shadowed = pick
    return shadowed(a, r, g)

def after_another_call(a, r, g):
    if not pick(a, r, g):
        return after_another_call(a, r, g)
    return drop(a, r, g)

# Known misses, not judged (they are endless, so they are not run below).
def by_keyword(a, r, g):
    return by_keyword(a, r, g=g)

def in_a_loop(a, r, g):
    for _ in range(1):
        in_a_loop(a, r, g)

# Found by a review: each looked endless to the first version and ends.
def dead_branch(a, r, g):
    if False:
        return dead_branch(a, r, g)
    return 'done'

def short_circuit(a, r, g):
    return a == r and short_circuit(a, r, g)

def chained(a, r, g):
    return a > r > chained(a, r, g)

def conditional_expression(a, r, g):
    return conditional_expression(a, r, g) if a == r else 'done'

def annotation_only(a, r, g):
    x: annotation_only(a, r, g) = 'done'
    return x

def dict_order(a, r, g):
    return {1: pick(a, r, g), dict_order(a, r, g): 2}

def generator(a, r, g):
    x = generator(a, r, g)
    yield x

def decorated_library(fn):
    return lambda *args: 'done'

@decorated_library
def decorated(a, r, g):
    return decorated(a, r, g)

def aliased_default(a, r, g, seen=[]):
    if seen:
        return 'done'
    s = seen
    s += [a]
    return aliased_default(a, r, g, seen)

def own_name_bound(a, r, g):
    x = own_name_bound(a, r, g)
    own_name_bound = x
    return own_name_bound

def counts_down(a, r, g, left):
    if left[0] == 0:
        return 'done'
    left[0] -= 1
    return counts_down(a, r, g, left)

def one_branch_calls(a, r, g):
    if a == 'ball9':
        pick(a, r, g)
    return one_branch_calls(a, r, g)
"""

REFUSED = ["plain", "after_a_guard", "inside_an_expression", "in_both_branches_call_free"]
# Let through, and they end (in the first training task robby, ball1 and ball2 are in
# roomb; the rest let through may not end: not judged).
ENDS = {
    "after_a_basic_action": "('ball1', 'roomb', 'left')",  # the second pick fails
    "other_arguments": "('ball1', 'ball2', 'roomb')",
    "rebound_argument": "('ball1', 'ball2', 'roomb')",
    "shadowed": "('ball1', 'roomb', 'left')",
    "counts_down": "('ball1', 'roomb', 'left', [2])",  # the same list, changed in place
    "dead_branch": "('ball1', 'roomb', 'left')",
    "short_circuit": "('ball1', 'roomb', 'left')",
    "chained": "('ball1', 'roomb', 'left')",
    "conditional_expression": "('ball1', 'roomb', 'left')",
    "annotation_only": "('ball1', 'roomb', 'left')",
    "dict_order": "('ball1', 'roomb', 'left')",  # pick runs first, then fails
    "generator": "('ball1', 'roomb', 'left')",
    "decorated": "('ball1', 'roomb', 'left')",
    "aliased_default": "('ball1', 'roomb', 'left')",
    "own_name_bound": "('ball1', 'roomb', 'left')",  # UnboundLocalError
}


@pytest.fixture(scope="module")
def gripper():
    return registry.make_family(GRIPPER)


def _functions(code):
    return [n for n in ast.parse(code).body if isinstance(n, ast.FunctionDef)]


def test_the_put_learners_kept_function_is_refused_and_its_caller_is_not():
    found = endless_recursion(_functions(PUT_LEARNER))
    assert [(f.check, f.function) for f in found] == [("endless_recursion", "receptacle_is_open")]
    assert "calls receptacle_is_open(recep) before anything else" in found[0].message
    assert "never returns" in found[0].message


def test_only_a_self_call_with_the_same_arguments_before_any_other_call_is_refused():
    found = {f.function for f in endless_recursion(_functions(CODE))}
    assert sorted(found) == sorted(REFUSED)


def _run(family, sandbox, code, call):
    episode = family.make_episode(family.split.train[0])
    episode.reset()

    def execute(command):
        r = episode.step(command)
        return r.observation, r.valid

    try:
        return sandbox.run(
            call, library=code, actions=family.basic_actions, execute=execute, timeout_s=20
        )
    finally:
        episode.close()


@pytest.mark.parametrize("function", REFUSED)
def test_every_refused_function_never_returns_in_the_sandbox(gripper, sandbox, function):
    res = _run(gripper, sandbox, CODE, f"{function}('ball1', 'rooma', 'left')")
    assert res.error is not None and res.error.type == "RecursionError", res.error


@pytest.mark.parametrize("function", sorted(ENDS))
def test_functions_let_through_end_in_the_sandbox(gripper, sandbox, function):
    res = _run(gripper, sandbox, CODE, f"{function}{ENDS[function]}")
    assert res.error is None or res.error.type != "RecursionError", res.error
    if function == "own_name_bound":
        assert res.error is not None and res.error.type == "UnboundLocalError", res.error
    elif function not in ("after_a_basic_action", "dict_order"):
        assert res.error is None and not res.failed_action, res.error


def test_the_checker_runs_it_in_every_family(gripper):
    """Part of the default checks; the finding names the function."""
    assert "endless_recursion" in CHECKS
    code = "def hold(a, r, g):\n    if hold(a, r, g):\n        return pick(a, r, g)\n"
    found = Checker(gripper, gripper.split.train).findings(code, ["hold"], None)
    assert [(f.check, f.function) for f in found] == [("endless_recursion", "hold")]
    assert Checker(gripper, gripper.split.train, enabled=()).findings(code, ["hold"], None) == []


def test_creation_sends_an_endless_answer_back_and_counts_it(gripper, sandbox, scripted, tmp_path):
    endless = GOOD.replace(
        "    pick(obj, from_room, gripper)\n",
        "    if not carry(obj, from_room, to_room, gripper):\n        return 'no'\n"
        "    pick(obj, from_room, gripper)\n",
    )
    assert endless != GOOD
    result = _refused_then_fixed(gripper, sandbox, scripted, tmp_path, endless)
    assert result.best is not None and "if not carry(" not in result.best.library.source
    assert result.checks == {**dict.fromkeys(CHECKS, 0), "endless_recursion": 1}
    assert check_counts(read_events(tmp_path)) == result.checks
