"""The CLI on the real PDDL data: envs, play to a win, bad data, doctor."""

from __future__ import annotations

import json
import shutil

from tests.helpers import run_cli

# AgentBoard gripper prob01: 4 balls in rooma, all must go to roomb.
WIN_PROB01 = "".join(
    f"pick ball{a} rooma left\npick('ball{b}', 'rooma', 'right')\nmove rooma roomb\n"
    f"drop ball{a} roomb left\nDROP BALL{b} ROOMB RIGHT\nmove roomb rooma\n"
    for a, b in ((1, 2), (3, 4))
)


def test_envs_json_lists_paper_split_and_source(shared_data):
    r = run_cli("envs", "--json", "--data-dir", str(shared_data))
    assert r.returncode == 0, r.stderr
    fams = {f["name"]: f for f in json.loads(r.stdout)["families"]}
    g = fams["pddl/gripper"]
    assert g["available"] and g["tasks"] == 20 and g["split"] == "paper"
    assert g["train"] == [7, 9, 14] and len(g["test"]) == 17
    assert (
        g["source"]["known_set"].startswith("agentboard") and len(g["source"]["fingerprint"]) == 64
    )
    assert (
        fams["pddl/blockworld"]["train"] == [4, 6, 8]
        and fams["pddl-gen/gripper"]["split"] == "seeded"
    )


def test_play_to_a_win_with_family_dir_as_data_dir(shared_data):
    r = run_cli(
        "play",
        "pddl/gripper",
        "--task",
        "0",
        "--data-dir",
        str(shared_data / "pddl" / "agentboard"),
        input=WIN_PROB01,
    )
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert lines[-1].startswith("Goal reached: task won in")
    assert "won" not in "\n".join(lines[:-1])
    assert "progress: 1.00" in r.stdout
    assert str(shared_data / "pddl" / "agentboard") in r.stderr  # the resolved source is printed


def test_data_from_environment_variable(shared_data):
    r = run_cli(
        "play", "pddl/blockworld", "--task", "1", input="", env={"LEARNACT_DATA": str(shared_data)}
    )
    assert r.returncode == 0, r.stderr
    assert "problem10" in r.stderr  # index 1 in sorted order is problem10.pddl


def test_malformed_pddl_is_bad_input(shared_data, tmp_path):
    root = tmp_path / "pddl" / "agentboard"
    shutil.copytree(shared_data / "pddl" / "agentboard", root)
    (root / "gripper" / "prob01.pddl").write_text(
        "(define (problem broken) (:domain gripper-strips) (:init (at"
    )
    r = run_cli("play", "pddl/gripper", "--task", "0", "--data-dir", str(tmp_path), input="")
    assert r.returncode == 2
    assert r.stderr.strip().splitlines()[-1].startswith("error:") and "prob01.pddl" in r.stderr
    assert "Traceback" not in r.stderr
    # A changed file set is not the paper's: seeded split, with a warning.
    r = run_cli("envs", "--json", "--data-dir", str(tmp_path))
    fam = next(f for f in json.loads(r.stdout)["families"] if f["name"] == "pddl/barman")
    assert fam["split"] == "paper"  # barman files untouched
    g = next(f for f in json.loads(r.stdout)["families"] if f["name"] == "pddl/gripper")
    assert g["split"] == "seeded" and g["source"]["warnings"]


def test_missing_data_and_out_of_range(shared_data, tmp_path):
    r = run_cli("play", "pddl/gripper", "--task", "0", "--data-dir", str(tmp_path / "nope"))
    assert r.returncode == 2 and "data directory not found" in r.stderr
    r = run_cli("play", "pddl/gripper", "--task", "20", "--data-dir", str(shared_data))
    assert r.returncode == 2 and "out of range" in r.stderr


def test_doctor_reports_sandbox_and_data(shared_data):
    r = run_cli("doctor", "--json", "--data-dir", str(shared_data))
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    sandbox = rep["sandbox"]
    for mechanism in ("netns", "mountns_chroot", "pidns", "seccomp", "uid_drop", "rlimits"):
        assert mechanism in sandbox
    assert "allow list" in sandbox["seccomp_filter"] and "RLIMIT_AS" in sandbox["memory"]
    assert rep["data"]["pddl/gripper"]["tasks"] == 20
    assert any(m["alias"] == "qwen2.5-coder-1.5b" for m in rep["models"])
