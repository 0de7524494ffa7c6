"""`learnact envs`: list task families with their tasks, data source and split."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from learnact.cli.console import print_json, show_table
from learnact.cli.options import DataDir, Json
from learnact.envs import registry
from learnact.errors import BadInput


def family_record(name: str, data_dir: str | None) -> dict[str, Any]:
    """One row of `learnact envs --json` (schema in docs/cli.md)."""
    try:
        family = registry.make_family(name, data_dir=data_dir)
    except BadInput as e:
        return {"name": name, "available": False, "error": str(e)}
    record = family.describe()
    record.pop("basic_actions", None)
    return {"name": name, "available": True, **{k: v for k, v in record.items() if k != "name"}}


def register(app: typer.Typer) -> None:
    @app.command("envs")
    def envs(data_dir: str = DataDir, json_out: bool = Json) -> None:
        """List task families: task counts, data source and train/test split."""
        records = [family_record(name, data_dir) for name in registry.names()]
        if json_out:
            print_json({"families": records})
            return
        table = Table("family", "tasks", "train", "test", "split", "data source")
        for r in records:
            if not r["available"]:
                table.add_row(r["name"], "-", "-", "-", "-", f"unavailable: {r['error']}")
                continue
            table.add_row(
                r["name"],
                str(r["tasks"]),
                str(len(r["train"])),
                str(len(r["test"])),
                r["split"],
                r["source"]["path"] or r["source"]["description"],
            )
        show_table(table)
