"""`learnact trace show FILE`: print recorded episodes readably."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.panel import Panel
from rich.text import Text

from learnact.agents.trajectory import read_jsonl
from learnact.cli.console import out, plain
from learnact.errors import BadInput

trace_app = typer.Typer(help="Inspect recorded trajectories.", no_args_is_help=True)


@trace_app.command("show")
def show(
    file: Path = typer.Argument(
        ..., help="trajectories.jsonl, or a directory holding it or a run store (run.sqlite3)"
    ),
    task: int = typer.Option(None, "--task", help="Only episodes of this task index."),
    method: str = typer.Option(None, "--method", help="Only episodes of this method."),
) -> None:
    """Print each episode: goal, every action with its observation and sub-actions, outcome."""
    path, every = _episodes(file)
    episodes = [
        e
        for e in every
        if (task is None or e.get("task") == task) and (method is None or e.get("method") == method)
    ]
    if not episodes:
        raise BadInput(f"no matching episodes in {path}; it holds {_holdings(every)}")
    for e in episodes:
        s = e.get("summary", {})
        label = e["method"]
        if e.get("phase") == "train":  # a learner's training episode: which candidate
            label += f" (training, candidate {e['library']})" if e.get("library") else " (training)"
        title = (
            f"{e['family']} task {e['task']} ({e.get('task_name', '')}) — {label} — "
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


def _episodes(file: Path) -> tuple[Path, list[dict[str, Any]]]:
    """The episodes recorded at ``file`` (a JSON-lines file, a directory holding
    ``trajectories.jsonl``, or a run directory: its store, test episodes first), and the
    path they were read from. `BadInput` when there is none."""
    from learnact.runner.store import STORE_NAME, RunStore

    if file.is_dir() and (file / STORE_NAME).exists():
        with RunStore(file) as store:
            rows = store.query(
                "SELECT record FROM episodes ORDER BY phase = 'train', family, method, task, seed"
            )
        return file / STORE_NAME, [json.loads(r["record"]) for r in rows]
    path = file / "trajectories.jsonl" if file.is_dir() else file
    if not path.is_file():
        hint = ""
        if file.is_dir():
            found = sorted(file.rglob("trajectories.jsonl"))[:3]
            if found:
                hint = "; try " + " or ".join(str(f.parent) for f in found)
        raise BadInput(f"no trajectory file or run store at {file}{hint}")
    return path, read_jsonl(path)


def _holdings(episodes: list[dict[str, Any]]) -> str:
    """What a set of episodes covers: methods and task indices (for a failed filter)."""
    if not episodes:
        return "no episodes"
    methods = sorted({str(e.get("method")) for e in episodes})
    tasks = sorted({e.get("task") for e in episodes if isinstance(e.get("task"), int)})
    return f"methods {', '.join(methods)} and tasks {', '.join(map(str, tasks))}"


def register(app: typer.Typer) -> None:
    app.add_typer(trace_app, name="trace")
