"""Workers against other processes (issue 17, items 1 and 2): a step's code, escaped to
ctypes, must not see, signal, re-limit or re-schedule any process but its own worker: not
the spare of its own sandbox, not another sandbox's workers, not an unrelated host process
running as the same uid. Each test first asserts the mechanism it relies on (a PID
namespace per worker, seccomp argument filters, rlimits set before the privilege drop),
then attacks."""

from __future__ import annotations

import os
import subprocess
import time
import warnings
from collections.abc import Iterator

import pytest

from learnact.sandbox import Sandbox, SandboxLimits, SandboxUnavailable
from learnact.sandbox.process import WorkerProcess
from tests.sandbox.util import (
    ENOSYS,
    EPERM,
    TRY,
    assert_healthy,
    blocked,
    denied,
    hostile,
    require,
    run,
    worker_pids,
)

# Raw calls the attacks use, on top of `TRY`: struct rlimit, prlimit64 through glibc, and
# the x86_64 syscall numbers glibc has no wrapper for.
PRELUDE = (
    TRY
    + """
class RL(ctypes.Structure):
    _fields_ = [('cur', ctypes.c_ulong), ('max', ctypes.c_ulong)]
RLIMIT_CPU, RLIMIT_FSIZE, RLIMIT_AS, RLIMIT_NOFILE = 0, 1, 9, 7
def lower(pid, res=RLIMIT_AS, to=16 << 20):
    return c(libc.prlimit, pid, res, ctypes.byref(RL(to, to)), None)
def peek(pid):
    old = RL()
    c(libc.prlimit, pid, RLIMIT_NOFILE, None, ctypes.byref(old))
    return old.cur
def ioprio_set(which, who):
    return c(libc.syscall, 251, which, who, (2 << 13) | 7)  # IOPRIO_CLASS_BE, lowest
def affinity(pid):
    mask = ctypes.c_ulong()
    c(libc.sched_getaffinity, 0, 8, ctypes.byref(mask))
    return c(libc.sched_setaffinity, pid, 8, ctypes.byref(mask))
"""
)


@pytest.fixture()
def other() -> Iterator[Sandbox]:
    """Another sandbox in the same process (the learner runs one per concurrent episode),
    its spare started and its handshake read, so that its worker's host pid is known."""
    with Sandbox() as sandbox:
        assert sandbox._spare is not None
        sandbox._spare.handshake(time.monotonic() + 10)
        yield sandbox


@pytest.fixture()
def sleeper() -> Iterator[subprocess.Popen[bytes]]:
    """An unrelated host process, as the sandbox's uid when we are root (as in the report)."""

    def as_nobody() -> None:
        if os.getuid() == 0:
            os.setgroups([])
            os.setresgid(65534, 65534, 65534)
            os.setresuid(65534, 65534, 65534)

    proc = subprocess.Popen(["sleep", "60"], preexec_fn=as_nobody)
    try:
        yield proc
    finally:
        proc.kill()
        proc.wait()


def _limits_intact(pid: int) -> None:
    with open(f"/proc/{pid}/limits") as f:
        text = f.read()
    assert "Max open files" in text
    assert os.getpriority(os.PRIO_PROCESS, pid) == 0


def _rlimits_of_next_worker(sb: Sandbox, lim: SandboxLimits) -> None:
    """The next step runs with exactly the configured limits and can use its memory."""
    res = run(
        sb,
        hostile(
            "r = sys.modules['resource']\n"
            "print([r.getrlimit(x) for x in (r.RLIMIT_AS, r.RLIMIT_CPU, r.RLIMIT_FSIZE,"
            " r.RLIMIT_NOFILE)])\n"
            "x = bytearray(64 << 20)\n"
        ),
    )
    assert res.error is None, res.error
    mem = lim.memory_mb << 20
    cpu = res.stdout.strip()
    assert cpu.startswith(f"[({mem}, {mem}), ({lim.cpu_s}, "), cpu
    assert cpu.endswith(f"(0, 0), ({lim.max_open_files}, {lim.max_open_files})]"), cpu


