"""The parent's handle on one worker process: start, handshake, kill and reap."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from learnact.sandbox.limits import MECHANISMS, SandboxLimits
from learnact.sandbox.protocol import Channel, ProtocolError

# -I -S: no user site, no site-packages .pth hooks, no PYTHON* variables; the two paths
# the worker needs (learnact and pyseccomp) are put on sys.path explicitly.
_BOOT = (
    "import sys; sys.path[:0] = __import__('json').loads(sys.argv[2]); "
    "from learnact.sandbox.worker import main; main()"
)


def _worker_path() -> list[str]:
    paths = [str(Path(__file__).resolve().parents[2])]
    spec = importlib.util.find_spec("pyseccomp")
    if spec is not None and spec.origin:
        paths.append(str(Path(spec.origin).parent))
    return list(dict.fromkeys(paths))


class WorkerProcess:
    def __init__(self, limits: SandboxLimits) -> None:
        argv = [sys.executable, "-I", "-S", "-c", _BOOT]
        argv += [json.dumps(limits.worker_config()), json.dumps(_worker_path())]
        debug = os.environ.get("LEARNACT_SANDBOX_DEBUG") == "1"
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=None if debug else subprocess.DEVNULL,
            close_fds=True,
            start_new_session=True,  # terminal signals to our group do not reach it
            env={},  # no API keys or paths from the parent's environment
            cwd="/",
        )
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.chan = Channel(
            self.proc.stdout.fileno(), self.proc.stdin.fileno(), limits.max_message_bytes
        )
        self.hello: dict[str, Any] | None = None
        self.cpu_s = limits.cpu_s

    def handshake(self, deadline: float) -> dict[str, Any]:
        """The worker's ``ready`` message, read once and kept: the containment mechanisms in force
        (name -> bool, for every `MECHANISMS` name), its notes, its uid, its pid (1 in its own
        PID namespace), its pid as the host sees it (``outer_pid``, for diagnostics: it is never
        signalled), a summary of its seccomp filter and the order the mechanisms were applied
        in (``applied``). Raises `ProtocolError`
        for anything else and `learnact.sandbox.protocol.Timeout` when ``deadline`` (a
        `time.monotonic` value) passes first."""
        if self.hello is None:
            msg = self.chan.recv(deadline)
            mech = msg.get("mechanisms")
            if msg.get("op") != "ready" or not isinstance(mech, dict):
                raise ProtocolError("worker sent no valid handshake")
            notes, applied = msg.get("notes"), msg.get("applied")

            def num(key: str) -> int | None:
                v = msg.get(key)
                return v if type(v) is int else None

            self.hello = {
                "mechanisms": {k: mech.get(k) is True for k in MECHANISMS},
                "notes": [str(n) for n in notes] if isinstance(notes, list) else [],
                "uid": num("uid"),
                "pid": num("pid"),
                "outer_pid": num("outer_pid"),
                "seccomp_filter": str(msg.get("seccomp_filter") or ""),
                "applied": [str(x) for x in applied] if isinstance(applied, list) else [],
            }
        return self.hello

    @property
    def pid(self) -> int:
        """The worker's process id."""
        return self.proc.pid

    def kill(self) -> None:
        """Kill the worker and reap it, so that no worker outlives its run (and no zombie is left).

        With a PID namespace the process we started is the worker's keeper, outside it: SIGTERM
        asks it to SIGKILL the worker, reap it and exit (SIGKILL to the keeper itself after 2 s,
        should it not). A worker without a keeper, or whose keeper state is unknown after it
        ran code, is SIGKILLed directly. Before the handshake no learned code has run, so
        SIGTERM ends either kind."""
        if self.proc.returncode is None:
            keeper = self.hello is None or self.hello["mechanisms"].get("pidns") is True
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.proc.pid, signal.SIGTERM if keeper else signal.SIGKILL)
            try:
                self.proc.wait(2 if keeper else None)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout):
            with contextlib.suppress(OSError):
                f.close()  # type: ignore[union-attr]

    def death(self, wait_s: float = 0) -> str | None:
        """How the worker ended, if it has (e.g. ``killed by SIGXCPU``).

        ``wait_s``: a closed pipe comes slightly before the exit status, so wait a little.
        """
        try:
            rc = self.proc.wait(wait_s) if wait_s else self.proc.poll()
        except subprocess.TimeoutExpired:
            return None
        if rc is None:
            return None
        if rc < 0:
            try:
                name = signal.Signals(-rc).name
            except ValueError:
                return f"killed by signal {-rc}"
            if -rc == signal.SIGXCPU:
                return f"killed by {name} (over its CPU time limit of {self.cpu_s} s)"
            return f"killed by {name}"
        return f"exited with status {rc}"
