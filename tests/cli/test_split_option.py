"""`--split` selects ALFWorld's game split; families without splits refuse it."""

from __future__ import annotations

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
