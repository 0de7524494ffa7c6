"""Answer shapes real models produce, and the call the agent takes from each (or none).

The rule (the paper's agent): one line of Python per step. The LLM layer takes a reasoning
model's thinking out (`split_reasoning`) and its "first_line" stop rule cuts the answer
(`first_line_reply`); then the first call of a known action in what is left is taken
(`parse_action`). So when an answer holds several candidate lines, the first line wins:
the model's first commitment, the line a real stop sequence ends the generation after.
"""

from __future__ import annotations

import pytest

from learnact.agents.parsing import first_line_reply, parse_action
from learnact.llm.types import split_reasoning

KNOWN = {"pick", "move", "drop", "carry", "check_valid_actions", "go_to", "take", "put"}
P = "pick('ball1', 'rooma', 'left')"
M = "move('rooma', 'roomb')"

CORPUS: list[tuple[str, str | None]] = [
    # plain
    (P, P),
    (f"  {P}  ", P),
    (f"{P}\n", P),
    ('pick("ball1", "rooma", "left")', P),
    ("pick('ball1','rooma','left')", P),
    ("check_valid_actions()", "check_valid_actions()"),
    # fences
    (f"```python\n{P}\n```", P),
    (f"```\n{P}\n```", P),
    (f"```py\n{P}\n```", P),
    (f"```{P}```", P),
    (f"```python {P}```", P),
    (f"```python\n{P}", P),  # the closing fence cut by the stop rule
    (f"~~~\n{P}\n~~~", P),
    (f"`{P}`", P),
    (f"<code>{P}</code>", P),
    # prefixes and list markers
    (f"Action: {P}", P),
    (f"action: {P}", P),
    (f"ACTION: {P}", P),
    (f"Action 3: {P}", P),
    (f"Act: {P}", P),
    (f"> {P}", P),
    (f"$ {P}", P),
    (f"1. {P}", P),
    (f"- {P}", P),
    (f"* {P}", P),
    (f"**Action:** {P}", P),
    # trailing text and comments
    (f"{P}  # the ball is here", P),
    (f"{P} because the ball is in rooma", P),
    (f"{P}.", P),
    (f"{P};", P),
    # keyword arguments (kept as written: the sandbox binds them)
    (
        "pick(obj='ball1', room='rooma', gripper='left')",
        "pick(obj='ball1', room='rooma', gripper='left')",
    ),
    # two calls: the first is taken
    (f"{P}; {M}", P),
    (f"{P}\n{M}", P),
    (f"{M} then {P}", M),
    # prose first: the first line is the answer (a local model stops generating there),
    # so code on a later line is never reached; the repeat guard asks again instead
    (f"I should pick up the ball first.\n{P}", None),
    (f"Let me think. The ball is in rooma.\n\n```python\n{P}\n```", None),
    (f"The next action is {P}.", P),
    # a reasoning model's thinking (taken out by the LLM layer before parsing)
    (f"<think>\nThe ball is in rooma.\n</think>\n\n{P}", P),
    (f"<think>move first? no.</think>{P}", P),
    (f"<think>\n{M} would be wrong\n</think>\n{P}", P),  # a call inside the thinking
    ("<think>\nstill thinking when the tokens ran out", None),
    # chat-template leftovers
    (f"{P}<|im_end|>", P),
    (f"{P}</s>", P),
    (f"<|assistant|>{P}", P),
    # quotes of other scripts
    ("pick(\u2018ball1\u2019, \u2018rooma\u2019, \u2018left\u2019)", P),
    ("pick(\u201cball1\u201d, \u201crooma\u201d, \u201cleft\u201d)", P),
    ("pick(\u00abball1\u00bb, \u00abrooma\u00bb, \u00ableft\u00bb)", P),
    ("pick(\u201eball1\u201c, \u201erooma\u201c, \u201eleft\u201c)", P),
    ("pick(\u300cball1\u300d, \u300crooma\u300d, \u300cleft\u300d)", P),
    ("pick(\uff07ball1\uff07, \uff02rooma\uff02, \uff07left\uff07)", P),
    # ALFWorld shapes
    ("go_to('countertop 1')", "go_to('countertop 1')"),
    ("take('mug 1', 'countertop 1')", "take('mug 1', 'countertop 1')"),
    # no call at all
    ("", None),
    ("I don't know what to do.", None),
    ("```\n```", None),
    ("Observation: Robby is at rooma.", None),  # an observation copied back
    ("Robby is in rooma. Ball1 is at rooma.", None),
    ("pick(", None),  # cut mid-call
    ("pick('ball1', 'rooma", None),  # an unbalanced quote
    ("ball1.pick()", None),  # a method, not an action
    ("x = 3", None),
    ("unknown_action('x')", None),  # not a known action
    ("# pick the ball", None),  # a comment only
]


def test_the_corpus_is_large_enough():
    assert len(CORPUS) >= 50


@pytest.mark.parametrize(("answer", "expected"), CORPUS, ids=[a[:40] for a, _ in CORPUS])
def test_answer_shapes(answer, expected):
    # As `Model.complete` and the agent do: thinking out, the first line, the first call.
    call = parse_action(first_line_reply(split_reasoning(answer)[0]), KNOWN)
    assert (call.code if call else None) == expected
