"""Training never silently runs on test tasks (issue 16, item 2).

A selection is relative to the split it selects from (``first:N`` of the training tasks
where training tasks are chosen); a run whose training and test tasks overlap is refused
with exit 2 naming the tasks, unless the user opts in, which is recorded in the
fingerprint and stated in every report.

The family: lights_env:LightsFamily[tasks=6]; training tasks 0, 3, 5; test tasks 1, 2, 4.
"""

from __future__ import annotations

import json
import sys

import pytest

from learnact.runner import Experiment, run_experiment
from learnact.runner.plan import plan
from learnact.runner.tasks import TrainTestOverlap, select_tasks
from tests.helpers import EXAMPLES, run_cli
from tests.learning.test_learner import GOAL_CALL, GOOD, SUPPORT

LIGHTS = "lights_env:LightsFamily[tasks=6]"
RULES = [{"purpose": "create_actions", "response": GOOD}, GOAL_CALL, *SUPPORT]


@pytest.fixture
def model(monkeypatch, tmp_path):
    monkeypatch.syspath_prepend(str(EXAMPLES))
    monkeypatch.setenv("LEARNACT_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("GIT_DIR", str(tmp_path / "no-git"))
    path = tmp_path / "model.json"
    path.write_text(json.dumps({"rules": RULES, "default": "switch_on('lamp0')"}))
    yield f"scripted:{path}"
    sys.modules.pop("lights_env", None)


@pytest.fixture
def lights(model):
    from learnact.envs.registry import make_family

    return make_family(LIGHTS)


def test_first_n_is_relative_to_the_split_it_selects_from(lights):
    assert lights.split.train == (0, 3, 5) and lights.split.test == (1, 2, 4)
    assert select_tasks(lights, "first:2") == [1, 2]
    assert select_tasks(lights, "first:2", "train") == [0, 3]
    assert select_tasks(lights, "train", "test") == [0, 3, 5]  # absolute names stay absolute


def exp(model: str, **kw) -> Experiment:
    data = {"families": [LIGHTS], "methods": ["act", "learnact"], "model": model, **kw}
    return Experiment.model_validate(data)


def test_the_python_api_refuses_learning_on_test_tasks(model, tmp_path):
    with pytest.raises(
        TrainTestOverlap, match=r"learnact training tasks include test tasks 2 \(lights-2\)"
    ):
        plan(exp(model, learn={"train_tasks": "0,2"}))
    with pytest.raises(
        TrainTestOverlap,
        match=r"reflexion training tasks include test tasks 1 \(lights-1\), 2 \(lights-2\), 4",
    ):
        run_experiment(
            exp(model, methods=["act-reflexion"], reflexion_train_tasks="all"), tmp_path / "r"
        )
    assert not (tmp_path / "r").exists()  # refused before anything was written
    # first:N of the training tasks is fine, and so is an explicit opt-in (recorded).
    assert plan(exp(model, learn={"train_tasks": "first:2"})).overlap == {}
    allowed = plan(exp(model, learn={"train_tasks": "0,2"}, allow_train_test_overlap=True))
    assert allowed.overlap == {LIGHTS: {"learnact": [2]}}
    assert allowed.fingerprint["config"]["allow_train_test_overlap"] is True


def test_compare_refuses_then_records_an_allowed_overlap(model, tmp_path):
    toml = tmp_path / "exp.toml"
    toml.write_text(
        f'families = ["{LIGHTS}"]\nmethods = ["act", "learnact"]\nmodel = "{model}"\n'
        '[learn]\ncandidates = 1\nrounds = 0\ntrain_tasks = "0,4"\n'
    )
    r = run_cli("compare", "--experiment", str(toml), "--out", str(tmp_path / "no"))
    assert r.returncode == 2
    assert "include test tasks 4 (lights-4)" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "no").exists()
    run = tmp_path / "yes"
    r = run_cli(
        "compare", "--experiment", str(toml), "--allow-train-test-overlap", "--out", str(run)
    )
    assert r.returncode == 0, r.stderr
    assert "WARNING: training and test tasks overlap" in r.stdout
    assert "learnact learned on test tasks 4" in r.stdout
    rep = json.loads(run_cli("report", str(run), "--json").stdout)
    assert rep["train_test_overlap"] == {LIGHTS: {"learnact": [4]}}
    assert rep["experiment"]["allow_train_test_overlap"] is True
    r = run_cli("report", str(run), "--html")
    assert r.returncode == 0, r.stderr
    assert "WARNING: training and test tasks overlap" in (run / "report.html").read_text()


def test_learn_and_eval_refuse_test_tasks_unless_allowed(model, tmp_path):
    out = tmp_path / "learned"
    r = run_cli("learn", LIGHTS, "--model", model, "--out", str(out), "--train-tasks", "1,3")
    assert r.returncode == 2 and "include test tasks 1 (lights-1)" in r.stderr
    args = ["learn", LIGHTS, "--model", model, "--out", str(out), "--candidates", "1"]
    r = run_cli(*args, "--rounds", "0", "--train-tasks", "first:2")
    assert r.returncode == 0, r.stderr
    meta = json.loads((out / "library" / "library.json").read_text())
    assert meta["train_tasks"] == [0, 3] and meta["train_test_overlap"] == []

    # eval refuses the tasks the library learned on, and Reflexion's training tasks.
    lib = str(out / "library")
    ev = ["eval", LIGHTS, "--model", model, "--max-steps", "2"]
    r = run_cli(*ev, "--method", "learnact", "--library", lib, "--tasks", "0,1")
    assert r.returncode == 2 and "library's training tasks include test tasks 0" in r.stderr
    r = run_cli(*ev, "--method", "act-reflexion", "--tasks", "train")
    assert r.returncode == 2 and "Reflexion training tasks include test tasks 0" in r.stderr
    r = run_cli(*ev, "--method", "learnact", "--library", lib, "--tasks", "test", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["train_test_overlap"] == []
    r = run_cli(
        *ev, "--method", "learnact", "--library", lib, "--tasks", "0,1",
        "--allow-train-test-overlap", "--json",
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["train_test_overlap"] == [0]
    assert "evaluated on tasks it learned on: [0]" in r.stderr
