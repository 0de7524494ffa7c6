"""Training never silently runs on test tasks (issue 16, item 2).

A selection is relative to the split it selects from (``first:N`` of the training tasks
where training tasks are chosen); a run whose training and test tasks overlap is refused
with exit 2 naming the tasks, unless the user opts in, which is recorded in the
fingerprint and stated in every report.

The family: lights_env:LightsFamily[tasks=6]; training tasks 0, 3, 5; test tasks 1, 2, 4.
"""

from __future__ import annotations

import csv
import io
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


GRIPPER = "pddl-gen/gripper[size=2,tasks=8]"  # 8 distinct problems; training tasks 3, 6, 7


def test_demonstrations_are_of_training_tasks_only_and_every_report_says_so(monkeypatch, tmp_path):
    """learnact induces actions from demonstrations and the baseline gets the same ones in
    its prompt: each demonstration is a real run of a training task (pyperplan's plan),
    never a test task, and every table says that demonstrations were used."""
    from learnact.envs.registry import make_family
    from learnact.runner import report
    from learnact.runner.html_report import write as write_html
    from learnact.runner.store import RunStore
    from tests.learning.test_induce import LEARNER, NAMED

    monkeypatch.setenv("LEARNACT_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("GIT_DIR", str(tmp_path / "no-git"))
    fam = make_family(GRIPPER)
    path = tmp_path / "model.json"
    rules = [{"purpose": "name_action", "response": NAMED}, *LEARNER]
    path.write_text(json.dumps({"rules": rules, "default": "move('rooma', 'roomb')"}))
    e = Experiment.model_validate(
        {
            "families": [GRIPPER],
            "methods": ["act", "learnact"],
            "model": f"scripted:{path}",
            "tasks": "first:2",
            "max_steps": 2,
            "baseline_demonstrations": True,
            "learn": {"candidates": 1, "rounds": 0, "train_steps": 2, "induce": ["demonstrations"]},
        }
    )
    run = tmp_path / "run"
    run_experiment(e, run)

    def opening(task: int) -> str:  # a task's goal and first observation, as prompts show them
        ep = fam.make_episode(task)
        first = ep.reset()
        ep.close()
        return f"Goal: {first.goal}\nObservation: {first.observation}"

    train = {opening(t) for t in fam.split.train}
    test_only = {opening(t) for t in fam.split.test} - train
    with RunStore(run) as store:
        prompts = [json.loads(r["messages"]) for r in store.query("SELECT messages FROM prompts")]
        events = store.query("SELECT data FROM events WHERE event = 'demonstrations'")
    shown = [
        "\n".join(part.split("\n")[1:3])
        for msgs in prompts
        for part in msgs[0]["content"].split("Another solved task (a demonstration):")[1:]
    ]
    assert shown and all(s in train and s not in test_only for s in shown)
    (demo,) = [json.loads(r["data"]) for r in events]
    assert demo["tasks"] == list(fam.split.train) and demo["skipped_test_tasks"] == []

    rep = report.build(run)
    assert set(rep["demonstrations"]) == {"act", "learnact"} and rep["induce"] == ["demonstrations"]
    train_tasks = list(fam.split.train)
    assert rep["demonstrated"] == {
        GRIPPER: {
            "tasks": train_tasks,
            "refused": [],
            "missing": {},
            "worked_example": fam.example_tasks(train_tasks),
        }
    }
    caption = report.tables(rep)[0].caption
    assert caption.startswith("DEMONSTRATIONS: act: demonstrations of the training tasks in")
    assert f"{GRIPPER}: {len(train_tasks)} demonstrations (training tasks " in caption
    rows = {r["method"]: r for r in csv.DictReader(io.StringIO(report.to_csv(rep)))}
    assert rows["act"]["demonstrations"] == "demonstrations of the training tasks in its prompt"
    html = write_html(run).read_text(encoding="utf-8")
    assert 'id="demonstrations"' in html and "DEMONSTRATIONS: act:" in html


TYRE = "pddl-gen/tyreworld[size=1,tasks=13]"  # one distinct problem: the worked example's own


def test_the_worked_examples_own_problem_is_no_test_task(model, tmp_path):
    from learnact.envs.registry import make_family

    tyre = make_family(TYRE)
    assert tyre.example_problem and {t.problem for t in tyre.tasks} == {tyre.example_problem}
    assert any("worked example's own tyreworld problem" in w for w in tyre.source.warnings)
    grip = make_family(GRIPPER)  # its task 6 is the example's problem: a training task
    assert [i for i, t in enumerate(grip.tasks) if t.problem == grip.example_problem] == [6]
    assert 6 in grip.split.train and not grip.source.warnings

    exp = Experiment(families=[TYRE], methods=["act"], model=model, tasks="first:2")
    with pytest.raises(TrainTestOverlap, match="test tasks 1, 2 hold the worked example's own"):
        plan(exp)
    allowed = plan(exp.model_copy(update={"allow_train_test_overlap": True}))
    assert allowed.overlap == {TYRE: {"worked example": [1, 2]}}
    run = tmp_path / "run"
    r = run_cli(
        "compare", TYRE, "--methods", "act", "--tasks", "first:1", "--model", model,
        "--max-steps", "1", "--allow-train-test-overlap", "--out", str(run),
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "every method's worked example is the problem of test tasks 1" in r.stdout

    r = run_cli("eval", GRIPPER, "--method", "act", "--model", model, "--tasks", "6")
    assert r.returncode == 2 and "test task 6 holds the worked example's own problem" in r.stderr
    assert "Traceback" not in r.stderr


def test_demonstrated_tasks_in_words_say_what_was_refused_and_what_is_missing():
    """The report says how many demonstrations a learner had and why the others are not
    there, from its journal events (the first seed's)."""
    from learnact.runner import report

    def event(family: str, seed: int, **data: object) -> dict[str, object]:
        return {"family": family, "seed": seed, "data": json.dumps(data)}

    shown = report.demonstrated(
        [
            event("g", 0, tasks=[6], skipped_test_tasks=[0, 12], missing={}, worked_example=[6]),
            event("g", 1, tasks=[], skipped_test_tasks=[0, 6, 12], missing={}),
            event("b", 0, tasks=[], skipped_test_tasks=[], missing={"3": "no plan in 30 s"}),
        ]
    )
    assert shown["g"]["tasks"] == [6]  # seed 0's: every seed gets the same
    assert report.demonstrated_text("g", shown["g"]) == (
        "g: 1 demonstration (training task 6; 6: the worked example's own problem; "
        "0, 12 refused: a test task or its problem)"
    )
    assert shown["b"]["worked_example"] is None  # not recorded (learners before 663ec68)
    assert report.demonstrated_text("b", shown["b"]) == (
        "b: NO demonstration (3 has none: no plan in 30 s)"
    )
    many = report.demonstrated(
        [event("m", 0, tasks=[], skipped_test_tasks=[], missing={str(t): "x" for t in range(5)})]
    )
    assert report.demonstrated_text("m", many["m"]) == (
        "m: NO demonstration (0 has none: x; 1 has none: x; 2 has none: x; 2 more without one)"
    )
    text = report.demonstrations_text(
        {"demonstrations": {"act": "in its prompt"}, "methods": ["act"], "demonstrated": shown}
    )
    assert text is not None and text.endswith("; " + report.demonstrated_text("b", shown["b"]))
    uncounted = report.demonstrations_text(
        {"demonstrations": {"act": "in its prompt"}, "methods": ["act"], "demonstrated": {}}
    )
    assert uncounted is not None and uncounted.endswith("no learner took demonstrations)")
