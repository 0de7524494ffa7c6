"""Two consoles: results go to stdout, progress and logs to stderr.

Rich writes plain text when the stream is not a terminal and honours ``NO_COLOR``, but
it still fits tables to 80 columns and cuts cells ("qwen2.5-coder-1…"), so off a
terminal (or with ``NO_COLOR``) tables are printed by `show_table` as plain aligned
columns with every value whole. Markup is off on both consoles: data such as
``pddl-gen/gripper[size=3]`` or ``pip install 'learnact[alfworld]'`` is text, never a
style tag.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

out = Console(highlight=False, soft_wrap=True, markup=False)
err = Console(stderr=True, highlight=False, soft_wrap=True, markup=False)


def plain(console: Console = out) -> bool:
    """Whether ``console`` gets plain output: not a terminal, or ``NO_COLOR`` set."""
    return not console.is_terminal or bool(os.environ.get("NO_COLOR"))


def _text(cell: Any) -> str:
    if isinstance(cell, Text):
        return cell.plain
    return str(cell)


def table_lines(table: Table) -> list[str]:
    """``table`` as plain lines: its title, the header and one line per row in columns
    two spaces apart, every value whole (a cell's newlines become spaces), its caption."""
    columns = [[_text(c.header), *(_text(x) for x in c.cells)] for c in table.columns]
    columns = [[" ".join(v.split("\n")) for v in col] for col in columns]
    widths = [max(len(v) for v in col) for col in columns]
    rows = list(zip(*columns, strict=True)) if columns else []
    lines = [_text(table.title)] if table.title else []
    for row in rows:
        lines.append("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
    if table.caption:
        lines.append(_text(table.caption))
    return lines


def show_table(table: Table, console: Console = out) -> None:
    """Print ``table``: Rich's box within the terminal's width on a terminal, else plain
    aligned columns with nothing cut (`table_lines`)."""
    if not plain(console):
        console.print(table)
        return
    console.file.write("\n".join(table_lines(table)) + "\n")
    console.file.flush()


def print_json(data: Any) -> None:
    """Machine-readable result on stdout, never styled."""
    sys.stdout.write(json.dumps(data, indent=2, sort_keys=False) + "\n")
    sys.stdout.flush()


def info(message: str) -> None:
    err.print(message, markup=False)


def cache_notice(calls: int, cached: int) -> None:
    """Say on stderr how many of ``calls`` LLM calls the response cache answered (a rerun
    costs nothing and repeats the same answers); nothing when none."""
    if cached:
        info(
            f"{cached} of {calls} LLM calls were answered from the response cache "
            "(--no-cache asks the model again)"
        )


# Warnings said so far, by shape (digits blanked): the first text and how many came.
_shown: dict[str, list[Any]] = {}


def warn(message: str) -> None:
    """A warning as one plain line on stderr, through the same console as the live
    display (so no stale copies of progress bars are left behind). Each shape of warning
    (digits aside) is said once; `summarise_warnings` later says how often it came."""
    text = f"warning: {message}"
    shape = re.sub(r"\d+", "#", text)
    if shape in _shown:
        _shown[shape][1] += 1
        return
    _shown[shape] = [text, 1]
    err.print(text, markup=False, highlight=False, soft_wrap=True)


def summarise_warnings() -> None:
    """One line per warning that came more than once: how many times, and the first."""
    for text, count in _shown.values():
        if count > 1:
            err.print(f"({count} times in all) {text}", markup=False, highlight=False)
    _shown.clear()


class ConsoleLogHandler(logging.Handler):
    """Library log records (warnings and worse) as `warn` lines."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            warn(record.getMessage())
        except Exception:  # a log line must never end the command
            self.handleError(record)


def warn_source(source: Any) -> None:
    """The warnings of a family's data source (`learnact.envs.base.DataSource`). For a known
    data set (AgentBoard's files, recognised by hash) they are the set's known quirks: said
    once per data directory (a marker in the cache), not on every command."""
    if not source.warnings:
        return
    if source.known_set:
        import hashlib

        from learnact.paths import cache_dir

        key = hashlib.sha256(f"{source.path}|{source.known_set}".encode()).hexdigest()[:16]
        marker = cache_dir() / "notices" / key
        if marker.exists():
            return
        for w in source.warnings:
            warn(f"{w} (known in {source.known_set}; said once for {source.path})")
        try:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.write_text(f"{source.path}\n{source.known_set}\n", encoding="utf-8")
        except OSError:
            pass  # a read-only cache: the notice comes again next time, nothing worse
        return
    for w in source.warnings:
        warn(w)


def show_warning(message, category, filename, lineno, file=None, line=None) -> None:  # noqa: ANN001
    """`warnings.showwarning` for the CLI: no file names or source lines."""
    warn(str(message))
