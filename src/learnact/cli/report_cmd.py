"""`learnact report runs/NAME [--json | --csv]`: the results matrix and usage of a run."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from learnact.cli.console import info, out, print_json
from learnact.cli.options import Json
from learnact.errors import BadInput


def register(app: typer.Typer) -> None:
    @app.command("report")
    def report_(
        run_dir: Path = typer.Argument(..., metavar="RUN_DIR"),
        json_out: bool = Json,
        csv_out: bool = typer.Option(
            False, "--csv", help="Print the results matrix as CSV (one row per family x method)."
        ),
    ) -> None:
        """The results matrix with intervals, and LLM usage, of a `learnact compare` run."""
        from learnact.runner import report

        if json_out and csv_out:
            raise BadInput("give --json or --csv, not both")
        if not run_dir.is_dir():
            raise BadInput(f"no such run directory: {run_dir}")
        rep = report.build(run_dir)
        if json_out:
            print_json(rep)
            return
        if csv_out:
            sys.stdout.write(report.to_csv(rep))
            return
        for t in report.tables(rep):
            out.print(t)
        if not rep["complete"]:
            info(
                f"the run is not complete ({rep['units']}); "
                f"continue it with `learnact compare --resume {run_dir}`"
            )
