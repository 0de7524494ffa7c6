"""No parse depends on an earlier one (issue 18, item 2).

The `pddl` package's parsers keep state in their transformer; a parse that raised left it
behind, so every later typed-domain parse in the process failed with "parser is in an
unexpected state", AgentBoard's unchanged files included.
"""

from __future__ import annotations

import json
import shutil

import pytest

from learnact.envs.pddl.loader import load_domain, parse_domain_text, parse_problem_text
from learnact.errors import MalformedTask
from tests.helpers import run_cli

BROKEN_TYPED = """(define (domain broken)
  (:requirements :strips :typing)
  (:types ball room)
  (:predicates (at ?b - ball ?r - room))
  (:action go :parameters (?b - ball ?r - room)
    :precondition (at ?b ?r) :effect (and (not (at ?b ?r)) (at ?b ?r))
"""  # one closing parenthesis short


def agentboard(shared_data):
    return shared_data / "pddl" / "agentboard"


def test_a_bad_domain_then_good_ones_in_one_process(shared_data):
    root = agentboard(shared_data)
    for _ in range(3):
        with pytest.raises(MalformedTask, match="cannot parse PDDL file broken.pddl"):
            parse_domain_text(BROKEN_TYPED, source="broken.pddl")
        for kind in ("tyreworld", "barman", "gripper", "blockworld"):
            assert load_domain(root / f"{kind}.pddl").actions  # parsed whole


def test_a_bad_problem_then_a_good_one(shared_data):
    root = agentboard(shared_data)
    domain = load_domain(root / "tyreworld.pddl")
    good = sorted((root / "tyreworld").glob("*.pddl"))[0].read_text()
    for _ in range(3):
        with pytest.raises(MalformedTask):
            parse_problem_text(good.rsplit(")", 2)[0], domain, source="cut.pddl")
        assert parse_problem_text(good, domain, source="good.pddl").objects


def test_envs_over_a_directory_with_one_bad_domain(shared_data, tmp_path):
    data = tmp_path / "pddl" / "agentboard"
    shutil.copytree(agentboard(shared_data), data)
    (data / "barman.pddl").write_text(BROKEN_TYPED)  # sorted first: parsed before the others
    r = run_cli("envs", "--data-dir", str(tmp_path), "--json")
    families = {f["name"]: f for f in json.loads(r.stdout)["families"]}
    assert not families["pddl/barman"]["available"]
    assert "cannot parse PDDL file barman.pddl" in families["pddl/barman"]["error"]
    for kind in ("blockworld", "gripper", "tyreworld"):
        assert families[f"pddl/{kind}"]["available"], families[f"pddl/{kind}"]
