"""`Sandbox`: runs one agent step in a fresh, locked-down worker (parent side).

Every run gets its own worker (taken from a pre-started spare, so this costs no
latency): nothing one step's code does to its process can affect the next step. The
parent is the source of truth: it validates each basic-action request, steps the
environment through the ``execute`` callback and records the sub-trajectory itself.
"""

from __future__ import annotations

import logging
import math
import threading
import time
import warnings
import weakref
from collections.abc import Callable, Sequence
from typing import Any

from learnact.envs.base import BasicAction
from learnact.errors import LearnactError
from learnact.sandbox.limits import MECHANISMS, SandboxLimits
from learnact.sandbox.process import WorkerProcess
from learnact.sandbox.protocol import ProtocolError, Timeout
from learnact.sandbox.results import ErrorInfo, ExecResult, SubStep

log = logging.getLogger(__name__)

Execute = Callable[[str], tuple[str, bool]]


class SandboxUnavailable(LearnactError):
    """The worker could not be started, or (strict mode) lacks a containment mechanism."""


class _Violation(Exception):
    """The worker broke the protocol; it is killed and the run reports why."""


class _Run:
    """The parent's record of one run: validates requests and steps the environment."""

    def __init__(
        self, actions: Sequence[BasicAction], execute: Execute, limit: int, lim: SandboxLimits
    ) -> None:
        self.actions = {a.name: a for a in actions}
        self.execute, self.limit, self.lim = execute, limit, lim
        self.subs: list[SubStep] = []
        self.failure: str | None = None  # set once: every later call fails the same way
        self.env_time = 0.0

    def call(self, msg: dict[str, Any]) -> dict[str, Any]:
        name, args = msg.get("name"), msg.get("args")
        if not isinstance(name, str) or name not in self.actions:
            raise _Violation(f"{name!r:.80} is not a basic action of this environment")
        action = self.actions[name]
        if not isinstance(args, list) or len(args) != len(action.params):
            n = len(args) if isinstance(args, list) else "invalid"
            raise _Violation(f"{name}() takes {len(action.params)} arguments, got {n}")
        for i, a in enumerate(args):
            self._check_arg(name, i, a)
        if self.failure is None and len(self.subs) >= self.limit:
            self.failure = f"more than {self.limit} basic actions in one step; stopped"
        if self.failure is not None:
            # The learned call already ended: nothing more reaches the environment.
            return {"observation": self.failure, "valid": False}
        command = action.to_command(*args)
        t = time.monotonic()
        observation, valid = self.execute(command)
        self.env_time += time.monotonic() - t
        observation, valid = str(observation), bool(valid)
        self.subs.append(SubStep(command, observation, valid))
        if not valid:
            self.failure = observation
        return {"observation": observation, "valid": valid}

    def _check_arg(self, name: str, i: int, a: Any) -> None:
        if type(a) not in (str, int, float):  # JSON bools, lists, objects are refused
            raise _Violation(f"argument {i + 1} of {name}() is a {type(a).__name__}")
        if isinstance(a, float) and not math.isfinite(a):
            raise _Violation(f"argument {i + 1} of {name}() is not a finite number")
        text = str(a)
        if len(text) > self.lim.max_arg_chars:
            raise _Violation(
                f"argument {i + 1} of {name}() is longer than {self.lim.max_arg_chars}"
            )
        if any(ord(c) < 32 or ord(c) == 127 for c in text):
            # One argument must not smuggle a second command into a text environment.
            raise _Violation(f"argument {i + 1} of {name}() contains control characters")

    def finish(self, msg: dict[str, Any], res: ExecResult) -> None:
        value, stdout, error = msg.get("value"), msg.get("stdout"), msg.get("error")
        if value is not None and not isinstance(value, str):
            raise _Violation("result value is not a string")
        if not isinstance(stdout, str):
            raise _Violation("result stdout is not a string")
        lim = self.lim
        res.value = None if value is None else _cut(value, lim.max_value_chars)
        res.stdout = _cut(stdout, lim.max_output_chars + 100)  # room for the worker's marker
        if error is not None:
            if not isinstance(error, dict):
                raise _Violation("result error is not an object")
            frames = error.get("frames") or []
            if not isinstance(frames, list) or not all(isinstance(f, str) for f in frames):
                raise _Violation("result error frames are not strings")
            res.error = ErrorInfo(
                _cut(str(error.get("type")), 100),
                _cut(str(error.get("message")), lim.max_error_chars),
                tuple(_cut(f, 500) for f in frames[:20]),
            )


def _cut(s: str, n: int) -> str:
    return s if len(s) <= n else s[:n] + " ...[truncated]"