# -- seeing other processes ----------------------------------------------------------------


def test_each_worker_has_its_own_pid_namespace(sb: Sandbox) -> None:
    require("pidns")
    res = run(sb, hostile("print(os.getpid(), os.getppid())"))
    assert res.stdout.strip() == "1 0"  # alone: no parent, no spare, no host process
    assert_healthy(sb)


def test_pid_scan_finds_no_other_process(sb: Sandbox, other: Sandbox, sleeper) -> None:
    """prlimit as an oracle (ESRCH: no such pid; EPERM or success: a live one) found 123
    host pids in the report. Every pid but the worker's own must look the same: denied."""
    require("pidns", "seccomp")
    near = sorted(
        {p + d for p in [os.getpid(), sleeper.pid, *worker_pids(other)] for d in range(-16, 17)}
    )
    pids = sorted(set(range(2, 32768)) | {p for p in near if p >= 2})
    lines = blocked(
        sb,
        PRELUDE
        + f"""
seen = {{}}
for pid in sorted(set(range(2, 32768)) | set({[p for p in near if p >= 32768]})):
    r = attempt(lambda: peek(pid))
    seen[r] = seen.get(r, 0) + 1
print(attempt(lambda: peek(0)).split(':')[0], attempt(lambda: peek(1)).split(':')[0])
print(sorted(seen.items()))
""",
    )
    assert lines[0] == "ok ok"  # itself, as pid 0 and as its own pid 1
    assert lines[1] == f"[('blocked:{EPERM}', {len(pids)})]"
    assert_healthy(sb)


# -- re-limiting and re-scheduling others ----------------------------------------------------


def test_prlimit_and_scheduling_work_only_on_itself(sb: Sandbox, other: Sandbox, sleeper) -> None:
    require("pidns", "seccomp", "rlimits")
    targets = [os.getpid(), sleeper.pid, *worker_pids(other)]
    attacks = "".join(
        f"print(attempt(lambda: lower({t})))\n"
        f"print(attempt(lambda: c(libc.setpriority, 0, {t}, 19)))\n"
        f"print(attempt(lambda: affinity({t})))\n"
        f"print(attempt(lambda: ioprio_set(1, {t})))\n"
        f"print(attempt(lambda: c(libc.sched_setscheduler, {t}, 5, ctypes.byref(ctypes.c_int(0)))))\n"
        f"print(attempt(lambda: c(libc.sched_setparam, {t}, ctypes.byref(ctypes.c_int(0)))))\n"
        # pid_t is 32 bits: the kernel drops the high half, the filter must not
        f"print(attempt(lambda: c(libc.syscall, 302, ctypes.c_long((1 << 32) + {t}), 9,"
        " ctypes.byref(RL(1 << 24, 1 << 24)), None)))\n"
        for t in targets
    )
    lines = blocked(
        sb,
        PRELUDE
        + attacks
        # every process of our uid, of our process group, or of our user's I/O
        + "print(attempt(lambda: c(libc.setpriority, 2, 0, 19)))\n"
        "print(attempt(lambda: c(libc.setpriority, 1, 0, 19)))\n"
        "print(attempt(lambda: ioprio_set(3, os.getuid())))\n"
        # and on itself, as pid 0 and as its own pid, each still works
        "print(attempt(lambda: lower(0, RLIMIT_NOFILE, 15)))\n"
        "print(attempt(lambda: lower(os.getpid(), RLIMIT_NOFILE, 14)))\n"
        "print(attempt(lambda: c(libc.setpriority, 0, 0, 5)))\n"
        "print(attempt(lambda: affinity(0)))\n"
        "print(attempt(lambda: ioprio_set(1, 0)))\n"
        "print(attempt(lambda: c(libc.sched_setscheduler, 0, 3, ctypes.byref(ctypes.c_int(0)))))\n",
    )
    attacked, own = lines[:-6], lines[-6:]
    denied(attacked, EPERM)
    assert own == ["ok:0"] * 6, own
    _limits_intact(sleeper.pid)
    assert sleeper.poll() is None
    lim = SandboxLimits()
    _rlimits_of_next_worker(other, lim)  # the other sandbox's spare kept its limits
    assert_healthy(sb)


