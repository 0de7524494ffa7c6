"""A stand-in OpenAI-compatible server that plays the lights family after a fixed delay.

It answers every chat request with the next sensible action for the goal in the prompt
(switch on a missing goal lamp, else switch off an extra one), so Act wins each lights
task in two steps. Used by the kill -9 resume test and bench/concurrency.py.
"""

from __future__ import annotations

import re
from typing import Any

from tests.llm.servers import FakeServer, Reply, openai_body

GOAL = re.compile(r"Goal: Exactly these lamps are on: ([^.\n]*)\.")
STATE = re.compile(r"Lamps that are on: ([^.\n]*)\.")


def next_action(prompt: str) -> str:
    goals = GOAL.findall(prompt)
    if not goals:
        return "switch_on('lamp0')"
    want = {x.strip() for x in goals[-1].split(",")}
    states = STATE.findall(prompt)
    on = set() if not states or states[-1] == "none" else {x.strip() for x in states[-1].split(",")}
    for lamp in sorted(want - on):
        return f"switch_on('{lamp}')"
    for lamp in sorted(on - want):
        return f"switch_off('{lamp}')"
    return "switch_on('lamp0')"


class LightsServer(FakeServer):
    """``with LightsServer(delay=0.2) as s: ... s.spec`` -- an ``openai:`` model spec."""

    def __init__(self, delay: float = 0.2) -> None:
        def handler(path: str, body: dict[str, Any]) -> Reply:
            messages = body.get("messages") or [{"content": ""}]
            text = next_action(str(messages[-1].get("content", "")))
            return Reply(body=openai_body(text, prompt=50, completion=5), delay=delay)

        super().__init__(handler=handler)

    @property
    def spec(self) -> str:
        return f"openai:standin@{self.url}/v1"
