"""The closed set of request purposes.

Every request names why it is made; usage is accounted per purpose and scripted models
match rules on it.
"""

from __future__ import annotations

from learnact.errors import BadInput

PURPOSES: dict[str, str] = {
    "act": "one step of an acting agent (Act / ReAct / LearnAct): the next action call",
    "program": "Code-as-Policies: a whole program that solves the task",
    "create_actions": "learner: write new actions (Python functions) from the instruction",
    "fix_actions": "learner: repair actions that failed in training episodes",
    "describe_action": "learner: write the docstring / description of an action",
    "usage_example": "learner: write a usage example for an action",
    "name_action": "learner: name and describe an action induced from action sequences",
    "revise": "learner: revise an action or its documentation after feedback",
    "reflect": "Reflexion: a lesson from a failed episode",
}


def check_purpose(purpose: str) -> str:
    """``purpose`` itself when it is one of `PURPOSES`, else `BadInput` (CLI exit 2) listing them."""
    if purpose not in PURPOSES:
        raise BadInput(f"unknown request purpose {purpose!r}; one of: {', '.join(PURPOSES)}")
    return purpose
