"""The engine's text as the agent sees it (as in the paper, ReAct-style).

* The first observation loses TextWorld's banner (``-= Welcome to TextWorld, ALFRED! =-``)
  and its ``Your task is to: ...`` line, which becomes the goal.
* "Nothing happens." (the engine's answer to any inadmissible command) becomes the clear
  "not valid" sentence the PDDL environments use, followed by where the agent is and
  what it holds (`state_line`; the PDDL families likewise add the current state).
* json_2.1.1 games answer ``go to X`` with "You arrive at loc 12. ..." (an internal location
  number); we say "You arrive at X. ..." as the newer game format does, so learned actions
  that read arrival messages work on both formats.
"""

from __future__ import annotations

import re

from learnact.envs.base import NOT_VALID, ResetResult

__all__ = ["NOT_VALID", "first_observation", "state_line", "step_observation"]
NOTHING_HAPPENS = "Nothing happens."
GOAL_PREFIX = "Your task is to:"
_BANNER = re.compile(r"^-=.*=-$")
_ARRIVE_LOC = re.compile(r"^You arrive at loc \d+\.")


def first_observation(feedback: str) -> ResetResult:
    """Split the engine's intro into the observation and the goal."""
    parts = [p.strip() for p in feedback.strip().split("\n\n") if p.strip()]
    parts = [p for p in parts if not _BANNER.match(p)]
    goal = next((p for p in parts if p.startswith(GOAL_PREFIX)), "")
    observation = "\n".join(p for p in parts if p != goal)
    return ResetResult(observation=observation, goal=" ".join(goal.split()))


def step_observation(feedback: str, valid: bool, goto_target: str | None = None) -> str:
    """The observation for one step's engine feedback."""
    if not valid or feedback.strip() == NOTHING_HAPPENS:
        return NOT_VALID
    text = feedback.strip()
    if goto_target:
        text = _ARRIVE_LOC.sub(f"You arrive at {goto_target}.", text, count=1)
    return text


def state_line(at: str | None, holding: str | None) -> str:
    """Where the agent is and what it holds, e.g. "You are at desk 2 and hold nothing." """
    where = f"at {at}" if at else "in the middle of the room"
    return f"You are {where} and hold {f'the {holding}' if holding else 'nothing'}."
