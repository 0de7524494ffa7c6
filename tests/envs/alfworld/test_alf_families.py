"""ALFWorld task families on the shared data: tasks, paper split, options, data errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from learnact.envs import registry
from learnact.envs.alfworld import alfworld_family, engine
from learnact.envs.alfworld.tasks import KINDS
from learnact.errors import BadInput, DataNotFound

# From ../shared/data/README.md: games per task type and the paper's train indices.
README = {
    "put": (24, (14, 4, 2)),
    "clean": (31, (21, 2, 22)),
    "heat": (23, (11, 2, 1)),
    "cool": (21, (11, 7, 10)),
    "examine": (18, (13, 5, 14)),
    "puttwo": (17, (7, 9, 14)),
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("fmt", ["old", "new"])
def test_every_family_loads_with_the_paper_split(families, kind, fmt):
    family = families[(kind, fmt)]
    n, train = README[kind]
    assert len(family.tasks) == n and family.split.kind == "paper"
    assert family.split.train == train
    assert sorted(family.split.train + family.split.test) == list(range(n))
    assert family.source.known_set and not family.source.warnings
    assert family.format == fmt and family.step_budget == 20 and family.history_window == 50
    assert family.state_observations is False and family.decompose_creation is True
    names = [t.name for t in family.tasks]
    assert names == sorted(names) and all(t.sha256 for t in family.tasks)
    assert family.example.startswith("Goal: Your task is to:")


def test_registry_names_options_and_root_discovery(engine_installed, old_dir, new_dir):
    root = str(old_dir.parent)
    assert {f"alfworld/{k}" for k in KINDS} <= set(registry.names())
    old = registry.make_family("alfworld/put", data_dir=root)
    new = registry.make_family("alfworld/put[format=new]", data_dir=root)
    assert Path(old.source.path).parts[-3] == old_dir.name and old.format == "old"
    assert Path(new.source.path).parts[-3] == new_dir.name and new.format == "new"
    assert old.tasks[0].name == new.tasks[0].name  # same games, same numbering
    with pytest.raises(BadInput, match="format=new asked for"):
        registry.make_family("alfworld/put[format=new]", data_dir=str(old_dir))
    with pytest.raises(DataNotFound, match="splits found: valid_unseen"):
        registry.make_family("alfworld/put[split=valid_seen]", data_dir=root)
    with pytest.raises(BadInput, match="unknown option"):
        registry.make_family("alfworld/put[level=3]", data_dir=root)


def test_data_dir_sources(engine_installed, old_dir, tmp_path, monkeypatch):
    monkeypatch.delenv("LEARNACT_DATA", raising=False)
    monkeypatch.setenv("ALFWORLD_DATA", str(old_dir))
    monkeypatch.setenv("LEARNACT_CACHE", str(tmp_path / "cache"))
    assert "$ALFWORLD_DATA" in alfworld_family("cool").source.description
    monkeypatch.delenv("ALFWORLD_DATA")
    with pytest.raises(DataNotFound, match="learnact data alfworld"):
        alfworld_family("cool")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataNotFound, match="no ALFWorld game files"):
        alfworld_family("cool", str(tmp_path / "empty"))


def test_modified_copy_gets_a_seeded_split_and_a_warning(engine_installed, old_dir, tmp_path):
    src = old_dir / "json_2.1.1" / "valid_unseen"
    dst = tmp_path / "alfworld" / "json_2.1.1" / "valid_unseen"
    for game in src.glob("look_at_obj_in_light-*"):
        shutil.copytree(game, dst / game.name, ignore=shutil.ignore_patterns("traj_data.json"))
    game = sorted(dst.glob("*/*/game.tw-pddl"))[3]
    game.chmod(0o644)
    game.write_bytes(game.read_bytes().replace(b'"solvable": true', b'"solvable": true '))
    family = alfworld_family("examine", str(tmp_path))
    assert len(family.tasks) == 18 and family.split.kind == "seeded"
    assert family.source.known_set is None
    assert any("1 changed game file" in w and "seeded split" in w for w in family.source.warnings)


def test_missing_extra_is_reported_not_hidden(monkeypatch, tmp_path):
    monkeypatch.setattr(engine, "extra_missing", lambda: "the ALFWorld engine is not installed")
    from learnact.envs.alfworld import families as fam_mod

    monkeypatch.setattr(fam_mod, "extra_missing", engine.extra_missing)
    with pytest.raises(BadInput, match="not installed"):
        registry.make_family("alfworld/heat", data_dir=str(tmp_path))


@pytest.mark.parametrize("kind", KINDS)
def test_the_worked_examples_game_is_a_training_task_recognised_as_the_example(families, kind):
    from learnact.envs.alfworld.examples import stored
    from learnact.runner.tasks import TrainTestOverlap, example_repeats

    for fmt in ("old", "new"):
        family = families[(kind, fmt)]
        found = family.example_tasks(range(len(family.tasks)))
        assert found == [stored()[kind]["train_index"]] and found[0] in family.split.train
        assert example_repeats(family, family.split.test) == []
        with pytest.raises(TrainTestOverlap, match="worked example's own problem"):
            example_repeats(family, found)
