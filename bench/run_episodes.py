"""The test episodes of a `learnact compare` run, read from its run store without changing
it: the one loader the bench scripts that read runs share (paired_runs.py, variants.py,
trajectory_stats.py)."""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

QUERY = (
    "SELECT family, method, seed, task, won, progress, record FROM episodes "
    "WHERE phase = 'test' AND (? IS NULL OR method = ?) ORDER BY rowid"
)


def test_episodes(run: Path, method: str | None = None) -> list[dict]:
    """The test episodes of the run in ``run`` (a run directory; only ``method``'s when
    given), in the order they were stored: dicts with ``family``, ``method`` (str),
    ``seed``, ``task`` (int), ``won`` (bool), ``progress`` (float or None) and ``record``
    (the episode record: ``steps``, a list of step dicts). Exits with a one-line error
    when ``run`` holds no readable run store, or when one (family, method, seed, task) of
    them was stored twice (a pair would be ambiguous; two processes in one run directory
    could do that before learnact locked run directories). Opened read-only, so a run
    still in progress can be read."""
    db = run / "run.sqlite3"
    if not db.is_file():
        sys.exit(f"error: {run} holds no run store (run.sqlite3)")
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            rows = con.execute(QUERY, (method, method)).fetchall()
        finally:
            con.close()
    except sqlite3.DatabaseError as e:
        sys.exit(f"error: {db}: not a readable run store ({e})")
    out, seen = [], set()
    for family, name, seed, task, won, progress, record in rows:
        key = (family, name, seed, task)
        if key in seen:
            sys.exit(
                f"error: {run} holds two test episodes of {family} {name} seed {seed} "
                f"task {task} (two processes ran it at once?)"
            )
        seen.add(key)
        out.append(
            {
                "family": family,
                "method": name,
                "seed": seed,
                "task": task,
                "won": bool(won),
                "progress": None if progress is None else float(progress),
                "record": json.loads(record),
            }
        )
    return out
