"""`learnact learn`, `eval` and `trace show` end to end, with scripted models."""

from __future__ import annotations

import json
import shutil

from learnact.agents.trajectory import read_jsonl
from tests.helpers import run_cli
from tests.learning.test_learner import BUGGY, FIX, GOAL_CALL, SUPPORT

LIGHTS = "lights_env:LightsFamily[tasks=4]"


def _script(tmp_path, name, rules):
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps({"rules": rules}))
    return f"scripted:{path}"


def test_learn_then_eval_learnact_against_act(tmp_path):
    learner = _script(
        tmp_path,
        "learner",
        [
            {"purpose": "create_actions", "response": BUGGY},
            {"purpose": "revise", "response": FIX},
            *SUPPORT,
        ],
    )
    actor = _script(tmp_path, "actor", [GOAL_CALL])
    run = tmp_path / "run"
    r = run_cli(
        "learn",
        LIGHTS,
        "--model",
        actor,
        "--learner-model",
        learner,
        "--out",
        str(run),
        "--candidates",
        "1",
        "--rounds",
        "1",
        "--train-steps",
        "3",
        "--json",
    )
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert summary["best"] == "r1.0" and summary["actions"] == ["pair(a, b)"]
    assert "estimate:" in r.stderr and "scored c0" in r.stderr
    meta = json.loads((run / "library" / "library.json").read_text())
    assert meta["format_version"] == 1 and meta["learner_model"] == learner
    assert meta["actions"]["pair"]["stats"] == {"calls": 3, "succeeded": 3, "episodes": 3}
    assert (run / "learning.jsonl").exists() and (run / "learn.json").exists()

    out = tmp_path / "eval"
    r = run_cli(
        "eval",
        LIGHTS,
        "--method",
        "learnact",
        "--library",
        str(run / "library"),
        "--model",
        actor,
        "--tasks",
        "all",
        "--allow-train-test-overlap",  # all four tasks, the training ones too (recorded)
        "--out",
        str(out),
        "--json",
    )
    assert r.returncode == 0, r.stderr
    results = json.loads(r.stdout)
    assert results["episodes"] == 4 and results["success_rate"] == 1.0
    assert results["train_test_overlap"] == meta["train_tasks"] == [0, 1, 3]
    assert json.loads((out / "results.json").read_text())["success_rate"] == 1.0
    assert len(read_jsonl(out / "trajectories.jsonl")) == 4

    # A library learned on another family is used with a notice, not silently.
    other = tmp_path / "other-library"
    shutil.copytree(run / "library", other)
    moved = {**meta, "family": "pddl-gen/gripper"}
    (other / "library.json").write_text(json.dumps(moved))
    r = run_cli(
        "eval",
        LIGHTS,
        "--method",
        "learnact",
        "--library",
        str(other),
        "--model",
        actor,
        "--tasks",
        "2",
    )
    assert r.returncode == 0, r.stderr
    assert f"note: {other} was learned on pddl-gen/gripper; using it on lights/basic" in r.stderr

    # Plain Act with an actor that only knows the learned action fails every task.
    r = run_cli(
        "eval", LIGHTS, "--method", "act", "--model", actor, "--tasks", "0,1", "--max-steps", "2"
    )
    assert r.returncode == 0, r.stderr
    assert "success rate: 0/2" in r.stdout

    r = run_cli("trace", "show", str(out), "--task", "0")
    assert r.returncode == 0, r.stderr
    assert "WON" in r.stdout and "pair('lamp1', 'lamp3')" in r.stdout and "on lamp1" in r.stdout


def test_eval_bad_input(tmp_path):
    actor = _script(tmp_path, "actor", [GOAL_CALL])
    r = run_cli("eval", LIGHTS, "--method", "teleport", "--model", actor)
    assert r.returncode == 2 and "unknown method" in r.stderr
    r = run_cli("eval", LIGHTS, "--method", "learnact", "--model", actor)
    assert r.returncode == 2 and "--library" in r.stderr
    r = run_cli("eval", LIGHTS, "--model", "nosuchprovider:x")
    assert r.returncode == 2
    r = run_cli("eval", LIGHTS, "--model", actor, "--tasks", "0,99")
    assert r.returncode == 2 and "out of range" in r.stderr
    r = run_cli("trace", "show", str(tmp_path / "none.jsonl"))
    assert r.returncode == 2
    r = run_cli("learn", LIGHTS, "--out", str(tmp_path / "l"), "--selection", "fastest")
    assert r.returncode == 2 and "--selection must be one of full, race" in r.stderr
