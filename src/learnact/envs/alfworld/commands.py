"""The agent's basic actions and their translation to each ALFWorld game format's commands.

Two game formats exist. *json_2.1.1* games (the paper's) say ``put X in/on Y``; the games
ALFWorld >= 0.4 downloads say ``move X to Y`` (and add ``help``). Every other command is
the same. Basic actions produce one neutral command (``put mug 1 in/on desk 1``) and the
episode translates it for its game, so learned actions work on both formats.
"""

from __future__ import annotations

import re
from typing import Literal

from learnact.envs.base import BasicAction

Format = Literal["old", "new"]
OLD: Format = "old"
NEW: Format = "new"

# Markers of each format in a game file's grammar (the put/move command template).
FORMAT_MARKERS: dict[Format, bytes] = {
    NEW: b"move {o} to {r}",
    OLD: b"put {o} in/on {r}",
}

_R, _O = "recep", "obj"
BASIC_ACTIONS: tuple[BasicAction, ...] = (
    BasicAction("goto", (_R,), "Go to a receptacle, e.g. goto('countertop 1').", "go to {recep}"),
    BasicAction(
        "take",
        (_O, _R),
        "Pick up an object from the receptacle you are at, e.g. take('mug 1', 'countertop 1').",
        "take {obj} from {recep}",
    ),
    BasicAction(
        "put",
        (_O, _R),
        "Put the object you hold in or on the receptacle you are at, e.g. put('mug 1', 'desk 1').",
        "put {obj} in/on {recep}",
    ),
    BasicAction(
        "open", (_R,), "Open a closed receptacle you are at (fridge, drawer, ...).", "open {recep}"
    ),
    BasicAction("close", (_R,), "Close an open receptacle you are at.", "close {recep}"),
    BasicAction(
        "toggle",
        (_O,),
        "Switch a light or appliance you are at on or off, e.g. toggle('desklamp 1').",
        "toggle {obj}",
    ),
    BasicAction(
        "clean",
        (_O, _R),
        "Clean the object you hold with a sinkbasin you are at, e.g. clean('mug 1', 'sinkbasin 1').",
        "clean {obj} with {recep}",
    ),
    BasicAction(
        "heat",
        (_O, _R),
        "Heat the object you hold with a microwave you are at, e.g. heat('egg 1', 'microwave 1').",
        "heat {obj} with {recep}",
    ),
    BasicAction(
        "cool",
        (_O, _R),
        "Cool the object you hold with a fridge you are at, e.g. cool('apple 1', 'fridge 1').",
        "cool {obj} with {recep}",
    ),
    BasicAction(
        "use", (_O,), "Use an object you are at, e.g. use('desklamp 1') turns it on.", "use {obj}"
    ),
    BasicAction(
        "examine",
        (_O,),
        "Look closely at an object you hold or a receptacle you are at.",
        "examine {obj}",
        read_only=True,
    ),
    BasicAction("inventory", (), "List what you are carrying.", "inventory", read_only=True),
    BasicAction("look", (), "Describe where you are and what you see.", "look", read_only=True),
)

_PUT = re.compile(r"^(?:put|place)\s+(?P<o>.+?)\s+(?:in/on|in|on|into|onto)\s+(?P<r>.+)$")
_MOVE = re.compile(r"^move\s+(?P<o>.+?)\s+to\s+(?P<r>.+)$")
_GOTO = re.compile(r"^(?:goto|go\s+to|go)\s+(?P<r>.+)$")
_TAKE = re.compile(r"^take\s+(?P<o>.+?)\s+from\s+(?P<r>.+)$")
_TOGGLE = re.compile(r"^(?:toggle|turn\s+on|switch\s+on)\s+(?P<o>.+)$")


def normalize(command: str) -> str:
    """Collapse whitespace and lower-case (the engine's commands are lower case)."""
    return " ".join(command.strip().lower().split())


def translate(command: str, fmt: Format) -> str:
    """The command for a game of format ``fmt`` (unknown commands pass through unchanged)."""
    cmd = normalize(command)
    if m := _MOVE.match(cmd) or _PUT.match(cmd):
        o, r = m["o"], m["r"]
        return f"move {o} to {r}" if fmt == NEW else f"put {o} in/on {r}"
    if m := _GOTO.match(cmd):
        return f"go to {m['r']}"
    if m := _TOGGLE.match(cmd):
        return f"use {m['o']}"
    return cmd


def goto_target(command: str) -> str | None:
    """The receptacle a ``go to`` command names."""
    m = _GOTO.match(normalize(command))
    return m["r"] if m else None


def taken(command: str) -> str | None:
    """The object a ``take O from R`` command picks up."""
    m = _TAKE.match(normalize(command))
    return m["o"] if m else None


def placed(command: str) -> str | None:
    """The object a put / move command puts down (either format)."""
    cmd = normalize(command)
    m = _MOVE.match(cmd) or _PUT.match(cmd)
    return m["o"] if m else None
