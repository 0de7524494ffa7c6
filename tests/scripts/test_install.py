"""`scripts/install.sh` checks the build's prerequisites before it touches anything and
says what is missing, with the apt-get line that installs it (issue 21, item 6)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.helpers import REPO


def _bin_without(tmp_path: Path, *leave_out: str) -> Path:
    """A PATH directory with the tools the script uses, less ``leave_out``."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    tools = {"bash", "dirname", "grep", "sed", "ldconfig", "g++", "cmake"}
    for tool in sorted(tools - set(leave_out)):
        found = shutil.which(tool) or shutil.which(tool, path="/sbin:/usr/sbin")
        if found:
            (bin_dir / tool).symlink_to(found)
    (bin_dir / "python3").symlink_to(sys.executable)
    return bin_dir


def _run(bin_dir: Path, repo: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": str(bin_dir), "HOME": os.environ.get("HOME", "/tmp")}
    return subprocess.run(
        [str(bin_dir / "bash"), str(repo / "scripts" / "install.sh")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_missing_compiler_and_cmake_are_named_with_the_line_that_installs_them(tmp_path):
    # A copy of the script in an empty tree: nothing may be created there before the check.
    repo = tmp_path / "repo"
    (repo / "scripts").mkdir(parents=True)
    shutil.copy(REPO / "scripts" / "install.sh", repo / "scripts" / "install.sh")
    r = _run(_bin_without(tmp_path, "g++", "cmake"), repo)
    assert r.returncode == 2, r.stderr
    assert "error: missing: a C++ compiler (g++); cmake" in r.stderr
    assert "sudo apt-get install -y g++ cmake" in r.stderr
    assert sorted(p.name for p in repo.iterdir()) == ["scripts"]  # no .venv was made


def test_an_old_python_is_refused(tmp_path):
    bin_dir = _bin_without(tmp_path)
    fake = tmp_path / "python3.9"
    fake.write_text("#!/bin/sh\n[ \"$1\" = -V ] && echo 'Python 3.9.2' && exit 0\nexit 1\n")
    fake.chmod(0o755)
    (bin_dir / "python3").unlink()
    (bin_dir / "python3").symlink_to(fake)
    r = _run(bin_dir, REPO)
    assert r.returncode == 2
    assert "Python >= 3.11 (python3 is Python 3.9.2)" in r.stderr
