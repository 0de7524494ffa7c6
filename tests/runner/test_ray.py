"""`--executor ray` on a local Ray started for the test: same results, same store."""

from __future__ import annotations

import json

from tests.cli.test_compare import LIGHTS, RULES, q
from tests.helpers import require_module, run_cli

require_module("ray")  # the [ray] extra


def test_ray_executor_gives_the_local_results(tmp_path):
    model = tmp_path / "model.json"
    model.write_text(json.dumps({"rules": RULES, "default": "switch_on('lamp0')"}))
    env = {"LEARNACT_CACHE": str(tmp_path / "cache"), "GIT_DIR": str(tmp_path / "no-git")}
    common = [LIGHTS, "--methods", "act,act-reflexion,learnact", "--model", f"scripted:{model}"]
    common += ["--candidates", "1", "--rounds", "0", "--json"]
    local = run_cli("compare", *common, "--out", str(tmp_path / "local"), env=env, timeout=120)
    assert local.returncode == 0, local.stderr
    ray = run_cli(
        "compare",
        *common,
        "--executor",
        "ray",
        "--jobs",
        "2",
        "--out",
        str(tmp_path / "ray"),
        env=env,
        timeout=280,
    )
    assert ray.returncode == 0, ray.stderr
    assert "running on ray with 2" in ray.stderr
    a, b = json.loads(local.stdout), json.loads(ray.stdout)
    # Everything but the learning units' wall time (a measurement, not a result) agrees.
    for rep in (a, b):
        for row in rep["cells"].values():
            for cell in row.values():
                if cell and cell.get("learning_usage"):
                    assert cell["learning_usage"].pop("wall_s") > 0
    assert a["cells"] == b["cells"] and b["complete"]
    run = tmp_path / "ray"
    assert q(run, "SELECT COUNT(*) FROM units WHERE status = 'done'")[0][0] == 2 + 3 * 3
    assert q(run, "SELECT COUNT(*) FROM events WHERE event = 'end'")[0][0] == 1
