"""`learnact serve`: the mcp SDK's own client, over stdio and over HTTP on 127.0.0.1, plays
AgentBoard's gripper task 0 to a win with learned actions, gets error results (not a
crash) for an unknown tool, wrong arguments and an invalid action, survives hostile
learned actions (an endless loop, a memory bomb: the sandbox's limits hold), never shares
an episode between clients, and records the episodes where `learnact trace show` reads
them."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import anyio
import pytest

from tests.helpers import REPO, require_module, run_cli

GRIPPER = REPO / "src" / "learnact" / "library" / "examples" / "gripper"
HOSTILE = '''

def spin():
    """Never returns."""
    while True:
        pass


def hog():
    """Asks for far more memory than the sandbox allows."""
    block = "x" * (4 << 30)
    return move(block, block)
'''
WIN = [
    ("carry_pair", {"obj1": "ball1", "obj2": "ball2", "from_room": "rooma", "to_room": "roomb"}),
    ("move", {"from_": "roomb", "to": "rooma"}),
    ("carry_pair", {"obj1": "ball3", "obj2": "ball4", "from_room": "rooma", "to_room": "roomb"}),
]


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """The example gripper library plus two hostile learned actions."""
    lib = tmp_path / "lib"
    shutil.copytree(GRIPPER, lib)
    (lib / "actions.py").write_text((lib / "actions.py").read_text() + HOSTILE)
    meta = json.loads((lib / "library.json").read_text())
    meta["actions"]["spin"] = {"description": "spin(): loops", "notes": []}
    meta["actions"]["hog"] = {"description": "hog(): allocates", "notes": []}
    (lib / "library.json").write_text(json.dumps(meta))
    return lib


def serve_args(library: Path, data: Path, runs: Path, *extra: str) -> list[str]:
    return [
        "-m", "learnact", "serve", "pddl/gripper", "--library", str(library),
        "--data-dir", str(data), "--runs-dir", str(runs), "--timeout", "2", *extra,
    ]  # fmt: skip


async def play_episode(client, episode_id: str | None = None) -> dict:
    """Errors and hostile calls first (the server must keep serving), then the win."""
    import mcp_types as types

    ep = {} if episode_id is None else {"episode_id": episode_id}
    r = await client.call_tool("no_such_tool", {})
    assert r.is_error and "unknown tool 'no_such_tool'" in r.content[0].text
    r = await client.call_tool("carry", {"obj": "ball1", **ep})
    assert r.is_error and "missing argument(s) from_room, to_room, gripper" in r.content[0].text
    r = await client.call_tool("pick", {"obj": 7, "room": "rooma", "gripper": "left", **ep})
    assert r.is_error and "must be a string" in r.content[0].text
    r = await client.call_tool("pick", {"obj": "ball9", "room": "rooma", "gripper": "left", **ep})
    assert r.is_error and r.structured_content["valid"] is False
    assert "not valid" in r.content[0].text
    started = time.monotonic()
    r = await client.call_tool("spin", ep)
    assert r.is_error and r.structured_content["error"] == "timeout"
    assert time.monotonic() - started < 15  # the 2 s limit held (plus a worker's start)
    r = await client.call_tool("hog", ep)
    assert r.is_error and "MemoryError" in r.content[0].text
    r = await client.call_tool("check_valid_actions", ep)
    assert not r.is_error and "pick('ball1', 'rooma', 'left')" in r.content[0].text
    for name, args in WIN:
        r = await client.call_tool(name, {**args, **ep})
        assert not r.is_error, r.content[0].text
    out = r.structured_content
    assert isinstance(r.content[0], types.TextContent) and "Goal reached" in r.content[0].text
    assert out["won"] and out["learned"] and len(out["sub_trajectory"]) == 5
    assert [s["command"] for s in out["sub_trajectory"]][-1] == "drop ball4 roomb right"
    return out


def check_tools(tools) -> None:
    by_name = {t.name: t for t in tools}
    assert set(by_name) >= {"reset", "check_valid_actions", "move", "pick", "drop", "carry",
                            "carry_pair", "spin", "hog"}  # fmt: skip
    carry = by_name["carry_pair"]
    assert carry.input_schema["required"] == ["obj1", "obj2", "from_room", "to_room"]
    assert "Learned action carry_pair(obj1, obj2, from_room, to_room)" in carry.description
    assert "After carry_pair Robby is in to_room" in carry.description  # the usage note


def trace(runs: Path) -> str:
    r = run_cli("trace", "show", str(runs))
    assert r.returncode == 0, r.stderr
    return r.stdout


@pytest.mark.timeout(120)
def test_stdio(library: Path, shared_data: Path, tmp_path: Path) -> None:
    require_module("mcp")
    from mcp import Client, StdioServerParameters

    runs = tmp_path / "runs"
    params = StdioServerParameters(
        command=sys.executable, args=serve_args(library, shared_data, runs),
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip

    async def session() -> None:
        async with Client(params) as client:
            check_tools((await client.list_tools()).tools)
            docs = await client.read_resource("learnact://library/documentation")
            assert "### `carry(obj, from_room, to_room, gripper)`" in docs.contents[0].text
            example = await client.read_resource("learnact://library/usage-example")
            usage = json.loads((library / "library.json").read_text())["usage_example"]
            assert usage.strip() and example.contents[0].text.strip() == usage.strip()
            r = await client.call_tool("pick", {"obj": "ball1", "room": "rooma", "gripper": "left"})
            assert r.is_error and "call reset(task) first" in r.content[0].text
            r = await client.call_tool("reset", {"task": 99})
            assert r.is_error and "out of range" in r.content[0].text
            r = await client.call_tool("reset", {"task": 0})
            assert not r.is_error and "Ball1 is at rooma" in r.structured_content["observation"]
            await play_episode(client)
            # After the win nothing reaches the environment any more.
            r = await client.call_tool("move", {"from_": "roomb", "to": "rooma"})
            assert r.structured_content["observation"] == "The goal is already reached."

    anyio.run(session)
    (episode,) = [
        json.loads(line) for line in (runs / "trajectories.jsonl").read_text().splitlines()
    ]
    assert episode["won"] and episode["method"] == "mcp+library" and episode["task"] == 0
    shown = trace(runs)
    assert "WON" in shown and "carry_pair('ball3', 'ball4', 'rooma', 'roomb')" in shown
    assert "ok  drop ball4 roomb right" in shown  # the learned call's sub-actions


@pytest.mark.timeout(180)
def test_http_keeps_clients_apart(library: Path, shared_data: Path, tmp_path: Path) -> None:
    require_module("mcp")
    from mcp import Client

    runs = tmp_path / "runs"
    proc = subprocess.Popen(
        [sys.executable, *serve_args(library, shared_data, runs, "--http", "0")],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        url = None
        deadline = time.monotonic() + 60
        while url is None and time.monotonic() < deadline:
            line = proc.stderr.readline()
            assert line, f"server exited: {proc.wait()}"
            if m := re.search(r"(http://127\.0\.0\.1:\d+/mcp)", line):
                url = m.group(1)
        assert url is not None
        # The address is printed once the socket listens: a connection made at once is
        # queued, never refused (it was, under load, before uvicorn started listening).
        port = int(url.rsplit(":", 1)[1].split("/")[0])
        socket.create_connection(("127.0.0.1", port), timeout=10).close()

        async def clients() -> None:
            # A session client (the 2025 handshake) and a sessionless one (2026-07-28),
            # on different tasks at the same time.
            async with Client(url, mode="legacy") as a, Client(url) as b:
                check_tools((await b.list_tools()).tools)
                r = await b.call_tool("check_valid_actions", {})
                assert r.is_error and "pass the episode_id" in r.content[0].text
                ra = await a.call_tool("reset", {"task": 0})
                rb = await b.call_tool("reset", {"task": 1})
                ida, idb = ra.structured_content["episode_id"], rb.structured_content["episode_id"]
                assert ida != idb
                first_b = rb.structured_content["observation"]
                won = await play_episode(a)
                assert won["episode_id"] == ida
                # b's episode is untouched by a's win.
                r = await b.call_tool("check_valid_actions", {"episode_id": idb})
                assert not r.is_error
                r = await b.call_tool("move", {"from_": "rooma", "to": "roomb", "episode_id": idb})
                assert not r.is_error and r.structured_content["task"] == 1
                assert r.structured_content["observation"] != first_b
                assert not r.structured_content["won"]
                r = await b.call_tool("move", {"from_": "roomb", "to": "rooma",
                                               "episode_id": "0" * 32})  # fmt: skip
                assert r.is_error and "no live episode" in r.content[0].text

        anyio.run(clients)
        assert proc.poll() is None  # still serving
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    episodes = [json.loads(line) for line in (runs / "trajectories.jsonl").read_text().splitlines()]
    assert sorted((e["task"], e["won"]) for e in episodes) == [(0, True), (1, False)]
    assert "WON" in trace(runs)
