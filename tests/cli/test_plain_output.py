"""Off a terminal every table prints every value whole (issue 16, item 4).

Rich fits tables to 80 columns when stdout is a pipe and cuts cells ("qwen2.5-coder-1…"),
and its markup eats bracketed text ("[tasks=6]"). Every listing and report command is
run here with stdout piped, as `| grep` would, and must keep a long value whole.
"""

from __future__ import annotations

import json

import pytest

from tests.helpers import run_cli
from tests.learning.test_learner import GOAL_CALL, GOOD, SUPPORT

LONG = "lights_env:LightsFamily[tasks=6]"  # long, and bracketed like a markup tag


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("plain")
    model = tmp / "model.json"
    rules = [{"purpose": "create_actions", "response": GOOD}, GOAL_CALL, *SUPPORT]
    model.write_text(json.dumps({"rules": rules, "default": "switch_on('lamp0')"}))
    run = tmp / "a-run-directory-with-a-rather-long-name-to-push-the-columns-out"
    env = {"LEARNACT_CACHE": str(tmp / "cache")}
    r = run_cli(
        "compare",
        LONG,
        "--methods",
        "act,react,act-reflexion,code-as-policies,learnact",
        "--model",
        f"scripted:{model}",
        "--candidates",
        "1",
        "--rounds",
        "0",
        "--out",
        str(run),
        env=env,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    return run, r.stdout, f"scripted:{model}", env


def lines_with(text: str, needle: str) -> list[str]:
    return [line for line in text.splitlines() if needle in line]


def test_compare_and_report_tables_keep_long_values_whole(run):
    path, stdout, _, _ = run
    for text in (stdout, run_cli("report", str(path)).stdout):
        assert "…" not in text
        assert lines_with(text, LONG), text  # the family, brackets included, on its rows
        for method in ("act-reflexion", "code-as-policies", "learnact"):
            assert lines_with(text, method), method
        assert "╭" not in text and "│" not in text  # plain columns, no box drawing


def test_no_color_is_plain_too(run):
    path, _, _, _ = run
    r = run_cli("report", str(path), env={"NO_COLOR": "1", "COLUMNS": "40"})
    assert r.returncode == 0 and "…" not in r.stdout and lines_with(r.stdout, LONG)


def test_eval_models_and_trace_keep_values_whole(run, tmp_path):
    path, _, model, env = run
    r = run_cli("eval", LONG, "--model", model, "--tasks", "first:1", "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert "…" not in r.stdout and lines_with(r.stdout, "lights-1")
    r = run_cli("models", "list", env=env)
    assert r.returncode == 0, r.stderr
    assert lines_with(r.stdout, "qwen2.5-coder-1.5b"), r.stdout  # `| grep` finds it
    # trace show | head -1: the outcome is on the first line, whole.
    r = run_cli("trace", "show", str(tmp_path), "--task", "1")
    assert r.returncode == 0, r.stderr
    episode = json.loads((tmp_path / "trajectories.jsonl").read_text().splitlines()[0])
    outcome = "WON" if episode["won"] else "not won"
    assert r.stdout.splitlines()[0] == (
        f"== lights/basic task 1 (lights-1) — act — {outcome} in {len(episode['steps'])} steps"
    )


def test_envs_keeps_data_paths_whole(shared_data):
    r = run_cli("envs", "--data-dir", str(shared_data))
    assert r.returncode == 0, r.stderr
    assert "…" not in r.stdout
    assert lines_with(r.stdout, str(shared_data / "pddl")), r.stdout


def test_on_a_terminal_bracketed_text_is_text_not_markup(monkeypatch):
    """Rich's markup would turn `pip install 'learnact[alfworld]'` into `pip install
    'learnact'` in a table cell or a line printed on a terminal (issue 21)."""
    import io

    from rich.table import Table

    from learnact.cli import console

    buf = io.StringIO()
    monkeypatch.setattr(console.out, "file", buf)
    monkeypatch.setattr(console.out, "_force_terminal", True)
    monkeypatch.setenv("NO_COLOR", "")
    assert not console.plain(console.out)  # the terminal path: Rich draws the table
    table = Table("family", "hint", title="families [bold]x[/bold]")
    table.add_row(LONG, "pip install 'learnact[alfworld]'")
    console.show_table(table, console.out)
    console.out.print("[red]not a style[/red]")
    text = buf.getvalue()
    assert "learnact[alfworld]" in text and "[tasks=6]" in text
    assert "[bold]x[/bold]" in text and "[red]not a style[/red]" in text
