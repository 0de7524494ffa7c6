"""Finding ALFWorld game files: data directory, splits, games of one task type.

The data directory is ALFWorld's own layout (what ``alfworld-download`` and
``learnact data alfworld`` produce): ``<dir>/json_2.1.1/<split>/<task folder>/<trial>/game.tw-pddl``.
It is looked for in ``--data-dir``, else ``$LEARNACT_DATA``, else ``$ALFWORLD_DATA``, else
learnact's data cache; each may be a data root holding ``alfworld/`` (or
``alfworld-newformat/``) or the ALFWorld directory itself.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from learnact.envs.alfworld.commands import FORMAT_MARKERS, NEW, OLD, Format
from learnact.envs.alfworld.tasks import GAME_FILE, TASK_TYPES
from learnact.errors import DataNotFound, MalformedTask
from learnact.paths import (
    ALFWORLD_DATA_ENV,
    ALFWORLD_NEWFORMAT_SUBDIR,
    ALFWORLD_SUBDIR,
    data_root,
)

SUBDIRS = {
    OLD: (ALFWORLD_SUBDIR, ALFWORLD_NEWFORMAT_SUBDIR),
    NEW: (ALFWORLD_NEWFORMAT_SUBDIR, ALFWORLD_SUBDIR),
}
HINT = (
    "Run `learnact data alfworld` to download the game files, or pass --data-dir DIR "
    "(a directory holding alfworld/json_2.1.1/...)."
)
_SOLVABLE = re.compile(rb'"solvable"\s*:\s*true')
_UNSUPPORTED = ("movable", "Sliced")  # ALFWorld's AlfredTWEnv skips these games too


@dataclass(frozen=True)
class GameFile:
    rel: str  # path relative to the split directory, e.g. "pick_.../trial_.../game.tw-pddl"
    path: Path
    sha256: str
    format: Format


def game_root(d: Path) -> Path | None:
    """The ``json_*`` directory of an ALFWorld data directory (``json_2.1.1`` preferred)."""
    if (d / "json_2.1.1").is_dir():
        return d / "json_2.1.1"
    found = sorted(p for p in d.glob("json_*") if p.is_dir()) if d.is_dir() else []
    return found[0] if found else None


def resolve(data_dir: str | os.PathLike[str] | None, fmt: str = "auto") -> tuple[Path, str]:
    """The ALFWorld data directory and where it came from."""
    base, how = data_root(data_dir, extra_env=(ALFWORLD_DATA_ENV,))
    if base.name.startswith("json_") and base.is_dir():  # pointed at json_2.1.1 itself
        base = base.parent
    elif base.parent.name.startswith("json_") and next(base.glob(f"*/*/{GAME_FILE}"), None):
        # Pointed at one split's folder: say exactly what to pass instead.
        raise DataNotFound(
            f"{base} is the {base.name!r} split folder of ALFWorld data: pass "
            f"--data-dir {base.parent.parent} --split {base.name} "
            f"(or the family name with [split={base.name}])"
        )
    if not base.is_dir():
        raise DataNotFound(f"data directory not found: {base} (from {how}). {HINT}")
    if game_root(base) is not None:
        return base.resolve(), how
    for sub in SUBDIRS[NEW if fmt == NEW else OLD]:
        if game_root(base / sub) is not None:
            return (base / sub).resolve(), how
    raise DataNotFound(f"no ALFWorld game files in {base} (from {how}). {HINT}")


def splits(alfworld_dir: Path) -> list[str]:
    """The splits present in the data (directories holding at least one game)."""
    root = game_root(alfworld_dir)
    if root is None:
        return []
    return sorted(
        d.name
        for d in root.iterdir()
        if d.is_dir() and next(d.glob(f"*/*/{GAME_FILE}"), None) is not None
    )


def split_dir(alfworld_dir: Path, split: str) -> Path:
    """The directory of data split ``split`` (e.g. ``valid_unseen``) under the ``json_*`` root of
    ``alfworld_dir``. Raises `DataNotFound`, naming the splits present, when it holds no games."""
    present = splits(alfworld_dir)
    if split not in present:
        if present:  # other splits are here: name them, and how to choose one
            choose = present[0]
            hint = (
                f"choose one with --split {choose} (or [split={choose}] after the family "
                "name), or run `learnact data alfworld` for the others"
            )
        else:
            hint = HINT
        raise DataNotFound(
            f"no {split!r} games in {alfworld_dir}; splits found: "
            f"{', '.join(present) or 'none'}. {hint[0].upper() + hint[1:]}"
        )
    root = game_root(alfworld_dir)
    assert root is not None
    return root / split


def count_games(directory: Path, kind: str) -> int:
    """Game files of task type ``kind`` under one split's ``directory`` (all of them,
    solvable or not: a cheap count for listings)."""
    return sum(1 for _ in directory.glob(f"{TASK_TYPES[kind]}-*/*/{GAME_FILE}"))


def detect_format(raw: bytes) -> Format | None:
    """The game format of a game file's bytes, from the put/move command of its grammar
    (`commands.FORMAT_MARKERS`; the old marker may be JSON-escaped): ``"new"``, ``"old"``, or
    ``None`` when neither is there."""
    if FORMAT_MARKERS[NEW] in raw:
        return NEW
    if FORMAT_MARKERS[OLD] in raw or FORMAT_MARKERS[OLD].replace(b"/", b"\\/") in raw:
        return OLD
    return None


def _solvable(path: Path, raw: bytes) -> bool:
    """The slow path: parse the game (a corrupt file is an error, not a silent skip)."""
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise MalformedTask(f"cannot read ALFWorld game {path}: {e}") from e
    return isinstance(data, dict) and data.get("solvable") is True


def games(directory: Path, kind: str) -> list[GameFile]:
    """The solvable games of one task type, in sorted path order."""
    prefix = TASK_TYPES[kind]
    paths = sorted(
        (p for p in directory.glob(f"{prefix}-*/*/{GAME_FILE}") if p.is_file()),
        key=lambda p: p.relative_to(directory).as_posix(),
    )
    out = []
    for p in paths:
        rel = p.relative_to(directory).as_posix()
        if any(u in rel for u in _UNSUPPORTED):
            continue
        try:
            raw = p.read_bytes()
        except OSError as e:
            raise DataNotFound(f"cannot read {p}: {e}") from e
        fmt = detect_format(raw)
        if fmt is None:
            raise MalformedTask(
                f"{p} is not an ALFWorld game file this version understands "
                "(no put/move command in its grammar)"
            )
        if not _SOLVABLE.search(raw) and not _solvable(p, raw):
            continue
        out.append(GameFile(rel, p, hashlib.sha256(raw).hexdigest(), fmt))
    return out
