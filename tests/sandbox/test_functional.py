"""What a step sees and what the parent records: values, output, sub-trajectories,
ActionFailed, limits, tracebacks, timeouts and recovery, with a real worker process."""

from __future__ import annotations

import json
import os
import time

import pytest

from learnact.sandbox import Sandbox, SandboxLimits
from tests.sandbox.util import (
    ACTIONS,
    World,
    assert_healthy,
    hostile,
    require,
    run,
    worker_pids,
)

LIBRARY = '''
import re


def move(name, n):
    """Two increments."""
    inc(name, n)
    return inc(name, n)


def careful(name):
    try:
        inc("bad", 1)
    except ActionFailed:
        pass
    return inc(name, 1)


def helper(x):
    return 10 // x


def outer(x):
    y = helper(x)
    return y
'''


def test_value_stdout_and_sub_trajectory(sb: Sandbox) -> None:
    w = World()
    res = run(sb, "move('a', 3)", w, library=LIBRARY)
    assert res.error is None and not res.failed_action and not res.timed_out
    assert res.value == "'a is 6'"
    assert [(s.command, s.observation, s.valid) for s in res.sub_trajectory] == [
        ("inc a 3", "a is 3", True),
        ("inc a 3", "a is 6", True),
    ]
    assert w.counters == {"a": 6}

    res = run(sb, "for i in range(3):\n    print('step', i)\nx = look()", w)
    assert res.value is None and res.stdout == "step 0\nstep 1\nstep 2\n"
    assert res.sub_trajectory[0].command == "look"


def test_allowed_imports_and_keyword_arguments(sb: Sandbox) -> None:
    code = "import math, collections, itertools, functools, string, re\ninc(name='k', n=math.floor(2.5))"
    w = World()
    res = run(sb, code, w)
    assert res.error is None, res.error
    assert w.counters == {"k": 2}


def test_action_failed_ends_the_call_effects_stay(sb: Sandbox) -> None:
    w = World()
    res = run(sb, "inc('a', 1)\ninc('bad', 1)\ninc('a', 1)", w)
    assert res.failed_action and res.error is not None
    assert res.error.type == "ActionFailed" and res.error.message == "Nothing happens."
    assert res.error.frames == ("line 2 in <step>: inc('bad', 1)",)
    assert w.commands == ["inc a 1", "inc bad 1"]  # the third never reached the world
    assert w.counters == {"a": 1}  # effects before the failure stay
    assert [s.valid for s in res.sub_trajectory] == [True, False]


def test_catching_action_failed_cannot_continue(sb: Sandbox) -> None:
    w = World()
    res = run(sb, "careful('a')", w, library=LIBRARY)
    assert w.commands == ["inc bad 1"]  # the call after the caught failure was refused
    assert res.failed_action and res.error is not None and res.error.type == "ActionFailed"
    assert res.error.frames[-1] == "line 16 in careful: return inc(name, 1)"

    # Catching everything and returning normally still reports the failed call.
    res = run(sb, "try:\n    inc('bad', 1)\nexcept Exception:\n    pass\nx = 1", World())
    assert res.failed_action and res.error is not None and res.error.type == "ActionFailed"


def test_max_basic_actions(sb: Sandbox) -> None:
    w = World()
    res = run(sb, "for _ in range(100):\n    inc('a', 1)", w, max_basic_actions=5)
    assert w.counters == {"a": 5} and len(res.sub_trajectory) == 5
    assert res.failed_action and res.error is not None and res.error.type == "ActionFailed"
    assert "more than 5 basic actions in one step" in res.error.message


def test_traceback_lines_are_the_learned_source(sb: Sandbox) -> None:
    res = run(sb, "outer(0)", library=LIBRARY)
    assert res.error is not None and res.error.type == "ZeroDivisionError"
    assert res.error.frames == (
        "line 1 in <step>: outer(0)",
        "line 24 in outer: y = helper(x)",
        "line 20 in helper: return 10 // x",
    )
    assert "helper" in str(res.error)


def test_syntax_errors_are_reported_not_raised(sb: Sandbox) -> None:
    res = run(sb, "move('a',", library=LIBRARY)
    assert res.error is not None and res.error.type == "SyntaxError"
    assert res.error.frames == ("line 1 in <step>: move('a',",)
    res = run(sb, "look()", library="def f(:\n    pass\n")
    assert res.error is not None and res.error.type == "SyntaxError"
    assert res.error.frames == ("line 1 in <learned actions>: def f(:",)
    assert res.sub_trajectory == []


def test_stub_checks_arity_and_argument_types(sb: Sandbox) -> None:
    w = World()
    res = run(sb, "inc('a')", w)
    assert res.error is not None and res.error.type == "TypeError"
    assert "inc() takes 2 arguments (name, n), 1 given" in res.error.message
    res = run(sb, "inc(['a'], 1)", w)
    assert res.error is not None and "must be a str, int or float, not list" in res.error.message
    res = run(sb, "check_valid_actions()", w)
    assert res.error is not None and res.error.type == "NameError"
    assert w.commands == []


