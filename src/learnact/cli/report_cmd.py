"""`learnact report runs/NAME [--json | --csv | --html [FILE]]`: the results of a run."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from learnact.cli.console import info, print_json, show_table
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
        html_out: bool = typer.Option(
            False,
            "--html",
            help="Write a self-contained HTML report to FILE (default RUN_DIR/report.html): "
            "results, plots, learned libraries and every trajectory; works offline.",
        ),
        html_file: Path | None = typer.Argument(
            None, metavar="[FILE]", help="With --html: where to write the report."
        ),
        figures: Path = typer.Option(
            None,
            "--figures",
            help="Also write each difficulty ladder's success and progress charts as SVG "
            "files into this folder.",
        ),
    ) -> None:
        """The results matrix with intervals, and LLM usage, of a `learnact compare` run."""
        from learnact.runner import report

        if sum((json_out, csv_out, html_out)) > 1:
            raise BadInput("give one of --json, --csv and --html")
        if html_file is not None and not html_out:
            raise BadInput(f"unexpected argument {html_file} (an output FILE goes with --html)")
        if not run_dir.is_dir():
            raise BadInput(f"no such run directory: {run_dir}")
        if figures is not None:
            from learnact.runner.ladder import write_figures

            written = write_figures(report.build(run_dir), figures)
            info(
                "wrote " + ", ".join(str(p) for p in written)
                if written
                else f"no difficulty ladder in {run_dir} (families that differ only in size)"
            )
        if html_out:
            from learnact.runner import html_report

            path = html_report.write(run_dir, html_file)
            info(f"wrote {path}")
            return
        rep = report.build(run_dir)
        if json_out:
            print_json(rep)
            return
        if csv_out:
            sys.stdout.write(report.to_csv(rep))
            return
        for t in report.tables(rep):
            show_table(t)
        if not rep["complete"]:
            info(
                f"the run is not complete ({_unit_counts(rep['units'])}); "
                f"continue it with `learnact compare --resume {run_dir}`"
            )


def _unit_counts(states: dict[str, int]) -> str:
    """``{"done": 29, "pending": 43}`` as "29 done, 43 pending" (units of work)."""
    return ", ".join(f"{n} {state}" for state, n in states.items()) + " units"
