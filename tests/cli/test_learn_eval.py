"""`learnact learn`, `eval` and `trace show` end to end, with scripted models."""

from __future__ import annotations

import json
import os
import shutil

from learnact.agents.trajectory import read_jsonl
from learnact.learning.checks import CHECKS
from learnact.runner.runlock import hold_run
from tests.helpers import run_cli
from tests.learning.test_learner import BUGGY, FIX, GOAL_CALL, GOOD, SUPPORT

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

    # One process per output folder: while another holds it, learn and eval are refused
    # at once (exit 1, its pid) and what is there stays as it was.
    before = {p: p.read_bytes() for p in (*run.rglob("*.json*"), *out.rglob("*.json*"))}
    with hold_run(run), hold_run(out):
        r = run_cli(
            "learn", LIGHTS, "--model", actor, "--learner-model", learner, "--out", str(run)
        )
        assert r.returncode == 1 and f"pid {os.getpid()}" in r.stderr, r.stderr
        assert "Traceback" not in r.stderr
        r = run_cli("eval", LIGHTS, "--model", actor, "--tasks", "0", "--out", str(out))
        assert r.returncode == 1 and f"pid {os.getpid()}" in r.stderr, r.stderr
    assert {p: p.read_bytes() for p in before} == before


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


HARD_CODED = GOOD.replace("    switch_on(a)\n", "    switch_on(a)\n    switch_on('lamp1')\n")


def test_learn_checks_option_turns_the_static_checks_off(tmp_path):
    """`--checks` reaches the learner: by default a function that hard-codes a lamp is
    sent back (and counted), with `--checks none` it is taken as written."""
    learner = _script(
        tmp_path,
        "learner",
        [
            {"purpose": "create_actions", "response": HARD_CODED},
            {"purpose": "fix_actions", "response": GOOD},
            *SUPPORT,
        ],
    )
    actor = _script(tmp_path, "actor", [GOAL_CALL])
    common = ["--model", actor, "--learner-model", learner, "--candidates", "1", "--rounds", "0"]
    runs = {}
    for checks in ("hard_coded_names", "none", "all"):
        out = tmp_path / checks
        r = run_cli("learn", LIGHTS, *common, "--checks", checks, "--out", str(out), "--json")
        assert r.returncode == 0, r.stderr
        runs[checks] = (json.loads(r.stdout), (out / "library" / "actions.py").read_text())
    summary, source = runs["hard_coded_names"]
    assert summary["checks"]["hard_coded_names"] == 1 and "'lamp1'" not in source
    summary, source = runs["none"]
    assert not any(summary["checks"].values()) and "'lamp1'" in source
    assert runs["all"][0]["checks"] == {**dict.fromkeys(CHECKS, 0), "hard_coded_names": 1}
    r = run_cli("learn", LIGHTS, *common, "--checks", "teleport", "--out", str(tmp_path / "x"))
    assert r.returncode == 2 and "unknown check(s) teleport" in r.stderr
    r = run_cli(
        "learn", LIGHTS, *common, "--checks", "none,hard_coded_names", "--out", str(tmp_path / "y")
    )
    assert r.returncode == 2 and "none and all stand alone" in r.stderr


def test_learning_on_problems_the_test_tasks_repeat_is_refused(tmp_path):
    """Tyreworld with one hub has one distinct problem (written in several goal orders):
    every test task repeats a training problem, so learning there is refused, naming them."""
    out = tmp_path / "lib"
    r = run_cli(
        "learn",
        "pddl-gen/tyreworld[size=1,tasks=13]",
        "--model",
        "scripted:none",
        "--out",
        str(out),
    )
    assert r.returncode == 2, r.stderr
    assert "hold the same problems as training tasks" in r.stderr and "Traceback" not in r.stderr
    assert not out.exists()
