"""PDDL a user brings: requirement implications (issue 18, item 3) and names that were
never declared (item 4) are said when the file is loaded, naming the file and the name."""

from __future__ import annotations

import re

import pytest

from learnact.envs.pddl.loader import parse_domain_text, parse_problem_text
from learnact.errors import MalformedTask
from tests.helpers import run_cli

DOMAIN = """(define (domain rooms)
  (:requirements {req})
  (:types ball room)
  (:predicates (at ?b - ball ?r - room) (free ?r - room))
  (:action move :parameters (?b - ball ?from ?to - room)
    :precondition (and (at ?b ?from) {pre})
    :effect (and (not (at ?b ?from)) (at ?b ?to))))
"""
PROBLEM = """(define (problem p) (:domain rooms)
  (:objects ball1 - ball rooma roomb - room)
  (:init {init})
  (:goal (and {goal})))
"""


def domain(req=":strips :typing", pre="(free ?to)"):
    return parse_domain_text(DOMAIN.format(req=req, pre=pre), source="rooms.pddl")


def problem(init="(at ball1 rooma) (free roomb)", goal="(at ball1 roomb)"):
    return parse_problem_text(PROBLEM.format(init=init, goal=goal), domain(), source="p.pddl")


def test_adl_includes_typing_and_more():
    d = domain(req=":adl", pre="(not (at ?b ?to)) (exists (?r - room) (free ?r))")
    assert {":typing", ":negative-preconditions", ":existential-preconditions"} <= d.requirements
    d = domain(
        req=":strips :typing :quantified-preconditions", pre="(forall (?r - room) (free ?r))"
    )
    assert ":universal-preconditions" in d.requirements


@pytest.mark.parametrize(
    ("pre", "message"),
    [
        ("(free ?z)", "action move uses the variable ?z, which nothing binds"),
        ("(clear ?to)", "action move uses the undeclared predicate clear"),
        ("(free ?to ?from)", "action move uses free with 2 argument(s); it is declared with 1"),
        # The parser itself names an undeclared constant, also in the file's words.
        ("(free hall)", None),
        ("(exists (?r - room) (free ?r))", None),  # bound by the quantifier: fine
    ],
)
def test_domain_names_must_be_declared(pre, message):
    if pre == "(free hall)":
        with pytest.raises(MalformedTask, match="rooms.pddl: Constant 'hall' not defined"):
            domain(pre=pre)
    elif message is None:
        domain(pre=pre)
    else:
        with pytest.raises(MalformedTask, match=re.escape(f"domain file rooms.pddl: {message}")):
            domain(pre=pre)


def test_an_undeclared_type_is_refused():
    text = DOMAIN.format(req=":strips :typing", pre="(free ?to)").replace(
        "?from ?to - room", "?from - room ?to - hall"
    )
    with pytest.raises(MalformedTask, match=r"rooms.pddl: types \['hall'\] of term Variable\(to\)"):
        parse_domain_text(text, source="rooms.pddl")


@pytest.mark.parametrize(
    ("init", "goal", "message"),
    [
        (
            "(at ball1 rooma)",
            "(at ball2 roomb)",
            ":goal uses ball2, which is not a declared object",
        ),
        ("(at-roby rooma)", "(at ball1 roomb)", ":init uses the undeclared predicate at-roby"),
        ("(at ball1)", "(at ball1 roomb)", ":init uses at with 1 argument"),
        ("(at ball1 rooma)", "(free ?r)", ":goal uses the variable \\?r, which nothing binds"),
    ],
)
def test_problem_names_must_be_declared(init, goal, message):
    with pytest.raises(MalformedTask, match=rf"problem file p.pddl: {message}"):
        problem(init=init, goal=goal)


def test_the_cli_says_it_in_one_line_and_exit_2(shared_data, tmp_path):
    # AgentBoard's gripper domain, with a problem whose goal names an undeclared ball.
    src = shared_data / "pddl" / "agentboard"
    data = tmp_path / "pddl" / "agentboard"
    (data / "gripper").mkdir(parents=True)
    (data / "gripper.pddl").write_text((src / "gripper.pddl").read_text())
    first = sorted((src / "gripper").glob("*.pddl"))[0]
    text = first.read_text()
    goal = text.lower().index(":goal")
    bad = text[:goal] + text[goal:].replace("ball1", "ball99", 1)
    (data / "gripper" / first.name).write_text(bad)
    r = run_cli("play", "pddl/gripper", "--task", "0", "--data-dir", str(tmp_path), input="")
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert "Traceback" not in r.stderr
    assert lines[-1].startswith("error: ")
    assert f"problem file gripper/{first.stem}: :goal uses ball99" in lines[-1]


def test_a_quantifier_that_shadows_a_parameter_gets_its_own_slot():
    # exists ?b shadows the parameter ?b, then ?r follows: before, ?r shared ?b's slot and
    # the precondition was read with the wrong objects.
    from learnact.envs.pddl.simulator import World

    d = parse_domain_text(
        DOMAIN.format(
            req=":strips :typing :existential-preconditions",
            pre="(exists (?b - ball ?r - room) (and (at ?b ?r) (free ?r)))",
        ),
        source="rooms.pddl",
    )
    p = parse_problem_text(
        PROBLEM.format(init="(at ball1 rooma) (free rooma)", goal="(at ball1 roomb)"),
        d,
        source="p.pddl",
    )
    exists = d.actions["move"].precondition.parts[-1]  # (exists (?b ?r) ...)
    check = World(d, p).compile_formula(exists, {"?b": 0, "?from": 1, "?to": 2})
    state = set(p.init)
    # Some ball sits in a free room (ball1 in rooma): the quantified condition holds.
    assert check(state, ("ball1", "roomb", "rooma")) is True
    state.discard(("free", "rooma"))
    assert check(state, ("ball1", "roomb", "rooma")) is False


UPPER_PROBLEM = """(DEFINE (PROBLEM TWO) (:DOMAIN BLOCKSWORLD-4OPS)
  (:OBJECTS A B)
  (:INIT (CLEAR A) (ONTABLE A) (CLEAR B) (ONTABLE B) (HANDEMPTY))
  (:goal (AND (ON A B))))
"""


@pytest.mark.parametrize("domain_case", ["as shipped", "upper"])
def test_pddl_in_any_case_plays_and_wins(domain_case, shared_data, tmp_path):
    # Issue 18, item 1: keywords and names in any case (PDDL is case-insensitive), parsed
    # by the pddl package's own grammar matched case-insensitively, no text rewritten.
    src = shared_data / "pddl" / "agentboard"
    data = tmp_path / "pddl" / "agentboard"
    (data / "blockworld").mkdir(parents=True)
    text = (src / "blockworld.pddl").read_text()
    (data / "blockworld.pddl").write_text(text.upper() if domain_case == "upper" else text)
    predicates = {p.lower() for p in re.findall(r"\((\w[\w-]*)\s+\?", text)}
    problem = UPPER_PROBLEM
    if "on-table" in predicates:  # the shipped domain's own predicate names
        problem = problem.replace("ONTABLE", "ON-TABLE").replace("HANDEMPTY", "ARM-EMPTY")
    (data / "blockworld" / "problem1.pddl").write_text(problem)
    plan = "pickup a\nstack a b\n" if "pickup" in text else "pick-up a\nstack a b\n"
    r = run_cli("play", "pddl/blockworld", "--task", "0", "--data-dir", str(tmp_path), input=plan)
    assert r.returncode == 0, r.stderr
    assert "Goal reached: task won in 2 steps." in r.stdout
