"""bench/variants.py on a real (scripted-model) compare run: its counts, pairs and
learning rows agree with the run's own report."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.cli.test_compare import LIGHTS, compare

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "variants.py"


def test_variants_agree_with_the_report(tmp_path, model, env):
    run = tmp_path / "run"
    r = compare(
        LIGHTS,
        "--methods",
        "act,learnact",
        "--model",
        model,
        "--candidates",
        "1",
        "--rounds",
        "0",
        "--out",
        str(run),
        "--json",
        env=env,
    )
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
