"""Finding task data on disk and fingerprinting it.

Every command that takes a task family accepts ``--data-dir DIR``; without it we use
``$LEARNACT_DATA``, then learnact's own data cache (the ladder is `learnact.paths.data_root`).
DIR may be the data *root* (holding e.g. ``pddl/agentboard``) or the family's own directory.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from learnact.errors import DataNotFound
from learnact.paths import data_root


@dataclass(frozen=True)
class ResolvedData:
    path: Path
    how: str  # "--data-dir", "$LEARNACT_DATA" or "cache"

    def describe(self) -> str:
        """``"<path> (from <how>)"``, for messages and data descriptions."""
        return f"{self.path} (from {self.how})"


def resolve_family_dir(
    subdir: str,
    looks_like_family_dir: Callable[[Path], bool],
    data_dir: str | os.PathLike[str] | None = None,
    hint: str = "",
) -> ResolvedData:
    """Find the directory holding one family's data.

    ``subdir`` is the family's place under a data root (e.g. ``"pddl/agentboard"``);
    ``looks_like_family_dir`` recognises the family's own directory when DIR points at it.
    """
    base, how = data_root(data_dir)
    if not base.is_dir():
        raise DataNotFound(f"data directory not found: {base} (from {how}).{_hint(hint)}")
    if looks_like_family_dir(base):
        return ResolvedData(base.resolve(), how)
    nested = base / subdir
    if nested.is_dir() and looks_like_family_dir(nested):
        return ResolvedData(nested.resolve(), how)
    raise DataNotFound(
        f"no {subdir} data in {base} (from {how}): expected {base / subdir} "
        f"or the family's own directory.{_hint(hint)}"
    )


def _hint(hint: str) -> str:
    return f" {hint}" if hint else ""


def fingerprint(named_hashes: Iterable[tuple[str, str]]) -> str:
    """One sha256 over sorted ``(name, sha256)`` pairs: identifies a whole task file set."""
    h = hashlib.sha256()
    for name, digest in sorted(named_hashes):
        h.update(f"{name}\0{digest}\n".encode())
    return h.hexdigest()
