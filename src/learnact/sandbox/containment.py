"""Kernel-level lockdown of the worker process, run once before any learned code.

Order matters: namespaces and chroot need privileges (root, or a fresh user namespace);
a new PID namespace takes effect for the next child only, so the process forks once and
the child, pid 1 of its own namespace, becomes the worker while the parent stays outside
as its keeper (`_keep`); the rlimits are set first thing in that child, while it is still
privileged and before anything else could run or reach it; the capability bounding set
can only be dropped while CAP_SETPCAP is held, so it goes before the uid change; and the
seccomp filter goes last because it forbids the calls (unshare, mount, chroot, setuid)
used to set everything else up. Each step is checked after it is applied and reported as
it *is*, never as it was requested.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import resource
import signal
import socket
from typing import Any

CLONE_NEWNS = 0x00020000
CLONE_NEWPID = 0x20000000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REC, MS_PRIVATE = 1 << 14, 1 << 18
PR_SET_PDEATHSIG = 1
PR_GET_DUMPABLE, PR_SET_DUMPABLE = 3, 4
PR_GET_NAME = 16
PR_GET_SECCOMP = 21
PR_CAPBSET_READ, PR_CAPBSET_DROP = 23, 24
PR_SET_NO_NEW_PRIVS, PR_GET_NO_NEW_PRIVS = 38, 39
PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 47, 4
CAP_V3 = 0x20080522

# The seccomp filter is an allow list (`ALLOWED_SYSCALLS`, plus the calls allowed only with
# certain arguments below); any other syscall fails with ENOSYS, as on a kernel without it,
# so that glibc falls back where it can. The calls below are the ones a step could use to
# reach outside its process: each is denied explicitly with EPERM, not KILL, so Python
# raises a clear PermissionError. Names unknown to this architecture are skipped (notes).
DENIED_SYSCALLS: tuple[str, ...] = (
    # processes and threads
    "fork", "vfork", "clone", "clone3", "execve", "execveat",
    # network and IPC outside the process
    "socket", "socketpair", "connect", "bind", "listen", "accept", "accept4",
    "sendto", "sendmsg", "sendmmsg", "recvfrom", "recvmsg", "recvmmsg",
    "shmget", "shmat", "msgget", "msgsnd", "semget", "mq_open", "mq_timedsend",
    # signals and other processes
    "kill", "tkill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo",
    "pidfd_open", "pidfd_getfd", "pidfd_send_signal", "process_madvise", "process_mrelease",
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "get_robust_list",
    "setpgid", "setsid", "wait4", "waitid",
    # memory the address-space limit does not count (pages of a memfd are not mapped)
    "memfd_create", "memfd_secret",
    # privileges
    "setuid", "setgid", "setreuid", "setregid", "setresuid", "setresgid",
    "setfsuid", "setfsgid", "setgroups", "capset", "personality", "seccomp",
    # mounts and namespaces
    "mount", "umount2", "chroot", "pivot_root", "unshare", "setns",
    "fsopen", "fsconfig", "fsmount", "fspick", "move_mount", "open_tree", "mount_setattr",
    # kernel attack surface and system-wide state
    "bpf", "perf_event_open", "keyctl", "add_key", "request_key", "userfaultfd",
    "io_uring_setup", "io_uring_enter", "io_uring_register",
    "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load",
    "reboot", "swapon", "swapoff", "acct", "quotactl", "syslog", "vhangup",
    "settimeofday", "clock_settime", "clock_adjtime", "adjtimex",
    "sethostname", "setdomainname", "iopl", "ioperm", "uselib", "lookup_dcookie",
    "mbind", "migrate_pages", "move_pages", "set_mempolicy", "fanotify_init",
    "name_to_handle_at", "open_by_handle_at",
    # filesystem changes
    "chmod", "fchmod", "fchmodat", "chown", "fchown", "lchown", "fchownat",
    "link", "linkat", "symlink", "symlinkat", "unlink", "unlinkat",
    "rename", "renameat", "renameat2", "mkdir", "mkdirat", "rmdir",
    "mknod", "mknodat", "truncate", "ftruncate", "setxattr", "lsetxattr", "fsetxattr",
    "removexattr", "lremovexattr", "fremovexattr", "utime", "utimes", "utimensat", "futimesat",
)  # fmt: skip

# What a locked-down CPython needs to run learned code (compute, print into a buffer, talk
# to the parent on two pipes) and nothing more: no new files, fds of new kinds (pipes,
# eventfds, epoll...), processes, or views of other processes. Grouped by purpose.
ALLOWED_SYSCALLS: tuple[str, ...] = (
    # memory (bounded by RLIMIT_AS)
    "brk", "mmap", "munmap", "mremap", "mprotect", "madvise",
    # the two protocol pipes, and reading the empty root (every path is ENOENT there)
    "read", "write", "readv", "writev", "pread64", "pwrite64", "preadv", "pwritev",
    "preadv2", "pwritev2", "lseek", "close", "close_range", "dup", "dup2", "dup3",
    "open", "openat", "stat", "fstat", "lstat", "newfstatat", "statx", "access",
    "faccessat", "faccessat2", "readlink", "readlinkat", "getdents", "getdents64",
    "getcwd", "chdir", "fchdir", "statfs", "fstatfs", "umask",
    # waiting and time (the clocks are argument-filtered below)
    "poll", "ppoll", "select", "pselect6", "nanosleep", "gettimeofday", "time",
    "sched_yield", "getitimer", "setitimer", "alarm",
    # its own signals
    "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigpending", "rt_sigtimedwait",
    "rt_sigsuspend", "sigaltstack", "restart_syscall",
    # who am I (the pid-taking ones are argument-filtered below)
    "getpid", "getppid", "gettid", "getuid", "geteuid", "getgid", "getegid", "getresuid",
    "getresgid", "getgroups", "getpgrp",
    # its own limits and usage (setrlimit can only lower: no CAP_SYS_RESOURCE)
    "getrlimit", "setrlimit", "getrusage", "times", "sysinfo", "getcpu", "getrandom",
    # the C runtime
    "futex", "set_robust_list", "rseq", "arch_prctl", "set_tid_address", "exit", "exit_group",
)  # fmt: skip

# Calls whose first argument is a pid (0: the caller): allowed on the caller only. In its
# own PID namespace the worker is pid 1, so 0 and 1; without one, only 0.
SELF_PID_SYSCALLS: tuple[str, ...] = (
    "prlimit64", "getpgid", "getsid", "sched_getaffinity", "sched_setaffinity",
    "sched_getscheduler", "sched_setscheduler", "sched_getparam", "sched_setparam",
    "sched_getattr", "sched_setattr", "sched_rr_get_interval",
)  # fmt: skip
# (which, who) calls: allowed only for which == "one process" and who == the caller.
# PRIO_PGRP/PRIO_USER and IOPRIO_WHO_PGRP/IOPRIO_WHO_USER reach every process of a group
# or of the uid, other workers included.
WHICH_WHO_SYSCALLS: dict[str, int] = {
    "setpriority": 0, "getpriority": 0,  # PRIO_PROCESS
    "ioprio_set": 1, "ioprio_get": 1,  # IOPRIO_WHO_PROCESS
}  # fmt: skip
# fcntl/ioctl commands (32 bits; the kernel ignores the high half, and so does the filter).
# F_SETOWN/F_SETOWN_EX/F_SETSIG (and the ioctl equivalents) would make the kernel signal
# another pid on every write to the worker's pipe; leases and dnotify also signal.
FCNTL_ALLOWED = {
    "F_DUPFD": 0, "F_GETFD": 1, "F_SETFD": 2, "F_GETFL": 3, "F_SETFL": 4,
    "F_DUPFD_CLOEXEC": 1030, "F_GETPIPE_SZ": 1032,
}  # fmt: skip
FCNTL_DENIED = {
    "F_SETOWN": 8,
    "F_SETSIG": 10,
    "F_SETOWN_EX": 15,
    "F_SETLEASE": 1024,
    "F_NOTIFY": 1026,
}
IOCTL_ALLOWED = {
    "TCGETS": 0x5401, "TIOCGWINSZ": 0x5413, "FIONREAD": 0x541B, "FIONBIO": 0x5421,
    "FIONCLEX": 0x5450, "FIOCLEX": 0x5451,
}  # fmt: skip
IOCTL_DENIED = {"TIOCSPGRP": 0x5410, "TIOCSTI": 0x5412, "FIOSETOWN": 0x8901, "SIOCSPGRP": 0x8902}
# Read-only prctl options (the checks below use them); any other option does not exist.
PRCTL_ALLOWED = {
    "PR_GET_DUMPABLE": PR_GET_DUMPABLE, "PR_GET_NAME": PR_GET_NAME,
    "PR_GET_SECCOMP": PR_GET_SECCOMP, "PR_CAPBSET_READ": 23, "PR_GET_NO_NEW_PRIVS": 39,
}  # fmt: skip
# Clock ids 0..15 are the fixed clocks (CLOCK_REALTIME, CLOCK_MONOTONIC, its own process
# and thread CPU clocks...); negative ids name another process's CPU clock.
CLOCK_SYSCALLS: tuple[str, ...] = ("clock_gettime", "clock_getres", "clock_nanosleep")
MAX_FIXED_CLOCK = 15

_libc = ctypes.CDLL(None, use_errno=True)


class _CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class _CapData(ctypes.Structure):
    _fields_ = [
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    ]


def _check(ret: int, what: str) -> int:
    if ret == -1:
        e = ctypes.get_errno()
        raise OSError(e, f"{what}: {os.strerror(e)}")
    return ret


def _prctl(option: int, arg: int = 0) -> int:
    return _check(_libc.prctl(option, ctypes.c_ulong(arg), 0, 0, 0), f"prctl({option})")


def _cap_last() -> int:
    try:
        with open("/proc/sys/kernel/cap_last_cap") as f:
            return int(f.read())
    except (OSError, ValueError):
        return 63  # probed with PR_CAPBSET_READ below


def _empty_root_dir() -> str:
    # Any existing directory works as the mount point: the read-only tmpfs mounted over it
    # is visible only inside this worker's private mount namespace.
    for d in ("/tmp", "/mnt", "/var/tmp", "/dev"):
        if os.path.isdir(d) and not os.path.islink(d):
            return d
    raise OSError(errno.ENOENT, "no directory to mount the empty root on")


class Lockdown:
    """Applies each mechanism in order and records what is actually in force."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self.active: dict[str, bool] = {}
        self.notes: list[str] = []
        self.was_root = os.geteuid() == 0
        self.outer_uid = os.getuid()
        self.cap_last = _cap_last()
        self.outer_pid: int | None = None  # the worker's pid as the host sees it
        self.filter_summary = ""

    def _step(self, name: str, fn: Any) -> None:
        try:
            self.active[name] = bool(fn())
        except Exception as e:  # noqa: BLE001 - a missing mechanism is reported, not fatal
            self.active[name] = False
            self.notes.append(f"{name}: {type(e).__name__}: {e}")

    def apply(self, keep_fds: tuple[int, ...]) -> None:
        """Apply every mechanism in order: namespaces; a fork into the new PID namespace (this
        process stays outside as the keeper and never returns from here); rlimits; the network
        check; a chroot into an empty read-only root; dropping capabilities; the uid drop;
        no_new_privs; closing every fd but ``keep_fds``; and seccomp last. A mechanism that
        fails is recorded as off in ``active`` with a line in ``notes`` instead of raising (an
        `OSError` while writing the new user namespace's uid/gid maps is the exception: it
        propagates)."""
        self._namespaces()
        self._step("pidns", self._enter_pidns)
        # Before anything else, while still privileged and (in the PID namespace) where no
        # other process can see us: nothing can lower a limit before we set it.
        self._step("rlimits", self._rlimits)
        self._step("netns", self._check_netns)
        self._step("mountns_chroot", self._chroot)
        self._step("caps_dropped", self._drop_bounding_set)
        self._step("uid_drop", self._drop_uid)
        if self.active["caps_dropped"]:
            self._step("caps_dropped", self._clear_caps)
        self._step("no_new_privs", self._no_new_privs)
        _close_fds(keep_fds)
        self._step("seccomp", self._seccomp)

    # -- namespaces -------------------------------------------------------------------
    def _namespaces(self) -> None:
        """Enter new mount/net/ipc/uts namespaces (and a user namespace when not root), and make
        the next child the first process of a new PID namespace. A kernel without PID
        namespaces still gets the others."""
        base = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS
        if not self.was_root:
            base |= CLONE_NEWUSER
        uid, gid = os.getuid(), os.getgid()
        self._pidns_ok = self._unshare_ok = self._try_unshare(base | CLONE_NEWPID)
        if not self._unshare_ok:
            self._unshare_ok = self._try_unshare(base)
        if self._unshare_ok and not self.was_root:
            # Map only ourselves (to 0 inside, which gives capabilities *in the new user
            # namespace only*, enough to mount and chroot); they are all dropped below.
            _write("/proc/self/setgroups", "deny")
            _write("/proc/self/uid_map", f"0 {uid} 1")
            _write("/proc/self/gid_map", f"0 {gid} 1")

    def _try_unshare(self, flags: int) -> bool:
        try:
            _check(_libc.unshare(flags), "unshare")
            return True
        except OSError as e:
            what = "pid" if flags & CLONE_NEWPID else "network or filesystem"
            self.notes.append(f"namespaces: {e} (no {what} isolation)")
            return False

    def _enter_pidns(self) -> bool:
        """Fork: the child is pid 1 of the new PID namespace and goes on to become the worker;
        this process stays outside, as its keeper (`_keep`), and never returns."""
        if not self._pidns_ok:
            return False
        lifeline_r, lifeline_w = os.pipe()
        # The keeper takes SIGTERM (the parent's "stop") and SIGCHLD with sigwaitinfo: both
        # blocked from before the fork, so that none is lost and no handler runs at all.
        signal.pthread_sigmask(signal.SIG_BLOCK, _KEEPER_SIGNALS)
        try:
            child = os.fork()
        except OSError:
            # No keeper then: this process goes on as the worker, without a PID namespace.
            signal.pthread_sigmask(signal.SIG_UNBLOCK, _KEEPER_SIGNALS)
            for fd in (lifeline_r, lifeline_w):
                os.close(fd)
            raise
        if child:
            _keep(child, lifeline_r, lifeline_w, self.config)  # never returns
        os.close(lifeline_w)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _KEEPER_SIGNALS)
        # The keeper's death kills us; if it died before that was set, the lifeline is
        # already closed and we go too.
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        os.set_blocking(lifeline_r, False)
        try:
            if os.read(lifeline_r, 1) == b"":
                os._exit(1)
        except BlockingIOError:
            pass
        os.close(lifeline_r)
        self.outer_pid = _host_pid()
        return os.getpid() == 1

    def _check_netns(self) -> bool:
        if not self._unshare_ok:
            return False
        # A fresh network namespace has only a loopback device, and it is down.
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s.settimeout(0.2)
            s.connect(("127.0.0.1", 9))
        except OSError as e:
            return e.errno in (errno.ENETUNREACH, errno.EADDRNOTAVAIL)
        finally:
            s.close()
        return False

    # -- filesystem ---------------------------------------------------------------------
    def _chroot(self) -> bool:
        if not self._unshare_ok:
            return False
        # Private propagation first, so nothing mounted here leaks to the host.
        _check(_libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None), "mount --make-rprivate")
        target = _empty_root_dir().encode()
        flags = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC
        _check(_libc.mount(b"tmpfs", target, b"tmpfs", flags, b"size=4k,mode=0555"), "mount")
        os.chdir(target)
        os.chroot(".")
        os.chdir("/")
        try:
            with open("/probe", "w"):
                return False
        except OSError as e:
            if e.errno not in (errno.EROFS, errno.EACCES):
                raise
        return os.listdir("/") == [] and not os.path.exists("/proc/self")

    # -- privileges ---------------------------------------------------------------------
    def _drop_bounding_set(self) -> bool:
        # Bounding set first: dropping it needs CAP_SETPCAP, which the uid change removes.
        for cap in range(self.cap_last + 1):
            try:
                _prctl(PR_CAPBSET_DROP, cap)
            except OSError as e:
                if e.errno != errno.EINVAL:  # EINVAL: no such capability on this kernel
                    raise
        try:
            _prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL)
        except OSError as e:
            if e.errno != errno.EINVAL:  # EINVAL: kernel without ambient capabilities
                raise
        return True

    def _drop_uid(self) -> bool:
        if not self.was_root:
            # A non-root parent's worker already has no privilege outside its user
            # namespace; inside it is uid 0 without capabilities (dropped next).
            self.notes.append(f"uid_drop: not root; runs as the invoking uid {self.outer_uid}")
            return True
        uid = int(self.config["unprivileged_uid"])
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
        return os.getresuid() == (uid,) * 3 and os.getresgid() == (uid,) * 3 and not os.getgroups()

    def _clear_caps(self) -> bool:
        # The uid change already emptied the sets when we were root; capset makes it so
        # in a user namespace too, and capget checks it.
        _check(_libc.capset(ctypes.byref(_CapHeader(CAP_V3, 0)), (_CapData * 2)()), "capset")
        hdr = _CapHeader(CAP_V3, 0)
        data = (_CapData * 2)()
        _check(_libc.capget(ctypes.byref(hdr), data), "capget")
        if any(d.effective or d.permitted or d.inheritable for d in data):
            return False
        for cap in range(self.cap_last + 1):
            try:
                if _prctl(PR_CAPBSET_READ, cap):
                    return False
            except OSError:
                break
        return True

    def _no_new_privs(self) -> bool:
        _prctl(PR_SET_NO_NEW_PRIVS, 1)
        # Not dumpable: other processes of the same uid cannot ptrace or read our memory.
        _prctl(PR_SET_DUMPABLE, 0)
        return _prctl(PR_GET_NO_NEW_PRIVS) == 1

    def _rlimits(self) -> bool:
        c = self.config
        mem = int(c["memory_mb"]) << 20
        cpu = int(c["cpu_s"])
        nofile = int(c["max_open_files"])
        # pid 1 of a PID namespace ignores SIGXCPU (a signal it has no handler for), so there
        # the hard limit is the limit: SIGKILL, which the keeper reports as SIGXCPU.
        hard_cpu = cpu if self.active.get("pidns") else cpu + 1
        wanted = {
            resource.RLIMIT_AS: (mem, mem),
            resource.RLIMIT_CPU: (cpu, hard_cpu),  # soft: SIGXCPU, hard: SIGKILL
            resource.RLIMIT_FSIZE: (0, 0),
            resource.RLIMIT_NPROC: (0, 0),  # binds once we are not root
            resource.RLIMIT_NOFILE: (nofile, nofile),
            resource.RLIMIT_CORE: (0, 0),
            resource.RLIMIT_MEMLOCK: (0, 0),
            resource.RLIMIT_MSGQUEUE: (0, 0),
        }
        for res, lim in wanted.items():
            resource.setrlimit(res, lim)
        return all(resource.getrlimit(r) == lim for r, lim in wanted.items())

    # -- seccomp ------------------------------------------------------------------------
    def _seccomp(self) -> bool:
        import pyseccomp  # imported here: the doctor may run where it is missing

        f = build_filter(pyseccomp, self_pids=1 if self.active.get("pidns") else 0)
        self.filter_summary = f.summary
        self.notes.extend(f.notes)
        f.filter.load()
        return _filter_holds()


