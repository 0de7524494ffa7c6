"""The stored worked examples are real: replaying them in the engine gives the same text."""

from __future__ import annotations

from pathlib import Path

import pytest

from learnact.envs.alfworld.examples import record, stored
from learnact.envs.alfworld.tasks import KINDS

SPLIT = Path("json_2.1.1") / "valid_unseen"


@pytest.mark.parametrize("kind", KINDS)
def test_example_is_a_recorded_train_episode(families, old_dir, new_dir, kind):
    entry = stored()[kind]
    family = families[(kind, "old")]
    assert entry["train_index"] in family.split.train  # never a test task
    fmt, base = ("new", new_dir) if kind == "put" else ("old", old_dir)
    assert record(base / SPLIT / entry["game"], fmt, entry["commands"]) == entry[fmt]
