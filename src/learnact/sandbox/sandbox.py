"""`Sandbox`: runs one agent step in a fresh, locked-down worker (parent side).

Every run gets its own worker (taken from a pre-started spare, so this costs no
latency): nothing one step's code does to its process can affect the next step. The
parent is the source of truth: it validates each basic-action request, steps the
environment through the ``execute`` callback and records the sub-trajectory itself.
"""

from __future__ import annotations

import logging
import threading
import time
import warnings
import weakref
from collections.abc import Callable, Sequence
from typing import Any

from learnact.envs.base import BasicAction
from learnact.errors import LearnactError
from learnact.sandbox.limits import MECHANISMS, SandboxLimits
from learnact.sandbox.namespace import check_argument
from learnact.sandbox.process import WorkerProcess
from learnact.sandbox.protocol import ProtocolError, Timeout, encoded_size
from learnact.sandbox.results import ErrorInfo, ExecResult, SubStep
from learnact.sandbox.text import one_line, safe_text

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
            return self.reply({"observation": self.failure, "valid": False})
        command = action.to_command(*args)
        t = time.monotonic()
        observation, valid = self.execute(command)
        self.env_time += time.monotonic() - t
        observation, valid = str(observation), bool(valid)
        self.subs.append(SubStep(command, observation, valid))
        if not valid:
            self.failure = observation
        return self.reply({"observation": observation, "valid": valid})

    def _check_arg(self, name: str, i: int, a: Any) -> None:
        # JSON bools, lists and objects are refused; so are non-finite numbers, overlong
        # text and anything but one line of plain text (`learnact.sandbox.text`): one
        # argument must not smuggle a second command into a text environment, and a lone
        # surrogate echoed back by the environment would make the reply unencodable.
        if type(a) not in (str, int, float):
            raise _Violation(f"argument {i + 1} of {name}() is a {type(a).__name__}")
        why = check_argument(name, i, a, self.lim.max_arg_chars)
        if why is not None:
            raise _Violation(why)

    def reply(self, answer: dict[str, Any]) -> dict[str, Any]:
        """``answer`` to a call, its observation cut so that the message fits the size limit
        (the sub-trajectory keeps it whole)."""
        limit = self.lim.max_message_bytes
        obs = str(answer["observation"])
        # An ASCII-escaped character takes at most 12 bytes (an astral one as two \uXXXX).
        keep = max(0, (limit - 200) // 12)
        if len(obs) <= keep or encoded_size(answer) <= limit:
            return answer
        note = f" ...[observation cut: {len(obs)} characters, over the {limit}-byte message limit]"
        return {**answer, "observation": obs[:keep] + note}

    def finish(self, msg: dict[str, Any], res: ExecResult) -> None:
        value, stdout, error = msg.get("value"), msg.get("stdout"), msg.get("error")
        if value is not None and not isinstance(value, str):
            raise _Violation("result value is not a string")
        if not isinstance(stdout, str):
            raise _Violation("result stdout is not a string")
        lim = self.lim
        # Every string is made safe here, once: lone surrogates (unencodable), controls but
        # newline and tab, line separators and bidi controls become visible escapes, and
        # the error type and each frame are one line.
        res.value = None if value is None else safe_text(_cut(value, lim.max_value_chars))
        res.stdout = safe_text(_cut(stdout, lim.max_output_chars + 100))  # room for markers
        if error is not None:
            if not isinstance(error, dict):
                raise _Violation("result error is not an object")
            frames = error.get("frames") or []
            if not isinstance(frames, list) or not all(isinstance(f, str) for f in frames):
                raise _Violation("result error frames are not strings")
            res.error = ErrorInfo(
                one_line(str(error.get("type")), 100),
                safe_text(_cut(str(error.get("message")), lim.max_error_chars)),
                tuple(one_line(f, 500) for f in frames[:20]),
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
        """A worker that has completed its handshake with every mechanism this machine provides
        in force; the next spare starts meanwhile.

        A worker that reports one of them off (`expected_mechanisms`) is killed and replaced,
        in the default mode too: a step never runs in it. `SandboxUnavailable` when
        `START_ATTEMPTS` workers in a row fail to start or come up without one. A mechanism
        this machine does not provide at all is refused in strict mode and otherwise warned
        about once."""
        w, self._spare = self._spare, None
        problems: list[str] = []
        hello: dict[str, Any] | None = None
        for _ in range(START_ATTEMPTS):
            w = w or self._spawn()
            try:
                hello = w.handshake(time.monotonic() + self.limits.startup_timeout_s)
            except (ProtocolError, Timeout) as e:
                why = w.death(wait_s=0.5) or "no handshake in time"
                problems.append(f"failed to start ({why}): {e}")
                self._retire(w)
                w = hello = None
                continue
            _note_active(hello)
            lost = [k for k in expected_mechanisms() if not hello["mechanisms"].get(k)]
            if not lost:
                break
            problems.append(f"started without {', '.join(lost)}: " + "; ".join(hello["notes"]))
            log.warning("learnact sandbox: replacing a worker that %s", problems[-1])
            self._retire(w)
            w = hello = None
        if w is None or hello is None:
            raise SandboxUnavailable(
                f"sandbox worker: {START_ATTEMPTS} tries in a row, none usable: "
                + " | ".join(problems)
            )
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
        request = {
            "op": "run",
            "library": library,
            "code": code,
            "actions": [{"name": a.name, "params": list(a.params)} for a in actions],
        }
        size, limit = encoded_size(request), self.limits.max_message_bytes
        if size > limit:
            # Refused here: the worker could only drop it (and exit) without a word.
            res.error = ErrorInfo(
                "RequestTooLarge",
                f"request too large (limit {limit} bytes): the step and the learned actions "
                f"take {size} bytes as a message; shorten them or raise "
                "SandboxLimits.max_message_bytes",
            )
            return res
        w = self.worker()
        rec = _Run(actions, execute, max_basic_actions, self.limits)
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


#: Workers started in a row before `Sandbox.worker` gives up.
START_ATTEMPTS = 3
#: Mechanisms that need nothing from the machine: every worker must have them.
ALWAYS_EXPECTED: tuple[str, ...] = ("rlimits", "no_new_privs")
_seen_active: set[str] = set()
_seen_lock = threading.Lock()


def _note_active(hello: dict[str, Any]) -> None:
    with _seen_lock:
        _seen_active.update(k for k, v in hello["mechanisms"].items() if v)


def expected_mechanisms() -> tuple[str, ...]:
    """The mechanisms every worker of this process must have: `ALWAYS_EXPECTED`, and every one
    some worker of this process has had (so this machine provides it). A worker without one
    of these lost it to a fault or an attack, not to the machine, and never runs a step."""
    with _seen_lock:
        return tuple(k for k in MECHANISMS if k in ALWAYS_EXPECTED or k in _seen_active)


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
    _note_active(hello)
    out: dict[str, Any] = dict(hello["mechanisms"])
    out["worker_uid"] = hello["uid"]
    out["worker_pid"] = hello["pid"]
    if hello["seccomp_filter"]:
        out["seccomp_filter"] = hello["seccomp_filter"]
    out["memory"] = _memory_summary(lim, hello["mechanisms"])
    if hello["notes"]:
        out["notes"] = "; ".join(hello["notes"])
    return out


def _memory_summary(lim: SandboxLimits, mech: dict[str, bool]) -> str:
    parts = [f"RLIMIT_AS {lim.memory_mb} MiB" if mech.get("rlimits") else "no RLIMIT_AS"]
    if mech.get("seccomp"):
        parts.append("memfd_create, memfd_secret and SysV shm denied, pipes not allowed (seccomp)")
    if mech.get("mountns_chroot"):
        parts.append("no writable filesystem (read-only empty root)")
    if mech.get("rlimits"):
        parts.append("RLIMIT_FSIZE 0, RLIMIT_MEMLOCK 0")
    return "; ".join(parts)
