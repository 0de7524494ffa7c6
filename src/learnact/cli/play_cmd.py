"""`learnact play FAMILY --task N`: play one episode by typing commands on standard input."""

from __future__ import annotations

import ast
import sys

import typer

from learnact.cli.console import err, info, out, warn_source
from learnact.cli.options import DataDir, DataSplit, with_split
from learnact.envs import registry
from learnact.envs.base import CHECK_VALID_COMMAND, TaskFamily


def to_command(family: TaskFamily, line: str) -> str:
    """Accept either an environment command or a Python call of a basic action.

    ``pick('ball1', 'rooma', 'left')`` becomes ``pick ball1 rooma left``; anything that is
    not such a call is passed to the environment unchanged (it judges validity).
    """
    try:
        node = ast.parse(line.strip(), mode="eval").body
    except SyntaxError:
        return line.strip()
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)) or node.keywords:
        return line.strip()
    action = family.action(node.func.id)
    if action is None or not all(isinstance(a, ast.Constant) for a in node.args):
        return line.strip()
    try:
        return action.to_command(*(a.value for a in node.args))  # type: ignore[attr-defined]
    except TypeError:
        return line.strip()


def register(app: typer.Typer) -> None:
    @app.command("play")
    def play(
        family_name: str = typer.Argument(..., metavar="FAMILY", help="e.g. pddl/gripper"),
        task: int = typer.Option(..., "--task", help="Task index (from 0, canonical order)."),
        data_dir: str = DataDir,
        split: str = DataSplit,
        max_steps: int = typer.Option(
            0, "--max-steps", help="Stop after this many steps (0: no limit)."
        ),
    ) -> None:
        """Play an episode: one command per line on standard input; end of input ends it."""
        family = registry.make_family(with_split(family_name, split), data_dir=data_dir)
        family.check_task(task)
        spec = family.tasks[task]
        info(
            f"{family.name} task {task} ({spec.name}); data: {family.source.path or family.source.description}"
        )
        warn_source(family.source)
        episode = family.make_episode(task)
        try:
            first = episode.reset()
            out.print(f"Goal: {first.goal}", markup=False)
            out.print(f"Observation: {first.observation}", markup=False)
            interactive = sys.stdin.isatty()
            steps = 0
            while not max_steps or steps < max_steps:
                if interactive:
                    err.print("> ", end="", markup=False)
                line = sys.stdin.readline()
                if not line:
                    break
                if not line.strip():
                    continue
                if line.strip().lower() == CHECK_VALID_COMMAND:
                    valid = episode.valid_actions()
                    listing = ", ".join(valid) if valid else "(this environment cannot list them)"
                    out.print(f"Valid actions: {listing}", markup=False)
                    continue
                command = to_command(family, line)
                result = episode.step(command)
                steps += 1
                out.print(f"Action: {command}", markup=False)
                out.print(f"Observation: {result.observation}", markup=False)
                progress = "" if result.progress is None else f"  progress: {result.progress:.2f}"
                out.print(f"valid: {'yes' if result.valid else 'no'}{progress}", markup=False)
                if result.won:
                    out.print(f"Goal reached: task won in {steps} steps.", markup=False)
                    return
            progress = episode.progress
            tail = "" if progress is None else f" (progress {progress:.2f})"
            out.print(
                f"Episode ended after {steps} steps without reaching the goal{tail}.", markup=False
            )
        finally:
            episode.close()
