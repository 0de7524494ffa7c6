"""Signs of life (issue 21, item 2): agents report each step and llama.cpp each token to
`learnact.activity`, and the CLI's status line shows them."""

from __future__ import annotations

from rich.progress import Progress

from learnact import activity
from learnact.agents.act import ActAgent, AgentConfig
from learnact.agents.context import RunContext
from learnact.cli.status import StatusLine


def test_an_agent_reports_each_step_before_it_asks_the_model(lights, sandbox, scripted):
    model = scripted([{"purpose": "act", "response": "switch_on('lamp0')"}])
    seen: list[tuple[str, dict]] = []
    with activity.listening(lambda kind, f: seen.append((kind, f))):
        ActAgent(lights, RunContext(model, sandbox), config=AgentConfig(max_steps=3)).run(0)
    steps = [f for kind, f in seen if kind == "step"]
    assert [(f["index"], f["max_steps"], f["phase"], f["method"]) for f in steps] == [
        (0, 3, "test", "act"),
        (1, 3, "test", "act"),
        (2, 3, "test", "act"),
    ]
    assert activity._listener is None  # removed after the block


def test_the_status_line_follows_steps_and_tokens():
    progress = Progress(disable=True)
    line = StatusLine(progress, "loading…")

    def text() -> str:
        return str(progress.tasks[0].description)

    assert text() == "loading…"
    with line.listening():
        activity.report(
            "step", family="f", task=4, method="learnact", phase="train", index=2, max_steps=6
        )
        assert text() == "learnact on training task 4, step 3/6"
        activity.report("tokens", purpose="act", tokens=17)
        assert text() == "learnact on training task 4, step 3/6 · model writing (act): 17 tokens"
        line.say("learner: revising")
        assert text() == "learner: revising"
    activity.report("tokens", purpose="act", tokens=99)  # nobody listens any more
    assert text() == "learner: revising"
