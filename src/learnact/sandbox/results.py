"""What one sandboxed run produced, as recorded by the parent."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SubStep:
    """One basic action a run executed: the environment command and what it answered."""

    command: str
    observation: str
    valid: bool


@dataclass(frozen=True)
class ErrorInfo:
    """Why a run did not finish normally.

    ``frames`` are the traceback lines inside the agent's own code only, innermost last,
    as ``line N in func: <source line>`` (``<step>`` is the step, ``<learned actions>`` the
    library's top level).
    """

    type: str
    message: str
    frames: tuple[str, ...] = ()

    def __str__(self) -> str:
        where = f" (at {self.frames[-1]})" if self.frames else ""
        return f"{self.type}: {self.message}{where}"


@dataclass
class ExecResult:
    value: str | None = None  # repr of the step's value (expression steps), bounded
    stdout: str = ""
    error: ErrorInfo | None = None
    sub_trajectory: list[SubStep] = field(default_factory=list)
    timed_out: bool = False
    failed_action: bool = False  # an invalid basic action (or the action limit) ended it
    worker_restarted: bool = False  # the worker was killed or died during this run

    @property
    def ok(self) -> bool:
        """Whether the run finished without an error (a timeout or a failed action is one)."""
        return self.error is None
