"""The action-library format: load/save round trip, validation, and binding to an episode."""

from __future__ import annotations

import json

import pytest

from learnact.envs.registry import make_family
from learnact.errors import BadInput
from learnact.library import ActionLibrary, bind

SOURCE = 'def carry(obj, a, b, g):\n    """Carry obj from a to b."""\n    pick(obj, a, g)\n    move(a, b)\n    return drop(obj, b, g)\n\n\ndef _helper(x):\n    return x\n'


def test_round_trip_keeps_descriptions_notes_and_unknown_keys(tmp_path):
    lib = ActionLibrary.from_source(
        SOURCE,
        {
            "family": "pddl/gripper",
            "actions": {"carry": {"description": "Carries.", "notes": ["n1"]}},
            "usage_example": "Goal: x",
            "custom": {"k": 1},
        },
    )
    lib.save(tmp_path)
    again = ActionLibrary.load(tmp_path)
    assert again.source == SOURCE
    assert [(a.name, a.params, a.description, a.notes) for a in again.actions] == [
        ("carry", ("obj", "a", "b", "g"), "Carries.", ["n1"])
    ]
    assert again.usage_example == "Goal: x" and again.extra == {"custom": {"k": 1}}
    assert not list(tmp_path.glob(".*.tmp"))  # atomic writes leave no temp files


def test_without_metadata_public_functions_are_actions_with_docstrings(tmp_path):
    (tmp_path / "actions.py").write_text(SOURCE)
    lib = ActionLibrary.load(tmp_path)
    assert [a.name for a in lib.actions] == ["carry"]
    assert lib.actions[0].description == "Carry obj from a to b."


@pytest.mark.parametrize(
    ("source", "meta", "message"),
    [
        ("def f(:\n", {}, "does not parse"),
        (SOURCE, {"format_version": 99}, "format_version"),
        (SOURCE, {"actions": {"fly": {}}}, "not defined"),
        (SOURCE, {"actions": {"carry": {"notes": "not a list"}}}, "notes"),
    ],
)
def test_bad_libraries_fail_clearly(tmp_path, source, meta, message):
    (tmp_path / "actions.py").write_text(source)
    (tmp_path / "library.json").write_text(json.dumps(meta))
    with pytest.raises(BadInput, match=message):
        ActionLibrary.load(tmp_path)


def test_missing_or_broken_files(tmp_path):
    with pytest.raises(BadInput, match="missing"):
        ActionLibrary.load(tmp_path)
    (tmp_path / "actions.py").write_text(SOURCE)
    (tmp_path / "library.json").write_text("{not json")
    with pytest.raises(BadInput, match="not valid JSON"):
        ActionLibrary.load(tmp_path)


def test_unknown_calls_are_refused():
    lib = ActionLibrary.from_source(SOURCE)
    lib.check_calls({"pick", "move", "drop"})
    with pytest.raises(BadInput, match="drop"):
        lib.check_calls({"pick", "move"})


def test_bind_calls_learned_actions_through_the_sandbox():
    family = make_family("pddl-gen/gripper[size=1,tasks=3]")
    episode = family.make_episode(0)
    episode.reset()
    with bind(ActionLibrary.from_source(SOURCE), family, episode) as actions:
        res = actions.carry("ball1", "roomb", "rooma", "left")
        assert res.error is None
        assert [s.command for s in res.sub_trajectory] == [
            "pick ball1 roomb left",
            "move roomb rooma",
            "drop ball1 rooma left",
        ]
        assert actions.won and actions.progress == 1.0
        with pytest.raises(AttributeError):
            actions.teleport("x")
