"""Options shared by several commands."""

from __future__ import annotations

import typer

DataDir = typer.Option(
    None,
    "--data-dir",
    help="Data root (e.g. ../shared/data) or a family's own directory. "
    "Default: $LEARNACT_DATA, then learnact's data cache.",
    show_default=False,
)
Json = typer.Option(False, "--json", help="Print machine-readable JSON on stdout.")
