"""Serve a family's basic actions and a library's learned actions to outside agents.

`serve` runs learnact's MCP server (`learnact serve`): stdio by default, streamable HTTP on
127.0.0.1 with ``http_port``. `learnact.serve.episodes` holds the live episodes it steps
(also usable without MCP, as an exported skill's ``scripts/play.py`` does). See
docs/export.md.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

from learnact.agents.act import AgentConfig
from learnact.agents.trajectory import TrajectoryWriter
from learnact.envs.base import TaskFamily
from learnact.library.format import ActionLibrary
from learnact.sandbox.limits import SandboxLimits
from learnact.serve.episodes import Episodes, LiveEpisode

__all__ = ["Episodes", "LiveEpisode", "default_runs_dir", "serve"]


def default_runs_dir(family: TaskFamily) -> Path:
    """Where a server records its episodes unless told: ``$LEARNACT_SERVE_RUNS`` if set, else
    the user data folder's ``learnact/serve/<family>/<UTC time>-<pid>`` (e.g.
    ``~/.local/share/learnact/serve/pddl-gripper/20250101T120000Z-4242`` on Linux): a server a
    desktop client starts may run in any working directory."""
    from platformdirs import user_data_dir

    root = Path(os.environ.get("LEARNACT_SERVE_RUNS") or Path(user_data_dir("learnact")) / "serve")
    slug = "".join(c if c.isalnum() else "-" for c in family.name).strip("-")
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    return root / slug / f"{stamp}-{os.getpid()}"


def serve(
    family: TaskFamily,
    library: ActionLibrary | None,
    *,
    library_id: str | None = None,
    task: int | None = None,
    http_port: int | None = None,
    runs_dir: str | os.PathLike[str] | None = None,
    max_episodes: int = 16,
    timeout_s: float = 10.0,
    max_basic_actions: int = 50,
    limits: SandboxLimits | None = None,
) -> Path:
    """Serve ``family``'s actions and ``library``'s over MCP until the client closes stdio
    (or, with ``http_port``, until SIGINT/SIGTERM; SIGTERM raises ``SystemExit(0)``), then
    end every live episode. Episodes are
    recorded in ``runs_dir/trajectories.jsonl`` (default `default_runs_dir`), the format of
    ``learnact eval --out``; ``task`` is the task a client plays before it calls ``reset``.
    ``timeout_s`` and ``max_basic_actions`` bound each call, as in eval. Returns the runs
    folder. Raises `BadInput` for a task out of range or a library calling unknown functions.
    """
    from learnact.serve.mcp_server import build_server, serve_http, serve_stdio

    out = Path(runs_dir) if runs_dir is not None else default_runs_dir(family)
    episodes = Episodes(
        family,
        library,
        writer=TrajectoryWriter(out),
        default_task=task,
        library_id=library_id,
        max_live=max_episodes,
        config=AgentConfig(timeout_s=timeout_s, max_basic_actions=max_basic_actions),
        limits=limits,
    )
    sys.stderr.write(f"learnact serve: recording episodes in {out / 'trajectories.jsonl'}\n")
    # SIGTERM is how clients (and service managers) stop a server: a normal end (exit 0)
    # that ends and records the episodes on the way out instead of dying mid-write.
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        server = build_server(episodes, stdio=http_port is None)
        if http_port is None:
            serve_stdio(server)
        else:
            serve_http(server, http_port)
    finally:
        signal.signal(signal.SIGTERM, previous)
        episodes.close()
    return out


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(0)
