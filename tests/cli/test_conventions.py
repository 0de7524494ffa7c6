"""CLI conventions: exit codes, one-line errors, stdout/stderr separation, plain output."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from learnact import __version__
from tests.helpers import EXAMPLES, default_sigint, run_cli

LIGHTS = "lights_env:LightsFamily"


def test_version():
    r = run_cli("--version")
    assert r.returncode == 0
    assert r.stdout.strip() == f"learnact {__version__}"


def test_unknown_family_is_bad_input_one_line_no_traceback():
    r = run_cli("play", "no/such-family", "--task", "0")
    assert r.returncode == 2
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: unknown task family 'no/such-family'")
    assert "Traceback" not in r.stderr


def test_usage_error_exit_2():
    r = run_cli("play", LIGHTS)  # --task missing
    assert r.returncode == 2
    assert "Traceback" not in r.stderr


def test_task_out_of_range_exit_2():
    r = run_cli("play", LIGHTS, "--task", "99")
    assert r.returncode == 2
    assert "out of range" in r.stderr and "Traceback" not in r.stderr


def test_bad_family_option_exit_2():
    r = run_cli("play", f"{LIGHTS}[colour=blue]", "--task", "0")
    assert r.returncode == 2
    assert "unknown option" in r.stderr


def test_missing_data_dir_lists_families_as_unavailable(tmp_path):
    r = run_cli("envs", "--data-dir", str(tmp_path / "nowhere"), "--json")
    # Listing still succeeds: families whose data is missing are reported unavailable.
    assert r.returncode == 0
    families = json.loads(r.stdout)["families"]
    pddl = [f for f in families if f["name"].startswith("pddl/")]
    assert len(pddl) == 4 and not any(f["available"] for f in pddl)


def test_missing_data_dir_exit_2(tmp_path):
    # A command that needs the data: one clear line, exit 2.
    r = run_cli("play", "pddl/gripper", "--task", "0", "--data-dir", str(tmp_path / "nowhere"))
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_play_reads_stdin_and_reports_won():
    # Task 0 of the seeded lights family wants lamp1 and lamp3 on.
    r = run_cli("play", f"{LIGHTS}[tasks=3]", "--task", "0", input="switch_on('lamp1')\non lamp3\n")
    assert r.returncode == 0, r.stderr
    assert "Goal: Exactly these lamps are on: lamp1, lamp3." in r.stdout
    assert r.stdout.strip().splitlines()[-1] == "Goal reached: task won in 2 steps."
    # Progress/log lines go to stderr, results to stdout.
    assert "lights/basic task 0" in r.stderr and "lights/basic task 0" not in r.stdout


def test_play_end_of_input_is_not_a_win():
    r = run_cli("play", LIGHTS, "--task", "0", input="on lamp0\nbogus command\n")
    assert r.returncode == 0
    assert "won" not in r.stdout
    assert "valid: no" in r.stdout
    assert "without reaching the goal" in r.stdout


def test_plain_output_when_piped_or_no_color():
    for env in ({}, {"NO_COLOR": "1", "FORCE_COLOR": ""}):
        r = run_cli("play", LIGHTS, "--task", "0", input="on lamp0\n", env=env)
        assert "\x1b[" not in r.stdout and "\x1b[" not in r.stderr


def test_interrupt_exits_130():
    env = {**os.environ, "PYTHONPATH": str(EXAMPLES)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "learnact", "play", LIGHTS, "--task", "0"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        preexec_fn=default_sigint,
    )
    try:
        # Wait until the episode has started (goal printed), then interrupt it.
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("Goal:")
        time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        # Keep stdin open: closing it would race the signal with an end of input.
        proc.wait(timeout=20)
        assert proc.stderr is not None
        err = proc.stderr.read()
    finally:
        proc.kill()
    assert proc.returncode == 130
    assert "interrupted" in err and "Traceback" not in err
