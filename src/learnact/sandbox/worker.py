"""The sandbox worker process: locks itself down, then runs learned code on request.

Started by the parent as ``python -I -S -c <bootstrap> <config json>`` with the protocol
on fd 0 (requests) and fd 1 (replies). It never holds the environment: every basic action
is a request to the parent, which validates it, steps the environment and answers.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import reprlib
import sys
from typing import Any

from learnact.errors import ActionFailed
from learnact.sandbox import protocol
from learnact.sandbox.containment import Lockdown
from learnact.sandbox.namespace import BoundedOutput, make_globals
from learnact.sandbox.tracebacks import LIBRARY_NAME, STEP_NAME, error_info

REQ_FD, REPLY_FD = 0, 1


def _preimport(allowed: list[str]) -> None:
    # After the chroot there are no files to import from: load everything now.
    for name in [*allowed, "collections.abc", "pyseccomp"]:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


class Worker:
    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self.max_bytes = int(config["max_message_bytes"])
        self.allowed = tuple(config["allowed_imports"])
        r = reprlib.Repr()
        r.maxstring = r.maxother = int(config["max_value_chars"])
        r.maxlist = r.maxtuple = r.maxdict = r.maxset = r.maxfrozenset = r.maxdeque = 200
        r.maxlevel = 6
        self.repr = r

    def call(self, name: str, args: list[Any]) -> str:
        """Ask the parent to run basic action ``name`` with ``args``; returns the observation.
        Raises `ActionFailed` (with the observation) when the parent answers that it was not valid.
        """
        protocol.send_blocking(REPLY_FD, {"op": "call", "name": name, "args": args})
        reply = protocol.recv_blocking(REQ_FD, self.max_bytes)
        observation = str(reply.get("observation", ""))
        if not reply.get("valid", False):
            raise ActionFailed(observation)
        return observation

    def run(self, req: dict[str, Any]) -> dict[str, Any]:
        """Execute one ``run`` request: the library, then the step (an expression's value is kept as
        a bounded repr), with print output captured. Returns the ``done`` reply; every exception of
        the code, `SystemExit` included, becomes its ``error``."""
        library, code = str(req.get("library") or ""), str(req.get("code") or "")
        sources = {LIBRARY_NAME: library.splitlines(), STEP_NAME: code.splitlines()}
        out = BoundedOutput(int(self.config["max_output_chars"]))
        sys.stdout = sys.stderr = out
        value: str | None = None
        error = None
        try:
            lib = compile(library, LIBRARY_NAME, "exec")
            try:  # an expression step has a value the agent can see
                step, is_expr = compile(code, STEP_NAME, "eval"), True
            except SyntaxError:
                step, is_expr = compile(code, STEP_NAME, "exec"), False
            g = make_globals(
                req.get("actions") or [],
                self.call,
                self.allowed,
                int(self.config.get("max_arg_chars", 1000)),
            )
            exec(lib, g)
            if is_expr:
                value = self.repr.repr(eval(step, g))[: int(self.config["max_value_chars"])]
            else:
                exec(step, g)
        except BaseException as e:  # noqa: BLE001 - SystemExit too: report, never exit
            error = error_info(e, sources, int(self.config["max_error_chars"]))
        finally:
            sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
        return {"op": "done", "value": value, "stdout": out.getvalue(), "error": error}

    def serve(self) -> None:
        """Answer ``run`` requests until the parent closes the pipe or sends anything else, then
        exit (``os._exit(0)``). Never returns."""
        while True:
            try:
                req = protocol.recv_blocking(REQ_FD, self.max_bytes)
            except protocol.ProtocolError:
                os._exit(0)  # the parent went away
            if req.get("op") != "run":
                os._exit(0)
            try:
                reply = self.run(req)
            except MemoryError:
                reply = {"op": "done", "value": None, "stdout": "", "error": _oom()}
            protocol.send_blocking(REPLY_FD, reply)


def _oom() -> dict[str, Any]:
    return {"type": "MemoryError", "message": "out of memory", "frames": []}


def main() -> None:
    """The worker's entry point: read the config from ``sys.argv[1]``, pre-import the allowed
    modules, lock the process down, report the mechanisms in force (the ``ready`` handshake), then
    serve."""
    config = json.loads(sys.argv[1])
    _preimport(list(config["allowed_imports"]))
    lock = Lockdown(config)
    lock.apply(keep_fds=(REQ_FD, REPLY_FD, 2))
    hello = {
        "op": "ready",
        "mechanisms": lock.active,
        "notes": lock.notes,
        "uid": os.getuid(),
        "pid": os.getpid(),
        "outer_pid": lock.outer_pid,
        "applied": list(lock.active),  # the order the mechanisms were applied in
        "seccomp_filter": lock.filter_summary,
    }
    protocol.send_blocking(REPLY_FD, hello)
    Worker(config).serve()


if __name__ == "__main__":
    main()
