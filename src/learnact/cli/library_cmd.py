"""`learnact library show|diff|history`: inspect learned action libraries."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import typer
from rich.syntax import Syntax
from rich.text import Text

from learnact.cli.console import out, print_json
from learnact.cli.options import Json
from learnact.errors import BadInput
from learnact.library import ActionLibrary
from learnact.library.format import ACTIONS_FILE, version_source

library_app = typer.Typer(help="Inspect action libraries.", no_args_is_help=True)


def _load(path: Path) -> ActionLibrary:
    """The library at ``path``; for a folder that holds libraries (a run directory),
    `BadInput` naming them."""
    if path.is_dir() and not (path / ACTIONS_FILE).exists():
        found = sorted(p.parent for p in path.rglob(ACTIONS_FILE))
        if found:
            raise BadInput(
                f"{path} is not a library but holds {len(found)}: try "
                + " or ".join(f"`learnact library show {f}`" for f in found[:3])
            )
    return ActionLibrary.load(path)


def stats_line(stats: dict[str, Any]) -> str:
    """An action's training stats as words: ``"called 6 times in 3 training episodes, 3
    worked"`` (keys ``calls``, ``succeeded``, ``episodes``; others shown as ``key=value``)."""
    rest = {k: v for k, v in stats.items() if k not in ("calls", "succeeded", "episodes")}
    parts = []
    if "calls" in stats:
        text = f"called {stats['calls']} time{'s' if stats['calls'] != 1 else ''}"
        if "episodes" in stats:
            text += (
                f" in {stats['episodes']} training episode{'s' if stats['episodes'] != 1 else ''}"
            )
        if "succeeded" in stats:
            text += f", {stats['succeeded']} worked"
        parts.append(text)
    parts += [f"{k}={v}" for k, v in rest.items()]
    return "; ".join(parts)


@library_app.command("show")
def show(directory: Path = typer.Argument(..., metavar="DIR"), json_out: bool = Json) -> None:
    """The actions of a library: signature, version, description, notes, training stats."""
    lib = _load(directory)
    if json_out:
        print_json({**lib.to_meta(), "load_warnings": lib.load_warnings, "source": lib.source})
        return
    out.print(f"Library {directory} (family {lib.family or '-'})", markup=False)
    for key in ("learner_model", "actor_model", "learnact_version", "candidate"):
        if key in lib.extra:
            out.print(f"  {key}: {lib.extra[key]}", markup=False)
    trained = lib.extra.get("training")
    if isinstance(trained, dict) and "success" in trained:
        out.print(
            f"  training: won {trained['success']:.0%} of {trained.get('episodes', '?')} "
            f"episodes; {trained.get('learned_calls', 0)} learned calls, "
            f"{trained.get('failed_learned_calls', 0)} failed; score {trained.get('total', 0):.2f}",
            markup=False,
        )
    for a in lib.actions:
        out.print(
            f"\n{a.signature}  v{a.version} ({a.origin}, {a.author})", style="bold", markup=False
        )
        out.print(f"  {a.description}", markup=False)
        for note in a.notes:
            out.print(f"  note: {note}", markup=False)
        if a.stats:
            out.print(f"  training: {stats_line(a.stats)}", markup=False)
    out.print("")
    out.print(Syntax(lib.source, "python", theme="ansi_dark", line_numbers=True))


def _diff_lines(a: str, b: str, name_a: str, name_b: str) -> list[str]:
    return list(difflib.unified_diff(a.splitlines(), b.splitlines(), name_a, name_b, lineterm=""))


def _print_diff(lines: list[str]) -> None:
    for line in lines:
        style = (
            "green"
            if line.startswith("+")
            else "red"
            if line.startswith("-")
            else "cyan"
            if line.startswith("@@")
            else None
        )
        out.print(Text(line, style=style or ""))


@library_app.command("diff")
def diff(
    dir_a: Path = typer.Argument(..., metavar="DIR_A"),
    dir_b: Path = typer.Argument(..., metavar="DIR_B"),
    json_out: bool = Json,
) -> None:
    """Differences in code and in descriptions/notes between two libraries."""
    a, b = _load(dir_a), _load(dir_b)
    code = _diff_lines(a.source, b.source, f"{dir_a}/actions.py", f"{dir_b}/actions.py")
    notes = {}
    for name in sorted({x.name for x in a.actions} | {x.name for x in b.actions}):
        xa, xb = a.action(name), b.action(name)
        before = "" if xa is None else "\n".join([xa.description, *xa.notes])
        after = "" if xb is None else "\n".join([xb.description, *xb.notes])
        if before != after:
            notes[name] = _diff_lines(before, after, f"{name} (A)", f"{name} (B)")
    if json_out:
        print_json({"code": code, "text": notes, "same": not code and not notes})
        return
    if not code and not notes:
        out.print("The libraries are the same.", markup=False)
        return
    _print_diff(code)
    for lines in notes.values():
        _print_diff(lines)


@library_app.command("history")
def history(
    directory: Path = typer.Argument(..., metavar="DIR"),
    action: str = typer.Argument(..., metavar="ACTION"),
    json_out: bool = Json,
) -> None:
    """The lineage of one action: every version, why it changed, and the code changes."""
    lib = _load(directory)
    if lib.action(action) is None:
        raise BadInput(f"library {directory} has no action {action!r}")
    versions = lib.lineage.get(action, [])
    if json_out:
        print_json({"action": action, "versions": versions})
        return
    if not versions:
        out.print(f"{action}: no recorded history (a hand-written action)", markup=False)
        return
    previous = None
    for v in versions:
        why = (
            f" after {v['failure']['call']} failed: {v['failure']['error']}"
            if v.get("failure")
            else ""
        )
        out.print(
            f"v{v['version']} ({v['origin']} by {v['author']}; source: {version_source(v)}){why}",
            style="bold",
            markup=False,
        )
        if previous is None:
            out.print(Syntax(v["code"], "python", theme="ansi_dark"))
        else:
            _print_diff(
                _diff_lines(
                    previous["code"], v["code"], f"v{previous['version']}", f"v{v['version']}"
                )
            )
            if v["notes"] != previous["notes"]:
                out.print(f"  notes: {v['notes']}", markup=False)
        previous = v


def register(app: typer.Typer) -> None:
    app.add_typer(library_app, name="library")
