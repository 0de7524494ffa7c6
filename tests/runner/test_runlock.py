"""The run directory's lock: one process at a time; a lock left by a dead process locks
nothing."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from learnact.runner.runlock import LOCK_NAME, UNKNOWN, RunBusy, hold_run, holder


def test_a_held_run_is_refused_with_the_holders_pid(tmp_path):
    run = tmp_path / "runs" / "r"
    with hold_run(run):
        assert (run / LOCK_NAME).read_text() == str(os.getpid())
        with pytest.raises(RunBusy, match=rf"pid {os.getpid()}\)"), hold_run(run):
            pass
    assert (run / LOCK_NAME).read_text() == ""  # released
    with hold_run(run):
        pass


def test_holder_names_the_running_process_and_only_while_it_runs(tmp_path):
    run = tmp_path / "r"
    assert holder(run) is None  # no lock file: nobody
    with hold_run(run):
        assert holder(run) == str(os.getpid())
        with pytest.raises(RunBusy), hold_run(run):  # asking took nothing from the holder
            pass
    assert holder(run) is None
    with hold_run(run):  # and asking left nothing held
        pass


def test_a_start_while_holder_looks_waits_for_the_look(tmp_path):
    # holder() takes a shared lock for an instant; a run starting right then must not be
    # refused as "run by another process (pid unknown)".
    import fcntl
    import threading

    (tmp_path / LOCK_NAME).touch()
    fd = os.open(tmp_path / LOCK_NAME, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_SH)
    release = threading.Timer(0.05, fcntl.flock, (fd, fcntl.LOCK_UN))
    release.start()
    try:
        with hold_run(tmp_path):
            assert holder(tmp_path) == str(os.getpid())
    finally:
        release.join()
        os.close(fd)


def test_a_lock_file_left_by_a_killed_process_locks_nothing(tmp_path):
    script = (
        "import os, sys; from pathlib import Path; from learnact.runner.runlock import hold_run\n"
        "with hold_run(Path(sys.argv[1])): os._exit(0)\n"  # dies holding it, no cleanup
    )
    subprocess.run([sys.executable, "-c", script, str(tmp_path)], check=True, timeout=60)
    assert (tmp_path / LOCK_NAME).read_text().isdigit()  # its pid is still written
    assert holder(tmp_path) is None
    with hold_run(tmp_path):
        assert (tmp_path / LOCK_NAME).read_text() == str(os.getpid())


def test_a_filesystem_without_locks_runs_unlocked_with_a_warning(tmp_path, monkeypatch):
    import errno
    import fcntl

    def no_locks(fd, op):
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(fcntl, "flock", no_locks)
    with pytest.warns(RuntimeWarning, match="cannot lock files"), hold_run(tmp_path) as locked:
        assert locked is False
        # Nobody can tell whether a run is going on: not "none" (a report would call its
        # running units interrupted).
        assert holder(tmp_path) == UNKNOWN

    def broken(fd, op):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(fcntl, "flock", broken)
    with pytest.raises(OSError, match="Input/output"), hold_run(tmp_path):
        pass


def test_learnact_own_settings_count_the_methods_of_every_family(tmp_path):
    from learnact.errors import BadInput
    from learnact.runner.experiment import compose_experiment

    toml = tmp_path / "exp.toml"
    toml.write_text(
        'methods = ["act"]\nmodel = "scripted:x.json"\n'
        '[[families]]\nname = "pddl-gen/gripper[size=2,tasks=8]"\nmethods = ["act", "learnact"]\n'
    )
    exp = compose_experiment(options={}, learn_options={"rounds": 2}, file=toml)
    assert exp.learn.rounds == 2  # learnact runs on that family: the setting is used
    toml.write_text(
        'methods = ["learnact"]\nmodel = "scripted:x.json"\n'
        '[[families]]\nname = "pddl-gen/gripper[size=2,tasks=8]"\nmethods = ["act"]\n'
    )
    with pytest.raises(
        BadInput, match=r"--rounds, --budget-calls: LearnAct's own .*\(methods: act\)"
    ):
        compose_experiment(options={}, learn_options={"rounds": 2, "budget_calls": 5}, file=toml)
    # From the file's own [learn] section, nothing is refused.
    toml.write_text(toml.read_text().replace("[[families]]", "[learn]\nrounds = 2\n[[families]]"))
    assert compose_experiment(options={}, file=toml).learn.rounds == 2
