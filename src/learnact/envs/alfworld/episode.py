"""One ALFWorld game as an `Episode`: its own engine instance, commands translated per format."""

from __future__ import annotations

from pathlib import Path

from learnact.envs.alfworld import commands
from learnact.envs.alfworld.commands import Format
from learnact.envs.alfworld.engine import GameEngine
from learnact.envs.alfworld.observations import (
    NOT_VALID,
    first_observation,
    state_line,
    step_observation,
)
from learnact.envs.base import CHECK_VALID_COMMAND, Episode, ResetResult, StepResult

HIDDEN_COMMANDS = frozenset({"help"})  # the newer format's command list; not a basic action


class AlfworldEpisode(Episode):
    """A play-through of one game. ``won`` is TextWorld's ``won`` (never ``done``).

    The engine is loaded on the first ``reset()`` (about a second) and reused by later
    resets; ``close()`` releases it.
    """

    def __init__(self, path: Path, fmt: Format) -> None:
        self.path = Path(path)
        self.format: Format = fmt
        self._engine: GameEngine | None = None
        self._won = False
        self._at: str | None = None  # the receptacle the agent is at (None: mid-room)
        self._holding: str | None = None

    def reset(self) -> ResetResult:
        """Load the game's engine (first call only) and restart the game; returns ALFWorld's first
        observation and its goal line. Raises `BadInput` when the ALFWorld extra is missing,
        `MalformedTask` when the game file cannot be loaded."""
        if self._engine is None:
            self._engine = GameEngine(self.path)
        self._won = False
        self._at = self._holding = None
        return first_observation(self._engine.reset())

    def _require(self) -> GameEngine:
        if self._engine is None:
            raise RuntimeError("reset() the episode before step()")
        return self._engine

    def to_engine(self, command: str) -> str:
        """The engine command for ``command`` (as written if admissible, else translated)."""
        engine = self._require()
        cmd = commands.normalize(command)
        return cmd if cmd in engine.admissible else commands.translate(cmd, self.format)

    def step(self, command: str) -> StepResult:
        """Apply one command, in either game format (`commands.translate` adapts it);
        ``check valid actions`` lists the admissible commands. A command the engine refuses changes
        nothing and answers `NOT_VALID` followed by where the agent is and what it holds.
        ``progress`` is always ``None`` (ALFWorld reports none). `RuntimeError` before `reset`."""
        engine = self._require()
        if commands.normalize(command) == CHECK_VALID_COMMAND:
            listing = ", ".join(self.valid_actions() or []) or "none"
            return StepResult(f"Valid actions: {listing}.", True, self._won)
        cmd = self.to_engine(command)
        feedback, valid = engine.step(cmd)
        self._won = engine.won
        observation = step_observation(feedback, valid, commands.goto_target(cmd))
        if observation == NOT_VALID:
            # Like the PDDL families' current state: where the agent is and what it holds
            # tells it why (a small model puts before it takes).
            observation = f"{NOT_VALID} {state_line(self._at, self._holding)}"
        else:
            self._track(cmd)
        return StepResult(observation, valid, self._won)

    def _track(self, cmd: str) -> None:
        """Follow the agent's place and hand through the valid commands."""
        if (target := commands.goto_target(cmd)) is not None:
            self._at = target
        elif (obj := commands.taken(cmd)) is not None:
            self._holding = obj
        elif commands.placed(cmd) is not None:
            self._holding = None

    def state_key(self) -> frozenset[str]:
        """The game's facts now (`GameEngine.state_facts`): the same after a command that
        changed nothing (``look``, ``examine``, ``inventory``), so the repeat guard asks
        again when one is repeated. `RuntimeError` before `reset`."""
        return self._require().state_facts()

    def valid_actions(self) -> list[str] | None:
        """The engine's admissible commands now, without ``help``. `RuntimeError` before `reset`."""
        engine = self._require()
        return [c for c in engine.admissible if c not in HIDDEN_COMMANDS]

    @property
    def won(self) -> bool:
        """Whether a command of this play-through won the game (TextWorld's ``won``)."""
        return self._won

    def close(self) -> None:
        """Release the engine (its fast-downward copy goes back to the pool); a later `reset` loads
        a new one."""
        if self._engine is not None:
            self._engine.close()
            self._engine = None
