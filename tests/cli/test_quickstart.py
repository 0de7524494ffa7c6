"""`learnact quickstart` end to end with a scripted model: its folder is a run that
`report`, `trace show` and `library show` accept, and it ends with a verdict in words."""

from __future__ import annotations

import json

from learnact.runner.quickstart import QUICK
from learnact.runner.verdict import MethodOutcome, sentence
from tests.helpers import run_cli
from tests.learning.test_learner import GOAL_CALL, GOOD, SUPPORT

LIGHTS = "lights_env:LightsFamily[tasks=4]"


def _model(tmp_path) -> str:
    path = tmp_path / "model.json"
    rules = [{"purpose": "create_actions", "response": GOOD}, GOAL_CALL, *SUPPORT]
    # A default answer: in the chat-turns layout a later step's last message holds only
    # the observation, which no rule matches.
    path.write_text(json.dumps({"rules": rules, "default": "switch_on('lamp0')"}))
    return f"scripted:{path}"


def test_quickstart_writes_a_run_that_every_command_reads(tmp_path):
    model, out = _model(tmp_path), tmp_path / "qs"
    r = run_cli("quickstart", "--model", model, "--family", LIGHTS, "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "NOT the paper's setting" in r.stderr and "[learn]" in r.stderr
    assert QUICK.variant(model) in r.stderr  # which learning variant runs, said before it does
    assert "[eval] learnact task" in r.stderr and "[eval] act task" in r.stderr
    # Per method what it did, then one sentence that says what the run shows.
    assert "learnact" in r.stdout and "pair(a, b)" in r.stdout
    assert "Verdict: LearnAct won 1 of 1 held-out tasks, Act 0 of 1" in r.stdout
    assert "used learned actions on 100% of its steps" in r.stdout
    # The last lines name the library, the report and what to try next.
    lib = out / "learn" / "lights_env_LightsFamily_tasks_4" / "s0" / "library"
    assert f"library: {lib}" in r.stderr and f"report: {out / 'report.json'}" in r.stderr
    assert f"learnact report {out} --html" in r.stderr
    report = json.loads((out / "report.json").read_text())
    assert report["results"]["learnact"]["success_rate"] == 1.0
    assert report["results"]["act"]["success_rate"] == 0.0
    assert report["verdict"]["sentence"].startswith("LearnAct won 1 of 1")
    assert report["usage"]["total"]["calls"] > 0
    assert report["variant"] == {
        "prompt_style": QUICK.prompt_style,
        "constrained": QUICK.constrained,
        "induce": list(QUICK.induce),
        "baseline_demonstrations": QUICK.demonstrations,
    }

    rep = run_cli("report", str(out), "--json")
    assert rep.returncode == 0, rep.stderr
    cells = json.loads(rep.stdout)["cells"][LIGHTS]
    assert cells["learnact"]["success"]["mean"] == 1.0 and cells["act"]["success"]["mean"] == 0.0
    html = run_cli("report", str(out), "--html")
    assert html.returncode == 0, html.stderr and (out / "report.html").is_file()

    trace = run_cli("trace", "show", str(out), "--method", "learnact")
    assert trace.returncode == 0, trace.stderr
    assert "WON" in trace.stdout and "training, candidate c0" in trace.stdout
    missing = run_cli("trace", "show", str(out), "--task", "99")
    assert missing.returncode == 2
    assert "it holds methods act, learnact and tasks" in missing.stderr

    shown = run_cli("library", "show", str(lib))
    assert shown.returncode == 0, shown.stderr
    assert "training: called" in shown.stdout and "{" not in shown.stdout.split("\n")[3]
    run_dir = run_cli("library", "show", str(out))
    assert run_dir.returncode == 2 and f"`learnact library show {lib}`" in run_dir.stderr
    nothing = run_cli("library", "show", str(tmp_path / "nope"))
    assert nothing.returncode == 2 and "no such library" in nothing.stderr
    assert "learnact learn" in nothing.stderr

    # Running it again continues the same run: nothing is redone.
    again = run_cli("quickstart", "--model", model, "--family", LIGHTS, "--out", str(out))
    assert again.returncode == 0, again.stderr
    assert "holds this quickstart already" in again.stderr
    assert "Verdict: LearnAct won 1 of 1" in again.stdout


def _outcome(method: str, won: int, learned: int, ok: int = 0) -> MethodOutcome:
    return MethodOutcome(method, 3, won, 0.5, 0.5, 30, learned, ok)


def test_the_verdict_says_when_a_run_says_nothing_about_learned_actions():
    silent = sentence([_outcome("act", 0, 0), _outcome("learnact", 0, 0)])
    assert silent == (
        "LearnAct won 0 of 3 held-out tasks, Act 0 of 3; the agent never called a learned "
        "action, so this run says nothing about them."
    )
    used = sentence([_outcome("act", 0, 0), _outcome("learnact", 2, 12, 10)])
    assert "LearnAct won 2 of 3 held-out tasks, Act 0 of 3" in used
    assert "learned actions on 40% of its steps (10 of 12 calls worked)" in used
    assert "too few to tell methods apart" in used
    assert "says nothing about learned actions" in sentence([_outcome("act", 1, 0)])
    # Progress is shown as what was gained over the start, not where it ended.
    line = MethodOutcome("act", 3, 0, 0.56, 0.56, 36, 0, 0).line()
    assert "progress 0.56 (started at 0.56, +0.00)" in line


def test_a_variant_with_demonstrations_says_so_and_gives_act_the_same():
    import dataclasses

    from learnact.runner.quickstart import quickstart_experiment

    demos = dataclasses.replace(
        QUICK, prompt_style="turns", constrained=True, induce=("example", "demonstrations")
    )
    line = demos.variant()
    assert "DEMONSTRATIONS" in line and "which Act also sees" in line
    assert "chat-turns prompt" in line and "constrained" in line
    exp = quickstart_experiment(demos, "local:qwen2.5-coder-1.5b")
    assert exp.baseline_demonstrations and exp.learn.induce == ["example", "demonstrations"]
    assert exp.prompt_style == "turns" and exp.constrained
    assert "DEMONSTRATIONS" not in QUICK.variant() or QUICK.demonstrations


def test_answers_are_constrained_only_with_models_that_take_a_grammar():
    from learnact.runner.quickstart import constrains, quickstart_experiment

    assert QUICK.prompt_style == "turns" and QUICK.constrained  # the measured choice (v1)
    for model, constrained in [
        ("local:qwen2.5-coder-1.5b", True),
        ("scripted:rules.json", True),
        ("openai:gpt-4o-mini", False),
        ("openai:qwen@http://127.0.0.1:8080/v1", False),
        ("anthropic:claude-sonnet-4-5", False),
    ]:
        assert constrains(model) is constrained, model
        assert quickstart_experiment(QUICK, model).constrained is constrained, model
        line = QUICK.variant(model)
        assert ("answers constrained to known calls" in line) is constrained, line
        if not constrained:
            provider = model.split(":")[0]
            assert f"free answers ({provider}: models are not constrained here)" in line


def test_report_json_records_the_variant_that_ran(tmp_path):
    import dataclasses
    import sys

    from learnact.runner.quickstart import quickstart_experiment, run_quickstart
    from tests.helpers import EXAMPLES

    sys.path.insert(0, str(EXAMPLES))
    try:
        turns = dataclasses.replace(
            QUICK, prompt_style="turns", constrained=False, induce=("example",)
        )
        exp = quickstart_experiment(turns, _model(tmp_path), LIGHTS)
        done = run_quickstart(exp, tmp_path / "qs")
    finally:
        sys.path.remove(str(EXAMPLES))
        sys.modules.pop("lights_env", None)
    report = json.loads((tmp_path / "qs" / "report.json").read_text())
    assert (
        report["variant"]
        == done.report["variant"]
        == {
            "prompt_style": "turns",
            "constrained": False,
            "induce": ["example"],
            "baseline_demonstrations": False,
        }
    )
