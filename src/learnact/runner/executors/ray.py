"""Ray: the same units on a Ray cluster (``pip install 'learnact[ray]'``).

``--ray-address host:port`` joins a running cluster; without it learnact starts a local
Ray. Each of ``workers`` Ray actors builds its models once (an in-process ``local:``
model is loaded once per actor) and runs one unit at a time, with its own sandbox and
environment instances. Results come back to the coordinator, which commits them to the
run store, so they land in the same store as local runs. Learner decisions are committed
when the learner unit finishes (the local executor commits them one by one).

The workers read the families' data and write the learner's working files under the run
directory, so on a multi-machine cluster the run directory and data must be on a shared
filesystem (the run store itself is written only by the coordinator).
"""

from __future__ import annotations

import contextlib
import os
import socket
from typing import Any

from learnact import paths
from learnact.errors import BadInput
from learnact.runner.executors import Finished
from learnact.runner.experiment import Experiment
from learnact.runner.units import WorkerContext, WorkerSettings, execute, unit_error


def _ray() -> Any:
    try:
        import ray
    except ImportError as e:
        raise BadInput(
            "--executor ray needs Ray: pip install 'learnact[ray]' (or pip install ray)"
        ) from e
    return ray


def check_ray(address: str | None, timeout: float = 3.0) -> None:
    """Fail fast, with one line, when Ray is missing or the address does not answer."""
    _ray()
    if not address or address == "auto":
        return
    hostport = address.removeprefix("ray://")
    host, _, port = hostport.rpartition(":")
    if not host or not port.isdigit():
        raise BadInput(f"bad Ray address {address!r}: expected host:port")
    try:
        with socket.create_connection((host, int(port)), timeout=timeout):
            pass
    except OSError as e:
        raise BadInput(f"the Ray address {address} does not answer: {e.strerror or e}") from e


class _Worker:
    """The body of a Ray actor: one `WorkerContext`, one unit at a time."""

    def __init__(self, exp: dict[str, Any], settings: dict[str, Any]) -> None:
        self.ctx = WorkerContext(exp, WorkerSettings(**settings))

    def run(self, job: dict[str, Any]) -> Finished:
        uid = job["unit"]["id"]
        try:
            return uid, execute(job, self.ctx), None
        except BaseException as e:
            return uid, None, unit_error(e)


class RayExecutor:
    def __init__(
        self,
        exp: Experiment,
        settings: WorkerSettings,
        workers: int,
        *,
        address: str | None = None,
    ) -> None:
        ray = self.ray = _ray()
        check_ray(address)
        self._started = False
        if not ray.is_initialized():
            env = {
                k: os.environ[k]
                for k in ("PYTHONPATH", paths.CACHE_ENV, paths.DATA_ENV, "HOME")
                if k in os.environ
            }
            kwargs: dict[str, Any] = {
                "runtime_env": {"env_vars": env},
                "log_to_driver": False,
                "logging_level": "error",
                "include_dashboard": False,
            }
            if address:
                kwargs["address"] = address
            else:
                kwargs["num_cpus"] = max(workers, os.cpu_count() or 1)
            try:
                ray.init(**kwargs)
            except (ConnectionError, TimeoutError) as e:
                raise BadInput(f"cannot join the Ray cluster at {address}: {e}") from e
            self._started = True
        self.capacity = max(1, workers)
        self.isolated = True  # one actor process per unit in flight
        self._actor = ray.remote(num_cpus=0)(_Worker)
        self._args = (exp.canonical(), dict(settings.__dict__))
        self._idle = [self._new_actor() for _ in range(self.capacity)]
        self._running: dict[Any, tuple[Any, str]] = {}  # ObjectRef -> (actor, unit id)

    def _new_actor(self) -> Any:
        return self._actor.remote(*self._args)

    def submit(self, job: dict[str, Any]) -> None:
        """Run ``job`` on an idle actor (callers keep at most ``capacity`` units in flight)."""
        a = self._idle.pop()
        self._running[a.run.remote(job)] = (a, job["unit"]["id"])

    def poll(self, timeout: float) -> list[Finished]:
        """At most one finished unit, waiting up to ``timeout`` seconds. An actor that died is
        replaced and its unit comes back failed."""
        if not self._running:
            return []
        ready, _ = self.ray.wait(list(self._running), num_returns=1, timeout=timeout)
        out: list[Finished] = []
        for ref in ready:
            actor, uid = self._running.pop(ref)
            try:
                out.append(self.ray.get(ref))
                self._idle.append(actor)
            except Exception as e:  # the actor died: replace it
                out.append((uid, None, f"Ray worker failed: {type(e).__name__}: {e}"))
                self._idle.append(self._new_actor())
        return out

    def shutdown(self) -> None:
        """Kill every actor, and shut Ray down if this executor started it."""
        for a in self._idle + [a for a, _ in self._running.values()]:
            with contextlib.suppress(Exception):
                self.ray.kill(a)
        if self._started:
            self.ray.shutdown()
