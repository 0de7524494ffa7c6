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
