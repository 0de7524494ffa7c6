"""Kernel-level lockdown of the worker process, run once before any learned code.

Order matters: namespaces and chroot need privileges (root, or a fresh user namespace),
the capability bounding set can only be dropped while CAP_SETPCAP is held, so it goes
before the uid change, and the seccomp filter goes last because it forbids the calls
(unshare, mount, chroot, setuid) used to set everything else up. Each step is checked
after it is applied and reported as it *is*, never as it was requested.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import resource
import socket
from typing import Any

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REC, MS_PRIVATE = 1 << 14, 1 << 18
PR_SET_DUMPABLE = 4
PR_GET_SECCOMP = 21
PR_CAPBSET_READ, PR_CAPBSET_DROP = 23, 24
PR_SET_NO_NEW_PRIVS, PR_GET_NO_NEW_PRIVS = 38, 39
PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL = 47, 4
CAP_V3 = 0x20080522

# Every syscall that creates processes or threads, reaches outside the process (network,
# signals, other processes' memory), changes privileges, mounts or namespaces, loads
# kernel code, or changes the filesystem. EPERM, not KILL, so Python raises a clear
# PermissionError. Names unknown to this architecture are skipped.
DENIED_SYSCALLS: tuple[str, ...] = (
    # processes and threads
    "fork", "vfork", "clone", "clone3", "execve", "execveat",
    # network and IPC outside the process
    "socket", "socketpair", "connect", "bind", "listen", "accept", "accept4",
    "sendto", "sendmsg", "sendmmsg", "recvfrom", "recvmsg", "recvmmsg",
    "shmget", "shmat", "msgget", "msgsnd", "semget", "mq_open", "mq_timedsend",
    # signals and other processes
    "kill", "tkill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo",
    "pidfd_open", "pidfd_getfd", "pidfd_send_signal", "process_madvise",
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp",
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

    def _step(self, name: str, fn: Any) -> None:
        try:
            self.active[name] = bool(fn())
        except Exception as e:  # noqa: BLE001 - a missing mechanism is reported, not fatal
            self.active[name] = False
            self.notes.append(f"{name}: {type(e).__name__}: {e}")

    def apply(self, keep_fds: tuple[int, ...]) -> None:
        """Apply every mechanism in order: namespaces, the network check, a chroot into an empty
        read-only root, dropping capabilities, the uid drop, no_new_privs, rlimits, closing every fd
        but ``keep_fds``, and seccomp last. A mechanism that fails is recorded as off in ``active``
        with a line in ``notes`` instead of raising (an `OSError` while writing the new user
        namespace's uid/gid maps is the exception: it propagates)."""
        self._namespaces()
        self._step("netns", self._check_netns)
        self._step("mountns_chroot", self._chroot)
        self._step("caps_dropped", self._drop_bounding_set)
        self._step("uid_drop", self._drop_uid)
        if self.active["caps_dropped"]:
            self._step("caps_dropped", self._clear_caps)
        self._step("no_new_privs", self._no_new_privs)
        self._step("rlimits", self._rlimits)
        _close_fds(keep_fds)
        self._step("seccomp", self._seccomp)

    # -- namespaces -------------------------------------------------------------------
    def _namespaces(self) -> None:
        """Enter new mount/net/ipc/uts namespaces (and a user namespace when not root)."""
        flags = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS
        if self.was_root:
            self._unshare_ok = self._try_unshare(flags)
            return
        uid, gid = os.getuid(), os.getgid()
        self._unshare_ok = self._try_unshare(flags | CLONE_NEWUSER)
        if self._unshare_ok:
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
            self.notes.append(f"namespaces: {e} (no network or filesystem isolation)")
            return False

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
        wanted = {
            resource.RLIMIT_AS: (mem, mem),
            resource.RLIMIT_CPU: (cpu, cpu + 1),  # soft: SIGXCPU, hard: SIGKILL
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

        f = pyseccomp.SyscallFilter(pyseccomp.ALLOW)
        if pyseccomp.system_arch() == pyseccomp.Arch.X86_64:
            # The same deny list for x32 syscall numbers, where the kernel has that ABI;
            # other foreign ABIs (int 0x80) hit the filter's default KILL for bad arches.
            with contextlib.suppress(OSError, ValueError):
                f.add_arch(pyseccomp.Arch.X32)
        for name in DENIED_SYSCALLS:
            try:
                f.add_rule(pyseccomp.ERRNO(errno.EPERM), name)
            except (OSError, ValueError, RuntimeError):
                continue  # not a syscall on this architecture
        f.load()
        if _prctl(PR_GET_SECCOMP) != 2:
            return False
        try:
            socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).close()
        except PermissionError:
            return True
        return False


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
