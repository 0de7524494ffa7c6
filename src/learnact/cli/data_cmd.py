"""`learnact data ...`: download benchmark data for users with internet access."""

from __future__ import annotations

from pathlib import Path

import typer

from learnact.cli.console import err, info, out
from learnact.envs.data import default_data_root

data_app = typer.Typer(help="Download benchmark data.", no_args_is_help=True)


@data_app.command("pddl")
def pddl(
    dest: Path = typer.Option(
        None, "--dest", help="Target directory (default: <data cache>/pddl/agentboard)."
    ),
) -> None:
    """Download AgentBoard's PDDL domains and problems (pinned commit, checksums verified)."""
    from learnact.envs.pddl.download import download_agentboard

    target = dest or default_data_root() / "pddl" / "agentboard"
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
    from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

    from learnact.envs.alfworld.download import GAMES_URL, download_games

    target = dest or default_data_root() / "alfworld"
    source = url or GAMES_URL
    info(f"downloading ALFWorld game files from {source} into {target}")
    columns = (BarColumn(), DownloadColumn(), TransferSpeedColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("alfworld", total=None)
        path = download_games(
            target,
            url=source,
            sha256=sha256,
            force=force,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    out.print(str(path), markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(data_app, name="data")
