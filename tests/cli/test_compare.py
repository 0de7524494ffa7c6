"""`learnact compare` and `learnact report` end to end, as a user runs them.

Scripted models play the lights family (examples/lights_env.py); the crash test uses a
stand-in OpenAI-compatible server (tests/runner/standin.py) so that episodes take time.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from learnact.learning.checks import CHECKS
from learnact.runner.report import checks_text
from tests.helpers import EXAMPLES, default_sigint, run_cli
from tests.learning.test_learner import GOAL_CALL, GOOD, SUPPORT
from tests.llm.servers import free_port
from tests.runner.standin import LightsServer

LIGHTS = "lights_env:LightsFamily[tasks=6]"
OTHER = "lights_env:LightsFamily[tasks=4,seed=1]"
RULES = [
    {"purpose": "create_actions", "response": GOOD},
    GOAL_CALL,
    *SUPPORT,
    {"purpose": "reflect", "response": "Lesson: switch on both goal lamps."},
]


@pytest.fixture
def model(tmp_path):
    path = tmp_path / "model.json"
    path.write_text(json.dumps({"rules": RULES, "default": "switch_on('lamp0')"}))
    return f"scripted:{path}"


@pytest.fixture
def env(tmp_path):
    # No git: the fingerprint holds learnact's git commit, and other engineers commit to
    # this checkout while the tests run (a resume across a commit is rightly refused).
    return {"LEARNACT_CACHE": str(tmp_path / "cache"), "GIT_DIR": str(tmp_path / "no-git")}


def q(run, sql):
    with sqlite3.connect(run / "run.sqlite3") as c:
        return c.execute(sql).fetchall()


def compare(*args, env=None, timeout=120):
    return run_cli("compare", *args, env=env, timeout=timeout)


def test_compare_learns_evaluates_reports_and_reruns_for_free(tmp_path, model, env):
    run = tmp_path / "runs" / "lights"
    args = [
        LIGHTS,
        "--methods",
        "act,act-reflexion,learnact,code-as-policies",
        "--model",
        model,
        "--seeds",
        "2",
        "--candidates",
        "1",
        "--rounds",
        "1",
        "--out",
        str(run),
    ]
    r = compare(*args, "--json", env=env)
    assert r.returncode == 0, r.stderr
    assert "estimate: at most" in r.stderr and "learn lights_env" in r.stderr
    assert "scored c0" in r.stderr  # the learner's decisions are shown live
    rep = json.loads(r.stdout)
    assert rep["complete"] and rep["seeds"] == [0, 1]
    assert "sampling seed" in rep["seed_varies"] and "order" in rep["seed_varies"]
    cells = rep["cells"][LIGHTS]
    assert cells["learnact"]["success"]["mean"] == 1.0
    assert cells["act"]["success"]["mean"] == 0.0
    # Scripted models ignore the seed: flagged as identical, not a zero-width spread.
    assert cells["act"]["success"]["identical_seeds"] is True
    assert cells["act"]["success"]["seed_sd"] is None
    assert cells["act"]["success"]["degenerate"] is True
    # Learning costs are charged to the method that learns, per purpose.
    assert set(cells["learnact"]["usage"]["by_purpose"]) >= {"act", "create_actions"}
    assert "reflect" in cells["act-reflexion"]["usage"]["by_purpose"]
    assert "program" in cells["code-as-policies"]["usage"]["by_purpose"]
    assert cells["learnact"]["learning"][0]["actions"] == ["pair(a, b)"]
    # Paired with the best baseline on the same 2 seeds x 3 tasks: won where it lost.
    pair = cells["learnact"]["paired"]
    assert pair["against"] == "act" and cells["act"]["paired"] is None  # act: the best baseline
    assert pair["success"] == {"pairs": 6, "diff": 1.0, "a_only": 6, "b_only": 0, "p": 0.0312}
    # (2 / 64 exactly, rounded to 4 decimals like every figure of the report)
    # ... and split: learning cost (with its wall time) apart from test-time use.
    learn, test = cells["learnact"]["learning_usage"], cells["learnact"]["test_usage"]
    assert "create_actions" in learn["by_purpose"] and "create_actions" not in test["by_purpose"]
    assert (
        learn["total"]["calls"] + test["total"]["calls"]
        == (cells["learnact"]["usage"]["total"]["calls"])
    )
    assert learn["wall_s"] > 0 and cells["act"]["learning_usage"] is None
    assert test["per_episode"]["calls"] == test["total"]["calls"] / 6
    assert cells["act"]["mean_steps"] == 10 and cells["learnact"]["mean_basic_actions"] == 2

    # The store: every test episode once, prompts once by hash, libraries and lessons.
    tests = q(run, "SELECT family, method, seed, task FROM episodes WHERE phase = 'test'")
    assert len(tests) == len(set(tests)) == 4 * 2 * 3
    assert q(run, "SELECT COUNT(*) FROM episodes WHERE phase = 'train'")[0][0] > 0
    assert q(run, "SELECT COUNT(*), COUNT(DISTINCT hash) FROM prompts")[0][0] > 0
    assert q(run, "SELECT COUNT(*) FROM libraries")[0][0] == 2
    assert q(run, "SELECT COUNT(*) FROM lessons")[0][0] == 2
    assert q(run, "SELECT COUNT(*) FROM events WHERE event = 'best'")[0][0] >= 2
    assert q(run, "PRAGMA journal_mode")[0][0] == "wal"
    lib = run / "learn" / "lights_env_LightsFamily_tasks_6" / "s1" / "library" / "actions.py"
    assert "def pair" in lib.read_text()
    step = json.loads(q(run, "SELECT record FROM episodes LIMIT 1")[0][0])["steps"][0]
    assert q(run, f"SELECT COUNT(*) FROM prompts WHERE hash = '{step['prompt']}'")[0][0] == 1

    # Re-running the same command repeats nothing.
    before = q(run, "SELECT id, attempts, finished FROM units ORDER BY id")
    r = compare(*args, env={**env, "COLUMNS": "200"})
    assert r.returncode == 0, r.stderr
    assert "28 already done" in r.stderr and "at most 0 LLM calls" in r.stderr
    assert q(run, "SELECT id, attempts, finished FROM units ORDER BY id") == before
    assert q(run, "SELECT COUNT(*) FROM episodes WHERE phase = 'test'")[0][0] == 24
    # 6 wins in 6 episodes (3 tasks x 2 seeds): the exact interval is [54-100], not a point.
    assert "success rate" in r.stdout and "100% [54-100] =" in r.stdout
    assert "paired: each method minus the best baseline" in r.stdout
    # Each learner run once (two seeds), with what the checks of learned code sent back.
    learners = r.stdout.split("learner runs")[1]
    checks = [cells["learnact"]["learning"][s]["checks"] for s in (0, 1)]
    assert all(set(c) == set(CHECKS) for c in checks)
    assert learners.count("pair(a, b)") == 2 and checks_text(checks[0]) in learners

    # Exports, stable for diffing.
    r1 = run_cli("report", str(run), "--json")
    r2 = run_cli("report", str(run), "--json")
    assert r1.returncode == 0 and r1.stdout == r2.stdout
    assert json.loads(r1.stdout)["cells"] == rep["cells"]
    r = run_cli("report", str(run), "--csv")
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [row["method"] for row in rows] == [
        "act",
        "act-reflexion",
        "code-as-policies",
        "learnact",
    ]
    by = {row["method"]: row for row in rows}
    assert by["learnact"]["success_rate"] == "1.0" and by["learnact"]["identical_seeds"] == "True"
    assert int(by["learnact"]["create_actions_calls"]) == 2
    assert int(by["act-reflexion"]["reflect_calls"]) > 0
    assert int(by["learnact"]["learning_act_calls"]) > 0 and by["act"]["learning_calls"] == ""
    assert by["learnact"]["learning_checks"] == "; ".join(
        f"seed {s}: {checks_text(c)}" for s, c in enumerate(checks)
    )
    assert by["act"]["learning_checks"] == ""
    # 10 steps; the scripted actor repeats its failing line, so from the second step on the
    # repeat guard asks twice more per step: 1 + 9 * 3 calls.
    assert float(by["act"]["test_calls_per_episode"]) == 28.0

    # A different setup in the same directory is refused, and the run is left as it was.
    r = compare(*args[:2], "act,react,learnact", *args[3:], env=env)
    assert r.returncode == 2
    assert "different setup" in r.stderr and "config.methods" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert q(run, "SELECT id, attempts, finished FROM units ORDER BY id") == before
    r = compare("--resume", str(run), "--seeds", "3", env=env)
    assert r.returncode == 2 and "config.seeds: 2 -> 3" in r.stderr


def test_experiment_file_per_family_methods_and_na_cells(tmp_path, model, env):
    exp = tmp_path / "exp.toml"
    exp.write_text(
        f"""
