"""What the agent is told after one line of its code ran in the sandbox (as in the paper).

* a basic action: the environment's observation;
* a learned action that succeeded: the resulting state (state families such as PDDL) or
  every observation it produced (event families such as ALFWorld);
* a learned action that failed part-way: the error, then the state where it stopped
  (or, for event families, the error first and then what it produced before failing);
* code that raised: a clear "not valid" message with the Python error;
* an invalid basic action in a state family: the reason, then the current state, so that
  the state stays in view after a run of failures (a small model otherwise loses it).
"""

from __future__ import annotations

from dataclasses import dataclass

from learnact.envs.base import NOT_VALID
from learnact.sandbox.results import ErrorInfo

__all__ = ["NOT_VALID", "Observed", "observe"]


@dataclass(frozen=True)
class Observed:
    text: str
    valid: bool
    error: str | None = None


def observe(
    *,
    sub_observations: list[tuple[str, bool]],
    error: ErrorInfo | None,
    failed_action: bool,
    timed_out: bool,
    timeout_s: float,
    learned: bool,
    state_observations: bool,
    last_state: str,
    value: str | None = None,
    stdout: str = "",
) -> Observed:
    """The observation for one executed line of agent code, from the sandbox's result:
    ``sub_observations`` are ``(observation, valid)`` of the basic actions it ran, in
    order; ``error`` the run's error, if any (``failed_action``: an invalid basic action
    ended it); ``learned``: the line called a learned action; ``last_state``: the latest
    state observation, shown again in state families. Returns the text, whether the step
    counts as valid, and a short error for the trajectory."""
    valid_obs = [obs for obs, ok in sub_observations if ok]
    if timed_out:
        text = f"{NOT_VALID} The code did not finish within {timeout_s:g} seconds and was stopped."
        return Observed(
            _with_state(text, valid_obs, state_observations, last_state), False, "timeout"
        )
    if error is not None and failed_action:
        failed = next((obs for obs, ok in sub_observations if not ok), error.message)
        if not learned:
            if state_observations and last_state:
                failed = f"{failed}\nThe current state: {last_state}"
            return Observed(failed, False, "invalid action")
        head = f"Error in the learned action: {failed}"
        if state_observations:
            state = valid_obs[-1] if valid_obs else last_state
            return Observed(f"{head}\nThe state where it stopped: {state}", False, head)
        return Observed("\n".join([head, *valid_obs]), False, head)
    if error is not None:
        detail = str(error)  # type, message and the innermost frame of the agent's code
        text = f"{NOT_VALID} Python error: {detail}"
        return Observed(_with_state(text, valid_obs, state_observations, last_state), False, detail)
    if not sub_observations:
        shown = stdout.strip() or (value if value not in (None, "None") else "")
        text = shown or "Nothing happened: the code called no action."
        return Observed(text, False, None)
    if state_observations or not learned:
        return Observed(sub_observations[-1][0], True)
    return Observed("\n".join(obs for obs, _ in sub_observations), True)


def _with_state(text: str, valid_obs: list[str], state_observations: bool, last_state: str) -> str:
    if not valid_obs:
        return text
    if state_observations:
        return f"{text}\nThe state where it stopped: {valid_obs[-1]}"
    return "\n".join([text, *valid_obs])
