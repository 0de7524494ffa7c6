"""bench/variants.py on a real (scripted-model) compare run: its counts, pairs and
learning rows agree with the run's own report."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.bench.runs import act_and_learnact
from tests.cli.test_compare import LIGHTS, compare

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "variants.py"


def test_variants_agree_with_the_report(tmp_path, model, env):
    run = tmp_path / "run"
    r = act_and_learnact(run, model, env, "--json")
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)["cells"][LIGHTS]
    out = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--baseline",
            f"act={run}:act",
            f"la={run}:learnact",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    data = json.loads(out.stdout)
    act, la = data["cells"][LIGHTS]
    assert (act["variant"], la["variant"]) == ("act", "la")
    n = report["learnact"]["episodes"]
    assert la["episodes"] == act["episodes"] == n and la["unpaired"] == 0
    assert la["won"] == round(report["learnact"]["success"]["mean"] * n)
    assert act["won"] == round(report["act"]["success"]["mean"] * n)
    # learnact wins every task act loses (the scripted learner's library is right).
    assert (la["only_variant"], la["only_baseline"]) == (n - act["won"], 0)
    assert la["diff_points"] == round(100 * (n - act["won"]) / n, 1)
    assert la["learned_share"] > 0 and act["learned_share"] == 0
    [learning] = data["learning"]
    usage = report["learnact"]["learning_usage"]["by_purpose"]
    assert learning["acting_calls"] == usage["act"]["calls"]
    assert learning["actions"] == ["pair(a, b)"]


def test_a_variant_with_no_episode_paired_with_the_baseline_shows_its_unpaired_count(
    tmp_path, model, env
):
    """A run still going (or on other families) has cells the baseline has not played:
    the row says so instead of failing on the missing figures."""
    import sqlite3

    from tests.cli.test_compare import OTHER

    runs = {}
    for name, family in (("base", LIGHTS), ("other", OTHER)):
        runs[name] = tmp_path / name
        r = compare(family, "--methods", "act", "--model", model, "--out", str(runs[name]), env=env)
        assert r.returncode == 0, r.stderr
    with sqlite3.connect(runs["other"] / "run.sqlite3") as con:
        (n,) = con.execute("SELECT COUNT(*) FROM episodes WHERE phase = 'test'").fetchone()
    out = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--baseline",
            f"a={runs['base']}:act",
            f"b={runs['other']}:act",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert n > 0 and f"| b | - | - | - | - | - | - | - | - | - | {n} |" in out.stdout
