"""bench/paired_runs.py and bench/trajectory_stats.py on a real (scripted-model) compare
run: their counts agree with the run's own report, and a directory without a run store is
a one-line error."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from scipy.stats import binomtest

from tests.bench.runs import act_and_learnact
from tests.cli.test_compare import LIGHTS, RULES
from tests.learning.test_learner import BUGGY

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _script(name: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(BENCH / name), *args], capture_output=True, text=True, timeout=120
    )


def test_pairs_and_trajectory_stats_agree_with_the_report(tmp_path, model, env):
    run = tmp_path / "run"
    r = act_and_learnact(run, model, env, "--json")
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)["cells"][LIGHTS]
    n = report["act"]["episodes"]
    act_won = round(report["act"]["success"]["mean"] * n)
    la_won = round(report["learnact"]["success"]["mean"] * n)
    assert la_won > act_won  # else the pairs below could not tell the methods apart

    stats = _script("trajectory_stats.py", str(run), "--json")
    assert stats.returncode == 0, stats.stderr
    cells = json.loads(stats.stdout)
    act, la = cells[f"{LIGHTS} act"], cells[f"{LIGHTS} learnact"]
    assert act["episodes"] == la["episodes"] == n
    assert act["learned_call_share"] == 0 and la["learned_call_share"] > 0

    # A run paired with itself: every pair concordant, the wins are the report's.
    pairs = _script("paired_runs.py", str(run), str(run))
    assert pairs.returncode == 0, pairs.stderr
    rows = {line.split(" | ")[0].strip("| "): line for line in pairs.stdout.splitlines()}
    assert rows[f"{LIGHTS} act"].startswith(
        f"| {LIGHTS} act | {n} | {act_won} | {act_won} | 0 / 0 | 1.00 |"
    )
    assert rows[f"{LIGHTS} learnact"].startswith(
        f"| {LIGHTS} learnact | {n} | {la_won} | {la_won} | 0 / 0 | 1.00 |"
    )
    total = act_won + la_won
    assert rows["all"].startswith(f"| all | {2 * n} | {total} | {total} | 0 / 0 | 1.00 |")

    # Against a run whose learner wrote a buggy action: the discordant pairs and the exact
    # McNemar p, counted here from the two run stores.
    buggy = tmp_path / "buggy.json"
    rules = [{"purpose": "create_actions", "response": BUGGY}, *RULES[1:]]
    buggy.write_text(json.dumps({"rules": rules, "default": "switch_on('lamp0')"}))
    other = tmp_path / "other"
    r = act_and_learnact(other, f"scripted:{buggy}", env)
    assert r.returncode == 0, r.stderr
    a, b = _wins(run, "learnact"), _wins(other, "learnact")
    only_a = sum(a[k] and not b[k] for k in a)
    only_b = sum(b[k] and not a[k] for k in a)
    assert only_a + only_b > 0  # else this could not tell a miscount from a right one
    p = binomtest(only_a, only_a + only_b).pvalue
    pairs = _script("paired_runs.py", str(run), str(other))
    assert pairs.returncode == 0, pairs.stderr
    rows = {line.split(" | ")[0].strip("| "): line for line in pairs.stdout.splitlines()}
    assert rows[f"{LIGHTS} learnact"].startswith(
        f"| {LIGHTS} learnact | {n} | {sum(a.values())} | {sum(b.values())} "
        f"| {only_a} / {only_b} | {p:.2f} |"
    )
    swapped = _script("paired_runs.py", str(other), str(run))
    assert f"| {only_b} / {only_a} | {p:.2f} |" in swapped.stdout


def _wins(run, method: str) -> dict:
    with sqlite3.connect(run / "run.sqlite3") as con:
        rows = con.execute(
            "SELECT seed, task, won FROM episodes WHERE phase = 'test' AND method = ?", (method,)
        ).fetchall()
    return {(s, t): bool(w) for s, t, w in rows}


def test_a_directory_without_a_run_store_is_a_one_line_error(tmp_path):
    for name, args in [
        ("trajectory_stats.py", [str(tmp_path)]),
        ("paired_runs.py", [str(tmp_path), str(tmp_path)]),
        ("variants.py", ["--baseline", f"a={tmp_path}:act", f"b={tmp_path}:learnact"]),
    ]:
        r = _script(name, *args)
        assert r.returncode == 1, (name, r.stderr)
        assert r.stderr.strip() == f"error: {tmp_path} holds no run store (run.sqlite3)", name
    (tmp_path / "run.sqlite3").write_text("not a database")
    r = _script("trajectory_stats.py", str(tmp_path))
    assert r.returncode == 1 and r.stderr.startswith("error: ") and "Traceback" not in r.stderr
