"""What the agent is told about ALFWorld households (our own words, checked against the engine)."""

from __future__ import annotations

from learnact.envs.alfworld.observations import NOT_VALID

_GENERAL = (
    "You are in a household, in a text game (ALFWorld). Each task asks you to find objects, "
    "perhaps process them, and put them somewhere. Objects and receptacles are named with a "
    "number, e.g. 'mug 1' or 'countertop 2'; use the exact names you see in observations. "
    "You see what is on or in a receptacle only when you go to it, and a closed receptacle "
    "(fridge, drawer, cabinet, microwave, safe, ...) must be opened first. You can carry one "
    "object at a time and must be at a receptacle to take from it or put into it. To clean, "
    "heat or cool an object, hold it and go to a sinkbasin, a microwave or a fridge. To "
    "look at an object in the light, hold it and use a desklamp or floorlamp where you are. "
    f'An action that cannot be done answers "{NOT_VALID}"'
)

_KIND = {
    "put": "In this task type you put one object in or on a receptacle.",
    "clean": "In this task type you clean an object and then put it in or on a receptacle.",
    "heat": "In this task type you heat an object and then put it in or on a receptacle.",
    "cool": "In this task type you cool an object and then put it in or on a receptacle.",
    "examine": "In this task type you look at an object under a lamp: hold it and use the lamp.",
    "puttwo": "In this task type you put two objects of one kind in or on a receptacle, one at a time.",
}


def instruction(kind: str) -> str:
    """What the agent is told for task type ``kind`` (a key of `tasks.TASK_TYPES`): the general
    household text, then one sentence on the task type. learnact's own words, checked against the
    engine's behaviour. `KeyError` for an unknown kind."""
    return f"{_GENERAL} {_KIND[kind]}"
