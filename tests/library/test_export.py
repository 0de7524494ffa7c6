"""`learnact library export`: Agent Skills checked by the standard's reference validator, a
round trip through the skill's own instructions, and tool definitions checked against the
OpenAI and Anthropic SDKs' own types and sent through their clients to a loopback server."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from learnact.envs.registry import make_family
from learnact.library import ActionLibrary, bind
from learnact.library.skill import MAX_DESCRIPTION, description
from tests.helpers import REPO, require_module, run_cli
from tests.llm.servers import FakeServer, Reply, openai_body

GRIPPER = REPO / "src" / "learnact" / "library" / "examples" / "gripper"
# Task 0 of AgentBoard's gripper: four balls from rooma to roomb.
WIN = [
    "carry_pair('ball1', 'ball2', 'rooma', 'roomb')",
    "move('roomb', 'rooma')",
    "carry_pair('ball3', 'ball4', 'rooma', 'roomb')",
]


def export_skill(out: Path, data: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run_cli(
        "library", "export", str(GRIPPER), "--format", "skill", "--out", str(out),
        "--data-dir", str(data), *extra,
    )  # fmt: skip


def test_skill_is_valid_and_says_what_an_agent_needs(tmp_path: Path, shared_data: Path) -> None:
    skills_ref = require_module("skills_ref")
    out = tmp_path / "gripper-actions"
    r = export_skill(out, shared_data)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == str(out / "SKILL.md")
    assert skills_ref.validate(out) == []
    props = skills_ref.read_properties(out)
    assert props.name == "gripper-actions" and len(props.description) <= MAX_DESCRIPTION
    assert "carry(obj, from_room, to_room, gripper)" in props.description
    text = (out / "SKILL.md").read_text()
    for needed in (
        "## When to use which",
        "### `carry_pair(obj1, obj2, from_room, to_room)`",
        "After carry_pair Robby is in to_room",  # a usage note
        "`pick(obj, room, gripper)`",  # the family's basic actions
        "## Usage example",
        "learnact serve pddl/gripper --library SKILL_DIR/scripts",
        "claude_desktop_config.json",
        "scripts/play.py",
    ):
        assert needed in text, needed
    # The learned code, loadable as the same library.
    copy = ActionLibrary.load(out / "scripts")
    assert copy.source == ActionLibrary.load(GRIPPER).source
    assert [a.signature for a in copy.actions] == [
        "carry(obj, from_room, to_room, gripper)",
        "carry_pair(obj1, obj2, from_room, to_room)",
    ]
    # Exporting again replaces the skill; a folder that is no skill is refused (exit 2).
    assert export_skill(out, shared_data).returncode == 0
    other = tmp_path / "not-a-skill"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    r = export_skill(other, shared_data)
    assert r.returncode == 2 and "not a skill folder" in r.stderr
    assert (other / "notes.txt").read_text() == "mine"


def test_bad_skill_names_are_refused(tmp_path: Path, shared_data: Path) -> None:
    for bad in ("Gripper_Actions", "x" * 65, "a--b"):
        r = export_skill(tmp_path / bad, shared_data)
        assert r.returncode == 2, bad
        assert "not a valid Agent Skill name" in r.stderr and "Traceback" not in r.stderr


def test_long_libraries_keep_the_description_within_the_limit(tmp_path: Path) -> None:
    skills_ref = require_module("skills_ref")
    from learnact.library.skill import export_skill

    source = "\n".join(
        f"def action_number_{i}(first_argument, second_argument, third_argument):\n"
        f"    return move(first_argument, second_argument)\n"
        for i in range(80)
    )
    lib = ActionLibrary.from_source(source, {"family": "pddl/gripper"})
    text = description(lib, lib.family)
    assert len(text) <= MAX_DESCRIPTION and "more" in text
    export_skill(lib, tmp_path / "many-actions")
    assert skills_ref.validate(tmp_path / "many-actions") == []


def test_round_trip_follows_the_skills_own_instructions(tmp_path: Path, shared_data: Path) -> None:
    """Export, then run the Python-API command the SKILL.md gives (a bash block) with the
    calls of a win: the same basic actions and the same win as the original library bound
    to an episode directly."""
    out = tmp_path / "gripper-actions"
    assert export_skill(out, shared_data).returncode == 0
    text = (out / "SKILL.md").read_text()
    block = next(b for b in re.findall(r"```bash\n(.*?)```", text, re.S) if "scripts/play.py" in b)
    command = re.sub(r"<<'CALLS'\n.*?\nCALLS", "<<'CALLS'\n" + "\n".join(WIN) + "\nCALLS", block,
                     flags=re.S)  # fmt: skip
    command = command.replace("SKILL_DIR", str(out)).replace("DATA_DIR", str(shared_data))
    command = command.replace("python ", f"{sys.executable} ", 1)
    r = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr  # 0: the goal was reached
    lines = [json.loads(line) for line in r.stdout.splitlines()]
    assert lines[0]["task"] == 0 and "ball1 is at roomb" in lines[0]["goal"]
    played = lines[1:]
    assert [p["valid"] for p in played] == [True, True, True] and played[-1]["won"]

    family = make_family("pddl/gripper", data_dir=str(shared_data))
    episode = family.make_episode(0)
    episode.reset()
    with bind(ActionLibrary.load(GRIPPER), family, episode) as actions:
        direct = [actions.run(call) for call in WIN]
        assert actions.won
    for p, d in zip(played, direct, strict=True):
        assert [(s["command"], s["observation"], s["valid"]) for s in p["sub_trajectory"]] == [
            (s.command, s.observation, s.valid) for s in d.sub_trajectory
        ]


def export_tools(fmt: str, data: Path, *extra: str) -> list[dict]:
    r = run_cli("library", "export", str(GRIPPER), "--format", fmt, "--data-dir", str(data), *extra)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_openai_tools_fit_the_sdk(shared_data: Path) -> None:
    openai = require_module("openai")
    from openai.types.chat import ChatCompletionToolParam
    from pydantic import TypeAdapter

    tools = export_tools("openai-tools", shared_data)
    assert [t["function"]["name"] for t in tools] == ["move", "pick", "drop", "carry", "carry_pair"]
    for t in tools:
        TypeAdapter(ChatCompletionToolParam).validate_python(t, strict=True)
    carry = tools[3]["function"]
    assert carry["parameters"] == {
        "type": "object",
        "properties": {p: {"type": "string"} for p in ("obj", "from_room", "to_room", "gripper")},
        "required": ["obj", "from_room", "to_room", "gripper"],
        "additionalProperties": False,
    }
    with FakeServer([Reply(body=openai_body("ok"))]) as server:
        client = openai.OpenAI(base_url=server.url + "/v1", api_key="test", max_retries=0)
        client.chat.completions.create(
            model="fake", messages=[{"role": "user", "content": "go"}], tools=tools
        )
    assert server.requests[0][1]["tools"] == tools
    learned = export_tools("openai-tools", shared_data, "--learned-only")
    assert [t["function"]["name"] for t in learned] == ["carry", "carry_pair"]


def test_anthropic_tools_fit_the_sdk(shared_data: Path) -> None:
    anthropic = require_module("anthropic")
    from anthropic.types import ToolParam
    from pydantic import TypeAdapter

    tools = export_tools("anthropic-tools", shared_data)
    for t in tools:
        TypeAdapter(ToolParam).validate_python(t, strict=True)
    assert "Usage notes:\n- After carry_pair" in tools[-1]["description"]
    message = {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "fake",
        "content": [{"type": "text", "text": "ok"}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 1, "output_tokens": 1},
    }
    with FakeServer([Reply(body=message)]) as server:
        client = anthropic.Anthropic(base_url=server.url, api_key="test", max_retries=0)
        client.messages.create(
            model="fake", max_tokens=8, messages=[{"role": "user", "content": "go"}], tools=tools
        )
    assert server.requests[0][1]["tools"] == tools


def test_tool_calls_become_python_calls() -> None:
    from learnact.errors import BadInput
    from learnact.library.tools import action_tools

    source = "def go(room, times: int = 1, speed=0.5, tag='x'):\n    return move(room, room)\n"
    (tool,) = action_tools(ActionLibrary.from_source(source), None)
    schema = tool.input_schema()
    assert schema["required"] == ["room"]
    assert schema["properties"]["times"] == {"type": "integer", "default": 1}
    assert schema["properties"]["speed"] == {"type": "number", "default": 0.5}
    assert tool.call_line({"room": "a"}) == "go('a')"
    assert tool.call_line({"room": "a", "speed": 2}) == "go('a', speed=2)"
    assert tool.call_line({"room": "a", "times": 3}) == "go('a', 3)"
    for bad, says in (
        ({}, "missing argument(s) room"),
        ({"room": "a", "to": "b"}, "unknown argument(s) to"),
        ({"room": True}, "must be a string"),
        ({"room": ["a"]}, "must be a string"),
        ({"room": "a", "times": 1.5}, "must be an integer"),
    ):
        with pytest.raises(BadInput, match=re.escape(says)):
            tool.call_line(bad)


def test_export_refuses_bad_input(tmp_path: Path) -> None:
    r = run_cli("library", "export", str(GRIPPER), "--format", "yaml")
    assert r.returncode == 2 and "unknown --format" in r.stderr
    r = run_cli("library", "export", str(GRIPPER), "--format", "skill")
    assert r.returncode == 2 and "--out" in r.stderr
    # The family cannot be built without its data: said, with the way out.
    r = run_cli(
        "library", "export", str(GRIPPER), "--format", "openai-tools",
        "--data-dir", str(tmp_path / "none"),
    )  # fmt: skip
    assert r.returncode == 2 and "--learned-only" in r.stderr and "Traceback" not in r.stderr
