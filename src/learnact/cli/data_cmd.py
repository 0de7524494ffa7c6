"""`learnact data ...`: download benchmark data for users with internet access."""

from __future__ import annotations

from pathlib import Path

import typer

from learnact.cli.console import info, out
from learnact.paths import alfworld_data_dir, pddl_data_dir

data_app = typer.Typer(help="Download benchmark data.", no_args_is_help=True)


@data_app.command("pddl")
def pddl(
    dest: Path = typer.Option(
        None, "--dest", help="Target directory (default: <data cache>/pddl/agentboard)."
    ),
) -> None:
    """Download AgentBoard's PDDL domains and problems (pinned commit, checksums verified)."""
    from learnact.envs.pddl.download import download_agentboard

    target = dest or pddl_data_dir()
    info(f"downloading AgentBoard PDDL problems into {target}")
    path = download_agentboard(target, progress=lambda name: info(f"  {name}"))
    out.print(str(path), markup=False)


@data_app.command("alfworld")
def alfworld(
    dest: Path = typer.Option(
        None, "--dest", help="Target directory (default: <data cache>/alfworld)."
    ),
    url: str = typer.Option(None, "--url", help="Archive URL (default: ALFWorld's release)."),
    sha256: str = typer.Option(None, "--sha256", help="Expected sha256 of the archive."),
    force: bool = typer.Option(False, "--force", help="Download again over existing files."),
) -> None:
    """Download ALFWorld's game files (the archive alfworld-download uses; zip verified)."""
    from learnact.download import rich_progress
    from learnact.envs.alfworld.download import GAMES_URL, download_games

    target = dest or alfworld_data_dir()
    source = url or GAMES_URL
    info(f"downloading ALFWorld game files from {source} into {target}")
    with rich_progress(True, "alfworld", transient=True) as report:
        path = download_games(target, url=source, sha256=sha256, force=force, progress=report)
    out.print(str(path), markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(data_app, name="data")
