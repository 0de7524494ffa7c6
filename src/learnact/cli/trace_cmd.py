"""`learnact trace show FILE`: print recorded episodes readably."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.panel import Panel
from rich.text import Text

from learnact.agents.trajectory import read_jsonl
from learnact.cli.console import out, plain
from learnact.errors import BadInput

trace_app = typer.Typer(help="Inspect recorded trajectories.", no_args_is_help=True)


@trace_app.command("show")
def show(
    file: Path = typer.Argument(..., help="trajectories.jsonl (or the run directory holding it)"),
    task: int = typer.Option(None, "--task", help="Only episodes of this task index."),
    method: str = typer.Option(None, "--method", help="Only episodes of this method."),
) -> None:
    """Print each episode: goal, every action with its observation and sub-actions, outcome."""
    path = file / "trajectories.jsonl" if file.is_dir() else file
    if not path.is_file():
        raise BadInput(f"no trajectory file at {path}")
    episodes = [
        e
        for e in read_jsonl(path)
        if (task is None or e.get("task") == task) and (method is None or e.get("method") == method)
    ]
    if not episodes:
        raise BadInput(f"no matching episodes in {path}")
    for e in episodes:
        s = e.get("summary", {})
        title = (
            f"{e['family']} task {e['task']} ({e.get('task_name', '')}) — {e['method']} — "
            f"{'WON' if e['won'] else 'not won'} in {s.get('steps', len(e['steps']))} steps"
        )
        body = Text()
        body.append(f"Goal: {e.get('goal', '')}\n", style="bold")
        body.append(f"Observation: {e.get('first_observation', '')}\n")
        for step in e["steps"]:
            shown = step.get("call") or step.get("completion", "").strip() or "(empty answer)"
            style = "green" if step.get("valid") else "red"
            if step.get("reasoning"):
                thought = " ".join(step["reasoning"].split())
                body.append(f"    Reasoning: {thought}\n", style="dim italic")
            body.append(f"[{step['index']}] {step['kind']}: ", style="dim")
            body.append(f"{shown}\n", style=style)
            for sub in step.get("sub_actions", []):
                mark = "ok " if sub["valid"] else "BAD"
                body.append(f"      {mark} {sub['command']}\n", style="dim")
            body.append(f"    Observation: {step['observation']}\n")
        if e.get("progress") is not None:
            body.append(f"progress: {e['progress']:.2f}\n")
        if plain():  # off a terminal: the outcome as a whole first line, nothing cut
            out.file.write(f"== {title}\n{body.plain}\n")
            out.file.flush()
        else:
            out.print(Panel(body, title=title, expand=True), soft_wrap=False)


def register(app: typer.Typer) -> None:
    app.add_typer(trace_app, name="trace")