class Sandbox:
    """Owns a pre-started spare worker; each `run` uses a fresh one.

    Not for concurrent use from several threads at once (runs are serialised by a lock);
    give each concurrent episode its own `Sandbox`.
    """

    def __init__(self, limits: SandboxLimits | None = None, *, eager: bool = True) -> None:
        self.limits = limits or SandboxLimits()
        self._spare: WorkerProcess | None = None
        self._lock = threading.Lock()
        self._warned = False
        self.last_mechanisms: dict[str, Any] | None = None
        self._live: set[WorkerProcess] = set()
        self._finalizer = weakref.finalize(self, _kill_all, self._live)
        if eager:
            self._spare = self._spawn()

    # -- workers --------------------------------------------------------------------
    def _spawn(self) -> WorkerProcess:
        w = WorkerProcess(self.limits)
        self._live.add(w)
        return w

    def _retire(self, w: WorkerProcess) -> None:
        w.kill()
        self._live.discard(w)

    def worker(self) -> WorkerProcess:
        """A worker that has completed its handshake; the next spare starts meanwhile."""
        w, self._spare = self._spare, None
        for attempt in range(2):  # a spare that died while idle is replaced once
            w = w or self._spawn()
            try:
                hello = w.handshake(time.monotonic() + self.limits.startup_timeout_s)
                break
            except (ProtocolError, Timeout) as e:
                why = w.death(wait_s=0.5) or "no handshake in time"
                self._retire(w)
                w = None
                if attempt:
                    msg = f"sandbox worker failed to start ({why}): {e}"
                    raise SandboxUnavailable(msg) from None
        assert w is not None
        self._spare = self._spawn()
        self.last_mechanisms = hello
        self._check(hello, w)
        return w

    def _check(self, hello: dict[str, Any], w: WorkerProcess) -> None:
        missing = [k for k in MECHANISMS if not hello["mechanisms"].get(k)]
        if not missing:
            return
        detail = f"inactive: {', '.join(missing)}; " + "; ".join(hello["notes"])
        if self.limits.require_all:
            self._retire(w)
            raise SandboxUnavailable(f"sandbox containment incomplete (strict mode): {detail}")
        if not self._warned:
            self._warned = True
            msg = f"learnact sandbox runs with weaker containment: {detail}"
            warnings.warn(msg, RuntimeWarning, stacklevel=3)
            log.warning(msg)

    # -- running ----------------------------------------------------------------------
    def run(
        self,
        code: str,
        *,
        library: str = "",
        actions: Sequence[BasicAction],
        execute: Execute,
        max_basic_actions: int = 50,
        timeout_s: float = 10.0,
    ) -> ExecResult:
        """Run one step (``code``) with the learned ``library`` in a fresh worker."""
        with self._lock:
            return self._run(code, library, actions, execute, max_basic_actions, timeout_s)

    def _run(
        self,
        code: str,
        library: str,
        actions: Sequence[BasicAction],
        execute: Execute,
        max_basic_actions: int,
        timeout_s: float,
    ) -> ExecResult:
        res = ExecResult()
        w = self.worker()
        rec = _Run(actions, execute, max_basic_actions, self.limits)
        request = {
            "op": "run",
            "library": library,
            "code": code,
            "actions": [{"name": a.name, "params": list(a.params)} for a in actions],
        }
        start = time.monotonic()
        try:
            # The deadline counts the worker's time, not the environment's.
            w.chan.send(request, start + timeout_s)
            while True:
                msg = w.chan.recv(start + timeout_s + rec.env_time)
                op = msg.get("op")
                if op == "call":
                    w.chan.send(rec.call(msg), start + timeout_s + rec.env_time)
                elif op == "done":
                    rec.finish(msg, res)
                    break
                else:
                    raise _Violation(f"unexpected message {str(op)[:40]!r}")
        except Timeout:
            res.timed_out = res.worker_restarted = True
            res.error = ErrorInfo("TimeoutError", f"did not finish within {timeout_s:g} s; stopped")
        except (ProtocolError, _Violation) as e:
            res.worker_restarted = True
            death = w.death(wait_s=0.5 if isinstance(e, ProtocolError) else 0)
            if death is not None and isinstance(e, ProtocolError):
                res.error = ErrorInfo("WorkerCrashed", f"the sandbox worker {death}")
            else:
                res.error = ErrorInfo("SandboxViolation", f"{e}; the worker was killed")
        finally:
            self._retire(w)
        res.sub_trajectory = rec.subs
        if rec.failure is not None:
            res.failed_action = True
            if res.error is None:  # the code caught ActionFailed: the call still ended
                res.error = ErrorInfo("ActionFailed", rec.failure)
        return res

    # -- lifetime ---------------------------------------------------------------------
    def close(self) -> None:
        """Kill every worker this sandbox started, the spare included; a later `run` starts new
        ones."""
        self._spare = None
        _kill_all(self._live)

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _kill_all(live: set[WorkerProcess]) -> None:
    for w in list(live):
        w.kill()
    live.clear()


def mechanisms(limits: SandboxLimits | None = None) -> dict[str, Any]:
    """Which containment mechanisms a worker has here (starts one), for ``learnact doctor``."""
    lim = limits or SandboxLimits()
    w = WorkerProcess(lim)
    try:
        hello = w.handshake(time.monotonic() + lim.startup_timeout_s)
    except (ProtocolError, Timeout) as e:
        raise SandboxUnavailable(f"sandbox worker failed to start: {e}") from None
    finally:
        w.kill()
    out: dict[str, Any] = dict(hello["mechanisms"])
    out["worker_uid"] = hello["uid"]
    if hello["notes"]:
        out["notes"] = "; ".join(hello["notes"])
    return out
