"""A learned library worth reading: descriptions end at a complete sentence, and learned
code keeps no comment that claims an observation nothing produced (issue 21, item 5)."""

from __future__ import annotations

from learnact.learning.code import parse_proposal, without_claimed_observations
from learnact.learning.context import LearnContext
from learnact.learning.creation import (
    CreationConfig,
    clean_paragraph,
    describe,
    without_preamble,
)
from learnact.learning.journal import Journal
from tests.agents.conftest import lights, sandbox, scripted  # noqa: F401 - shared fixtures

INVENTED = """```python
def carry(ball, room):
    # Observation: ball1 is at roomb
    pick(ball, 'rooma', 'left')  # Output: You pick up ball1.
    # go to the other room with the ball
    move('rooma', room)
    return drop(ball, room, 'left')  # expected observation: ball1 is at roomb
```
Example: carry('ball1', 'roomb')"""


def test_comments_that_claim_observations_are_removed_and_others_kept():
    code = parse_proposal(INVENTED, {"pick", "move", "drop"}).code
    assert "Observation" not in code and "Output" not in code and "expected" not in code
    assert "# go to the other room with the ball" in code
    assert "    pick(ball, 'rooma', 'left')\n" in code  # the statement stays, its comment goes
    assert "return drop(ball, room, 'left')" in code
    broken = "def f(:\n    # Observation: x"
    assert without_claimed_observations(broken) == broken  # the parser reports it


def test_a_cut_description_ends_at_its_last_complete_sentence():
    cut = "Carries a ball to a room. Use it when the gripper is free. It then dro"
    assert clean_paragraph(cut, truncated=True) == (
        "Carries a ball to a room. Use it when the gripper is free."
    )
    assert clean_paragraph("Moves the robot. ```x```") == "Moves the robot. x"
    assert clean_paragraph("no sentence end at all", truncated=True) == "no sentence end at all"
    assert clean_paragraph("A. B. " * 300, limit=50).endswith(".")
    three = "Carries a ball. Use it across rooms. The function takes four parameters."
    assert clean_paragraph(three, sentences=2) == "Carries a ball. Use it across rooms."
    assert clean_paragraph("One only.", sentences=2) == "One only."


def test_the_boilerplate_opening_goes():
    text = "The `move_and_pick` function moves Robby to a room and picks up a ball there."
    assert without_preamble(text, "move_and_pick") == (
        "Moves Robby to a room and picks up a ball there."
    )
    assert without_preamble("This carry() action carries a ball.", "carry") == "Carries a ball."
    kept = "Carries a ball; the carry function needs a free gripper."
    assert without_preamble(kept, "carry") == kept
    assert without_preamble("The pair function", "pair") == "The pair function"


def test_describe_asks_for_sentences_and_never_keeps_a_cut_one(lights, sandbox, scripted, tmp_path):  # noqa: F811
    learner = scripted(
        [
            {
                "purpose": "describe_action",
                "match": "one or two complete sentences",
                "response": "Switches on two lamps at once. Use it for pairs and then the",
                "finish_reason": "length",
            }
        ]
    )
    ctx = LearnContext.for_run(learner, learner, sandbox, Journal(tmp_path))
    code = "def pair(a, b):\n    switch_on(a)\n    return switch_on(b)\n"
    out = describe(lights, ctx, code, ["pair"], CreationConfig())
    assert out == {"pair": "Switches on two lamps at once."}
