"""ALFWorld episodes in many threads at once (issue 16, item 1).

TextWorld parses grammars and derives feedback with module-level parsers; two threads in
them at once failed 10 loads of 10. The engine now serializes its calls (engine.py), so
a threaded comparison gives exactly what a sequential one gives.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from learnact.envs.alfworld.engine import EngineError, GameEngine
from learnact.errors import MalformedTask
from tests.helpers import require_module, run_cli

KINDS = ("put", "clean", "heat", "cool", "examine", "puttwo")


def play(family, index: int) -> list[str]:  # noqa: ANN001
    """Load, reset and take three steps (always the first valid action): the observations."""
    episode = family.make_episode(index)
    try:
        seen = [episode.reset().observation]
        for _ in range(3):
            valid = episode.valid_actions() or ["look"]
            seen.append(episode.step(valid[0]).observation)
        return seen
    finally:
        episode.close()


def test_16_games_from_8_threads_play_as_they_do_one_at_a_time(families):
    games = [(families[(kind, "old")], i) for kind in KINDS for i in range(3)][:16]
    alone = [play(f, i) for f, i in games]
    with ThreadPoolExecutor(max_workers=8) as pool:
        together = list(pool.map(lambda g: play(*g), games))
    assert together == alone
    assert len({tuple(x) for x in alone}) > 8  # different games, not one game 16 times


def test_an_engine_failure_is_not_called_a_malformed_file(families, tmp_path, monkeypatch):
    family = families[("put", "old")]
    good = family.tasks[0].path
    game = json.loads(Path(good).read_text())
    # The file's own grammar does not parse: that is the file's fault (exit 2).
    broken = tmp_path / "broken.tw-pddl"
    broken.write_text(json.dumps({**game, "grammar": '{"intro": "#unclosed'}))
    with pytest.raises(MalformedTask, match="grammar or PDDL does not parse"):
        GameEngine(broken)
    # The engine failing on a good file is an engine error (exit 1), never "malformed".
    from textworld.envs.pddl import PddlEnv

    def fail(self, data):  # noqa: ANN001
        raise IndexError("pop from empty list")

    monkeypatch.setattr(PddlEnv, "load", fail)
    with pytest.raises(EngineError, match=r"failed loading .* \(IndexError: pop from empty list\)"):
        GameEngine(good)


@pytest.mark.parametrize("executor", ["local", "ray"])
def test_compare_over_all_six_families_with_four_jobs(
    executor, engine_installed, old_dir, tmp_path
):
    if executor == "ray":
        require_module("ray")
    model = tmp_path / "model.json"
    model.write_text(json.dumps({"rules": [], "default": "look()"}))
    run = tmp_path / "run"
    r = run_cli(
        "compare",
        *(f"alfworld/{k}" for k in KINDS),
        "--methods",
        "act,react",
        "--model",
        f"scripted:{model}",
        "--tasks",
        "first:1",
        "--max-steps",
        "2",
        "--jobs",
        "4",
        "--executor",
        executor,
        "--data-dir",
        str(old_dir),
        "--out",
        str(run),
        "--json",
        env={"LEARNACT_CACHE": str(tmp_path / "cache")},
        timeout=280,
    )
    assert r.returncode == 0, r.stderr
    assert f"running on {executor} with 4" in r.stderr
    rep = json.loads(r.stdout)
    assert rep["complete"] and rep["units"] == {"done": 12}
