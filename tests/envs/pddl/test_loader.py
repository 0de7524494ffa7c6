"""Lenient PDDL loading of the real AgentBoard files, and clean failures."""

from __future__ import annotations

import warnings

import pytest

from learnact.envs.pddl import model as m
from learnact.envs.pddl.generators import KINDS
from learnact.envs.pddl.loader import (
    LenientPddlWarning,
    load_domain,
    load_problem,
    parse_domain_text,
    parse_problem_text,
)
from learnact.envs.pddl.resources import own_domain
from learnact.errors import MalformedTask

EXPECTED_COUNTS = {"gripper": 20, "blockworld": 10, "tyreworld": 10, "barman": 20}


@pytest.mark.parametrize("kind", KINDS)
def test_all_agentboard_problems_parse(agentboard_dir, kind):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LenientPddlWarning)
        domain = load_domain(agentboard_dir / f"{kind}.pddl")
    paths = sorted((agentboard_dir / kind).glob("*.pddl"))
    assert len(paths) == EXPECTED_COUNTS[kind]
    for path in paths:
        problem = load_problem(path, domain)
        assert problem.init and m.conjuncts(problem.goal), path.name
        # every goal atom only mentions declared objects
        for lit in m.conjuncts(problem.goal):
            assert set(lit.args) <= set(problem.objects), path.name


def test_gripper_without_requirements_warns(agentboard_dir):
    with pytest.warns(LenientPddlWarning, match="no :requirements"):
        domain = load_domain(agentboard_dir / "gripper.pddl")
    assert ":strips" in domain.requirements
    assert any("no :requirements" in w for w in domain.warnings)


def test_tyreworld_types_without_typing_and_late_constants(agentboard_dir):
    with pytest.warns(LenientPddlWarning) as record:
        domain = load_domain(agentboard_dir / "tyreworld.pddl")
    messages = " ".join(str(w.message) for w in record)
    assert ":typing" in messages and "reordered" in messages
    assert ":typing" in domain.requirements
    assert domain.constants["wrench"] == frozenset({"tool"})
    assert domain.ancestors("tool") >= {"tool", "obj", "object"}


def test_barman_features(agentboard_dir):
    domain = load_domain(agentboard_dir / "barman.pddl")
    pour = domain.actions["pour-shaker-to-shot"]  # "?l - level?l1 - level" in the file
    assert [v for v, _ in pour.params] == ["?b", "?d", "?h", "?s", "?l", "?l1"]
    assert domain.types["shot"] == "container"
    assert "dispenses" in domain.static_predicates()
    assert not domain.warnings


def test_unparsable_domain_is_malformed_task_one_line(tmp_path):
    bad = tmp_path / "broken.pddl"
    bad.write_text("(define (domain x) (:action a :parameters (?x) :precondition (and (p ?x)")
    with pytest.raises(MalformedTask) as info:
        load_domain(bad)
    assert "broken.pddl" in str(info.value) and "\n" not in str(info.value)


def test_unparsable_problem_is_malformed_task():
    with pytest.raises(MalformedTask, match="p.pddl"):
        parse_problem_text(
            "(define (problem p) (:domain gripper) (:init", own_domain("gripper"), "p.pddl"
        )


def test_negative_preconditions_equality_and_conditional_effects_parse():
    text = """(define (domain toy)
      (:predicates (lit ?x) (seen ?x) (p))
      (:action flip :parameters (?x ?y)
        :precondition (and (not (lit ?x)) (not (= ?x ?y)))
        :effect (and (lit ?x) (when (lit ?y) (seen ?y)) (forall (?z) (when (lit ?z) (p))))))"""
    with pytest.warns(LenientPddlWarning):
        domain = parse_domain_text(text, "toy.pddl")
    assert ":equality" in domain.requirements  # the parser asked for it; we added it
    assert any(":equality" in w for w in domain.warnings)
    flip = domain.actions["flip"]
    assert m.Lit("lit", ("?x",), False) in m.conjuncts(flip.precondition)
    assert flip.effect.when and flip.effect.forall
