"""`learnact data ...`: download benchmark data for users with internet access."""

from __future__ import annotations

from pathlib import Path

import typer

from learnact.cli.console import info, out
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


def register(app: typer.Typer) -> None:
    app.add_typer(data_app, name="data")