# -- signals through a pipe's owner ----------------------------------------------------------


def test_pipe_owner_signals_are_denied(sb: Sandbox, other: Sandbox, sleeper) -> None:
    """F_SETOWN + F_SETSIG(SIGKILL) + O_ASYNC on the worker's own request pipe: every write
    of the parent would then deliver SIGKILL to the chosen pid."""
    require("pidns", "seccomp")
    targets = [sleeper.pid, *worker_pids(other)]
    attacks = "".join(
        f"print(attempt(lambda: c(libc.fcntl, 0, 8, {t})))\n"  # F_SETOWN
        f"print(attempt(lambda: c(libc.fcntl, 0, 15, ctypes.byref((ctypes.c_int * 2)(1, {t})))))\n"
        f"print(attempt(lambda: c(libc.ioctl, 0, 0x8901, ctypes.byref(ctypes.c_int({t})))))\n"
        f"print(attempt(lambda: c(libc.syscall, 72, 0, ctypes.c_long((1 << 32) + 8), {t})))\n"
        for t in targets
    )
    lines = blocked(
        sb,
        PRELUDE + attacks + "print(attempt(lambda: c(libc.fcntl, 0, 10, 9)))\n"  # F_SETSIG(SIGKILL)
        "print(attempt(lambda: c(libc.fcntl, 0, 1026, 0)))\n"  # F_NOTIFY
        "print(attempt(lambda: c(libc.fcntl, 0, 1024, 1)))\n"  # F_SETLEASE
        "print(attempt(lambda: c(libc.ioctl, 0, 0x5412, ctypes.c_char_p(b'x'))))\n"  # TIOCSTI
        # O_ASYNC itself is harmless without an owner; the parent now writes to us
        "fl = c(libc.fcntl, 0, 3)\n"
        "c(libc.fcntl, 0, 4, fl | 0o20000)\n"
        "for _ in range(5):\n"
        "    look()\n",
    )
    denied(lines, EPERM)
    time.sleep(0.2)
    assert sleeper.poll() is None
    assert_healthy(other)  # its spare was not killed, stopped or slowed
    assert_healthy(sb)


# -- the starting spare ----------------------------------------------------------------------


def test_a_step_cannot_weaken_the_spare_while_it_starts() -> None:
    """The race of the report: a step spins on prlimit against its own sandbox's spare while
    that spare is starting (between its privilege drop and its own setrlimit). The step
    learns the spare's pid from the parent's callback; none of its calls may land."""
    require("pidns", "seccomp", "rlimits")
    lim = SandboxLimits()
    with Sandbox(lim) as sb:
        assert_healthy(sb)  # a spare is ready, so the next run starts a new one

        def execute(command: str) -> tuple[str, bool]:
            assert sb._spare is not None
            return str(sb._spare.pid), True  # the new spare, still starting

        body = (
            PRELUDE
            + """
spare = int(look())
seen = {}
for i in range(30000):
    for pid in (spare, spare + 1, spare + 2):
        r = attempt(lambda: lower(pid, (RLIMIT_AS, RLIMIT_CPU, RLIMIT_FSIZE)[i % 3], 1 << 16))
        seen[r] = seen.get(r, 0) + 1
print(sorted(seen))
"""
        )
        from learnact.envs.base import BasicAction

        look = [BasicAction("look", (), "Show.", "look")]
        res = sb.run(hostile(body), actions=look, execute=execute, timeout_s=20)
        assert res.error is None, res.error
        assert res.stdout.strip() == f"['blocked:{EPERM}']"
        _rlimits_of_next_worker(sb, lim)


