"""Step semantics of PDDL episodes on real AgentBoard problems and toy domains."""

from __future__ import annotations

import warnings

import pytest

from learnact.envs.pddl.episode import NOT_VALID, PddlEpisode, PddlTask
from learnact.envs.pddl.knowledge import KNOWN
from learnact.envs.pddl.loader import (
    LenientPddlWarning,
    load_domain,
    load_problem,
    parse_domain_text,
    parse_problem_text,
)


@pytest.fixture(scope="module")
def gripper_task(agentboard_dir) -> PddlTask:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LenientPddlWarning)
        domain = load_domain(agentboard_dir / "gripper.pddl")
    problem = load_problem(agentboard_dir / "gripper" / "prob01.pddl", domain)
    return PddlTask(domain, problem, KNOWN["gripper"].style)


def test_reset_observation_and_goal_are_readable(gripper_task):
    first = PddlEpisode(gripper_task).reset()
    assert first.goal.startswith("The goal is to satisfy the following conditions: ")
    assert "ball1 is at roomb." in first.goal
    assert "Robby is at rooma." in first.observation
    assert "Ball1 is at rooma." in first.observation
    assert "Balls: ball1, ball2, ball3, ball4." in first.observation  # static facts summarised
    assert "(ball" not in first.observation


def test_valid_step_changes_state_case_and_spaces_insensitive(gripper_task):
    ep = PddlEpisode(gripper_task)
    ep.reset()
    r = ep.step("  PICK   Ball1 rooma  LEFT ")
    assert r.valid and not r.won
    assert "Left gripper is carrying ball1." in r.observation
    assert "Ball1 is at rooma." not in r.observation


def test_invalid_step_leaves_state_unchanged_and_names_the_precondition(gripper_task):
    ep = PddlEpisode(gripper_task)
    ep.reset()
    before = set(ep.state)
    r = ep.step("drop ball1 rooma left")
    assert not r.valid
    assert r.observation.startswith(NOT_VALID)
    assert "left gripper is carrying ball1" in r.observation and "false" in r.observation
    assert ep.state == before


@pytest.mark.parametrize(
    ("command", "fragment"),
    [
        ("fly ball1", 'no action called "fly"'),
        ("pick ball1 rooma", "takes 3 argument(s)"),
        ("pick ball9 rooma left", 'no object called "ball9"'),
        ("", "command is empty"),
    ],
)
def test_malformed_commands_are_one_clear_invalid_sentence(gripper_task, command, fragment):
    ep = PddlEpisode(gripper_task)
    ep.reset()
    before = set(ep.state)
    r = ep.step(command)
    assert not r.valid and fragment in r.observation
    assert r.observation.count("\n") == 0
    assert ep.state == before


def test_python_call_syntax_is_accepted(gripper_task):
    ep = PddlEpisode(gripper_task)
    ep.reset()
    assert ep.step("pick('ball1', 'rooma', 'left')").valid


def test_won_versus_progress(gripper_task):
    ep = PddlEpisode(gripper_task)
    ep.reset()
    assert ep.progress == 0.0
    for cmd in ["pick ball1 rooma left", "pick ball2 rooma right", "move rooma roomb"]:
        ep.step(cmd)
    r = ep.step("drop ball1 roomb left")
    assert r.progress == pytest.approx(0.25) and not r.won
    ep.step("pick ball1 roomb left")  # undoing keeps the best-so-far progress
    assert ep.progress == pytest.approx(0.25)
    plan = ["drop ball1 roomb left", "drop ball2 roomb right", "move roomb rooma"]
    plan += ["pick ball3 rooma left", "pick ball4 rooma right", "move rooma roomb"]
    plan += ["drop ball3 roomb left", "drop ball4 roomb right"]
    results = [ep.step(c) for c in plan]
    assert all(r.valid for r in results)
    assert results[-1].won and results[-1].progress == 1.0 and not results[-2].won


def test_check_valid_actions(gripper_task):
    ep = PddlEpisode(gripper_task)
    ep.reset()
    valid = ep.valid_actions()
    assert "pick ball1 rooma left" in valid and "move rooma roomb" in valid
    assert not any(c.startswith("drop") for c in valid)
    assert len(valid) == 2 + 4 * 2  # two moves (rooma->rooma/roomb), 4 balls x 2 grippers
    for command in valid:  # every listed command really is valid
        probe = PddlEpisode(gripper_task)
        probe.reset()
        assert probe.step(command).valid
    r = ep.step("Check valid actions")
    assert (
        r.valid
        and r.observation.startswith("Valid actions: ")
        and "pick ball4 rooma right" in r.observation
    )


TOY = """(define (domain toy)
  (:requirements :strips :typing :negative-preconditions :equality :conditional-effects)
  (:types lamp)
  (:predicates (on ?l - lamp) (seen ?l - lamp) (bright))
  (:action switch :parameters (?a - lamp ?b - lamp)
    :precondition (and (not (on ?a)) (not (= ?a ?b)))
    :effect (and (on ?a) (when (on ?b) (seen ?b))
                 (forall (?z - lamp) (when (on ?z) (bright))))))"""
TOY_PROBLEM = """(define (problem t) (:domain toy) (:objects l1 l2 l3 - lamp)
  (:init (on l2)) (:goal (and (seen l2) (bright) (not (on l3)))))"""


def test_negative_preconditions_equality_and_conditional_effects():
    domain = parse_domain_text(TOY)
    ep = PddlEpisode(PddlTask(domain, parse_problem_text(TOY_PROBLEM, domain)))
    first = ep.reset()
    assert "it is not true that l3 is on" in first.goal
    same = ep.step("switch l1 l1")
    assert not same.valid and "l1 is not the same as l1" in same.observation
    assert not ep.step("switch l2 l1").valid  # l2 is already on
    r = ep.step("switch l1 l2")
    assert r.valid and r.won  # conditional effect saw l2, forall made it bright
    assert ep.valid_actions() == ["switch l3 l1", "switch l3 l2"]