name = "two-families"
methods = ["act", "learnact"]
tasks = "first:2"
seeds = [3, 7]
model = "{model}"

[learn]
candidates = 1
rounds = 0

[[families]]
name = "{LIGHTS}"

[[families]]
name = "{OTHER}"
methods = ["act"]
tasks = "0,1"
"""
    )
    run = tmp_path / "run"
    r = compare("--experiment", str(exp), "--out", str(run), "--json", env=env)
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    assert rep["seeds"] == [3, 7] and rep["families"] == [LIGHTS, OTHER]
    assert rep["cells"][OTHER]["learnact"] is None
    assert rep["cells"][OTHER]["act"]["episodes"] == 4
    assert rep["cells"][LIGHTS]["learnact"]["episodes"] == 4
    r = run_cli("report", str(run), "--csv")
    rows = {(x["family"], x["method"]): x for x in csv.DictReader(io.StringIO(r.stdout))}
    assert rows[(OTHER, "learnact")]["status"] == "n/a"
    r = run_cli("report", str(run))
    assert r.returncode == 0 and "n/a" in r.stdout
    # --resume alone takes the stored setup.
    r = compare("--resume", str(run), env=env)
    assert r.returncode == 0 and "14 already done" in r.stderr


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "cannot read experiment file"),
        ("methods = [", "not valid TOML"),
        ('methods = ["act", "teleport"]\nfamilies = ["x"]', "unknown method(s) teleport"),
        ('methods = ["act"]\nfamilies = ["x"]\ncolour = "red"', "colour: Extra inputs"),
        ('methods = ["act"]\nfamilies = ["nosuch/family"]', "unknown task family"),
        ('methods = ["act"]\nfamilies = []', "families"),
        ('methods = ["act"]\nfamilies = ["x"]\n[learn]\nselection = "fast"', "selection"),
        ('methods = ["act"]\nfamilies = ["x"]\n[learn]\nrace_bar = "maybe"', "race_bar"),
        ('methods = ["act"]\nfamilies = ["x"]\nrepeat_retries = -1', "repeat_retries"),
    ],
)
def test_bad_experiment_files(tmp_path, content, message, env):
    exp = tmp_path / "exp.toml"
    if content is not None:
        exp.write_text(content)
    r = compare("--experiment", str(exp), "--out", str(tmp_path / "run"), env=env)
    assert r.returncode == 2, r.stderr
    assert message in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "run").exists()


def test_bad_input_is_one_line_and_exit_2(tmp_path, model, env):
    run = tmp_path / "run"
    base = ["--model", model, "--out", str(run)]
    cases = [
        ([LIGHTS, "--methods", "act,teleport", *base], "unknown method"),
        (["nosuch/family", "--methods", "act", *base], "unknown task family"),
        ([LIGHTS, "--methods", "act", "--tasks", "0,99", *base], "out of range"),
        ([LIGHTS, "--methods", "act", "--model", model], "--out"),
        (["--resume", str(tmp_path / "none")], "no run store"),
        ([LIGHTS, "--methods", "act", "--executor", "dask", *base], "unknown executor"),
        ([LIGHTS, "--methods", "learnact", "--checks", "teleport", *base], "unknown check"),
        ([LIGHTS, "--methods", "learnact", "--selection", "fastest", *base], "selection"),
        # LearnAct's own settings with no method that learns actions: stored, doing nothing.
        ([LIGHTS, "--methods", "act", "--checks", "none", *base], "--checks: LearnAct's own"),
        (
            [
                LIGHTS,
                "--methods",
                "act,act-reflexion",
                "--candidates",
                "2",
                "--induce",
                "won",
                *base,
            ],
            "--candidates, --induce: LearnAct's own",
        ),
        (
            [LIGHTS, "--methods", "act", "--executor", "ray", "--ray-address"]
            + [f"127.0.0.1:{free_port()}", *base],
            "Ray",
        ),
        # Above the confirmation threshold and nobody to ask: refuse, do not start.
        ([LIGHTS, "--methods", "act", "--confirm-above", "5", *base], "pass --yes"),
    ]
    for args, message in cases:
        r = compare(*args, env=env)
        assert r.returncode == 2, (args, r.stderr)
        errors = [x for x in r.stderr.splitlines() if x.startswith("error:")]
        assert len(errors) == 1 and message in errors[0], r.stderr
        assert not run.exists()
    r = compare(LIGHTS, "--methods", "act", "--confirm-above", "5", "--yes", *base, env=env)
    assert r.returncode == 0, r.stderr


def test_learner_checks_and_selection_from_the_command_line(tmp_path, model, env):
    """`--checks none` and `--selection race` reach the stored experiment (and so the
    fingerprint) over what the experiment file says; named checks keep CHECKS' order."""
    from learnact.learning.checks import CHECKS
    from learnact.runner.experiment import stored_experiment

    exp = tmp_path / "exp.toml"
    exp.write_text(
        f'methods = ["learnact"]\ntasks = "first:1"\nmodel = "{model}"\n'
        f'[learn]\ncandidates = 1\nrounds = 0\n[[families]]\nname = "{LIGHTS}"\n'
    )
    for args, checks, selection in [
        ([], list(CHECKS), "full"),
        (["--checks", "none", "--selection", "race"], [], "race"),
        (
            ["--checks", "example_arguments,hard_coded_names"],
            ["hard_coded_names", "example_arguments"],
            "full",
        ),
    ]:
        run = tmp_path / f"run{len(args)}"
        r = compare("-e", str(exp), *args, "--out", str(run), "--yes", env=env)
        assert r.returncode == 0, r.stderr
        stored = stored_experiment(run)
        assert (stored.learn.checks, stored.learn.selection) == (checks, selection)


