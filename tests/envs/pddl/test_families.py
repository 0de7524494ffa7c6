"""Registered PDDL families: data resolution, known-set splits, examples, basic actions."""

from __future__ import annotations

import re
import shutil
import warnings

import pytest

from learnact.envs import registry
from learnact.envs.pddl.episode import PddlEpisode, PddlTask
from learnact.envs.pddl.examples import SPECS, as_call
from learnact.envs.pddl.generators import KINDS, problem_text
from learnact.envs.pddl.knowledge import KNOWN
from learnact.envs.pddl.loader import LenientPddlWarning, parse_problem_text
from learnact.envs.pddl.resources import own_domain
from learnact.errors import BadInput, DataNotFound

PAPER_TRAIN = {
    "gripper": (7, 9, 14),
    "blockworld": (4, 6, 8),
    "tyreworld": (8, 4, 0),
    "barman": (8, 7, 13),
}


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LenientPddlWarning)
        yield


@pytest.mark.parametrize("kind", KINDS)
def test_paper_split_on_real_data(shared_data, kind):
    family = registry.make_family(f"pddl/{kind}", data_dir=str(shared_data))
    assert family.split.kind == "paper" and family.split.train == PAPER_TRAIN[kind]
    assert family.source.known_set == "agentboard@bb7255e"
    assert len(family.source.fingerprint) == 64
    assert family.step_budget == 30
    assert [t.index for t in family.tasks] == list(range(len(family.tasks)))
    assert sorted(family.split.train + family.split.test) == list(range(len(family.tasks)))


def test_blockworld_tasks_in_plain_sorted_filename_order(agentboard_dir):
    family = registry.make_family("pddl/blockworld", data_dir=str(agentboard_dir))
    assert family.tasks[1].name == "blockworld/problem10"  # the data README's example


def test_data_dir_as_root_or_family_dir(shared_data, agentboard_dir):
    a = registry.make_family("pddl/gripper", data_dir=str(shared_data))
    b = registry.make_family("pddl/gripper", data_dir=str(agentboard_dir))
    assert a.source.path == b.source.path and a.source.fingerprint == b.source.fingerprint


def test_modified_copy_gets_seeded_split_and_warning(agentboard_dir, tmp_path):
    copy = tmp_path / "agentboard"
    shutil.copytree(agentboard_dir, copy)
    for p in copy.rglob("*"):
        p.chmod(0o755 if p.is_dir() else 0o644)
    (copy / "gripper" / "prob01.pddl").write_text(
        (copy / "gripper" / "prob01.pddl")
        .read_text()
        .replace("(at ball4 roomb)", "(at ball4 rooma)")
    )
    family = registry.make_family("pddl/gripper", data_dir=str(copy))
    assert family.split.kind == "seeded" and family.source.known_set is None
    assert any("changed problem file(s) (prob01.pddl)" in w for w in family.source.warnings)
    assert family.make_episode(0).reset().goal.count("rooma") == 1


def test_missing_data_raises_with_hint(tmp_path, monkeypatch):
    monkeypatch.delenv("LEARNACT_DATA", raising=False)
    with pytest.raises(DataNotFound, match="learnact data pddl"):
        registry.make_family("pddl/barman", data_dir=str(tmp_path))


def test_task_index_out_of_range(agentboard_dir):
    family = registry.make_family("pddl/tyreworld", data_dir=str(agentboard_dir))
    with pytest.raises(BadInput, match="out of range"):
        family.make_episode(10)


def test_basic_actions_match_pddl(agentboard_dir):
    family = registry.make_family("pddl/tyreworld", data_dir=str(agentboard_dir))
    put_away = family.action("put_away")
    assert put_away.params == ("x", "y") and put_away.to_command("w1", "boot") == "put-away w1 boot"
    move = registry.make_family("pddl-gen/gripper[tasks=1]").action("move")
    assert move.params == ("from_", "to") and move.command == "move {from_} {to}"
    assert all(a.doc and not a.doc.startswith("Apply the PDDL") for a in family.basic_actions)


@pytest.mark.parametrize("kind", KINDS)
def test_example_is_a_winning_trajectory(agentboard_dir, kind):
    """The example's actions, replayed on a fresh episode, give its observations and win."""
    family = registry.make_family(f"pddl-gen/{kind}[tasks=2]")
    example = family.example
    assert example.startswith("Goal: The goal is to satisfy the following conditions:")
    calls = re.findall(r"^Action: (.*)$", example, re.M)
    assert calls == [as_call(c) for c in SPECS[kind].plan]
    assert example.count("Observation:") == len(calls) + 1
    assert "not valid" not in example
    spec = SPECS[kind]
    domain = own_domain(kind)
    text = problem_text("replay", kind, spec.objects, spec.init, spec.goal)
    ep = PddlEpisode(PddlTask(domain, parse_problem_text(text, domain), KNOWN[kind].style))
    observations = re.findall(r"^Observation: (.*)$", example, re.M)
    assert ep.reset().observation == observations[0]
    results = [ep.step(c) for c in spec.plan]
    assert [r.observation for r in results] == observations[1:]
    assert results[-1].won and not any(r.won for r in results[:-1])
    # pddl/<kind> shows the same example and instruction, and has the same basic actions
    ab = registry.make_family(f"pddl/{kind}", data_dir=str(agentboard_dir))
    assert ab.example == example and ab.instruction == family.instruction
    assert [a.signature for a in ab.basic_actions] == [a.signature for a in family.basic_actions]


def test_the_worked_examples_own_problem_is_recognised_in_files_too(shared_data):
    """AgentBoard's tyreworld p01 is the tyreworld worked example's problem (a training task
    of the paper's split, so the real-data runs never test on it); no other AgentBoard
    problem is an example's. A test task that is one is refused (runner/tasks.py)."""
    from learnact.runner.tasks import TrainTestOverlap, example_repeats

    found = {}
    for kind in ("gripper", "blockworld", "tyreworld", "barman"):
        family = registry.make_family(f"pddl/{kind}", data_dir=str(shared_data))
        found[kind] = family.example_tasks(range(len(family.tasks)))
    assert found == {"gripper": [], "blockworld": [], "tyreworld": [0], "barman": []}
    tyre = registry.make_family("pddl/tyreworld", data_dir=str(shared_data))
    assert 0 in tyre.split.train and tyre.tasks[0].name == "tyreworld/p01"
    assert example_repeats(tyre, tyre.split.test) == []
    with pytest.raises(TrainTestOverlap, match="test task 0 holds the worked example's own"):
        example_repeats(tyre, [0, 1])
    assert example_repeats(tyre, [0, 1], allow=True) == [0]
