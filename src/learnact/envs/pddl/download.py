"""Download AgentBoard's PDDL domains and problems, verifying every file's sha256.

Each file goes through `learnact.download.download` (resumed, checked, renamed into place
atomically); its `DownloadError` is the one this module raises.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from learnact.download import DownloadError, download, sha256_file
from learnact.envs.pddl import known_sets
from learnact.envs.pddl.generators import KINDS

__all__ = ["BASE_URL", "DownloadError", "download_agentboard", "expected_files"]

# Pinned to the commit whose files known_sets.json records. This is the short hash from
# the data README; the full 40-character hash should replace it once known.
AGENTBOARD_COMMIT = "bb7255e"
BASE_URL = (
    f"https://raw.githubusercontent.com/hkust-nlp/AgentBoard/{AGENTBOARD_COMMIT}/"
    "agentboard/environment/pddl_env/pddlgym/pddl/"
)
TIMEOUT_S = 30
OFFLINE_HINT = "Copy the files by hand and pass --data-dir instead."


def expected_files() -> dict[str, str]:
    """Relative path (AgentBoard layout) -> sha256, for the 4 domains and all problems."""
    out: dict[str, str] = {}
    for kind in KINDS:
        known = known_sets.agentboard(kind)
        out[known.domain_file] = known.domain_sha256
        out.update({f"{kind}/{name}": sha for name, sha in known.problems.items()})
    return out


def download_agentboard(
    dest: Path, base_url: str = BASE_URL, progress: Callable[[str], None] | None = None
) -> Path:
    """Fill ``dest`` with the AgentBoard files (``<kind>.pddl``, ``<kind>/pNN.pddl``); return it.

    Files already there with the recorded sha256 are kept; ``progress(rel)`` is called with
    the relative path of each file about to be fetched from ``base_url``. Raises
    `DownloadError` (unreachable, HTTP error, or a checksum mismatch: that file is not kept).
    """
    dest = Path(dest)
    base = base_url if base_url.endswith("/") else base_url + "/"
    for rel, sha in sorted(expected_files().items()):
        target = dest / rel
        if target.is_file() and sha256_file(target) == sha:
            continue
        if progress:
            progress(rel)
        download(base + rel, target, sha256=sha, timeout=TIMEOUT_S, offline_hint=OFFLINE_HINT)
    return dest
