"""`learnact doctor`: what is installed and active on this machine."""

from __future__ import annotations

import importlib.util
import platform
import sys
from typing import Any

import typer

from learnact import __version__
from learnact.cli.console import out, print_json
from learnact.cli.options import DataDir, DataSplit, Json
from learnact.envs import registry

EXTRAS = {
    "local": "llama_cpp",
    "anthropic": "anthropic",
    "ray": "ray",
    "alfworld": "alfworld",
}


def _extras() -> dict[str, bool]:
    return {extra: importlib.util.find_spec(module) is not None for extra, module in EXTRAS.items()}


def _sandbox() -> dict[str, Any]:
    try:
        from learnact.sandbox import mechanisms
    except ImportError as e:
        return {"error": f"sandbox unavailable: {e}"}
    try:
        return dict(mechanisms())
    except Exception as e:  # noqa: BLE001 - doctor reports, it does not crash
        return {"error": f"{type(e).__name__}: {e}"}


def _data(data_dir: str | None, split: str | None = None) -> dict[str, Any]:
    """Per family: tasks and source, every data split found (ALFWorld) and the source's
    notes; or why it is unavailable (naming the splits present, when some are)."""
    from learnact.cli.envs_cmd import family_record

    found: dict[str, Any] = {}
    for name in registry.names():
        r = family_record(name, data_dir, split)
        if not r["available"]:
            found[name] = {"error": r["error"]}
            continue
        found[name] = {
            "tasks": r["tasks"],
            "source": r["source"]["path"] or r["source"]["description"],
            "splits": r.get("splits") or {},
            "notes": list(r["source"].get("warnings") or []),
        }
    return found


def _models() -> Any:
    try:
        from learnact.llm.models import list_models
    except ImportError:
        return {"error": "model registry not available"}
    try:
        return list_models()
    except Exception as e:  # noqa: BLE001
        return {"error": f"{type(e).__name__}: {e}"}


def report(data_dir: str | None, split: str | None = None) -> dict[str, Any]:
    """Everything `learnact doctor` shows, as JSON data."""
    return {
        "learnact": __version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "extras": _extras(),
        "sandbox": _sandbox(),
        "data": _data(data_dir, split),
        "models": _models(),
    }


def register(app: typer.Typer) -> None:
    @app.command("doctor")
    def doctor(data_dir: str = DataDir, split: str = DataSplit, json_out: bool = Json) -> None:
        """Show what is installed and active: sandbox mechanisms, extras, data, models."""
        rep = report(data_dir, split)
        if json_out:
            print_json(rep)
            return
        out.print(
            f"learnact {rep['learnact']} on Python {rep['python']} ({rep['platform']})",
            markup=False,
        )
        out.print(
            "extras: " + ", ".join(f"{k}={'yes' if v else 'no'}" for k, v in rep["extras"].items()),
            markup=False,
        )
        out.print("sandbox:", markup=False)
        sandbox = rep["sandbox"]
        for key, value in sandbox.items():
            flag = value if not isinstance(value, bool) else ("active" if value else "INACTIVE")
            out.print(f"  {key}: {flag}", markup=False)
        out.print("data:", markup=False)
        for name, d in rep["data"].items():
            line = (
                f"{d['tasks']} tasks from {d['source']}"
                if "tasks" in d
                else f"not found ({d['error']})"
            )
            if d.get("splits"):
                line += "; splits here: " + ", ".join(f"{k} ({v})" for k, v in d["splits"].items())
            for note in d.get("notes") or []:
                line += f"; note: {note}"
            out.print(f"  {name}: {line}", markup=False)
        out.print("models:", markup=False)
        models = rep["models"]
        if isinstance(models, dict) and "error" in models:
            out.print(f"  {models['error']}", markup=False)
        else:
            for m in models:
                name = m["alias"] + (" (default)" if m.get("default") else "")
                where = (
                    f"installed ({m['where']}: {m['path']})"
                    if m.get("installed")
                    else f"not on this machine: run `learnact models pull {m['alias']}`"
                )
                out.print(f"  {name}: {where}", markup=False)
