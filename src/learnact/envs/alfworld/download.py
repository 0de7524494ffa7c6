"""Download ALFWorld's game files (the archive ``alfworld-download`` of alfworld 0.4.2 uses).

ALFWorld publishes no checksum for its archives, so we check what we can: the HTTP length,
the zip's own CRC of every member (``ZipFile.testzip``), safe member paths, and that games
are really inside; the archive's sha256 is recorded in ``.learnact-download.json`` next to
the data (and checked when the caller gives one).

The archive is fetched by `learnact.download.download` to ``.<dest name>.download.zip``
beside the destination (an interrupted fetch resumes there on the next call, and the
archive is deleted once used); extraction goes to a temporary directory beside the
destination and is moved into place only when complete. Errors are learnact's one
`DownloadError`.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

from learnact.download import DownloadError, Progress, download, sha256_file
from learnact.envs.alfworld.locate import game_root
from learnact.envs.alfworld.tasks import GAME_FILE
from learnact.paths import ALFWORLD_DATA_ENV

__all__ = ["GAMES_URL", "MANIFEST", "DownloadError", "download_games"]

# From alfworld 0.4.2's `alfworld-download` (TW_PDDL_FILES_URL): the game files
# (json_2.1.1/{train,valid_seen,valid_unseen}/.../game.tw-pddl), newer game format.
GAMES_URL = "https://github.com/alfworld/alfworld/releases/download/0.4.0/json_2.1.2_tw-pddl.zip"
MANIFEST = ".learnact-download.json"
TIMEOUT_S = 60
OFFLINE_HINT = (
    "On a machine with internet, download {url}, unzip it into a directory DIR (giving "
    "DIR/json_2.1.1/...) and pass --data-dir DIR (or set {env}=DIR)."
)


def download_games(
    dest: Path,
    url: str = GAMES_URL,
    progress: Progress | None = None,
    sha256: str | None = None,
    force: bool = False,
) -> Path:
    """Fill ``dest`` with ALFWorld's game files (``dest/json_2.1.1/...``); returns ``dest``.

    Nothing is fetched when ``dest`` already holds games, unless ``force`` (then files of
    the archive replace those there). ``progress(done, total)`` gets bytes of the archive
    so far and its size (None if unknown); ``sha256`` (hex) is checked when given. Raises
    `DownloadError`: unreachable, HTTP error, checksum mismatch, not a zip, a corrupt or
    unsafe member, or no games inside; nothing is moved into ``dest`` then.
    """
    dest = Path(dest).expanduser()
    if game_root(dest) is not None and not force:
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    archive = dest.parent / f".{dest.name}.download.zip"
    hint = OFFLINE_HINT.format(url=url, env=ALFWORLD_DATA_ENV)
    download(url, archive, sha256=sha256, progress=progress, timeout=TIMEOUT_S, offline_hint=hint)
    try:
        digest = sha256.lower() if sha256 else sha256_file(archive)
        with tempfile.TemporaryDirectory(dir=dest.parent, prefix=f".{dest.name}.") as tmp:
            staged = Path(tmp) / "data"
            _extract(archive, staged, url)
            _copy_logic(staged)
            (staged / MANIFEST).write_text(
                json.dumps({"url": url, "sha256": digest, "size": archive.stat().st_size}, indent=1)
            )
            _move_into(staged, dest, force)
    finally:
        archive.unlink(missing_ok=True)
    return dest


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
