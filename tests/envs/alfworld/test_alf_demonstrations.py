"""Demonstrations of ALFWorld training games (issue 20, item 1): the walkthrough a
new-format game carries, replayed in the real engine; old-format games carry none; a test
game never gives one."""

from __future__ import annotations

import pytest

from learnact.errors import BadInput
from learnact.learning.demonstrations import demonstrations
from learnact.learning.induce import trace_from_commands


def test_walkthroughs_of_training_games_are_demonstrations(families):
    new, old = families[("put", "new")], families[("put", "old")]
    task = new.split.train[0]
    found = demonstrations(new, [task])
    (demo,) = found.found
    assert demo.task == task and demo.origin == "walkthrough" and not found.missing
    # Every command is a basic action with string arguments (so Stitch can compress it).
    trace = trace_from_commands(new, demo.commands, "demonstrations", task)
    assert len(trace.calls) == len(demo.commands)
    assert demonstrations(old, [task]).missing == {
        task: "the game file carries no walkthrough (old-format game)"
    }
    with pytest.raises(BadInput, match="no demonstrations of test problems"):
        demonstrations(new, [new.split.test[0]])
