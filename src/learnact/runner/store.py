"""The run store: one SQLite database (WAL mode) under the run directory.

``runs/NAME/run.sqlite3`` indexes everything a run produced: its units of work and their
state, every episode (test and training), prompts (once each, by hash), learner
decisions, learned libraries, Reflexion lessons and LLM usage. A unit's results are
committed in one transaction when it finishes, so after a crash, Ctrl-C or ``kill -9``
every unit is either completely in the store or not at all; learner decisions are
committed one by one as they are made. ``synchronous=FULL``: a committed unit survives
even a power cut.

Units: ``learn`` (the LearnAct learner for one family and seed), ``lessons`` (Reflexion's
lessons for one family, method and seed) and ``episode`` (one test episode).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from learnact.errors import BadInput

STORE_NAME = "run.sqlite3"
SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS units (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, family TEXT NOT NULL, method TEXT NOT NULL,
    seed INTEGER NOT NULL, task INTEGER, depends TEXT, status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0, started REAL, finished REAL, error TEXT, result TEXT
);
CREATE TABLE IF NOT EXISTS episodes (
    unit TEXT NOT NULL, ordinal INTEGER NOT NULL, family TEXT NOT NULL, method TEXT NOT NULL,
    seed INTEGER NOT NULL, task INTEGER NOT NULL, phase TEXT NOT NULL, won INTEGER NOT NULL,
    progress REAL, steps INTEGER NOT NULL, basic_actions INTEGER NOT NULL,
    prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL, error TEXT,
    record TEXT NOT NULL, PRIMARY KEY (unit, ordinal)
);
CREATE INDEX IF NOT EXISTS episodes_cell ON episodes (family, method, phase);
CREATE TABLE IF NOT EXISTS prompts (hash TEXT PRIMARY KEY, messages TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
    unit TEXT NOT NULL, seq INTEGER NOT NULL, event TEXT NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (unit, seq)
);
CREATE TABLE IF NOT EXISTS libraries (
    family TEXT NOT NULL, seed INTEGER NOT NULL, unit TEXT NOT NULL, path TEXT,
    files TEXT, summary TEXT NOT NULL, PRIMARY KEY (family, seed)
);
CREATE TABLE IF NOT EXISTS lessons (
    family TEXT NOT NULL, method TEXT NOT NULL, seed INTEGER NOT NULL, unit TEXT NOT NULL,
    lessons TEXT NOT NULL, PRIMARY KEY (family, method, seed)
);
CREATE TABLE IF NOT EXISTS usage (
    unit TEXT NOT NULL, model TEXT NOT NULL, purpose TEXT NOT NULL, calls INTEGER NOT NULL,
    cached_calls INTEGER NOT NULL, prompt_tokens INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL, cost_usd REAL NOT NULL, latency_s REAL NOT NULL,
    PRIMARY KEY (unit, model, purpose)
);
"""


@dataclass(frozen=True)
class Unit:
    id: str
    kind: str  # "learn", "lessons", "episode"
    family: str
    method: str
    seed: int
    task: int | None = None
    depends: str | None = None  # the unit whose output this one needs