class _Filter:
    def __init__(self, sc: Any) -> None:
        self.sc = sc
        self.filter = sc.SyscallFilter(sc.ERRNO(errno.ENOSYS))
        self.notes: list[str] = []
        self.summary = ""
        self.skipped: list[str] = []

    def add(self, action: int, name: str, *args: Any) -> bool:
        try:
            self.filter.add_rule(action, name, *args)
            return True
        except (OSError, ValueError, RuntimeError):
            self.skipped.append(name)  # not a syscall on this architecture
            return False


def build_filter(sc: Any, *, self_pids: int) -> _Filter:
    """The worker's seccomp filter (``sc`` is the ``pyseccomp`` module): default ENOSYS;
    `ALLOWED_SYSCALLS` allowed; `DENIED_SYSCALLS` EPERM; the pid-, command- and clock-taking
    calls allowed only on the caller itself / for the listed commands, EPERM for the ones
    that reach others. ``self_pids``: the highest pid that is the caller (1 in its own PID
    namespace, where it is pid 1; 0 otherwise). Not loaded."""
    f = _Filter(sc)
    flt, allow, eperm = f.filter, sc.ALLOW, sc.ERRNO(errno.EPERM)
    with contextlib.suppress(OSError, ValueError, RuntimeError):
        flt.set_attr(sc.Attr.CTL_OPTIMIZE, 2)  # a binary tree, not a list, of syscalls
    if sc.system_arch() == sc.Arch.X86_64:
        # The same rules for x32 syscall numbers, where the kernel has that ABI; other
        # foreign ABIs (int 0x80) hit the filter's default KILL for bad arches.
        with contextlib.suppress(OSError, ValueError):
            flt.add_arch(sc.Arch.X32)
    low32 = 0xFFFFFFFF

    def arg(i: int, op: int, a: int, b: int = 0) -> Any:
        return sc.Arg(i, op, a, b)

    for name in ALLOWED_SYSCALLS:
        f.add(allow, name)
    for name in DENIED_SYSCALLS:
        f.add(eperm, name)
    for name in SELF_PID_SYSCALLS:
        # 64-bit comparisons: a pid with anything in the high half is "not the caller".
        f.add(allow, name, arg(0, sc.LE, self_pids))
        f.add(eperm, name, arg(0, sc.GT, self_pids))
    for name, which in WHICH_WHO_SYSCALLS.items():
        f.add(allow, name, arg(0, sc.EQ, which), arg(1, sc.LE, self_pids))
        f.add(eperm, name, arg(0, sc.NE, which))
        f.add(eperm, name, arg(1, sc.GT, self_pids))
    for name, allowed, denied in (
        ("fcntl", FCNTL_ALLOWED, FCNTL_DENIED),
        ("ioctl", IOCTL_ALLOWED, IOCTL_DENIED),
    ):
        for cmd in allowed.values():
            f.add(allow, name, arg(1, sc.MASKED_EQ, low32, cmd))
        for cmd in denied.values():
            f.add(eperm, name, arg(1, sc.MASKED_EQ, low32, cmd))
    for option in PRCTL_ALLOWED.values():
        f.add(allow, "prctl", arg(0, sc.MASKED_EQ, low32, option))
    for name in CLOCK_SYSCALLS:
        f.add(allow, name, arg(0, sc.LE, MAX_FIXED_CLOCK))
        f.add(eperm, name, arg(0, sc.GT, MAX_FIXED_CLOCK))
    skipped = sorted(set(f.skipped))
    if skipped:
        f.notes.append(f"seccomp: not syscalls here, left out: {', '.join(skipped)}")
    n_args = len(SELF_PID_SYSCALLS) + len(WHICH_WHO_SYSCALLS) + len(CLOCK_SYSCALLS) + 3
    f.summary = (
        f"allow list: {len(ALLOWED_SYSCALLS)} syscalls, {n_args} more only on itself or with "
        f"listed arguments; {len(DENIED_SYSCALLS)} denied with EPERM; any other is ENOSYS"
    )
    return f


