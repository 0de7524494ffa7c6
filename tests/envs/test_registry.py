"""The registry: class paths, entry points, options and errors."""

from __future__ import annotations

import sys
import textwrap

import pytest

from learnact.envs import registry
from learnact.envs.base import BasicAction, Split, TaskFamily
from learnact.errors import BadInput, UnknownFamily
from tests.helpers import EXAMPLES


@pytest.fixture(autouse=True)
def _examples_on_path(monkeypatch):
    monkeypatch.syspath_prepend(str(EXAMPLES))


def test_parse_name_with_options():
    assert registry.parse_name("pddl-gen/gripper[size=24, tasks=5]") == (
        "pddl-gen/gripper",
        {"size": "24", "tasks": "5"},
    )
    assert registry.parse_name("pddl/gripper") == ("pddl/gripper", {})
    with pytest.raises(BadInput):
        registry.parse_name("fam[novalue]")


def test_class_path_family_plays_to_a_win():
    family = registry.make_family("lights_env:LightsFamily[tasks=4,seed=1]")
    assert isinstance(family, TaskFamily)
    assert len(family.tasks) == 4
    split = family.split
    assert set(split.train).isdisjoint(split.test)
    assert sorted(split.train + split.test) == [0, 1, 2, 3]
    ep = family.make_episode(0)
    first = ep.reset()
    assert "Exactly these lamps are on" in first.goal
    targets = first.goal.split(": ")[1].rstrip(".").split(", ")
    results = [ep.step(family.action("switch_on").to_command(t)) for t in targets]
    assert all(r.valid for r in results)
    assert results[-1].won and not results[0].won


def test_unknown_family_and_bad_class_path():
    with pytest.raises(UnknownFamily):
        registry.make_family("nope/nothing")
    with pytest.raises(BadInput, match="cannot import"):
        registry.make_family("no_such_module_xyz:Family")
    with pytest.raises(BadInput, match="has no"):
        registry.make_family("lights_env:Missing")


def test_entry_point_registration(tmp_path, monkeypatch):
    """A package that declares an entry point in group learnact.envs is found by name."""
    dist = tmp_path / "lights_plugin-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: lights-plugin\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(
        textwrap.dedent(
            """
            [learnact.envs]
            lights/plugin = lights_env:LightsFamily
            """
        )
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(registry, "_loaded", False)
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    assert "lights/plugin" in registry.names()
    family = registry.make_family("lights/plugin[tasks=2]")
    assert len(family.tasks) == 2


def test_basic_action_command_and_validation():
    a = BasicAction("put_down", ("x",), "Put a block down.", "put-down {x}")
    assert a.signature == "put_down(x)"
    assert a.to_command("b1") == "put-down b1"
    with pytest.raises(TypeError):
        a.to_command()
    with pytest.raises(ValueError):
        BasicAction("put-down", ("x",), "", "put-down {x}")


def test_split_must_be_disjoint():
    with pytest.raises(ValueError):
        Split(train=(1, 2), test=(2, 3), kind="seeded")


def test_register_at_runtime(monkeypatch):
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    sys.path.insert(0, str(EXAMPLES))
    from lights_env import LightsFamily  # noqa: PLC0415

    registry.register("lights/runtime", LightsFamily)
    assert registry.make_family("lights/runtime[tasks=1]").tasks[0].name == "lights-0"


def test_a_misspelled_family_gets_a_did_you_mean():
    with pytest.raises(UnknownFamily, match=r"did you mean 'pddl-gen/gripper'\?"):
        registry.make_family("pddl-gen/griper")
    with pytest.raises(UnknownFamily) as far:
        registry.make_family("nothing/alike")
    assert "did you mean" not in str(far.value)
