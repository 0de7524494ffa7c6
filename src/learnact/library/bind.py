"""Use learned actions from your own agent: bind a library to an environment episode.

    from learnact.envs.registry import make_family
    from learnact.library import ActionLibrary, bind

    family = make_family("pddl-gen/gripper")
    episode = family.make_episode(0)
    episode.reset()
    with bind(ActionLibrary.load("runs/x/library"), family, episode) as actions:
        result = actions.carry("ball1", "rooma", "roomb", "left")
        result.sub_trajectory, result.error, actions.won

Every call runs in the sandbox (a separate, confined process); only the basic actions
reach your episode, through this process.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from learnact.envs.base import Episode, EpisodeExecutor, TaskFamily
from learnact.library.format import ActionLibrary
from learnact.sandbox.results import ExecResult

if TYPE_CHECKING:
    from learnact.sandbox.sandbox import Sandbox


class BoundLibrary:
    def __init__(
        self,
        library: ActionLibrary,
        family: TaskFamily,
        episode: Episode,
        *,
        sandbox: Sandbox | None = None,
        max_basic_actions: int = 50,
        timeout_s: float = 10.0,
    ) -> None:
        from learnact.sandbox.sandbox import Sandbox

        library.check_calls({a.name for a in family.basic_actions})
        self.library = library
        self.family = family
        self.episode = episode
        self._own_sandbox = sandbox is None
        self.sandbox = sandbox or Sandbox()
        self.max_basic_actions = max_basic_actions
        self.timeout_s = timeout_s
        # One executor for the whole episode: once won, no call reaches it again.
        self._execute = EpisodeExecutor(episode)

    @property
    def won(self) -> bool:
        """The goal was reached by some call so far."""
        return self._execute.won

    @property
    def progress(self) -> float | None:
        """The latest progress rate the environment reported, if any."""
        return self._execute.progress

    def run(self, code: str) -> ExecResult:
        """Run one line of Python (calls of basic or learned actions) in the sandbox."""
        return self.sandbox.run(
            code,
            library=self.library.source,
            actions=self.family.basic_actions,
            execute=self._execute,
            max_basic_actions=self.max_basic_actions,
            timeout_s=self.timeout_s,
        )

    def call(self, name: str, *args: str | int | float) -> ExecResult:
        """Call one learned or basic action by name with plain arguments."""
        known = {a.name for a in self.library.actions} | {a.name for a in self.family.basic_actions}
        if name not in known:
            raise AttributeError(f"no action named {name!r}")
        call = ast.Call(func=ast.Name(name), args=[ast.Constant(a) for a in args], keywords=[])
        return self.run(ast.unparse(call))

    def __getattr__(self, name: str) -> Callable[..., ExecResult]:
        if name.startswith("_"):
            raise AttributeError(name)
        return lambda *args: self.call(name, *args)

    def close(self) -> None:
        """Close the sandbox if this binding started it (a sandbox passed in stays open)."""
        if self._own_sandbox:
            self.sandbox.close()

    def __enter__(self) -> BoundLibrary:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def bind(
    library: ActionLibrary, family: TaskFamily, episode: Episode, **kwargs: Any
) -> BoundLibrary:
    """Bind ``library`` to ``episode`` of ``family``:
    ``BoundLibrary(library, family, episode, **kwargs)``, whose methods call the learned and basic
    actions in a sandbox. ``kwargs``: ``sandbox`` (default: a new one, closed with the binding),
    ``max_basic_actions`` (per call, default 50), ``timeout_s`` (per call, default 10 s). Raises
    `BadInput` when the library calls functions that are neither learned nor basic actions. Use it
    as a context manager, or `BoundLibrary.close` it."""
    return BoundLibrary(library, family, episode, **kwargs)
