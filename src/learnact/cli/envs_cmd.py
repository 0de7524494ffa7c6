"""`learnact envs`: list task families with their tasks, data source and split."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from learnact.cli.console import print_json, show_table
from learnact.cli.options import DataDir, DataSplit, Json, with_split
from learnact.envs import registry
from learnact.errors import BadInput


def family_record(name: str, data_dir: str | None, split: str | None = None) -> dict[str, Any]:
    """One row of `learnact envs --json` (schema in docs/cli.md). ``split`` applies to the
    families that have data splits (ALFWorld)."""
    spec = with_split(name, split) if split and name.startswith("alfworld/") else name
    try:
        family = registry.make_family(spec, data_dir=data_dir)
    except BadInput as e:
        return {"name": name, "available": False, "error": str(e)}
    record = family.describe()
    record.pop("basic_actions", None)
    return {"name": name, "available": True, **{k: v for k, v in record.items() if k != "name"}}


def _split_text(r: dict[str, Any]) -> str:
    kind = r["split"] if r.get("split_seed") is None else f"{r['split']} (seed {r['split_seed']})"
    if r.get("data_split"):
        kind = f"{r['data_split']}: {kind}"
    return kind


def register(app: typer.Typer) -> None:
    @app.command("envs")
    def envs(data_dir: str = DataDir, split: str = DataSplit, json_out: bool = Json) -> None:
        """List task families: task counts, data source, splits and train/test split."""
        records = [family_record(name, data_dir, split) for name in registry.names()]
        if json_out:
            print_json({"families": records})
            return
        table = Table("family", "tasks", "train", "test", "split", "data source", "notes")
        for r in records:
            if not r["available"]:
                table.add_row(r["name"], "-", "-", "-", "-", f"unavailable: {r['error']}", "")
                continue
            notes = list(r["source"].get("warnings") or [])
            if r.get("splits"):
                found = ", ".join(f"{k} ({v})" for k, v in r["splits"].items())
                notes.insert(0, f"splits here: {found}")
            table.add_row(
                r["name"],
                str(r["tasks"]),
                str(len(r["train"])),
                str(len(r["test"])),
                _split_text(r),
                r["source"]["path"] or r["source"]["description"],
                "; ".join(notes),
            )
        show_table(table)
