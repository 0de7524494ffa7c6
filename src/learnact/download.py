"""learnact's one HTTP download helper: resume, checksum, atomic rename, one `DownloadError`.

Model files (`learnact.llm.models`), AgentBoard's PDDL files (`learnact.envs.pddl.download`)
and ALFWorld's game archive (`learnact.envs.alfworld.download`) all come through
`download`. This module sits below both ``llm`` and ``envs`` and imports neither.

How one download goes:

* **Beside the target.** Bytes are written to ``<dest>.part`` in the target's directory
  (the same file system, so the final rename is atomic). ``dest`` itself is only ever
  absent, the old file, or the complete, verified new file: never half written.
* **Resume.** An existing ``.part`` (left by an interrupted attempt, in this process or an
  earlier one) is continued with ``Range: bytes=N-``: a ``206`` whose ``Content-Range``
  starts at N is appended; a ``200`` (no range support) starts over; a ``416`` means the
  part already holds everything.
* **Retries.** Dropped connections, timeouts, short bodies and HTTP 408/429/5xx are tried
  again (``attempts`` in all, waiting ``backoff * attempt`` seconds between), each time
  resuming. Other HTTP errors fail at once, and so does a server that cannot be reached
  at all (an offline machine gains nothing from waiting).
* **Verification, then commit.** The part is fsync'ed and checked against the expected
  size and sha256; on a mismatch it is deleted and `ChecksumMismatch` raised (nothing is
  left at ``dest``). Only then is it moved into place with `os.replace` and the directory
  fsync'ed.
* **One writer.** The part file is locked (``flock``) while in use; a second process
  downloading the same file gets a `DownloadError` instead of interleaving bytes.
* **Errors** are one `DownloadError` class (`ChecksumMismatch` is a subclass), each with a
  one-line message fit for the CLI.

Why not `pooch` (1.9.0, judged from the code in its wheel): it fits the checksum and the
temporary-file-then-move part, but not resume. ``pooch.core.stream_download`` writes each
attempt to a fresh ``NamedTemporaryFile`` that is removed on failure, and
``HTTPDownloader`` opens it with ``"w+b"`` and never sends ``Range``, so an interrupted
1.1 GB model download would start over (our model pulls resume today, across processes).
It also moves the file with `shutil.move` without any fsync; reports progress as a
tqdm-like object's ``update(chunk_size)`` (chunk size, not bytes received) rather than
our ``(bytes so far, total)``; raises ``ValueError`` and ``requests`` exceptions that every
caller would have to translate; and would add ``requests`` to our dependencies. Loopback
test servers would work with either. The stdlib (`urllib`) does all of it in this module.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import http.client
import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from learnact.errors import LearnactError

Progress = Callable[[int, int | None], None]
"""``progress(done, total)``: bytes of the file so far, and its total size in bytes (None
when the server does not say)."""

CHUNK = 1 << 20  # bytes read and hashed at a time
USER_AGENT = "learnact"


class DownloadError(LearnactError):
    """A file could not be fetched, or what was fetched is not what was expected."""


class ChecksumMismatch(DownloadError):
    """A fetched or assembled file does not have the expected sha256 or size (not kept)."""


def sha256_file(path: str | os.PathLike[str], chunk: int = CHUNK) -> str:
    """The sha256 of the file at ``path``, as 64 lower-case hex digits.

    Reads ``chunk`` bytes at a time. Raises `OSError` if the file cannot be read.
    """
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def part_path(dest: str | os.PathLike[str]) -> Path:
    """Where the download of ``dest`` grows: ``<dest>.part`` in the same directory."""
    dest = Path(dest)
    return dest.with_name(dest.name + ".part")


def verify(path: Path, sha256: str | None, size: int | None, *, source: str | None = None) -> None:
    """Check ``path`` against the expected ``size`` (bytes) and ``sha256`` (hex, any case).

    Either may be None (not checked). On a mismatch the file is deleted and
    `ChecksumMismatch` raised; its message names ``source`` (default: the file's name).
    """
    what = source or path.name
    got_size = path.stat().st_size
    if size is not None and got_size != size:
        path.unlink(missing_ok=True)
        raise ChecksumMismatch(
            f"size mismatch for {what}: {got_size} bytes, expected {size}; the file was not kept"
        )
    if sha256 is not None:
        got = sha256_file(path)
        if got != sha256.lower():
            path.unlink(missing_ok=True)
            raise ChecksumMismatch(
                f"checksum mismatch for {what}: expected sha256 {sha256[:12]}..., got "
                f"{got[:12]}...; the file was not kept"
            )


def commit(
    part: Path,
    dest: Path,
    *,
    sha256: str | None = None,
    size: int | None = None,
    source: str | None = None,
) -> Path:
    """Verify the finished ``part`` (see `verify`) and atomically move it to ``dest``.

    ``part`` must be in ``dest``'s directory. It is fsync'ed first, and the directory
    after the rename, so that after a crash ``dest`` is either the old file or the whole
    new one. Returns ``dest``. Raises `ChecksumMismatch` (``part`` deleted, ``dest``
    untouched) or `OSError`.
    """
    _fsync(part)
    verify(part, sha256, size, source=source)
    os.replace(part, dest)
    with contextlib.suppress(OSError):  # not every file system lets a directory be fsync'ed
        _fsync(dest.parent)
    return dest


def _fsync(path: Path) -> None:
    """Flush ``path`` (a file or, for renames in it, a directory) to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def download(
    url: str,
    dest: str | os.PathLike[str],
    *,
    sha256: str | None = None,
    size: int | None = None,
    progress: Progress | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = 30.0,
    attempts: int = 5,
    backoff: float = 1.0,
    offline_hint: str = "",
) -> Path:
    """Fetch ``url`` (anything `urllib` opens; Range and retries make sense for http(s)) to
    ``dest`` and return ``dest`` as a `Path`.

    ``sha256`` (hex) and ``size`` (bytes) are checked when given. ``progress`` is called
    with (bytes so far, total bytes or None) as data arrives. ``headers`` are sent with
    every request (after ``User-Agent: learnact``). ``timeout`` is in seconds per socket
    operation; ``attempts`` counts tries in all, with ``backoff * attempt`` seconds
    between. ``offline_hint`` is added to the message when the server cannot be reached.
    The parent directory is created. See the module docstring for resume and atomicity.

    Raises `DownloadError`: an HTTP error (``cannot download URL: HTTP 404 Not Found``), an
    unreachable server (``cannot reach URL: ... Are you offline?``), retries exhausted, or
    another process downloading the same file; `ChecksumMismatch` when the result does
    not match (nothing is kept). A ``.part`` left by a network failure is kept for the
    next call to resume; an empty one is removed.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = part_path(dest)
    with _locked(part, url) as out:
        transfer = _Transfer(url, out, size, progress, dict(headers or {}), timeout)
        try:
            transfer.run(attempts, backoff, offline_hint)
        except BaseException:
            if out.seek(0, os.SEEK_END) == 0:  # nothing to resume from: leave nothing behind
                part.unlink(missing_ok=True)
            raise
        return commit(part, dest, sha256=sha256, size=size, source=url)


@contextlib.contextmanager
def _locked(part: Path, url: str) -> Iterator[BinaryIO]:
    """``part`` opened for reading and writing (created if absent) under an exclusive lock."""
    out = os.fdopen(os.open(part, os.O_RDWR | os.O_CREAT, 0o644), "r+b")
    try:
        try:
            fcntl.flock(out.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DownloadError(
                f"cannot download {url}: another process is downloading it into {part}"
            ) from None
        yield out
    finally:
        out.close()


class _Incomplete(Exception):
    """One attempt ended before the whole body arrived (retried, resuming)."""


@dataclass
class _Transfer:
    """The body of ``url`` into ``out`` (an open part file), over one or more attempts."""

    url: str
    out: BinaryIO
    size: int | None
    progress: Progress | None
    headers: dict[str, str]
    timeout: float
    received: int = 0  # bytes received by this call, all attempts together

    def run(self, attempts: int, backoff: float, offline_hint: str) -> None:
        """Attempt until ``out`` holds the whole body; raise `DownloadError` otherwise."""
        failures: list[str] = []
        for attempt in range(1, attempts + 1):
            try:
                self._attempt()
                return
            except urllib.error.HTTPError as e:
                if e.code == 416 and self.out.seek(0, os.SEEK_END):  # nothing past what we have
                    return
                if e.code not in (408, 429) and e.code < 500:
                    raise DownloadError(
                        f"cannot download {self.url}: HTTP {e.code} {_line(e.reason)}"
                    ) from e
                failures.append(f"HTTP {e.code}")
            except urllib.error.URLError as e:
                if not self.received:  # unreachable: waiting will not help an offline machine
                    hint = f" {offline_hint}" if offline_hint else ""
                    raise DownloadError(
                        f"cannot reach {self.url}: {_line(e.reason)}. Are you offline?{hint}"
                    ) from e
                failures.append(_line(e.reason))
            except (OSError, http.client.HTTPException, _Incomplete) as e:
                failures.append(f"{type(e).__name__}: {_line(e)}")
            if attempt < attempts:
                time.sleep(backoff * attempt)
        raise DownloadError(
            f"cannot download {self.url}: gave up after {attempts} attempts ({'; '.join(failures)})"
        )

    def _attempt(self) -> None:
        """One request: append to the part file, or start it over."""
        out, size = self.out, self.size
        have = out.seek(0, os.SEEK_END)
        if size is not None and have > size:  # not the file we expect: start over
            out.truncate(0)
            have = 0
        if size is not None and have == size:
            return
        headers = {"User-Agent": USER_AGENT, **self.headers}
        if have:
            headers["Range"] = f"bytes={have}-"
        request = urllib.request.Request(self.url, headers=headers)
        with urllib.request.urlopen(request, timeout=self.timeout) as resp:  # noqa: S310
            start = _range_start(resp.headers.get("Content-Range")) if resp.status == 206 else 0
            if start is None or start not in (0, have):
                out.truncate(0)  # a range we did not ask for: start over on the next attempt
                raise _Incomplete(f"asked for bytes from {have}, the server sent {start}")
            out.truncate(start)
            out.seek(start)
            length = resp.headers.get("Content-Length")
            expected = int(length) if length and length.isdigit() else None
            total = (
                size if size is not None else (start + expected if expected is not None else None)
            )
            done = start
            if self.progress:
                self.progress(done, total)
            while block := resp.read(CHUNK):
                out.write(block)
                done += len(block)
                self.received += len(block)
                if self.progress:
                    self.progress(done, total)
            out.flush()
        if expected is not None and done - start < expected:
            raise _Incomplete(f"got {done - start} of {expected} bytes")
        if size is not None and done < size:
            raise _Incomplete(f"got {done} of {size} bytes")


def _range_start(content_range: str | None) -> int | None:
    """The first byte of ``Content-Range: bytes START-END/TOTAL``, or None if unreadable."""
    try:
        unit, spec = (content_range or "").split(" ", 1)
        return int(spec.split("-", 1)[0]) if unit == "bytes" else None
    except ValueError:
        return None


def _line(reason: object) -> str:
    """``reason`` as one line (messages go to a one-line CLI error)."""
    return " ".join(str(reason).split())


@contextlib.contextmanager
def rich_progress(
    progress: bool | Progress | None, label: str, *, transient: bool = False
) -> Iterator[Progress | None]:
    """A `Progress` callback for `download`: ``progress`` itself if callable, a rich bar on
    stderr labelled ``label`` if True (removed when done if ``transient``), else None."""
    if callable(progress):
        yield progress
        return
    if not progress:
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )
    from rich.progress import Progress as Bar

    bar = Bar(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=transient,
    )
    with bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total or None)

        yield update
