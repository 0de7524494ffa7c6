"""Download AgentBoard's PDDL domains and problems, verifying every file's sha256."""

from __future__ import annotations

import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from learnact.envs.data import sha256_file
from learnact.envs.pddl import known_sets
from learnact.envs.pddl.generators import KINDS
from learnact.errors import LearnactError

# Pinned to the commit whose files known_sets.json records. This is the short hash from
# the data README; the full 40-character hash should replace it once known.
AGENTBOARD_COMMIT = "bb7255e"
BASE_URL = (
    f"https://raw.githubusercontent.com/hkust-nlp/AgentBoard/{AGENTBOARD_COMMIT}/"
    "agentboard/environment/pddl_env/pddlgym/pddl/"
)
TIMEOUT_S = 30


class DownloadError(LearnactError):
    """A file could not be fetched or did not match its recorded checksum."""


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
    """Fill ``dest`` with the AgentBoard files; files already there and verified are kept."""
    dest = Path(dest)
    base = base_url if base_url.endswith("/") else base_url + "/"
    for rel, sha in sorted(expected_files().items()):
        target = dest / rel
        if target.is_file() and sha256_file(target) == sha:
            continue
        if progress:
            progress(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        _fetch_verified(base + rel, target, sha)
    return dest


def _fetch_verified(url: str, target: Path, sha: str) -> None:
    # Write next to the target, verify, then rename: a partial or bad file never appears.
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            try:
                with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response:  # noqa: S310
                    while block := response.read(1 << 16):
                        out.write(block)
            except urllib.error.HTTPError as e:
                raise DownloadError(f"cannot download {url}: HTTP {e.code} {e.reason}") from e
            except (urllib.error.URLError, OSError) as e:
                reason = getattr(e, "reason", e)
                raise DownloadError(
                    f"cannot download {url}: {reason} (are you offline? copy the files "
                    "by hand and pass --data-dir instead)"
                ) from e
        got = sha256_file(tmp)
        if got != sha:
            raise DownloadError(
                f"checksum mismatch for {url}: expected sha256 {sha[:12]}..., got {got[:12]}...; "
                "the file was not kept"
            )
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