def test_kill_9_mid_run_then_resume_loses_and_repeats_nothing(tmp_path, env):
    """Start a compare, kill -9 it mid-run, resume: every unit exactly once."""
    learner = tmp_path / "learner.json"
    learner.write_text(
        json.dumps({"rules": [{"purpose": "create_actions", "response": GOOD}, *SUPPORT]})
    )
    run = tmp_path / "run"
    with LightsServer(delay=0.05) as server:
        args = [
            sys.executable,
            "-m",
            "learnact",
            "compare",
            "lights_env:LightsFamily[tasks=10]",
            "--methods",
            "act,react,learnact",
            "--tasks",
            "all",
            # Every task a test task, the learner's training tasks too: the opt-in keeps
            # the unit count round (and is stored, so the resume below needs no flag).
            "--allow-train-test-overlap",
            "--seeds",
            "2",
            "--model",
            server.spec,
            "--learner-model",
            f"scripted:{learner}",
            "--candidates",
            "1",
            "--rounds",
            "1",
            "--jobs",
            "4",
            "--no-cache",
            "--yes",
            "--out",
            str(run),
        ]
        proc_env = {**os.environ, "PYTHONPATH": str(EXAMPLES), **env}
        proc = subprocess.Popen(
            args, env=proc_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        try:
            deadline = time.monotonic() + 60
            done = 0
            while time.monotonic() < deadline:
                time.sleep(0.1)
                if (run / "run.sqlite3").exists():
                    try:
                        done = q(run, "SELECT COUNT(*) FROM units WHERE status = 'done'")[0][0]
                        learned = q(
                            run,
                            "SELECT COUNT(*) FROM units WHERE kind = 'learn' AND status = 'done'",
                        )[0][0]
                    except sqlite3.OperationalError:
                        continue
                    if learned == 2 and done >= 20:
                        break
            assert proc.poll() is None, "compare finished before it could be killed"
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        finally:
            if proc.poll() is None:
                proc.kill()
        total_units = 2 + 3 * 2 * 10
        state = dict(q(run, "SELECT id, status FROM units"))
        done_before = {u for u, s in state.items() if s == "done"}
        assert len(state) == total_units and 20 <= len(done_before) < total_units
        # Consistent after the crash: a unit is done exactly when its episodes are stored.
        with_episodes = {u for (u,) in q(run, "SELECT DISTINCT unit FROM episodes")}
        assert with_episodes == done_before
        before = dict(q(run, "SELECT id, finished FROM units WHERE status = 'done'"))
        requests_before = len(server.requests)
        remaining_episodes = sum(1 for u in state if u.startswith("ep|") and u not in done_before)
        # The report of the unfinished run says how far it got, in words.
        r = run_cli("report", str(run), env=env, timeout=60)
        assert r.returncode == 0, r.stderr
        counts = r.stderr.split("not complete (")[1].split(")")[0]
        assert counts.startswith(f"{len(done_before)} done, ") and counts.endswith(" units")
        # Units the killed process left "running" are named for what they are.
        left_running = sum(1 for s in state.values() if s == "running")
        assert "running" not in counts, counts
        assert (f"{left_running} interrupted" in counts) == (left_running > 0), counts
        n = {k: int(v) for v, k in (p.split() for p in counts[: -len(" units")].split(", "))}
        assert sum(n.values()) == total_units

        r = run_cli("compare", "--resume", str(run), "--no-cache", "--json", env=env, timeout=120)
        assert r.returncode == 0, r.stderr
        assert f"{len(done_before)} already done" in r.stderr
        # Completed units were not run again; each remaining episode made its two calls.
        assert len(server.requests) - requests_before == 2 * remaining_episodes
    after = dict(q(run, "SELECT id, finished FROM units"))
    assert {u: after[u] for u in before} == before
    assert q(run, "SELECT COUNT(*) FROM units WHERE status != 'done'")[0][0] == 0
    tests = q(run, "SELECT family, method, seed, task FROM episodes WHERE phase = 'test'")
    assert len(tests) == len(set(tests)) == 3 * 2 * 10
    dupes = "SELECT unit FROM episodes GROUP BY unit, ordinal HAVING COUNT(*) > 1"
    assert q(run, dupes) == []
    rep = json.loads(r.stdout)
    assert rep["complete"]
    assert rep["cells"]["lights_env:LightsFamily[tasks=10]"]["act"]["success"]["mean"] == 1.0


def test_a_second_process_on_a_running_run_is_refused_and_changes_nothing(tmp_path, env):
    """Two processes in one run directory would both take its unfinished units: the
    second is refused at once (exit 1, the first one's pid), the first finishes alone."""
    run = tmp_path / "run"
    family = "lights_env:LightsFamily[tasks=10]"
    with LightsServer(delay=0.1) as server:
        base = ["compare", family, "--methods", "act", "--tasks", "all", "--seeds", "2"]
        args = [sys.executable, "-m", "learnact", *base, "--model", server.spec, "--jobs", "1"]
        args += ["--no-cache", "--yes", "--out", str(run)]
        proc_env = {**os.environ, "PYTHONPATH": str(EXAMPLES), **env}
        proc = subprocess.Popen(
            args, env=proc_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not (run / "run.sqlite3").exists():
                time.sleep(0.05)
            assert proc.poll() is None, "the first compare ended before the second started"
            # Refused before anything else, its estimate too (the store is changing).
            for extra in ("--yes", "--estimate"):
                second = run_cli("compare", "--resume", str(run), extra, env=env, timeout=60)
                assert second.returncode == 1, second.stderr
                errors = [x for x in second.stderr.splitlines() if x.startswith("error:")]
                assert (
                    len(errors) == 1 and f"another learnact process (pid {proc.pid})" in errors[0]
                )
                assert "Traceback" not in second.stderr and "estimate" not in second.stderr
            assert proc.wait(timeout=120) == 0, proc.stderr.read().decode()
        finally:
            if proc.poll() is None:
                proc.kill()
    tests = q(run, "SELECT family, method, seed, task FROM episodes WHERE phase = 'test'")
    assert len(tests) == len(set(tests)) == 20
    # Nothing holds the run now: a resume proceeds (every unit done, nothing to run).
    again = run_cli("compare", "--resume", str(run), "--yes", env=env, timeout=60)
    assert again.returncode == 0, again.stderr


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_ctrl_c_exits_130_and_says_how_to_resume(sig, tmp_path, env):
    with LightsServer(delay=0.2) as server:
        run = tmp_path / "run"
        proc = subprocess.Popen(
            [sys.executable, "-m", "learnact", "compare", "lights_env:LightsFamily[tasks=20]"]
            + ["--methods", "act", "--tasks", "all", "--model", server.spec, "--jobs", "2"]
            + ["--no-cache", "--out", str(run)],
            env={**os.environ, "PYTHONPATH": str(EXAMPLES), **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=default_sigint,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(server.requests) < 4:
            time.sleep(0.05)
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert f"--resume {run}" in err
    r = run_cli("report", str(run))
    assert r.returncode == 0 and "not complete" in r.stderr
