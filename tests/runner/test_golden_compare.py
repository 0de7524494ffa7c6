"""A golden `learnact compare`: results, trajectories, prompts, learner decisions and
libraries of a whole experiment must not change when the code is restructured.

Two families (the lights example and a generated PDDL gripper), five methods (Act, ReAct,
Act-Reflexion, Code-as-Policies, LearnAct with creation and one revision round), scripted
models, the real sandbox and environments, one unit and one request in flight so that the
order is fixed.
Timings, paths of the temporary directory and usage are left out: usage is pinned by
the budget tests (tests/runner/test_budget.py), and it was wrong before (issue 15).

The snapshot is `tests/runner/golden/compare.json`. After a change that is *meant* to
alter behaviour, regenerate it with ``LEARNACT_REGEN_GOLDEN=1 pytest
tests/runner/test_golden_compare.py`` and review the diff of the snapshot.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any

from tests.helpers import run_cli
from tests.learning.test_learner import FIRST_STEP_BAD, GOAL_CALL, GOOD, SUPPORT

GOLDEN = Path(__file__).parent / "golden" / "compare.json"
LIGHTS = "lights_env:LightsFamily[tasks=6]"
GRIPPER = "pddl-gen/gripper[size=2,tasks=6]"
CARRY = (
    "```python\ndef carry(ball, src, dst, gripper):\n"
    '    """Carry a ball from one room to another."""\n'
    "    pick(ball, src, gripper)\n    move(src, dst)\n    return drop(ball, dst, gripper)\n```\n"
    "Example: carry('ball1', 'roomb', 'rooma', 'left')"
)
CARRY_FIX = (
    "Diagnosis: the robot must be where the ball is.\nImprovement: Update\n"
    "```python\ndef carry(ball, src, dst, gripper):\n"
    '    """Carry a ball from one room to another."""\n'
    "    move(dst, src)\n    pick(ball, src, gripper)\n    move(src, dst)\n"
    "    return drop(ball, dst, gripper)\n```"
)
GRIPPER_ACTS = [
    "carry('ball1', 'rooma', 'roomb', 'left')",
    "Think: the balls are in the other room.",
    "move('rooma', 'roomb')",
    "pick('ball1', 'roomb', 'left')",
    "check_valid_actions()",
]
RULES = [
    {"purpose": "create_actions", "family": "pddl-gen/gripper", "response": CARRY},
    {"purpose": "create_actions", "response": GOOD},
    {"purpose": "revise", "family": "pddl-gen/gripper", "response": CARRY_FIX},
    {
        "purpose": "revise",
        "response": "Diagnosis: lamp9 does not exist.\nImprovement: Plan\nAction: pair\nNote: Use the goal's lamps.",
    },
    {
        "purpose": "usage_example",
        "family": "pddl-gen/gripper",
        "response": "Action: carry('ball1', 'rooma', 'roomb', 'left')",
    },
    {"purpose": "act", "family": "pddl-gen/gripper", "responses": GRIPPER_ACTS, "then": "cycle"},
    FIRST_STEP_BAD,  # lights: a failed learned call on every first step, so revision runs
    GOAL_CALL,
    *SUPPORT,
    {"purpose": "reflect", "response": "Lesson: act on the goal's objects only."},
    {
        "purpose": "program",
        "response": "```python\nmove('rooma', 'roomb')\npick('ball1', 'roomb', 'left')\n```",
    },
]
# Dropped from the snapshot: wall-clock times, and what differs between two machines.
TIMING = {"latency_s", "wall_s", "started", "finished", "created", "elapsed_s", "seconds", "time"}


def scrub(value: Any, root: str) -> Any:
    if isinstance(value, dict):
        return {k: scrub(v, root) for k, v in sorted(value.items()) if k not in TIMING}
    if isinstance(value, list):
        return [scrub(v, root) for v in value]
    if isinstance(value, str):
        return value.replace(root, "<TMP>")
    return value


def _slug(unit_id: str) -> str:
    from learnact.runner.plan import slug

    return slug(unit_id.split("|")[1])


def snapshot(run: Path) -> dict[str, Any]:
    root = str(run.parent)  # the test's temporary directory: the model file and the run

    def rows(sql: str) -> list[tuple[Any, ...]]:
        with sqlite3.connect(run / "run.sqlite3") as c:
            return c.execute(sql).fetchall()

    def js(text: str | None) -> Any:
        return json.loads(text) if text else None

    units = {
        uid: {"kind": kind, "status": status, "error": error, "result": js(result)}
        for uid, kind, status, error, result in rows(
            "SELECT id, kind, status, error, result FROM units ORDER BY id"
        )
    }
    episodes = {
        f"{unit}#{ordinal}": js(record)
        for unit, ordinal, record in rows(
            "SELECT unit, ordinal, record FROM episodes ORDER BY unit, ordinal"
        )
    }
    prompts = dict(rows("SELECT hash, messages FROM prompts ORDER BY hash"))
    events = [
        [unit, seq, event, js(data)]
        for unit, seq, event, data in rows(
            "SELECT unit, seq, event, data FROM events ORDER BY unit, seq"
        )
    ]
    libraries = {
        f"{fam}|s{seed}": {"path": path, "files": js(files), "summary": js(summary)}
        for fam, seed, path, files, summary in rows(
            "SELECT family, seed, path, files, summary FROM libraries ORDER BY family, seed"
        )
    }
    lessons = {
        f"{fam}|{method}|s{seed}": js(text)
        for fam, method, seed, text in rows(
            "SELECT family, method, seed, lessons FROM lessons ORDER BY family, method, seed"
        )
    }
    for lib in libraries.values():
        lib["summary"].pop("usage", None)  # usage: see the module docstring
        if lib["files"] and "library.json" in lib["files"]:
            meta = json.loads(lib["files"]["library.json"])
            lib["files"]["library.json"] = scrub(meta, root)
    data = {
        "units": units,
        "episodes": episodes,
        "prompts": {h: json.loads(m) for h, m in prompts.items()},
        "events": events,
        "libraries": libraries,
        "lessons": lessons,
    }
    return scrub(data, root)


def test_compare_is_unchanged_by_restructuring(tmp_path):
    model = tmp_path / "model.json"
    model.write_text(json.dumps({"rules": RULES, "default": "switch_on('lamp0')"}))
    run = tmp_path / "run"
    env = {
        "LEARNACT_CACHE": str(tmp_path / "cache"),
        "GIT_DIR": str(tmp_path / "no-git"),
        # One request at a time: the learner plays training episodes in parallel up to
        # the model's limit, and the scripted answers would then depend on thread timing.
        "LEARNACT_LLM_CONCURRENCY": "1",
    }
    r = run_cli(
        "compare",
        LIGHTS,
        GRIPPER,
        "--methods",
        "act,react,act-reflexion,code-as-policies,learnact",
        "--model",
        f"scripted:{model}",
        "--tasks",
        "first:2",
        "--max-steps",
        "4",
        "--candidates",
        "2",
        "--rounds",
        "1",
        "--jobs",
        "1",
        "--out",
        str(run),
        "--json",
        env=env,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    got = snapshot(run)
    # The run store holds every journal event of each learner, in journal order.
    for learned in sorted((run / "learn").glob("*/s*")):
        journal = [json.loads(line) for line in (learned / "learning.jsonl").open()]
        unit = [
            k for k in got["units"] if k.startswith("learn|") and learned.parent.name == _slug(k)
        ]
        assert len(unit) == 1
        stored = [e[3] for e in got["events"] if e[0] == unit[0]]
        assert stored == [scrub(e, str(run.parent)) for e in journal]
    if os.environ.get("LEARNACT_REGEN_GOLDEN") == "1":
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(got, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    want = json.loads(GOLDEN.read_text(encoding="utf-8"))
    # Compare piece by piece so that a failure names what changed.
    assert sorted(got["units"]) == sorted(want["units"])
    for uid in want["units"]:
        assert got["units"][uid] == want["units"][uid], uid
    assert sorted(got["episodes"]) == sorted(want["episodes"])
    for key in want["episodes"]:
        assert got["episodes"][key] == want["episodes"][key], key
    assert got["prompts"] == want["prompts"]
    assert got["events"] == want["events"]
    assert got["libraries"] == want["libraries"]
    assert got["lessons"] == want["lessons"]
    # The snapshot is not trivial: every method played, LearnAct learned and revised.
    methods = {e["method"] for e in want["episodes"].values()}
    assert methods == {"act", "react", "act-reflexion", "code-as-policies", "learnact"}
    assert any(e[2] == "revision" for e in want["events"])
    assert len(want["libraries"]) == 2 and len(want["lessons"]) == 2
