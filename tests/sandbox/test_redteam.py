"""Hostile snippets: each must be contained by the kernel layer, and the sandbox (and this
test process) must keep working afterwards. Most start from `ESCAPE`, i.e. assume the
attacker already climbed out of the restricted Python namespace."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

import pytest

from learnact.sandbox import Sandbox, SandboxLimits
from tests.sandbox.util import (
    ENOENT,
    ENOSYS,
    EPERM,
    EROFS,
    SECRET,
    World,
    assert_healthy,
    blocked,
    denied,
    hostile,
    require,
    run,
)


def test_denied_helper_rejects_wrong_denials(sb: Sandbox) -> None:
    """The helper itself: a typo in a snippet, or the wrong denial, is never a pass."""
    denied(["blocked:PermissionError:EPERM"] * 2, EPERM)
    denied(["blocked:PermissionError:EPERM", "blocked:OSError:EROFS"], EPERM, EROFS)
    denied(["blocked:OSError:EROFS"], f"{EPERM}|{EROFS}")
    for lines, expected in [
        (["blocked:NameError:-"], (EPERM,)),
        (["blocked:AttributeError:-"], (EPERM,)),
        (["blocked:PermissionError:EACCES"], (EPERM,)),  # the right type, not the errno
        (["blocked:FileNotFoundError:ENOENT", "blocked:OSError:EROFS"], (EROFS, ENOENT)),
        (["blocked:PermissionError:EPERM", "ok:3"], (EPERM,)),
        (["ok:'blocked:PermissionError:EPERM'"], (EPERM,)),
        (["blocked:PermissionError:EPERM"] * 2, (EPERM, EPERM, EPERM)),
        (["PermissionError:EPERM"], (EPERM,)),
    ]:
        with pytest.raises(AssertionError):
            denied(lines, *expected)
    # And end to end: a snippet that breaks before reaching the kernel is not "blocked".
    lines = blocked(
        sb,
        "print(attempt(lambda: os.opne('/etc/passwd', os.O_RDONLY)))\n"  # typo
        "print(attempt(lambda: undefined_name))\n"
        "print(attempt(lambda: c(libc.no_such_function)))\n"
        "print(attempt(lambda: os.open('/etc/passwd', os.O_RDONLY)))\n",
    )
    assert lines[:3] == [
        "blocked:AttributeError:-",
        "blocked:NameError:-",
        "blocked:AttributeError:-",
    ]
    denied(lines[3:], ENOENT)
    for line in lines[:3]:
        with pytest.raises(AssertionError):
            denied([line], ENOENT)


# -- files ---------------------------------------------------------------------------


def test_write_file_outside(sb: Sandbox, tmp_path: Path) -> None:
    require("mountns_chroot", "uid_drop", "seccomp")
    target = tmp_path / "pwned"
    cwd_target = Path.cwd() / "pwned-by-sandbox"
    lines = blocked(
        sb,
        f"print(attempt(lambda: os.open({str(target)!r}, os.O_WRONLY | os.O_CREAT)))\n"
        "print(attempt(lambda: os.open('/tmp/pwned', os.O_WRONLY | os.O_CREAT)))\n"
        "print(attempt(lambda: os.open('pwned-by-sandbox', os.O_WRONLY | os.O_CREAT)))\n"
        "print(attempt(lambda: os.mkdir('/x')))\n",
    )
    # Paths outside are not in the chroot; creating a file in its root (the working
    # directory) hits the read-only tmpfs; mkdir is refused by seccomp before that.
    denied(lines, ENOENT, ENOENT, EROFS, EPERM)
    assert not target.exists() and not cwd_target.exists()
    assert_healthy(sb)


@pytest.mark.parametrize(
    "path",
    ["/etc/passwd", "/work/shared/data/README.md", os.path.expanduser("~"), "/proc/self/environ"],
)
def test_read_outside(sb: Sandbox, path: str) -> None:
    require("mountns_chroot")
    lines = blocked(
        sb,
        f"print(attempt(lambda: os.open({path!r}, os.O_RDONLY)))\n"
        f"print(attempt(lambda: os.listdir({path!r})))\n",
    )
    denied(lines, ENOENT)
    assert_healthy(sb)


def test_list_proc_and_root(sb: Sandbox) -> None:
    require("mountns_chroot")
    lines = blocked(
        sb,
        "print(attempt(lambda: os.listdir('/proc')))\n"
        "print(attempt(lambda: os.stat('/etc')))\n"
        "print(repr(os.listdir('/')))\n",
    )
    denied(lines[:2], ENOENT)
    assert lines[2] == "[]"
    assert_healthy(sb)


def test_chroot_escape_and_setuid_back_to_root(sb: Sandbox) -> None:
    require("mountns_chroot", "uid_drop", "caps_dropped", "seccomp")
    lines = blocked(
        sb,
        "print(attempt(lambda: os.setuid(0)))\n"
        "print(attempt(lambda: os.setresuid(0, 0, 0)))\n"
        "print(attempt(lambda: os.chroot('/')))\n"
        "print(attempt(lambda: os.mkdir('esc')))\n"
        "def up():\n"
        "    for _ in range(50):\n"
        "        os.chdir('..')\n"
        "    return os.listdir('.')\n"
        "print('ok' if up() == [] else 'escaped')\n",
    )
    denied(lines[:4], EPERM)
    assert lines[4] == "ok"
    res = run(sb, hostile("print(os.getuid(), os.geteuid(), os.getgid(), os.getgroups())"))
    uid = os.getuid()
    expected = "65534 65534 65534 []" if uid == 0 else None
    if expected:
        assert res.stdout.strip() == expected
    assert_healthy(sb)


def test_mount_and_unshare_via_ctypes(sb: Sandbox) -> None:
    require("caps_dropped", "seccomp")
    lines = blocked(
        sb,
        "print(attempt(lambda: c(libc.mount, b'proc', b'/', b'proc', 0, None)))\n"
        # CLONE_NEWUSER: regain capabilities in a new user namespace
        "print(attempt(lambda: c(libc.unshare, 0x10000000)))\n"
        "print(attempt(lambda: c(libc.chroot, b'.')))\n"
        "print(attempt(lambda: c(libc.setuid, 0)))\n",
    )
    denied(lines, EPERM)
    assert_healthy(sb)


# -- network -----------------------------------------------------------------------------


def test_socket_connect_to_localhost(sb: Sandbox) -> None:
    require("netns", "seccomp")
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(0.2)
    port = server.getsockname()[1]
    try:
        lines = blocked(
            sb,
            "s = sys.modules['socket']\n"
            # The host as bytes: a str is IDNA-encoded first, and the chroot hides that
            # codec, so the attempt would stop at a LookupError before any socket exists.
            f"print(attempt(lambda: s.create_connection((b'127.0.0.1', {port}), timeout=1)))\n"
            f"print(attempt(lambda: s.socket().connect(('127.0.0.1', {port}))))\n"
            "print(attempt(lambda: s.socket(s.AF_INET, s.SOCK_DGRAM)))\n"
            "print(attempt(lambda: s.socket(s.AF_UNIX, s.SOCK_STREAM)))\n"
            "print(attempt(lambda: s.socketpair()))\n",
        )
        denied(lines, EPERM)  # socket() itself: the empty network namespace is never reached
        with pytest.raises(TimeoutError):
            server.accept()  # nothing reached us
    finally:
        server.close()
    assert_healthy(sb)


def test_urllib(sb: Sandbox) -> None:
    require("mountns_chroot", "seccomp")
    res = run(sb, "import urllib.request\nurllib.request.urlopen('http://127.0.0.1')")
    assert res.error is not None and res.error.type == "ImportError"
    lines = blocked(
        sb, "print(attempt(lambda: sys.modules['importlib'].import_module('urllib.request')))\n"
    )
    denied(lines, "ModuleNotFoundError:-")  # no files to import from after the chroot
    assert_healthy(sb)


# -- processes -----------------------------------------------------------------------------


def test_subprocess_and_os_system(sb: Sandbox, tmp_path: Path) -> None:
    require("seccomp", "mountns_chroot")
    marker = tmp_path / "ran"
    lines = blocked(
        sb,
        "sp = sys.modules['importlib'].import_module('subprocess')\n"  # loaded by ctypes.util
        f"print(attempt(lambda: sp.run(['touch', '{marker}'])))\n"
        # os.system is libc's system(): a failed spawn returns the status 127 << 8 (also
        # what a missing shell gives), and only errno tells why, so call it through ctypes.
        f"print('exit', os.system('touch {marker}'))\n"
        "def system(cmd):\n"
        "    ctypes.set_errno(0)\n"
        "    status = libc.system(cmd)\n"
        "    if status == 127 << 8 and ctypes.get_errno():\n"
        "        raise OSError(ctypes.get_errno(), 'system')\n"
        "    return status\n"
        f"print(attempt(lambda: system(b'touch {marker}')))\n"
        f"print(attempt(lambda: os.posix_spawn('/bin/sh', ['sh', '-c', 'touch {marker}'], {{}})))\n"
        "print(attempt(lambda: os.execv('/bin/sh', ['sh'])))\n",
    )
    # EPERM, not ENOENT: the process is never created (clone, vfork and execve are denied),
    # so the chroot's missing /bin/sh is not even what stops it. subprocess stops earlier
    # still, at the pipe it opens first: pipes are not on the seccomp allow list (ENOSYS).
    assert lines[1] == f"exit {127 << 8}"
    denied(lines[:1], ENOSYS)
    denied(lines[2:], EPERM)
    assert not marker.exists()
    assert_healthy(sb)


def _nobody_procs() -> int:
    """Processes of the sandbox uid that are ours: below this process, or orphaned to init
    (not another test run's or benchmark's workers, which share the uid)."""
    out = subprocess.run(["ps", "-e", "-o", "pid=,ppid=,uid="], capture_output=True, text=True)
    rows = [tuple(map(int, line.split())) for line in out.stdout.splitlines() if line.strip()]
    parent = {pid: ppid for pid, ppid, _ in rows}

    def ours(pid: int) -> bool:
        if parent.get(pid) == 1:
            return True
        for _ in range(len(parent)):
            pid = parent.get(pid, 0)
            if pid <= 1:
                return False
            if pid == os.getpid():
                return True
        return False

    return sum(1 for pid, _, uid in rows if uid == 65534 and ours(pid))


def test_fork_and_fork_bomb(sb: Sandbox) -> None:
    require("seccomp", "rlimits", "uid_drop")
    lines = blocked(
        sb,
        "print(attempt(os.fork))\n"
        "print(attempt(lambda: c(libc.syscall, 57)))\n"  # fork
        "print(attempt(lambda: c(libc.syscall, 56, 17, 0, 0, 0, 0)))\n"  # clone(SIGCHLD)
        "print(attempt(lambda: c(libc.syscall, 57 | 0x40000000)))\n",  # fork, x32 ABI
    )
    denied(lines, EPERM)
    before = _nobody_procs() if os.getuid() == 0 else 0
    bomb = hostile(
        "n = 0\nwhile True:\n    try:\n        os.fork()\n        n += 1\n    except OSError:\n        pass"
    )
    t = time.monotonic()
    res = run(sb, bomb, timeout_s=1)
    assert res.timed_out and time.monotonic() - t < 5
    if os.getuid() == 0:
        assert _nobody_procs() <= before + 1  # at most the new spare
    assert_healthy(sb)


def test_thread_bomb(sb: Sandbox) -> None:
    require("seccomp")
    lines = blocked(
        sb,
        "t = real_import('_thread')\n"
        "print(attempt(lambda: t.start_new_thread(lambda: None, ())))\n"
        "print(attempt(lambda: [t.start_new_thread(lambda: None, ()) for _ in range(10000)]))\n"
        # pthread_create returns its error number: the clone under it is denied.
        "def pthread():\n"
        "    tid = ctypes.c_ulong()\n"
        "    start = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p)(lambda _: None)\n"
        "    err = libc.pthread_create(ctypes.byref(tid), None, start, None)\n"
        "    if err:\n"
        "        raise OSError(err, 'pthread_create')\n"
        "    return libc.pthread_join(tid, None)\n"
        "print(attempt(pthread))\n",
    )
    # _thread raises a bare RuntimeError("can't start new thread"), without the errno;
    # the pthread_create line shows it is seccomp's EPERM.
    denied(lines, "RuntimeError:-", "RuntimeError:-", EPERM)
    assert_healthy(sb)


def test_signals_to_the_parent(sb: Sandbox) -> None:
    require("seccomp", "uid_drop")
    lines = blocked(
        sb,
        "print(attempt(lambda: os.kill(os.getppid(), 9)))\n"
        "print(attempt(lambda: os.kill(-1, 9)))\n"  # every process we may signal
        "print(attempt(lambda: os.killpg(0, 9)))\n"
        f"print(attempt(lambda: os.kill({os.getpid()}, 9)))\n"
        "print(attempt(lambda: os.pidfd_open(os.getppid())))\n"
        f"print(attempt(lambda: c(libc.syscall, 200, {os.getpid()}, 9)))\n",  # tkill
    )
    denied(lines, EPERM)
    assert_healthy(sb)  # and so is the spare worker (same uid, kill(-1) would hit it)


def test_ptrace_and_process_memory(sb: Sandbox) -> None:
    require("seccomp", "uid_drop")
    lines = blocked(
        sb,
        # PTRACE_ATTACH to the test process, then to the worker's parent
        f"print(attempt(lambda: c(libc.ptrace, 16, {os.getpid()}, 0, 0)))\n"
        "print(attempt(lambda: c(libc.ptrace, 16, os.getppid(), 0, 0)))\n"
        f"print(attempt(lambda: c(libc.syscall, 310, {os.getpid()}, 0, 0, 0, 0, 0)))\n",  # vm_readv
    )
    denied(lines, EPERM)
    assert_healthy(sb)


# -- resources ---------------------------------------------------------------------------------


def test_infinite_loop_times_out(sb: Sandbox) -> None:
    t = time.monotonic()
    res = run(sb, "while True:\n    pass", timeout_s=0.5)
    assert res.timed_out and res.worker_restarted and time.monotonic() - t < 3
    assert_healthy(sb)


def test_cpu_burn_hits_rlimit_cpu() -> None:
    require("rlimits")
    with Sandbox(SandboxLimits(cpu_s=1)) as sandbox:
        t = time.monotonic()
        res = run(sandbox, "x = 0\nwhile True:\n    x += 1", timeout_s=20)
        assert not res.timed_out and res.error is not None
        assert res.error.type == "WorkerCrashed" and "SIGXCPU" in res.error.message
        assert time.monotonic() - t < 10
        assert_healthy(sandbox)


def test_memory_bomb(sb: Sandbox) -> None:
    require("rlimits")
    res = run(sb, "x = bytearray(4 << 30)")
    assert res.error is not None and res.error.type == "MemoryError"
    res = run(sb, "xs = []\nwhile True:\n    xs.append(' ' * (32 << 20))", timeout_s=10)
    assert res.error is not None and res.error.type in ("MemoryError", "WorkerCrashed")
    assert not res.timed_out
    assert_healthy(sb)


def test_recursion_bomb(sb: Sandbox) -> None:
    res = run(sb, "f()", library="def f():\n    return f()\n")
    assert res.error is not None and res.error.type == "RecursionError"
    assert len(res.error.frames) <= 13 and "line 2 in f: return f()" in res.error.frames
    # With the recursion limit lifted the C stack overflows: the worker dies, we do not.
    deep = "sys.setrecursionlimit(10**7)\ndef g():\n    return list(map(lambda _: g(), [0]))\ng()"
    res = run(sb, hostile(deep))
    assert res.error is not None and res.error.type in ("WorkerCrashed", "RecursionError")
    assert_healthy(sb)


def test_huge_output_and_value(sb: Sandbox) -> None:
    res = run(sb, "for _ in range(10000):\n    print('x' * 1000)")
    assert len(res.stdout) < 11_000 and "[output truncated:" in res.stdout
    res = run(sb, "'y' * 10**7")
    assert res.value is not None and len(res.value) <= 2_100
    res = run(sb, "list(range(10**6))")
    assert res.value is not None and len(res.value) <= 2_100
    assert_healthy(sb)


# -- reaching parent-side objects -------------------------------------------------------


def test_subclasses_escape_reaches_only_a_locked_process(sb: Sandbox) -> None:
    require("mountns_chroot", "uid_drop", "seccomp")
    res = run(
        sb,
        "[c for c in ().__class__.__base__.__subclasses__() if c.__name__ == '_wrap_close'][0]"
        ".__init__.__globals__['listdir']('/')",
    )
    assert res.error is None and res.value == "[]"
    assert_healthy(sb)


def test_frame_and_gc_escape_find_no_environment(sb: Sandbox) -> None:
    require("mountns_chroot")
    body = """
