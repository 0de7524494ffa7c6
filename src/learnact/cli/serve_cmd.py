"""`learnact serve FAMILY --library LIB`: the actions as an MCP server (docs/export.md)."""

from __future__ import annotations

from pathlib import Path

import typer

from learnact.cli.console import info, warn, warn_source
from learnact.cli.options import DataDir, DataSplit, with_split
from learnact.envs import registry
from learnact.errors import BadInput


def library_dir(path: Path) -> Path:
    """The library folder ``path`` names: itself, or an exported skill's ``scripts/``."""
    if (path / "SKILL.md").is_file() and (path / "scripts" / "actions.py").is_file():
        return path / "scripts"
    return path


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve_(
        family_name: str = typer.Argument(..., metavar="FAMILY"),
        library: Path = typer.Option(
            None, "--library", help="Action library folder (or an exported skill's folder)."
        ),
        task: int = typer.Option(
            None, "--task", help="Task a client plays before it calls reset(task)."
        ),
        data_dir: str = DataDir,
        split: str = DataSplit,
        http: int = typer.Option(
            None,
            "--http",
            metavar="PORT",
            help="Serve streamable HTTP on 127.0.0.1:PORT (0: any free port) instead of stdio.",
        ),
        runs_dir: Path = typer.Option(
            None,
            "--runs-dir",
            help="Record episodes in DIR/trajectories.jsonl "
            "(default: a new folder under the user data folder, printed on stderr).",
        ),
        timeout: float = typer.Option(10.0, "--timeout", help="Seconds per call (sandbox)."),
        max_episodes: int = typer.Option(16, "--max-episodes", help="Live episodes at most."),
    ) -> None:
        """Serve the family's basic actions and the library's learned actions over MCP."""
        from learnact.library import ActionLibrary
        from learnact.serve import serve

        try:
            import mcp  # noqa: F401
        except ImportError as e:
            raise BadInput("learnact serve needs the mcp extra: pip install 'learnact[mcp]'") from e
        if http is not None and not 0 <= http <= 65535:
            raise BadInput(f"--http {http}: not a port number")
        family = registry.make_family(with_split(family_name, split), data_dir=data_dir)
        warn_source(family.source)
        lib = ActionLibrary.load(library_dir(library)) if library is not None else None
        if (
            lib is not None
            and lib.family
            and lib.family.split("/")[-1] != family.name.split("/")[-1].split("[")[0]
        ):
            warn(f"the library was learned on {lib.family}, not {family.name}")
        info(
            f"learnact serve: {family.name}, {len(family.tasks)} tasks"
            + (f", {len(lib.actions)} learned actions" if lib is not None else "")
        )
        serve(
            family,
            lib,
            library_id=str(library) if library is not None else None,
            task=task,
            http_port=http,
            runs_dir=runs_dir,
            max_episodes=max_episodes,
            timeout_s=timeout,
        )
