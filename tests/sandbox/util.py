"""Shared pieces of the sandbox tests: a tiny counter world and hostile-code helpers."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from learnact.envs.base import BasicAction
from learnact.sandbox import ExecResult, Sandbox, mechanisms
from tests.helpers import missing

ACTIONS = [
    BasicAction("inc", ("name", "n"), "Add n to counter name.", "inc {name} {n}"),
    BasicAction("look", (), "Show all counters.", "look"),
]

# Known only to the parent's callback: no run may ever see it.
SECRET = "parent-secret-7f3a9c"


class World:
    """A dict of counters; ``inc bad N`` is the invalid action."""

    def __init__(self) -> None:
        self.counters: dict[str, int] = {}
        self.commands: list[str] = []
        self._secret = SECRET

    def execute(self, command: str) -> tuple[str, bool]:
        self.commands.append(command)
        parts = command.split()
        if parts[0] == "inc":
            if parts[1] == "bad" or len(parts) != 3:
                return "Nothing happens.", False
            self.counters[parts[1]] = self.counters.get(parts[1], 0) + int(float(parts[2]))
            return f"{parts[1]} is {self.counters[parts[1]]}", True
        if parts[0] == "look":
            return repr(sorted(self.counters.items())), True
        return f"unknown command {command!r}", False


def run(sb: Sandbox, code: str, world: World | None = None, **kw: Any) -> ExecResult:
    world = world or World()
    kw.setdefault("timeout_s", 5)
    kw.setdefault("actions", ACTIONS)
    return sb.run(code, execute=world.execute, **kw)


def assert_healthy(sb: Sandbox) -> None:
    """A normal step still works after whatever the previous one did."""
    w = World()
    res = run(sb, "inc('ok', 2)", w)
    assert res.error is None, res.error
    assert res.value == "'ok is 2'"
    assert w.counters == {"ok": 2}


@lru_cache(maxsize=1)
def active() -> dict[str, Any]:
    return mechanisms()


def require(*names: str) -> None:
    """The containment a test relies on must be active: fail in CI, else skip."""
    inactive = [n for n in names if not active().get(n)]
    if inactive:
        notes = active().get("notes", "")
        missing(f"sandbox mechanism(s) inactive here: {', '.join(inactive)} ({notes})")


# Learned code can always climb out of the restricted namespace; the red-team snippets
# start from here to show that the kernel, not Python, holds them.
ESCAPE = """
def _escape():
    for c in ().__class__.__base__.__subclasses__():
        g = getattr(getattr(c, '__init__', None), '__globals__', None)
        if isinstance(g, dict) and g.get('__name__') == 'os':
            return g['sys']
    raise RuntimeError('no escape')
sys = _escape()
os = sys.modules['os']
real_import = sys.modules['builtins'].__import__
"""


def hostile(body: str) -> str:
    """A step program: the escape prelude, then ``body``."""
    return ESCAPE + body


# `attempt(f)` prints `ok:<value>` or `blocked:<exception type>:<errno name, or ->`, e.g.
# `blocked:PermissionError:EPERM`, `blocked:ModuleNotFoundError:-`. `c(fn, *args)` calls a
# libc function through ctypes and raises the `OSError` its errno names when it returns -1,
# as Python's own wrappers do, so raw syscalls report their denial the same way.
TRY = """
errno = real_import('errno')  # built in: no file to read after the chroot
def attempt(f):
    try:
        return 'ok:' + repr(f())[:200]
    except BaseException as e:
        code = getattr(e, 'errno', None)
        return 'blocked:' + type(e).__name__ + ':' + errno.errorcode.get(code, '-')
ctypes = sys.modules['ctypes']
libc = ctypes.CDLL(None, use_errno=True)
def c(fn, *args):
    ctypes.set_errno(0)
    ret = fn(*args)
    if ret == -1:
        raise OSError(ctypes.get_errno(), 'libc call failed')
    return ret
"""

# The kernel's answers the tests expect.
EPERM = "PermissionError:EPERM"  # seccomp's answer to every denied syscall
ENOSYS = "OSError:ENOSYS"  # seccomp's answer to a syscall its allow list does not name
ENOENT = "FileNotFoundError:ENOENT"  # the path does not exist inside the empty chroot
EROFS = "OSError:EROFS"  # the chroot's root is a read-only tmpfs


def blocked(sb: Sandbox, body: str, **kw) -> list[str]:
    """Run ``body`` (which prints one ``attempt(...)`` per line); return those lines."""
    res = run(sb, hostile(TRY + body), **kw)
    assert res.error is None, res.error
    lines = res.stdout.splitlines()
    assert lines, "the snippet printed nothing"
    return lines


def denied(lines: list[str], *expected: str) -> None:
    """Every line is a `blocked:` line with exactly the expected denial (`Type:ERRNO`).

    One ``expected`` applies to every line; otherwise there is one per line, in order. A
    denial may list alternatives as ``"A|B"``, only where the kernel may legitimately give
    either. Anything else (an `ok:` line, a `NameError` or `AttributeError` from a broken
    snippet, a denial by some other mechanism) fails, showing all the lines.
    """
    assert expected, "name the expected denial(s)"
    if len(expected) == 1:
        expected = expected * len(lines)
    assert len(lines) == len(expected), f"{len(lines)} lines, {len(expected)} denials: {lines}"
    wrong = [
        (line, want)
        for line, want in zip(lines, expected, strict=True)
        if not line.startswith("blocked:") or line.removeprefix("blocked:") not in want.split("|")
    ]
    assert not wrong, f"unexpected results (got, expected): {wrong}; all lines: {lines}"


def forge(message: dict[str, Any], then: str = "while True:\n    pass") -> str:
    """A step program that writes ``message`` straight to the parent as a protocol frame (as
    escaped code can), then runs ``then``. ``json.dumps`` writes lone surrogates and other
    odd characters as ASCII ``\\uXXXX`` escapes, as an attacker would, so the frame itself is
    valid UTF-8 JSON."""
    import json

    payload = json.dumps(message).encode()
    return hostile(f"data = {payload!r}\nos.write(1, len(data).to_bytes(4, 'big') + data)\n{then}")


def worker_pids(sb: Sandbox) -> list[int]:
    """Every host pid of ``sb``'s live workers: each process the parent started and, once its
    handshake has been read, the worker inside it (its pid in the host's namespace)."""
    pids: list[int] = []
    for w in list(sb._live):
        pids.append(w.pid)
        outer = (w.hello or {}).get("outer_pid")
        if isinstance(outer, int):
            pids.append(outer)
    return sorted(set(pids))
