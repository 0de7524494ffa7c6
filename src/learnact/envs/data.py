"""Finding task data on disk and fingerprinting it.

Every command that takes a task family accepts ``--data-dir DIR``; without it we use
``$LEARNACT_DATA``, then learnact's own data cache. DIR may be the data *root* (holding
e.g. ``pddl/agentboard``) or the family's own directory.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_cache_dir

from learnact.errors import DataNotFound

ENV_VAR = "LEARNACT_DATA"


def cache_dir() -> Path:
    """learnact's cache root (``$LEARNACT_CACHE`` or the platform cache dir)."""
    return Path(os.environ.get("LEARNACT_CACHE") or user_cache_dir("learnact"))


def default_data_root() -> Path:
    return cache_dir() / "data"


@dataclass(frozen=True)
class ResolvedData:
    path: Path
    how: str  # "--data-dir", "$LEARNACT_DATA" or "cache"

    def describe(self) -> str:
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
    if data_dir is not None:
        candidates = [(Path(data_dir), "--data-dir")]
    elif os.environ.get(ENV_VAR):
        candidates = [(Path(os.environ[ENV_VAR]), f"${ENV_VAR}")]
    else:
        candidates = [(default_data_root(), "cache")]
    base, how = candidates[0]
    base = base.expanduser()
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


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def fingerprint(named_hashes: Iterable[tuple[str, str]]) -> str:
    """One sha256 over sorted ``(name, sha256)`` pairs: identifies a whole task file set."""
    h = hashlib.sha256()
    for name, digest in sorted(named_hashes):
        h.update(f"{name}\0{digest}\n".encode())
    return h.hexdigest()