class RunStore:
    """Thread-safe access to one run's store (one connection, serialised by a lock)."""

    def __init__(self, run_dir: str | Path, *, create: bool = False) -> None:
        self.dir = Path(run_dir)
        self.path = self.dir / STORE_NAME
        if not self.path.exists() and not create:
            raise BadInput(f"no run store at {self.path} (not a learnact run directory?)")
        if create:
            self.dir.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        try:
            self.conn = sqlite3.connect(
                self.path, timeout=30, check_same_thread=False, isolation_level=None
            )
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=FULL")
            self.conn.execute("PRAGMA busy_timeout=30000")
            with self.tx() as c:
                for stmt in SCHEMA.split(";"):
                    if stmt.strip():
                        c.execute(stmt)
                c.execute(
                    "INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)",
                    (str(SCHEMA_VERSION),),
                )
        except sqlite3.DatabaseError as e:
            raise BadInput(f"{self.path}: not a readable run store: {e}") from e

    # --- transactions -------------------------------------------------------------------
    def tx(self) -> _Tx:
        """One IMMEDIATE transaction under the store's lock, as a context manager
        (``with store.tx() as conn:``): committed on exit, rolled back on an exception."""
        return _Tx(self)

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self.conn.close()

    def __enter__(self) -> RunStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- meta ---------------------------------------------------------------------------
    def get_meta(self, key: str) -> Any:
        """The JSON value stored under ``key`` in ``meta``, or ``None``."""
        with self._lock:
            row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def set_meta(self, **items: Any) -> None:
        """Store each keyword's value (as JSON) under its name in ``meta``, in one transaction."""
        with self.tx() as c:
            for k, v in items.items():
                c.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (k, json.dumps(v)))

    # --- units --------------------------------------------------------------------------
    def add_units(self, units: Iterable[Unit]) -> int:
        """Register planned units (already known ones are left as they are)."""
        n = 0
        with self.tx() as c:
            for u in units:
                cur = c.execute(
                    "INSERT OR IGNORE INTO units (id, kind, family, method, seed, task, depends,"
                    " status) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending')",
                    (u.id, u.kind, u.family, u.method, u.seed, u.task, u.depends),
                )
                n += cur.rowcount
        return n

    def unit_status(self) -> dict[str, str]:
        """Every unit's status (``pending``, ``running``, ``done`` or ``failed``) by unit id."""
        with self._lock:
            return dict(self.conn.execute("SELECT id, status FROM units").fetchall())

    def units(self, status: str | None = None) -> list[dict[str, Any]]:
        """Every unit row (only those in ``status`` when given) as a dict of its columns, in the
        order they were planned."""
        q = "SELECT * FROM units" + (" WHERE status = ?" if status else "") + " ORDER BY rowid"
        with self._lock:
            cur = self.conn.execute(q, (status,) if status else ())
            cols = [d[0] for d in cur.description]
            return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]

    def start(self, unit_id: str) -> None:
        """Mark a unit running; forget what an interrupted earlier attempt left behind."""
        with self.tx() as c:
            c.execute("DELETE FROM events WHERE unit = ?", (unit_id,))
            c.execute(
                "UPDATE units SET status = 'running', attempts = attempts + 1, started = ?,"
                " error = NULL WHERE id = ?",
                (time.time(), unit_id),
            )

    def fail(self, unit_id: str, error: str) -> None:
        """Mark a unit failed, with ``error`` (its message) and the finish time."""
        with self.tx() as c:
            c.execute(
                "UPDATE units SET status = 'failed', error = ?, finished = ? WHERE id = ?",
                (error, time.time(), unit_id),
            )

    def reset_unfinished(self) -> int:
        """Units left running (crash) or failed go back to pending."""
        with self.tx() as c:
            return c.execute(
                "UPDATE units SET status = 'pending' WHERE status IN ('running', 'failed')"
            ).rowcount

    # --- results ------------------------------------------------------------------------
    def add_event(self, unit_id: str, seq: int, event: dict[str, Any]) -> None:
        """One learner decision, committed at once."""
        with self.tx() as c:
            c.execute(
                "INSERT OR IGNORE INTO events VALUES (?, ?, ?, ?)",
                (unit_id, seq, event.get("event", "?"), json.dumps(event, default=str)),
            )

    def complete(self, unit: Unit, payload: dict[str, Any]) -> None:
        """Everything a unit produced, and its status, in one transaction."""
        with self.tx() as c:
            status = c.execute("SELECT status FROM units WHERE id = ?", (unit.id,)).fetchone()
            if status and status[0] == "done":
                return  # never twice
            for h, messages in payload.get("prompts", {}).items():
                c.execute("INSERT OR IGNORE INTO prompts VALUES (?, ?)", (h, json.dumps(messages)))
            for i, rec in enumerate(payload.get("episodes", [])):
                s = rec["summary"]
                c.execute(
                    "INSERT INTO episodes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        unit.id,
                        i,
                        unit.family,
                        unit.method,
                        unit.seed,
                        s["task"],
                        s["phase"],
                        int(bool(s["won"])),
                        s["progress"],
                        s["steps"],
                        s["basic_actions"],
                        s["prompt_tokens"],
                        s["completion_tokens"],
                        s["error"],
                        json.dumps(rec),
                    ),
                )
            for seq, e in enumerate(payload.get("events", [])):
                c.execute(
                    "INSERT OR IGNORE INTO events VALUES (?, ?, ?, ?)",
                    (unit.id, seq, e.get("event", "?"), json.dumps(e, default=str)),
                )
            for row in payload.get("usage", []):
                c.execute(
                    "INSERT INTO usage VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT"
                    " (unit, model, purpose) DO UPDATE SET calls = calls + excluded.calls,"
                    " cached_calls = cached_calls + excluded.cached_calls,"
                    " prompt_tokens = prompt_tokens + excluded.prompt_tokens,"
                    " completion_tokens = completion_tokens + excluded.completion_tokens,"
                    " cost_usd = cost_usd + excluded.cost_usd,"
                    " latency_s = latency_s + excluded.latency_s",
                    (
                        unit.id,
                        row["model"],
                        row["purpose"],
                        row["calls"],
                        row["cached_calls"],
                        row["prompt_tokens"],
                        row["completion_tokens"],
                        row["cost_usd"],
                        row["latency_s"],
                    ),
                )
            if "library" in payload:
                lib = payload["library"]
                c.execute(
                    "INSERT OR REPLACE INTO libraries VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        unit.family,
                        unit.seed,
                        unit.id,
                        lib.get("path"),
                        json.dumps(lib.get("files")),
                        json.dumps(lib.get("summary")),
                    ),
                )
            if "lessons" in payload:
                c.execute(
                    "INSERT OR REPLACE INTO lessons VALUES (?, ?, ?, ?, ?)",
                    (unit.family, unit.method, unit.seed, unit.id, json.dumps(payload["lessons"])),
                )
            c.execute(
                "UPDATE units SET status = 'done', finished = ?, error = NULL, result = ?"
                " WHERE id = ?",
                (time.time(), json.dumps(payload.get("result")), unit.id),
            )

    # --- reading ------------------------------------------------------------------------
    def query(self, sql: str, args: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        """The rows of ``sql`` (with ``args`` bound) as dicts of column name -> value."""
        with self._lock:
            cur = self.conn.execute(sql, args)
            cols = [d[0] for d in cur.description]
            return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]

    def library(self, family: str, seed: int) -> dict[str, Any] | None:
        """The library learned for ``family`` and ``seed``: ``path``, ``files`` (file name -> text)
        and ``summary``; ``None`` when none was stored."""
        rows = self.query("SELECT * FROM libraries WHERE family = ? AND seed = ?", (family, seed))
        if not rows:
            return None
        r = rows[0]
        return {
            "path": r["path"],
            "files": json.loads(r["files"]) if r["files"] else None,
            "summary": json.loads(r["summary"]),
        }

    def lessons(self, family: str, method: str, seed: int) -> list[str] | None:
        """The Reflexion lessons stored for ``family``, ``method`` and ``seed``, or ``None``."""
        rows = self.query(
            "SELECT lessons FROM lessons WHERE family = ? AND method = ? AND seed = ?",
            (family, method, seed),
        )
        return json.loads(rows[0]["lessons"]) if rows else None

    def prompt(self, h: str) -> list[dict[str, str]] | None:
        """The messages of prompt hash ``h`` (`learnact.agents.trajectory.prompt_hash`), or
        ``None``."""
        rows = self.query("SELECT messages FROM prompts WHERE hash = ?", (h,))
        return json.loads(rows[0]["messages"]) if rows else None


class _Tx:
    """``with store.tx() as conn:`` one IMMEDIATE transaction under the store's lock."""

    def __init__(self, store: RunStore) -> None:
        self.store = store

    def __enter__(self) -> sqlite3.Connection:
        self.store._lock.acquire()
        try:
            self.store.conn.execute("BEGIN IMMEDIATE")
        except BaseException:
            self.store._lock.release()
            raise
        return self.store.conn

    def __exit__(self, exc_type: Any, *exc: object) -> None:
        try:
            self.store.conn.execute("ROLLBACK" if exc_type else "COMMIT")
        finally:
            self.store._lock.release()