def scan(objs):
    hits = []
    for o in objs:
        try:
            if isinstance(o, str) and 'parent-' + 'secret' in o:  # not in our own source
                hits.append('secret')
            elif hasattr(o, 'execute') or type(o).__name__ in ('World', 'Episode', 'Sandbox'):
                hits.append(type(o).__name__)
        except BaseException:
            pass
    return hits
seen = []
f = sys._getframe()
while f is not None:
    seen += list(f.f_globals.values()) + list(f.f_locals.values())
    f = f.f_back
def gen():
    yield 1
g = gen()
fb = g.gi_frame.f_back
try:
    1 / 0
except ZeroDivisionError as e:
    tbf = e.__traceback__.tb_frame
    while tbf is not None:
        seen += list(tbf.f_globals.values())
        tbf = tbf.f_back
gc = real_import('gc')
print(scan(seen), scan(gc.get_objects()), len(gc.get_objects()) > 1000)
print('environ', sorted(os.environ))
"""
    w = World()
    res = sb.run(hostile(body), actions=[], execute=w.execute, timeout_s=10)
    assert res.error is None, res.error
    assert res.stdout.splitlines()[0] == "[] [] True"
    # No API keys from the parent's environment (LC_CTYPE is Python's own locale coercion).
    assert res.stdout.splitlines()[1] in ("environ []", "environ ['LC_CTYPE']")
    assert SECRET not in res.stdout and w.commands == []
    assert_healthy(sb)


# -- protocol and environment tampering -----------------------------------------------------


def test_forged_protocol_messages(sb: Sandbox) -> None:
    require("seccomp")
    for forged in (
        "os.write(1, b'garbage that is not a frame at all')",
        "os.write(1, (2**31).to_bytes(4, 'big'))",  # a 2 GiB message
        "os.write(1, (5).to_bytes(4, 'big') + b'[1,2]')",  # JSON, not an object
    ):
        w = World()
        res = run(sb, hostile(forged + "\nwhile True:\n    pass"), w)
        assert res.error is not None and res.error.type == "SandboxViolation", res.error
        assert w.commands == [] and res.worker_restarted
    # A forged *valid* request is just a basic action call, validated and recorded by us.
    w = World()
    data = b'{"op":"call","name":"inc","args":["a",1]}'
    res = run(sb, hostile(f"os.write(1, len({data!r}).to_bytes(4, 'big') + {data!r})\nx = 1"), w)
    assert w.commands == ["inc a 1"]
    assert_healthy(sb)


def test_environment_tampering(sb: Sandbox) -> None:
    w = World()
    res = run(sb, "check_valid_actions()", w)
    assert res.error is not None and res.error.type == "NameError"
    res = run(sb, "inc(World(), 1)", w)
    assert res.error is not None and res.error.type == "NameError"
    res = run(sb, "inc(object(), 1)", w)
    assert res.error is not None and res.error.type == "TypeError"
    assert_healthy(sb)


@pytest.mark.parametrize(
    ("code", "etype", "text"),
    [
        ("import os", "ImportError", "import of os is not allowed in learned actions"),
        ("__import__('os')", "ImportError", "allowed: re, math"),
        ("from subprocess import run", "ImportError", "subprocess is not allowed"),
        ("open('/etc/passwd').read()", "PermissionError", "open() is not available"),
        ("input()", "NameError", "input"),
    ],
)
def test_python_level_restrictions(sb: Sandbox, code: str, etype: str, text: str) -> None:
    res = run(sb, code)
    assert res.error is not None and res.error.type == etype and text in res.error.message
    assert_healthy(sb)
