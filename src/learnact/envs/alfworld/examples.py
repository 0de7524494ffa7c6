"""One worked example per task type: a recorded real episode of a paper TRAIN game.

``examples.json`` holds, per task type, the game (a train game of the paper's split),
the winning commands (from that game's walkthrough) and the trajectory text recorded by
really playing them in both game formats. `record` re-plays a game to (re)produce the
text; a test checks the stored text still equals what the engine says.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib.resources import files
from pathlib import Path

from learnact.envs.alfworld.commands import Format
from learnact.envs.alfworld.episode import AlfworldEpisode

_CALLS = [
    (re.compile(r"^go to (.+)$"), "goto"),
    (re.compile(r"^take (.+) from (.+)$"), "take"),
    (re.compile(r"^(?:move (.+) to (.+)|put (.+) in/on (.+))$"), "put"),
    (re.compile(r"^(open|close|use|examine) (.+)$"), None),
    (re.compile(r"^(clean|heat|cool) (.+) with (.+)$"), None),
    (re.compile(r"^(inventory|look)$"), None),
]


def as_call(command: str) -> str:
    """``take mug 1 from desk 1`` -> ``take('mug 1', 'desk 1')`` (either game format)."""
    for pattern, name in _CALLS:
        m = pattern.match(command.strip())
        if m:
            args = [g for g in m.groups() if g is not None]
            if name is None:
                name, args = args[0], args[1:]
            return f"{name}({', '.join(repr(a) for a in args)})"
    raise ValueError(f"no basic action for command {command!r}")


def record(game: Path, fmt: Format, commands: list[str]) -> str:
    """Play ``commands`` (as basic-action calls) in ``game``; the Goal/Observation/Action text."""
    from learnact.envs.alfworld.commands import BASIC_ACTIONS

    actions = {a.name: a for a in BASIC_ACTIONS}
    episode = AlfworldEpisode(game, fmt)
    try:
        first = episode.reset()
        lines = [f"Goal: {first.goal}", f"Observation: {first.observation}"]
        for command in commands:
            call = as_call(command)
            name, _, rest = call.partition("(")
            args = [a.strip().strip("'") for a in rest.rstrip(")").split(",") if a.strip()]
            result = episode.step(actions[name].to_command(*args))
            if not result.valid:  # a broken example must never reach a prompt
                raise AssertionError(f"example step {call} is invalid in {game}")
            lines += [f"Action: {call}", f"Observation: {result.observation}"]
        if not episode.won:
            raise AssertionError(f"the example does not win {game}")
        return "\n".join(lines)
    finally:
        episode.close()


@cache
def stored() -> dict[str, dict]:
    """The packaged ``examples.json``, read once: task kind -> ``game``, ``split`` and
    ``train_index`` (a train game of the paper's split), ``commands`` (from its walkthrough) and the
    recorded text per game format (``old``, ``new``)."""
    return json.loads((files("learnact.envs.alfworld") / "examples.json").read_text("utf-8"))


def example_text(kind: str, fmt: Format) -> str:
    """The worked example of task kind ``kind`` in game format ``fmt``: ``Goal:`` / ``Observation:``
    / ``Action:`` lines recorded by playing a paper train game (`record`). `KeyError` for an unknown
    kind or format."""
    return stored()[kind][fmt]
