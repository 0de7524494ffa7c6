"""One process at a time in a run directory.

Two ``learnact compare`` processes in one run directory would both take its unfinished
units (resuming resets units left running) and store some episodes twice. The process
that runs a directory holds an exclusive ``flock`` on ``run.lock`` in it (released by the
kernel when the process ends, however it ends); a second process is refused at once with
the first one's process id. Linux and other POSIX systems (``fcntl``). On a filesystem
that cannot lock (an NFS mount with ``nolock``, some FUSE filesystems) the run goes on
unlocked, with a warning.
"""

from __future__ import annotations

import errno
import fcntl
import os
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from learnact.errors import LearnactError

LOCK_NAME = "run.lock"
# flock's answers on a filesystem that has no locks (not "someone holds it").
_NO_LOCKS = {errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOTSUP, errno.ENOSYS, errno.EINVAL}


class RunBusy(LearnactError):
    """Another process is running the same run directory (exit code 1)."""


#: What `holder` says on a filesystem that cannot lock: a run may be going on.
UNKNOWN = "unknown (this filesystem cannot lock files)"


def _pid(fd: int) -> str:
    """The holder's process id written in the lock file, or "unknown" (not written yet)."""
    return os.pread(fd, 32, 0).decode(errors="replace").strip() or "unknown"


def holder(run_dir: Path) -> str | None:
    """The process id (as text) of the learnact process running ``run_dir`` now, or None
    when none is (no lock file, or an unheld one); `UNKNOWN` on a filesystem without
    ``flock``, where a run goes on unlocked and nobody can tell. It takes a shared lock
    for an instant and lets it go (a process starting the run at that instant waits for
    it: `hold_run` tries again for a moment)."""
    try:
        fd = os.open(run_dir / LOCK_NAME, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _pid(fd)
        except OSError as e:
            if e.errno in _NO_LOCKS:
                return UNKNOWN
            raise
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


@contextmanager
def hold_run(run_dir: Path) -> Iterator[bool]:
    """Hold ``run_dir``'s lock for the ``with`` block (the directory is created if need
    be); yields whether it is really locked (false, after a `RuntimeWarning`, on a
    filesystem without ``flock``). Raises `RunBusy` when another process holds it. The
    lock file stays behind (an unheld lock file locks nothing) with the holder's process
    id in it while held."""
    run_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(run_dir / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            _lock_briefly_held(fd)
        except BlockingIOError:
            raise RunBusy(
                f"{run_dir} is being run by another learnact process (pid {_pid(fd)}); "
                "wait for it to finish or stop it, then try again"
            ) from None
        except OSError as e:
            if e.errno not in _NO_LOCKS:
                raise
            warnings.warn(
                f"{run_dir}: this filesystem cannot lock files ({e.strerror}); the run goes "
                "on unlocked, so do not start a second process in this directory",
                RuntimeWarning,
                stacklevel=3,
            )
            yield False
            return
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        try:
            yield True
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _lock_briefly_held(fd: int, tries: int = 10, pause_s: float = 0.02) -> None:
    """Take the exclusive lock; while no holder's pid is written (`holder` looking, or a
    process that has just taken it) try again for a moment. `BlockingIOError` when it
    stays held."""
    for attempt in range(tries):
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if attempt == tries - 1 or _pid(fd) != "unknown":
                raise
            time.sleep(pause_s)
