"""A persistent response cache (SQLite in WAL mode).

Keyed by a hash of (model spec, messages, sampling parameters, sample index), so an
unchanged experiment re-runs for free, and distinct samples of one prompt stay distinct.
Safe with several processes writing at once (WAL + busy timeout) and after a crash
(each insert is its own transaction).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from learnact.llm.types import Request
from learnact.paths import response_cache_path

SCHEMA_VERSION = 1


def request_key(model: str, request: Request) -> str:
    """The cache / cassette key of a request to ``model`` (a spec string)."""
    payload = {
        "v": SCHEMA_VERSION,
        "model": model,
        "messages": request.messages,
        **request.sampling(),
    }
    blob = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class ResponseCache:
    """``get(key) -> dict | None`` and ``put(key, payload)``; `stats` and `clear` for the CLI."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else response_cache_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self.hits = 0
        self.misses = 0
        conn = self._conn()
        with conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS responses ("
                " key TEXT PRIMARY KEY, model TEXT NOT NULL, purpose TEXT NOT NULL,"
                " created REAL NOT NULL, payload TEXT NOT NULL)"
            )

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
            conn.execute("PRAGMA busy_timeout=30000")
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    def get(self, key: str) -> dict[str, Any] | None:
        """The payload stored under ``key`` (``text``, ``finish_reason``, token counts, cost), or
        ``None``; counted as a session hit or miss."""
        row = self._conn().execute("SELECT payload FROM responses WHERE key=?", (key,)).fetchone()
        if row is None:
            self.misses += 1
            return None
        self.hits += 1
        return json.loads(row[0])

    def put(self, key: str, model: str, purpose: str, payload: dict[str, Any]) -> None:
        """Store ``payload`` under ``key`` (replacing an earlier one), committed at once."""
        blob = json.dumps(payload, ensure_ascii=False)
        self._conn().execute(
            "INSERT OR REPLACE INTO responses(key, model, purpose, created, payload)"
            " VALUES (?, ?, ?, ?, ?)",
            (key, model, purpose, time.time(), blob),
        )

    def stats(self) -> dict[str, Any]:
        """The cache's figures (``learnact cache stats``): ``path``, ``entries``, ``bytes``
        (database, WAL and shared-memory files), ``oldest`` / ``newest`` entry (Unix seconds),
        entries ``by_model`` and ``by_purpose``, and this session's hits and misses."""
        conn = self._conn()
        n, first, last = conn.execute(
            "SELECT COUNT(*), MIN(created), MAX(created) FROM responses"
        ).fetchone()
        by_model = dict(
            conn.execute("SELECT model, COUNT(*) FROM responses GROUP BY model").fetchall()
        )
        by_purpose = dict(
            conn.execute("SELECT purpose, COUNT(*) FROM responses GROUP BY purpose").fetchall()
        )
        size = sum(
            p.stat().st_size
            for p in (self.path, Path(f"{self.path}-wal"), Path(f"{self.path}-shm"))
            if p.exists()
        )
        return {
            "path": str(self.path),
            "entries": n,
            "bytes": size,
            "oldest": first,
            "newest": last,
            "by_model": by_model,
            "by_purpose": by_purpose,
            "session_hits": self.hits,
            "session_misses": self.misses,
        }

    def clear(self, model: str | None = None) -> int:
        """Delete every entry (or only ``model``'s); returns how many were deleted."""
        conn = self._conn()
        if model is None:
            cur = conn.execute("DELETE FROM responses")
        else:
            cur = conn.execute("DELETE FROM responses WHERE model=?", (model,))
        deleted = cur.rowcount
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        if model is None:
            conn.execute("VACUUM")
        return deleted

    def close(self) -> None:
        """Close the calling thread's connection (connections opened by other threads are not
        closed)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
