"""`--split` selects ALFWorld's game split; families without splits refuse it."""

from __future__ import annotations

import json

from learnact.cli.options import with_split
from tests.helpers import run_cli


def test_with_split_adds_the_option():
    assert with_split("alfworld/put", None) == "alfworld/put"
    assert with_split("alfworld/put", "train") == "alfworld/put[split=train]"
    assert with_split("alfworld/put[format=new]", "train") == "alfworld/put[format=new,split=train]"


def test_split_on_the_cli(shared_data):
    r = run_cli(
        "play",
        "alfworld/put",
        "--task",
        "0",
        "--split",
        "valid_unseen",
        "--data-dir",
        str(shared_data),
        input="",
    )
    assert r.returncode == 0, r.stderr
    assert "Your task is to: put" in r.stdout
    r = run_cli(
        "play",
        "alfworld/put",
        "--task",
        "0",
        "--split",
        "valid_seen",
        "--data-dir",
        str(shared_data),
    )
    assert r.returncode == 2 and "splits found: valid_unseen" in r.stderr
    r = run_cli(
        "play", "pddl/gripper", "--task", "0", "--split", "train", "--data-dir", str(shared_data)
    )
    assert r.returncode == 2 and "unknown option" in r.stderr


def test_split_given_twice_must_agree():
    import pytest

    from learnact.errors import BadInput

    assert with_split("alfworld/put[split=train]", "train") == "alfworld/put[split=train]"
    with pytest.raises(BadInput, match=r"--split valid_seen contradicts \[split=train\]"):
        with_split("alfworld/put[format=new,split=train]", "valid_seen")


def test_a_data_dir_holding_only_valid_seen(shared_data, tmp_path):
    # A user's own choice of split: only valid_seen games (here: links to real games).
    src = shared_data / "alfworld" / "json_2.1.1" / "valid_unseen"
    seen = tmp_path / "alfworld" / "json_2.1.1" / "valid_seen"
    seen.mkdir(parents=True)
    for task in sorted(src.glob("pick_and_place_simple-*"))[:3]:
        (seen / task.name).symlink_to(task)
    env = {"LEARNACT_CACHE": str(tmp_path / "cache")}
    r = run_cli("envs", "--data-dir", str(tmp_path), "--json", env=env)
    put = {f["name"]: f for f in json.loads(r.stdout)["families"]}["alfworld/put"]
    assert not put["available"]
    assert "splits found: valid_seen. Choose one with --split valid_seen" in put["error"]
    r = run_cli("envs", "--data-dir", str(tmp_path), "--split", "valid_seen", "--json", env=env)
    put = {f["name"]: f for f in json.loads(r.stdout)["families"]}["alfworld/put"]
    assert put["available"] and put["data_split"] == "valid_seen"
    assert list(put["splits"]) == ["valid_seen"] and put["splits"]["valid_seen"] >= put["tasks"]
    assert put["split_seed"] == 0  # not the paper's games: a seeded split
    r = run_cli("envs", "--data-dir", str(tmp_path), "--split", "valid_seen", env=env)
    row = next(line for line in r.stdout.splitlines() if line.startswith("alfworld/put"))
    assert "valid_seen: seeded (seed 0)" in row and "using a seeded split" in row
    # Pointing --data-dir at the split folder itself says exactly what to pass.
    r = run_cli("play", "alfworld/put", "--task", "0", "--data-dir", str(seen), env=env)
    assert r.returncode == 2
    assert f"pass --data-dir {tmp_path / 'alfworld'} --split valid_seen" in r.stderr


def test_known_data_set_notes_are_said_once_per_data_directory(shared_data, tmp_path):
    env = {"LEARNACT_CACHE": str(tmp_path / "cache")}
    args = ["play", "pddl/tyreworld", "--task", "0", "--data-dir", str(shared_data)]
    first = run_cli(*args, input="", env=env)
    again = run_cli(*args, input="", env=env)
    assert first.returncode == again.returncode == 0, first.stderr
    assert "no :requirements section" in first.stderr and "said once" in first.stderr
    assert "warning:" not in again.stderr
    r = run_cli("envs", "--data-dir", str(shared_data), env=env)
    assert "warning:" not in r.stderr  # listed as notes of the family instead
    row = next(line for line in r.stdout.splitlines() if line.startswith("pddl/tyreworld "))
    assert "no :requirements section" in row


def test_doctor_lists_splits_and_takes_split(shared_data, tmp_path):
    env = {"LEARNACT_CACHE": str(tmp_path / "cache")}
    r = run_cli("doctor", "--data-dir", str(shared_data), "--json", env=env)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)["data"]
    assert data["alfworld/put"]["splits"] == {"valid_unseen": 24}
    assert any("no :requirements" in n for n in data["pddl/tyreworld"]["notes"])
    r = run_cli("doctor", "--data-dir", str(shared_data), "--split", "valid_seen", env=env)
    line = next(x for x in r.stdout.splitlines() if x.strip().startswith("alfworld/put:"))
    assert "splits found: valid_unseen" in line and "--split valid_unseen" in line
