"""Episodes recorded outside a run store (`eval --out`, `serve`) open in the HTML
trajectory viewer too: `learnact report DIR --html` (issue 22)."""

from __future__ import annotations

import json
import re

from tests.helpers import run_cli

LIGHTS = "lights_env:LightsFamily[tasks=4]"


def test_eval_output_opens_in_the_trajectory_viewer(tmp_path):
    model = tmp_path / "model.json"
    model.write_text(json.dumps({"rules": [], "default": "switch_on('lamp1')"}))
    out = tmp_path / "eval"
    r = run_cli(
        "eval",
        LIGHTS,
        "--method",
        "act",
        "--model",
        f"scripted:{model}",
        "--tasks",
        "0,2",
        "--allow-train-test-overlap",
        "--max-steps",
        "2",
        "--out",
        str(out),
    )
    assert r.returncode == 0, r.stderr
    page = run_cli("report", str(out), "--html")
    assert page.returncode == 0, page.stderr
    html = (out / "report.html").read_text()
    assert "<title>learnact trajectories: eval</title>" in html
    assert "2 episodes recorded in" in html
    assert len(re.findall(r'<article class="episode"', html)) == 2
    assert "switch_on(&#39;lamp1&#39;)" in html  # the call, escaped
    assert "Goal:" in html and "http://" not in html and "https://" not in html

    empty = tmp_path / "empty"
    empty.mkdir()
    nothing = run_cli("report", str(empty), "--html")
    assert nothing.returncode == 2 and "no run store and no trajectories.jsonl" in nothing.stderr
