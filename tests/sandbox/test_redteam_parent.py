"""The parent against hostile text (issue 17, items 3 and 4): every string and byte from the
worker is the attacker's. Nothing it sends may make the parent raise (lone surrogates that
cannot be encoded), reach the environment as more than one plain line (controls, line
separators, bidirectional overrides), crash the trajectory writer, or be reported as
something else than what happened (a request over the size limit, unencodable output, a
many-line error type). These rely on the parent's validation, not on a kernel mechanism;
the forged frames need only the worker's own pipe."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from learnact.agents.trajectory import (
    EpisodeRecord,
    StepRecord,
    SubAction,
    TrajectoryWriter,
    read_jsonl,
)
from learnact.envs.registry import make_family
from learnact.library import ActionLibrary, bind
from learnact.sandbox import Sandbox, SandboxLimits
from tests.sandbox.util import ACTIONS, ESCAPE, World, assert_healthy, forge, run

# One of each kind the parent must refuse in a basic-action argument: C0, DEL, C1 (NEL is a
# line break to str.splitlines), line and paragraph separators, bidi embeddings, overrides
# and isolates (Trojan Source), and lone surrogates (which cannot be encoded as UTF-8).
REFUSED = [
    "\n",
    "\x1e",
    "\x7f",
    "\x85",
    "\x9b",
    "\u2028",
    "\u2029",
    "\u202a",
    "\u202e",
    "\u2066",
    "\u2069",
    "\ud800",
    "\udfff",
]


def _no_surrogates(*texts: str | None) -> None:
    for t in texts:
        if t is not None:
            t.encode("utf-8")  # raises on a lone surrogate


@pytest.mark.parametrize("char", REFUSED, ids=lambda c: f"U+{ord(c):04X}")
def test_forged_argument_with_unsafe_character_is_refused(sb: Sandbox, char: str) -> None:
    """A forged call (the raw frame, past the worker's own checks). The world echoes its
    argument: a lone surrogate in that echo made the parent's reply raise
    `UnicodeEncodeError` out of `Sandbox.run`."""
    w = World()
    res = run(sb, forge({"op": "call", "name": "inc", "args": [f"a{char}b", 1]}), w)
    assert res.error is not None and res.error.type == "SandboxViolation", res.error
    assert f"U+{ord(char):04X}" in res.error.message and "argument 1 of inc()" in res.error.message
    assert w.commands == [] and res.worker_restarted
    assert_healthy(sb)


@pytest.mark.parametrize("char", REFUSED, ids=lambda c: f"U+{ord(c):04X}")
def test_unsafe_character_in_a_call_is_an_error_for_the_agent(sb: Sandbox, char: str) -> None:
    """Learned code that passes such a string gets an ordinary exception at the call, with
    the agent's own traceback; the world never sees it."""
    w = World()
    res = run(sb, f"inc({'x' + char!r}, 1)", w)
    assert res.error is not None and res.error.type == "ValueError", res.error
    assert f"U+{ord(char):04X}" in res.error.message
    assert res.error.frames and "<step>" in res.error.frames[-1]
    assert w.commands == [] and not res.worker_restarted
    assert_healthy(sb)


def test_echoed_surrogate_through_bind_does_not_raise() -> None:
    """End to end through `bind`: a hostile learned action forges a call whose argument the
    PDDL environment echoes back ('There is no object called ...')."""
    library = ActionLibrary.from_source(
        ESCAPE
        + r"""
def sneak(a, b):
    data = b'{"op":"call","name":"move","args":["rooma\\ud800","roomb"]}'
    os.write(1, len(data).to_bytes(4, 'big') + data)
    return move(a, b)
"""
    )
    family = make_family("pddl-gen/gripper[size=1,tasks=3]")
    episode = family.make_episode(0)
    episode.reset()
    with bind(library, family, episode) as actions:
        res = actions.sneak("roomb", "rooma")
        assert res.error is not None and res.error.type == "SandboxViolation", res.error
        assert "U+D800" in res.error.message
        assert res.sub_trajectory == []
        res = actions.move("roomb\ud800", "rooma")  # a plain call: refused in the worker
        assert res.error is not None and res.error.type == "ValueError"
        assert actions.move("roomb", "rooma").error is None  # and the episode goes on


def test_forged_done_with_surrogates_and_controls_is_made_safe(sb: Sandbox, tmp_path: Path) -> None:
    """A forged `done` holding lone surrogates was accepted and then crashed the trajectory
    writer; its error type could span lines."""
    forged = {
        "op": "done",
        "value": "v\ud800",
        "stdout": "out\udfff\nline two\u202e",
        "error": {
            "type": "Evil\nType\ud800\u2028" + "x" * 300,
            "message": "m\ud800\nmore",
            "frames": ["line 1 in <step>: a\nb\ud800"],
        },
    }
    res = run(sb, forge(forged, then="x = 1"))
    assert res.error is not None
    _no_surrogates(res.value, res.stdout, res.error.type, res.error.message, *res.error.frames)
    assert "\n" not in res.error.type and "\u2028" not in res.error.type
    assert res.error.type.startswith("Evil\\nType\\ud800\\u2028x")
    assert len(res.error.type) <= 120
    assert res.stdout.startswith("out\\udfff\nline two\\u202e")
    assert all("\n" not in f for f in res.error.frames)

    writer = TrajectoryWriter(tmp_path)
    step = StepRecord(
        0,
        "action",
        None,
        "x",
        "x",
        res.stdout,
        False,
        [SubAction("c", res.stdout, True)],
        error=str(res.error),
    )
    writer.add_episode(EpisodeRecord("f", 0, "t", "m", "model", [step]))
    [back] = read_jsonl(tmp_path / "trajectories.jsonl")
    assert back["steps"][0]["observation"] == res.stdout
    assert_healthy(sb)


def test_trajectory_writer_takes_any_string(tmp_path: Path) -> None:
    """Whatever reaches a record (an environment's own observation, a model's completion),
    the writer writes it, and reads it back as it was."""
    odd = "a\ud800b\udfffc\x00d\u2028e\U0001f600"
    writer = TrajectoryWriter(tmp_path)
    writer.add_prompt([{"role": "user", "content": odd}])
    rec = EpisodeRecord("f", 0, odd, "m", "model", [], goal=odd, first_observation=odd)
    writer.add_episode(rec)
    [ep] = read_jsonl(tmp_path / "trajectories.jsonl")
    [pr] = read_jsonl(tmp_path / "prompts.jsonl")
    assert ep["goal"] == odd and ep["task_name"] == odd
    assert pr["messages"][0]["content"] == odd
    (tmp_path / "trajectories.jsonl").read_text(encoding="utf-8")  # valid UTF-8 throughout


# -- errors that say what happened -------------------------------------------------------------


def test_request_over_the_message_limit_says_so(sb: Sandbox) -> None:
    limit = SandboxLimits().max_message_bytes
    res = run(sb, "x = 1", library="y = 1\n" * (limit // 6 + 10))
    assert res.error is not None and res.error.type == "RequestTooLarge", res.error
    assert f"request too large (limit {limit} bytes)" in res.error.message
    assert not res.worker_restarted
    res = run(sb, "x = '" + "z" * limit + "'")
    assert res.error is not None and "request too large" in res.error.message
    assert_healthy(sb)


def test_observation_over_the_message_limit_is_cut_for_the_step() -> None:
    """An environment answer larger than one message: the step gets it cut, with a marker;
    the sub-trajectory keeps it whole."""
    lim = SandboxLimits(max_message_bytes=1 << 16)
    big = "o" * (1 << 17)
    with Sandbox(lim) as sb:
        res = sb.run(
            "x = inc('a', 1)\nprint(len(x), x[-120:])",
            actions=ACTIONS,
            execute=lambda c: (big, True),
        )
        assert res.error is None, res.error
        assert "observation cut" in res.stdout
        assert res.sub_trajectory[0].observation == big


def test_print_of_a_lone_surrogate_says_output_not_encodable(sb: Sandbox) -> None:
    res = run(sb, "print('a\\ud800b')\nx = 1")
    assert res.error is None, res.error
    assert res.stdout.startswith("a\\ud800b\n")
    assert "not encodable" in res.stdout
    res = run(sb, "raise ValueError('bad \\udfff')")
    assert res.error is not None and res.error.type == "ValueError"
    assert res.error.message == "bad \\udfff"
    assert_healthy(sb)


def test_error_type_name_is_one_bounded_line(sb: Sandbox) -> None:
    res = run(sb, "raise type('Bad\\nName\\u2028' + 'N' * 500, (Exception,), {})('m')")
    assert res.error is not None
    assert "\n" not in res.error.type and "\u2028" not in res.error.type
    assert res.error.type.startswith("Bad\\nName\\u2028N") and len(res.error.type) <= 120
    assert res.error.message == "m"
    assert_healthy(sb)


def test_nothing_from_the_worker_reaches_json_unsafely(sb: Sandbox) -> None:
    """Every field of a result can be written as strict UTF-8 JSON."""
    res = run(
        sb, forge({"op": "done", "value": "\ud83d", "stdout": "\udc00", "error": None}, "x=1")
    )
    json.dumps([res.value, res.stdout], ensure_ascii=False).encode("utf-8")
    assert_healthy(sb)
