"""The run directory's lock: one process at a time; a lock left by a dead process locks
nothing."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from learnact.runner.runlock import LOCK_NAME, RunBusy, hold_run


def test_a_held_run_is_refused_with_the_holders_pid(tmp_path):
    run = tmp_path / "runs" / "r"
    with hold_run(run):
        assert (run / LOCK_NAME).read_text() == str(os.getpid())
        with pytest.raises(RunBusy, match=rf"pid {os.getpid()}\)"), hold_run(run):
            pass
    assert (run / LOCK_NAME).read_text() == ""  # released
    with hold_run(run):
        pass


def test_a_lock_file_left_by_a_killed_process_locks_nothing(tmp_path):
    holder = (
        "import os, sys; from pathlib import Path; from learnact.runner.runlock import hold_run\n"
        "with hold_run(Path(sys.argv[1])): os._exit(0)\n"  # dies holding it, no cleanup
    )
    subprocess.run([sys.executable, "-c", holder, str(tmp_path)], check=True, timeout=60)
    assert (tmp_path / LOCK_NAME).read_text().isdigit()  # its pid is still written
    with hold_run(tmp_path):
        assert (tmp_path / LOCK_NAME).read_text() == str(os.getpid())
