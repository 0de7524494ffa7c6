"""`learnact play alfworld/...` and `learnact envs` as a user runs them (subprocess)."""

from __future__ import annotations

import json
import shutil

from learnact.envs.alfworld.examples import as_call
from tests.helpers import run_cli


def test_play_a_walkthrough_to_a_win(families, walkthrough, old_dir):
    family = families[("put", "old")]
    task = family.split.test[0]
    lines = ["look", "check valid actions"] + [as_call(c) for c in walkthrough(family, task)]
    r = run_cli(
        "play",
        "alfworld/put",
        "--task",
        str(task),
        "--data-dir",
        str(old_dir.parent),
        input="\n".join(lines) + "\n",
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("Goal: Your task is to: put ")
    assert "Valid actions: " in r.stdout and "go to " in r.stdout
    assert any("won" in line for line in r.stdout.splitlines()[-2:])


def test_corrupt_or_missing_data_exits_2(engine_installed, old_dir, tmp_path):
    src = old_dir / "json_2.1.1" / "valid_unseen"
    dst = tmp_path / "alfworld" / "json_2.1.1" / "valid_unseen"
    game = sorted(src.glob("pick_and_place_simple-*/*/game.tw-pddl"))[0]
    target = dst / game.parent.parent.name / game.parent.name / game.name
    target.parent.mkdir(parents=True)
    target.write_bytes(game.read_bytes()[:40000])  # truncated JSON, grammar kept
    r = run_cli("play", "alfworld/put", "--task", "0", "--data-dir", str(tmp_path), input="look\n")
    assert r.returncode == 2 and "cannot read ALFWorld game" in r.stderr
    shutil.rmtree(tmp_path / "alfworld")
    r = run_cli("play", "alfworld/put", "--task", "0", "--data-dir", str(tmp_path), input="")
    assert r.returncode == 2 and "learnact data alfworld" in r.stderr


def test_envs_lists_the_families(engine_installed, old_dir):
    r = run_cli("envs", "--json", "--data-dir", str(old_dir))
    assert r.returncode == 0, r.stderr
    rows = {f["name"]: f for f in json.loads(r.stdout)["families"]}
    assert rows["alfworld/clean"]["tasks"] == 31 and rows["alfworld/clean"]["split"] == "paper"