def test_limits_are_set_before_anything_else(other: Sandbox) -> None:
    """The worker sets its rlimits first thing after entering its PID namespace: before the
    chroot, the privilege drop and seccomp, so while it is still privileged and before any
    other process could name it. (The report's race landed between the drop and setrlimit.)"""
    require("pidns", "rlimits", "uid_drop")
    spare = other._spare
    assert spare is not None and spare.hello is not None
    applied = spare.hello["applied"]
    assert applied[:2] == ["pidns", "rlimits"], applied
    assert applied.index("rlimits") < applied.index("uid_drop") < applied.index("seccomp")


def test_a_worker_without_every_mechanism_never_runs_a_step(monkeypatch) -> None:
    """A worker that reports a mechanism off (the race made `rlimits` fail) is replaced,
    not used with a warning; one that keeps failing is an error, in the default mode too."""
    real = WorkerProcess.handshake
    bad: list[WorkerProcess] = []

    def degraded(self: WorkerProcess, deadline: float):
        hello = real(self, deadline)
        if len(bad) < 2 or self in bad:
            if self not in bad:
                bad.append(self)
            hello = {**hello, "mechanisms": {**hello["mechanisms"], "rlimits": False}}
            self.hello = hello
        return hello

    monkeypatch.setattr(WorkerProcess, "handshake", degraded)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # no "weaker containment" warning either
        with Sandbox(SandboxLimits(require_all=False)) as sb:
            assert_healthy(sb)
            assert len(bad) == 2 and all(w.proc.returncode is not None for w in bad)

    def always(self: WorkerProcess, deadline: float):
        hello = real(self, deadline)
        self.hello = {**hello, "mechanisms": {**hello["mechanisms"], "rlimits": False}}
        return self.hello

    monkeypatch.setattr(WorkerProcess, "handshake", always)
    with (
        Sandbox(SandboxLimits(require_all=False)) as sb,
        pytest.raises(SandboxUnavailable, match=r"rlimits"),
    ):
        run(sb, "inc('a', 1)")


# -- memory outside the address space --------------------------------------------------------


def test_memfd_cannot_hold_memory_beyond_the_limit(sb: Sandbox) -> None:
    """The report held 1 GiB in a memfd with RLIMIT_AS at 300 MiB: pages written to a memfd
    are not mapped, so the address-space limit does not count them."""
    require("seccomp", "rlimits", "mountns_chroot")
    lines = blocked(
        sb,
        PRELUDE
        + "print(attempt(lambda: os.memfd_create('x')))\n"
        + "print(attempt(lambda: c(libc.syscall, 319, b'x', 0)))\n"  # memfd_create
        + "print(attempt(lambda: c(libc.syscall, 447, 0)))\n"  # memfd_secret
        + "print(attempt(lambda: c(libc.shm_open, b'/x', 0o102, 0o600)))\n",
    )
    denied(lines, EPERM, EPERM, EPERM, f"{EPERM}|FileNotFoundError:ENOENT")
    res = run(sb, "x = bytearray(1 << 30)")  # and the address-space limit itself holds
    assert res.error is not None and res.error.type == "MemoryError"
    assert_healthy(sb)


def test_syscalls_off_the_allow_list_do_not_exist(sb: Sandbox) -> None:
    """The filter is an allow list: anything it does not name fails as if the kernel had no
    such call (ENOSYS), e.g. pipes (kernel buffers outside the address space) or the LDT."""
    require("seccomp")
    lines = blocked(
        sb,
        PRELUDE
        + "print(attempt(lambda: os.pipe()))\n"
        + "print(attempt(lambda: c(libc.syscall, 154, 0, None, 0)))\n"  # modify_ldt
        + "print(attempt(lambda: c(libc.syscall, 284, 0)))\n",  # eventfd
    )
    denied(lines, ENOSYS)
    assert_healthy(sb)
