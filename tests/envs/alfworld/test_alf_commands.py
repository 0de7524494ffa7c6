"""Basic actions -> engine commands, for both game formats (no engine needed)."""

from __future__ import annotations

import pytest

from learnact.envs.alfworld.commands import BASIC_ACTIONS, translate
from learnact.envs.alfworld.examples import as_call
from learnact.envs.alfworld.observations import NOT_VALID, first_observation, step_observation

ACTIONS = {a.name: a for a in BASIC_ACTIONS}
CASES = [
    ("goto", ("desk 1",), "go to desk 1", "go to desk 1"),
    ("take", ("mug 1", "desk 1"), "take mug 1 from desk 1", "take mug 1 from desk 1"),
    ("put", ("mug 1", "desk 1"), "put mug 1 in/on desk 1", "move mug 1 to desk 1"),
    ("open", ("fridge 1",), "open fridge 1", "open fridge 1"),
    ("close", ("fridge 1",), "close fridge 1", "close fridge 1"),
    ("toggle", ("desklamp 1",), "use desklamp 1", "use desklamp 1"),
    (
        "clean",
        ("mug 1", "sinkbasin 1"),
        "clean mug 1 with sinkbasin 1",
        "clean mug 1 with sinkbasin 1",
    ),
    (
        "heat",
        ("egg 1", "microwave 1"),
        "heat egg 1 with microwave 1",
        "heat egg 1 with microwave 1",
    ),
    ("cool", ("egg 1", "fridge 1"), "cool egg 1 with fridge 1", "cool egg 1 with fridge 1"),
    ("use", ("desklamp 1",), "use desklamp 1", "use desklamp 1"),
    ("examine", ("mug 1",), "examine mug 1", "examine mug 1"),
    ("inventory", (), "inventory", "inventory"),
    ("look", (), "look", "look"),
]


@pytest.mark.parametrize(("name", "args", "old", "new"), CASES)
def test_each_basic_action_translates_per_format(name, args, old, new):
    command = ACTIONS[name].to_command(*args)
    assert translate(command, "old") == old
    assert translate(command, "new") == new


def test_all_basic_actions_are_covered_and_user_spellings_work():
    assert {c[0] for c in CASES} == set(ACTIONS)
    assert translate("move mug 1 to desk 1", "old") == "put mug 1 in/on desk 1"
    assert translate("Put  Mug 1 on Desk 1", "new") == "move mug 1 to desk 1"
    assert translate("goto desk 1", "old") == "go to desk 1"
    assert as_call("move mug 1 to desk 1") == as_call("put mug 1 in/on desk 1")
    assert as_call("take mug 1 from desk 1") == "take('mug 1', 'desk 1')"


def test_observation_text():
    intro = "-= Welcome to TextWorld, ALFRED! =-\n\nYou are in a room.\n\nYour task is to: put a mug in desk."
    first = first_observation(intro)
    assert first.observation == "You are in a room."
    assert first.goal == "Your task is to: put a mug in desk."
    assert step_observation("Nothing happens.", False) == NOT_VALID
    arrive = "You arrive at loc 12. On the desk 1, you see a pen 1."
    assert (
        step_observation(arrive, True, "desk 1")
        == "You arrive at desk 1. On the desk 1, you see a pen 1."
    )
