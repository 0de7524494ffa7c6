"""Resumable, checksummed HTTP downloads (stdlib only), with an optional rich progress bar.

The file grows as ``<dest>.part``; an interrupted download continues from where it stopped
with an HTTP ``Range`` request (also across processes: a later `download` call resumes the
same ``.part``). The finished file must have the expected size and sha256, else it is
deleted and `ChecksumMismatch` raised; only then is it moved to ``dest``.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

from learnact.llm.errors import ChecksumMismatch, DownloadError

Progress = Callable[[int, int], None]
CHUNK = 1 << 20


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(CHUNK):
            h.update(block)
    return h.hexdigest()


def verify(path: Path, sha256: str | None, size: int | None) -> None:
    got_size = path.stat().st_size
    if size is not None and got_size != size:
        path.unlink(missing_ok=True)
        raise ChecksumMismatch(f"{path.name}: {got_size} bytes, expected {size}; deleted")
    if sha256 is not None:
        got = sha256_of(path)
        if got != sha256.lower():
            path.unlink(missing_ok=True)
            raise ChecksumMismatch(f"{path.name}: sha256 {got}, expected {sha256}; deleted")


def _headers(url: str, have: int) -> dict[str, str]:
    headers = {"User-Agent": "learnact"}
    if have:
        headers["Range"] = f"bytes={have}-"
    token = os.environ.get("HF_TOKEN")
    endpoint = os.environ.get("HF_ENDPOINT", "https://huggingface.co")
    if token and url.startswith(endpoint):
        headers["Authorization"] = f"Bearer {token}"
    return headers


def download(
    url: str,
    dest: str | Path,
    *,
    sha256: str | None = None,
    size: int | None = None,
    progress: Progress | None = None,
    timeout: float = 30.0,
    attempts: int = 5,
    backoff: float = 1.0,
) -> Path:
    """Download ``url`` to ``dest``; resume a ``.part`` left by an earlier try."""
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    failures: list[str] = []
    received_any = False
    for attempt in range(1, attempts + 1):
        have = part.stat().st_size if part.exists() else 0
        if size is not None and have > size:
            part.unlink()
            have = 0
        if size is not None and have == size:
            break
        request = urllib.request.Request(url, headers=_headers(url, have))
        try:
            with urllib.request.urlopen(request, timeout=timeout) as resp:
                if have and resp.status == 206:
                    mode, done = "ab", have
                else:  # 200: the server sent the whole file
                    mode, done = "wb", 0
                length = resp.headers.get("Content-Length")
                total = size or (done + int(length) if length else 0)
                with open(part, mode) as out:
                    while block := resp.read(CHUNK):
                        out.write(block)
                        done += len(block)
                        received_any = True
                        if progress:
                            progress(done, total)
                if length is not None and done - (have if mode == "ab" else 0) < int(length):
                    raise http.client.IncompleteRead(b"", int(length))
            break
        except urllib.error.HTTPError as e:
            if e.code == 416 and have:  # nothing left past what we have
                break
            if e.code in (408, 429) or e.code >= 500:
                failures.append(f"HTTP {e.code}")
            else:
                raise DownloadError(f"{url}: HTTP {e.code} {e.reason}") from e
        except urllib.error.URLError as e:
            if not received_any:  # unreachable: no point retrying (offline machines)
                raise DownloadError(f"cannot reach {url}: {e.reason}") from e
            failures.append(str(e.reason))
        except (OSError, http.client.HTTPException) as e:
            failures.append(f"{type(e).__name__}: {e}")
        if attempt < attempts:
            time.sleep(backoff * attempt)
    else:
        raise DownloadError(f"{url}: gave up after {attempts} attempts ({'; '.join(failures)})")
    verify(part, sha256, size)
    os.replace(part, dest)
    return dest


@contextlib.contextmanager
def rich_progress(progress: bool | Progress | None, label: str) -> Iterator[Progress | None]:
    """A progress callback: the given callable, a rich bar on stderr (True), or None."""
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
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
    )
    with bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total or None)

        yield update
