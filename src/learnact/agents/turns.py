"""The acting prompt as conversation turns (``AgentConfig.prompt_style = "turns"``).

The default prompt (``"text"``, the LearnAct paper's) is one system message with the worked
example as text and one user message with the goal and the whole history. Chat-tuned small
models are trained on alternating turns instead, so this style gives them the worked (or
usage) example and the episode so far as turns: each ``Action:`` is an assistant message
holding the call alone, and the goal and observations are user messages. The system
message keeps the instruction and the actions, without the example. Issue 20, item 4 asks
which of the two a small actor follows better; BENCHMARKS.md ("Small models") has the
measurement.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from learnact.agents.history import Entry

__all__ = ["NEW_TASK", "PromptStyle", "example_turns", "history_turns"]

#: ``"text"``: the paper's layout; ``"turns"``: this module's.
PromptStyle = Literal["text", "turns"]
PROMPT_STYLES: tuple[PromptStyle, ...] = ("text", "turns")

#: Opens the real task's first user message, after the example's turns.
NEW_TASK = "The example is over. Your task:"

Message = dict[str, str]


def example_turns(text: str) -> tuple[list[Message], str]:
    """A ``Goal:/Observation:/Action:`` transcript (a family's worked example, a library's
    usage example) as alternating ``user``/``assistant`` messages, and the text after its
    last action (its final observation; `history_turns` puts it at the head of the next
    user message, so that no turn is invented). Each ``Action:`` line becomes an assistant
    message with the call alone; the lines between actions (goal, observations) one user
    message. ``([], text)`` for a text with no ``Action:`` line."""
    turns: list[Message] = []
    pending: list[str] = []
    for line in text.strip().splitlines():
        if line.startswith("Action:"):
            turns.append({"role": "user", "content": "\n".join(pending).strip() or "Go on."})
            turns.append({"role": "assistant", "content": line.removeprefix("Action:").strip()})
            pending = []
        else:
            pending.append(line)
    return turns, "\n".join(pending).strip()


def history_turns(
    goal: str, entries: Sequence[Entry], dropped: int, example_tail: str = ""
) -> list[Message]:
    """The episode so far as turns, newest last, ending with a user message (the model's
    answer is the next assistant turn): ``example_tail`` (see `example_turns`), the goal
    (and how many older steps were dropped) with the first shown observation, then per
    entry its action as an assistant message and its observation as a user message."""
    head = [example_tail, NEW_TASK] if example_tail else [NEW_TASK]
    head.append(f"Goal: {goal}")
    if dropped:
        head.append(f"(... {dropped} earlier steps omitted ...)")
    turns: list[Message] = [{"role": "user", "content": "\n".join(head)}]
    for i, e in enumerate(entries):
        observation = f"Observation: {e.observation}"
        if i == 0 or e.action is None:
            # The first shown entry may have an action when older ones were dropped; an
            # entry without an action joins the user message before it.
            lines = [f"Action: {e.action}"] if i == 0 and e.action is not None else []
            turns[-1]["content"] += "\n" + "\n".join([*lines, observation])
        else:
            turns.append({"role": "assistant", "content": e.action})
            turns.append({"role": "user", "content": observation})
    return turns
