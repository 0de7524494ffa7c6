"""Download ALFWorld's game files (the archive ``alfworld-download`` of alfworld 0.4.2 uses).

ALFWorld publishes no checksum for its archives, so we check what we can: the HTTP length,
the zip's own CRC of every member (``ZipFile.testzip``), safe member paths, and that games
are really inside; the archive's sha256 is recorded in ``.learnact-download.json`` next to
the data (and checked when the caller gives one). Extraction goes to a temporary
directory beside the destination and is moved into place only when complete.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from pathlib import Path

from learnact.envs.alfworld.locate import game_root
from learnact.envs.alfworld.tasks import GAME_FILE
from learnact.errors import LearnactError

# From alfworld 0.4.2's `alfworld-download` (TW_PDDL_FILES_URL): the game files
# (json_2.1.1/{train,valid_seen,valid_unseen}/.../game.tw-pddl), newer game format.
GAMES_URL = "https://github.com/alfworld/alfworld/releases/download/0.4.0/json_2.1.2_tw-pddl.zip"
MANIFEST = ".learnact-download.json"
TIMEOUT_S = 60
CHUNK = 1 << 16

Progress = Callable[[int, int | None], None]  # (bytes so far, total bytes or None)


class DownloadError(LearnactError):
    """The archive could not be fetched, or is not a complete ALFWorld game archive."""


def download_games(
    dest: Path,
    url: str = GAMES_URL,
    progress: Progress | None = None,
    sha256: str | None = None,
    force: bool = False,
) -> Path:
    """Fill ``dest`` with ALFWorld's game files (``dest/json_2.1.1/...``); returns ``dest``."""
    dest = Path(dest).expanduser()
    if game_root(dest) is not None and not force:
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dest.parent, prefix=f".{dest.name}.") as tmp:
        archive = Path(tmp) / "games.zip"
        digest = _fetch(url, archive, progress)
        if sha256 and digest != sha256.lower():
            raise DownloadError(
                f"checksum mismatch for {url}: expected sha256 {sha256[:12]}..., got "
                f"{digest[:12]}...; nothing was kept"
            )
        staged = Path(tmp) / "data"
        _extract(archive, staged, url)
        _copy_logic(staged)
        (staged / MANIFEST).write_text(
            json.dumps({"url": url, "sha256": digest, "size": archive.stat().st_size}, indent=1)
        )
        _move_into(staged, dest, force)
    return dest


def _fetch(url: str, target: Path, progress: Progress | None) -> str:
    h = hashlib.sha256()
    done = 0
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response, open(target, "wb") as out:  # noqa: S310
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            if progress:
                progress(0, total)
            while block := response.read(CHUNK):
                out.write(block)
                h.update(block)
                done += len(block)
                if progress:
                    progress(done, total)
    except urllib.error.HTTPError as e:
        raise DownloadError(f"cannot download {url}: HTTP {e.code} {e.reason}") from e
    except (urllib.error.URLError, OSError) as e:
        reason = getattr(e, "reason", e)
        raise DownloadError(
            f"cannot download {url}: {reason}. Are you offline? On a machine with internet, "
            f"download {url}, unzip it into a directory DIR (giving DIR/json_2.1.1/...) and "
            "pass --data-dir DIR (or set ALFWORLD_DATA=DIR)."
        ) from e
    if total is not None and done != total:
        raise DownloadError(f"incomplete download of {url}: got {done} of {total} bytes")
    return h.hexdigest()


def _extract(archive: Path, staged: Path, url: str) -> None:
    try:
        with zipfile.ZipFile(archive) as zf:
            bad = zf.testzip()
            if bad is not None:
                raise DownloadError(f"the archive from {url} is corrupt (bad CRC in {bad})")
            names = zf.namelist()
            for name in names:
                parts = Path(name).parts
                if name.startswith(("/", "\\")) or ".." in parts:
                    raise DownloadError(f"the archive from {url} has an unsafe path: {name}")
            if not any(n.endswith("/" + GAME_FILE) for n in names):
                raise DownloadError(f"the archive from {url} holds no ALFWorld game files")
            zf.extractall(staged)
    except zipfile.BadZipFile as e:
        raise DownloadError(f"the file from {url} is not a valid zip archive: {e}") from e
    if game_root(staged) is None:
        raise DownloadError(f"the archive from {url} has no json_* game directory")


def _copy_logic(staged: Path) -> None:
    """Copy alfred.pddl/alfred.twl2 from the installed alfworld wheel, as alfworld does.

    Games embed their logic, so this is only for ALFWorld's own tools. We locate the
    package without importing it (its import creates ~/.cache/alfworld).
    """
    spec = importlib.util.find_spec("alfworld")
    if spec is None or not spec.submodule_search_locations:
        return
    data = Path(next(iter(spec.submodule_search_locations))) / "data"
    logic = staged / "logic"
    for name in ("alfred.pddl", "alfred.twl2"):
        if (data / name).is_file() and not (logic / name).exists():
            logic.mkdir(exist_ok=True)
            shutil.copyfile(data / name, logic / name)


def _move_into(staged: Path, dest: Path, force: bool) -> None:
    if not dest.exists():
        os.replace(staged, dest)
        return
    for entry in staged.iterdir():
        target = dest / entry.name
        if target.exists():
            if not force:
                continue
            if target.is_dir():
                shutil.rmtree(target)
            else:
                target.unlink()
        os.replace(entry, target)