def test_timeout_kills_the_worker_and_restarts(sb: Sandbox) -> None:
    assert_healthy(sb)
    spare = sb._spare  # the next run's worker
    assert spare is not None
    spare.handshake(time.monotonic() + 10)
    pids = worker_pids(sb)
    assert spare.pid in pids
    res = run(sb, hostile("while True:\n    pass"), timeout_s=0.5)
    assert res.timed_out and res.worker_restarted
    assert res.error is not None and res.error.type == "TimeoutError"
    # Killed and reaped, not left running: the process we started and (with a PID
    # namespace, where it is its keeper) the worker inside it.
    assert spare.proc.returncode is not None
    assert not [
        p
        for p in (spare.pid, spare.hello and spare.hello["outer_pid"])
        if p and os.path.exists(f"/proc/{p}")
    ]
    assert_healthy(sb)


def test_every_run_gets_a_fresh_worker(sb: Sandbox) -> None:
    assert_healthy(sb)
    first = sb._spare
    a = run(sb, hostile("import math\nmath.pi = 3"))
    second = sb._spare
    b = run(sb, hostile("import math\nprint(math.pi)"))
    assert a.error is None and first is not second
    assert first is not None and first.proc.returncode is not None  # gone after its run
    assert b.stdout.split()[0] == "3.141592653589793"  # no state leaks between steps


@pytest.mark.parametrize(
    ("message", "why"),
    [
        ({"op": "call", "name": "check_valid_actions", "args": []}, "is not a basic action"),
        ({"op": "call", "name": "inc", "args": ["a"]}, "takes 2 arguments, got 1"),
        ({"op": "call", "name": "inc", "args": [["a"], 1]}, "is a list"),
        ({"op": "call", "name": "inc", "args": [{"x": 1}, 1]}, "is a dict"),
        ({"op": "call", "name": "inc", "args": [True, 1]}, "is a bool"),
        ({"op": "call", "name": "inc", "args": ["a\nlook", 1]}, "U+000A (control character)"),
        ({"op": "call", "name": "inc", "args": ["a" * 5000, 1]}, "longer than"),
        ({"op": "call", "name": "inc", "args": "a 1"}, "takes 2 arguments"),
        ({"op": "hello"}, "unexpected message"),
        ({"op": "done", "value": 42, "stdout": ""}, "value is not a string"),
    ],
)
def test_parent_validates_every_request(sb: Sandbox, message: dict, why: str) -> None:
    require("seccomp")
    payload = json.dumps(message).encode()
    code = hostile(
        f"data = {payload!r}\nos.write(1, len(data).to_bytes(4, 'big') + data)\nwhile True:\n    pass"
    )
    w = World()
    res = run(sb, code, w)
    assert res.error is not None and res.error.type == "SandboxViolation", res.error
    assert why in res.error.message
    assert res.worker_restarted and w.commands == []
    assert_healthy(sb)


@pytest.mark.parametrize(
    ("body", "death"),
    [
        ("os._exit(3)", "exited with status 3"),
        ("sys.modules['ctypes'].string_at(0)", "killed by SIGSEGV"),
    ],
)
def test_worker_crash_is_reported_and_recovered(sb: Sandbox, body: str, death: str) -> None:
    res = run(sb, hostile(body))
    assert res.error is not None and res.error.type == "WorkerCrashed"
    assert death in res.error.message and res.worker_restarted
    assert_healthy(sb)


def test_mechanisms_reported_and_strict_mode() -> None:
    from learnact.sandbox import mechanisms

    m = mechanisms()
    for key in ("netns", "mountns_chroot", "uid_drop", "caps_dropped", "no_new_privs"):
        assert key in m
    require("netns", "mountns_chroot", "uid_drop", "caps_dropped", "no_new_privs", "seccomp")
    with Sandbox(SandboxLimits(require_all=True)) as strict:
        assert_healthy(strict)
        assert strict.last_mechanisms is not None
        assert all(strict.last_mechanisms["mechanisms"].values())


def test_close_kills_the_spare() -> None:
    sandbox = Sandbox()
    assert_healthy(sandbox)
    spare = sandbox._spare
    assert spare is not None
    sandbox.close()
    assert spare.proc.returncode is not None


def test_lazy_start_then_a_spare_is_kept_ready() -> None:
    with Sandbox(eager=False) as sandbox:
        assert sandbox._spare is None
        assert_healthy(sandbox)
        # After a run a fresh spare worker is already started for the next one (its
        # start-up time is measured in bench/sandbox_speed.py, not asserted here).
        spare = sandbox._spare
        assert spare is not None and spare.proc.poll() is None
        assert_healthy(sandbox)


def test_actions_list_is_what_the_worker_gets(sb: Sandbox) -> None:
    res = run(sb, "look()", actions=ACTIONS[:1])
    assert res.error is not None and res.error.type == "NameError"


def test_a_spare_that_died_idle_is_replaced() -> None:
    with Sandbox() as sandbox:
        assert sandbox._spare is not None
        os.kill(sandbox._spare.pid, 9)  # e.g. the OOM killer took it while it waited
        assert_healthy(sandbox)
