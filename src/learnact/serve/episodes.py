"""Live episodes that an outside agent (an MCP client, a skill's script) steps by tool calls.

A `LiveEpisode` is one task of a family being played: its environment episode, its own
`learnact.sandbox.Sandbox`, and its `EpisodeRecord`. Every action call is turned into one
line of Python and played by `learnact.agents.act.ActAgent.play_line`, the very code
`learnact eval` steps its agents' answers with: learned actions (and basic ones) run in
the sandbox, the observation is what an eval agent would be shown, and the step is
recorded with its sub-trajectory. `Episodes` keeps the live episodes of a server apart,
by client key or episode id, and writes each one's record to ``trajectories.jsonl`` (the
format of ``learnact eval --out``) when it is won, replaced, evicted or the server stops.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import asdict
from typing import Any

from learnact.agents.act import ActAgent, AgentConfig
from learnact.agents.context import RunContext
from learnact.agents.trajectory import EpisodeRecord, StepRecord, TrajectoryWriter
from learnact.envs.base import EpisodeExecutor, TaskFamily
from learnact.errors import BadInput
from learnact.library.format import ActionLibrary
from learnact.library.tools import ActionTool, action_tools
from learnact.sandbox.limits import SandboxLimits

#: The tool that lists the valid actions (as in eval: ``check_valid_actions()``).
CHECK_VALID = "check_valid_actions"


class _ClientModel:
    """The model slot of the agent whose ``play_line`` steps the episode: the client is the
    model here, so nothing is ever asked of it; ``spec`` names the client in the record."""

    def __init__(self, spec: str) -> None:
        self.spec = spec

    def complete(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a served episode has no model: its client chooses the actions")


class LiveEpisode:
    """One task being played by one client, step by step.

    Not for concurrent calls: `Episodes` serialises the calls of one episode (``lock``).
    """

    def __init__(
        self,
        family: TaskFamily,
        task: int,
        library: ActionLibrary | None,
        *,
        client: str = "mcp-client",
        library_id: str | None = None,
        config: AgentConfig | None = None,
        limits: SandboxLimits | None = None,
    ) -> None:
        from learnact.sandbox.sandbox import Sandbox

        family.check_task(task)  # BadInput for an index out of range
        self.id = uuid.uuid4().hex
        self.family, self.task, self.library = family, task, library
        self.lock = threading.Lock()
        self.last_used = time.monotonic()
        self.sandbox = Sandbox(limits)
        self.agent = ActAgent(
            family,
            RunContext(_ClientModel(client), self.sandbox),
            library=library,
            config=config or AgentConfig(),
            method="mcp" + ("" if library is None else "+library"),
            library_id=library_id,
        )
        self.record = EpisodeRecord(
            family=family.name,
            task=task,
            task_name=family.tasks[task].name,
            method=self.agent.method,
            model=client,
            data_source=family.source.to_dict(),
            library=library_id,
        )
        self.episode = family.make_episode(task)
        first = self.episode.reset()
        self.record.goal, self.record.first_observation = first.goal, first.observation
        self._last_state = first.observation
        self.closed = False
        self.written = False

    def start_info(self) -> dict[str, Any]:
        """What a client needs first: the episode id, task, goal and first observation."""
        return {
            "episode_id": self.id,
            "family": self.family.name,
            "task": self.task,
            "task_name": self.record.task_name,
            "goal": self.record.goal,
            "observation": self.record.first_observation,
            "won": False,
        }

    def play(self, line: str) -> dict[str, Any]:
        """Play one line of Python (a call of a basic or learned action, or
        ``check_valid_actions()``) as the next step; returns the step as JSON data:
        ``observation`` (what an eval agent would be shown), ``valid``, ``won`` (the goal is
        reached), ``progress``, ``error``, ``learned`` and ``sub_trajectory`` (each basic
        action the call ran: ``command``, ``observation``, ``valid``). Once the episode is
        won, nothing more reaches the environment (the result says so)."""
        self.last_used = time.monotonic()
        if self.closed:
            raise BadInput("this episode has ended; call reset(task) to start another")
        if self.record.won:
            return self._result(
                StepRecord(
                    len(self.record.steps),
                    "action",
                    None,
                    line,
                    line,
                    EpisodeExecutor.REACHED,
                    True,
                    won=True,
                ),
                recorded=False,
            )
        step = self.agent.play_line(self.episode, len(self.record.steps), line, self._last_state)
        step.completion = line  # what the client asked for, where eval keeps the model's answer
        self.record.steps.append(step)
        if step.valid and self.family.state_observations and step.sub_actions:
            self._last_state = next(
                (s.observation for s in reversed(step.sub_actions) if s.valid), self._last_state
            )
        if step.progress is not None:
            self.record.progress = step.progress
        if step.won:
            self.record.won = True
        return self._result(step)

    def _result(self, step: StepRecord, recorded: bool = True) -> dict[str, Any]:
        return {
            "episode_id": self.id,
            "task": self.task,
            "step": step.index if recorded else None,
            "call": step.call,
            "observation": step.observation,
            "valid": step.valid,
            "won": self.record.won,
            "progress": self.record.progress,
            "error": step.error,
            "learned": step.learned_call is not None,
            "sub_trajectory": [asdict(s) for s in step.sub_actions],
        }

    def close(self) -> EpisodeRecord:
        """End the episode: close the environment episode and the sandbox (idempotent)."""
        if not self.closed:
            self.closed = True
            if self.record.progress is None:
                self.record.progress = self.episode.progress
            self.episode.close()
            self.sandbox.close()
        return self.record


class Episodes:
    """The live episodes of one server, kept apart.

    Each client *key* (a transport session: the stdio process, an HTTP session id) has at
    most one current episode; clients without a session name their episode by the id
    `reset` returned. At most ``max_live`` episodes are live: starting one more ends the
    least recently used. Thread-safe; calls of one episode run one at a time.
    """

    def __init__(
        self,
        family: TaskFamily,
        library: ActionLibrary | None,
        *,
        writer: TrajectoryWriter | None = None,
        default_task: int | None = None,
        library_id: str | None = None,
        max_live: int = 16,
        config: AgentConfig | None = None,
        limits: SandboxLimits | None = None,
    ) -> None:
        if library is not None:
            library.check_calls({a.name for a in family.basic_actions})
        if default_task is not None:
            family.check_task(default_task)
        self.family, self.library, self.writer = family, library, writer
        self.default_task, self.library_id = default_task, library_id
        # One episode per process for families that allow no more (TaskFamily.concurrency).
        self.max_live = 1 if family.concurrency == "process" else max(1, max_live)
        self.config, self.limits = config or AgentConfig(), limits
        self.tools: dict[str, ActionTool] = {t.name: t for t in action_tools(library, family)}
        self._live: OrderedDict[str, LiveEpisode] = OrderedDict()  # by id, oldest use first
        self._by_key: dict[str, str] = {}
        self._lock = threading.Lock()

    # --- lifetime -------------------------------------------------------------------------
    def reset(
        self,
        key: str | None,
        task: int | None = None,
        episode_id: str | None = None,
        client: str = "mcp-client",
    ) -> LiveEpisode:
        """Start task ``task`` (default: the server's ``default_task``) as the current episode
        of ``key`` (or of nobody, when ``key`` is None), ending the episode it replaces: the
        key's current one, or ``episode_id``'s. Raises `BadInput` for a missing or out-of-range
        task."""
        if task is None:
            task = self.default_task
        if task is None:
            raise BadInput(
                f"give the task to play: reset(task=N) with N in 0..{len(self.family.tasks) - 1}"
            )
        self.family.check_task(task)
        with self._lock:
            old = episode_id or (self._by_key.get(key) if key is not None else None)
            ended = [self._live.pop(old)] if old in self._live else []
            while len(self._live) >= self.max_live:
                ended.append(self._live.popitem(last=False)[1])
        for e in ended:
            self._end(e)
        live = LiveEpisode(
            self.family,
            task,
            self.library,
            client=client,
            library_id=self.library_id,
            config=self.config,
            limits=self.limits,
        )
        with self._lock:
            self._live[live.id] = live
            if key is not None:
                self._by_key[key] = live.id
        return live

    def current(
        self, key: str | None, episode_id: str | None, client: str = "mcp-client"
    ) -> LiveEpisode:
        """The episode a call acts on: ``episode_id``'s if given, else ``key``'s current one
        (started on the default task when the key has none and the server has one). Raises
        `BadInput` saying what to do when there is none."""
        with self._lock:
            if episode_id is not None:
                live = self._live.get(episode_id)
                if live is None:
                    raise BadInput(
                        f"no live episode {episode_id!r} (it ended, or was never started); "
                        "call reset(task) for a new one"
                    )
            elif key is not None and self._by_key.get(key) in self._live:
                live = self._live[self._by_key[key]]
            else:
                live = None
            if live is not None:
                self._live.move_to_end(live.id)
                return live
        if key is None:
            raise BadInput(
                "this connection has no session: call reset(task) and pass the episode_id it "
                "returns with every call"
            )
        if self.default_task is None:
            raise BadInput("no episode yet: call reset(task) first")
        return self.reset(key, self.default_task, client=client)

    def call(
        self,
        key: str | None,
        name: str,
        arguments: dict[str, Any] | None,
        episode_id: str | None = None,
        client: str = "mcp-client",
    ) -> dict[str, Any]:
        """Call action ``name`` (or ``check_valid_actions``) with a tool call's ``arguments`` in
        the episode `current` picks, and return `LiveEpisode.play`'s result. An episode that
        reaches its goal is written to the trajectories then. Raises `BadInput` for an unknown
        action or bad arguments (nothing is played then)."""
        if name == CHECK_VALID:
            if arguments:
                raise BadInput(f"{CHECK_VALID}() takes no arguments")
            line = f"{CHECK_VALID}()"
        elif name in self.tools:
            line = self.tools[name].call_line(arguments)
        else:
            raise BadInput(f"unknown action {name!r}; actions: {', '.join(self.tools)}")
        live = self.current(key, episode_id, client)
        with live.lock:
            result = live.play(line)
        if live.record.won:
            self._write(live)
        return result

    def end(self, key: str) -> None:
        """End ``key``'s current episode, if any (its client went away)."""
        with self._lock:
            live = self._live.pop(self._by_key.pop(key, ""), None)
        if live is not None:
            self._end(live)

    def close(self) -> None:
        """End every live episode, writing each one's record."""
        with self._lock:
            live, self._live = list(self._live.values()), OrderedDict()
            self._by_key.clear()
        for e in live:
            self._end(e)

    def _end(self, live: LiveEpisode) -> None:
        with live.lock:
            live.close()
        self._write(live)

    def _write(self, live: LiveEpisode) -> None:
        with live.lock:
            if live.written or self.writer is None or not live.record.steps:
                return
            live.written = True
            self.writer.add_episode(live.record)