def _filter_holds() -> bool:
    """The loaded filter does what it says: seccomp mode 2, a socket and a memfd are refused,
    and a pid that is not ours is refused by the filter (EPERM), not by the kernel (ESRCH)."""
    if _prctl(PR_GET_SECCOMP) != 2:
        return False
    for attempt in (
        lambda: socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).close(),
        lambda: os.close(os.memfd_create("probe")),
        lambda: resource.prlimit(0x7FFFFFFF, resource.RLIMIT_NOFILE),
    ):
        try:
            attempt()
        except PermissionError:
            continue
        except OSError:
            return False
        return False
    return True


# -- the keeper -------------------------------------------------------------------------
# The process the parent started stays outside the worker's PID namespace: it waits for the
# worker (its only child), kills it when the parent asks (SIGTERM), and ends the way the
# worker ended, so that the parent sees the worker's exit status as its own. It runs no
# handler: it takes SIGTERM and SIGCHLD with sigwaitinfo, blocked since before the fork.
_KEEPER_SIGNALS = {signal.SIGTERM, signal.SIGCHLD}


def _keep(child: int, lifeline_r: int, lifeline_w: int, config: dict[str, Any]) -> None:
    code = 70
    try:
        os.close(lifeline_r)
        # Nothing of the worker's: with the protocol pipes closed here, the parent sees the
        # worker's end of them close when the worker dies. fd 2 stays (debugging).
        for fd in range(0, 2):
            with contextlib.suppress(OSError):
                os.close(fd)
        os.closerange(3, lifeline_w)
        os.closerange(lifeline_w + 1, 1 << 16)
        with contextlib.suppress(OSError):
            _prctl(PR_SET_DUMPABLE, 0)  # no core dump when it re-raises a fatal signal
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        # Only this loop reaps the child, and only after acting on each signal, so the
        # SIGKILL can only ever reach our own child (alive, or a zombie), never a reused pid.
        stopped = False
        while True:
            if signal.sigwaitinfo(_KEEPER_SIGNALS).si_signo == signal.SIGTERM and not stopped:
                stopped = True
                os.kill(child, signal.SIGKILL)
            pid, status, usage = os.wait4(child, os.WNOHANG)
            if pid:
                break
        if os.WIFEXITED(status):
            code = os.WEXITSTATUS(status)
            return
        sig = os.WTERMSIG(status)
        cpu_s = float(config.get("cpu_s") or 0)
        used = usage.ru_utime + usage.ru_stime
        if sig == signal.SIGKILL and not stopped and cpu_s and used >= cpu_s - 0.05:
            sig = signal.SIGXCPU  # the hard RLIMIT_CPU of a PID namespace's pid 1
        code = 128 + sig
        if sig != signal.SIGKILL:
            signal.signal(sig, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {sig})
        os.kill(os.getpid(), sig)
    finally:
        os._exit(code)


def _host_pid() -> int | None:
    """This process's pid in the outermost PID namespace that /proc shows (read before the
    chroot hides /proc); for diagnostics and tests, never used to signal."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("NSpid:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return None


def _write(path: str, text: str) -> None:
    fd = os.open(path, os.O_WRONLY)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def _close_fds(keep: tuple[int, ...]) -> None:
    """No inherited fd may point outside the chroot (a directory fd would escape it)."""
    low = 0
    for fd in sorted(set(keep)):
        if fd > low:  # closerange(n, n) would close everything from n (CPython quirk)
            os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, 1 << 16)
