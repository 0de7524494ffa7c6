"""Induced actions: abstractions found in action sequences by Stitch, as Python functions.

Each trajectory (the basic-action calls of the family's worked example, of a won
training episode or of a demonstration, with their string arguments) is written as a
program ``(seq CALL (seq CALL ... stop))`` in which a call is ``(a:NAME v:I v:J ...)``:
``a:`` tokens name basic actions and ``v:`` tokens stand for argument strings (interned,
so names with spaces such as ALFWorld's ``'mug 1'`` survive). Stitch (Bowers et al.,
"Top-Down Synthesis for Library Learning", POPL 2023; PyPI ``stitch-core``) compresses
the programs by anti-unification and returns abstractions with holes. An abstraction
whose body is a run of calls (holes only in argument positions, and at most one in the
tail, which stands for "the rest of the trajectory") becomes a Python function over the
basic actions: every hole *and every constant argument* becomes a parameter (a constant
of the training trajectories is an object name that must not be hard-coded), the same
hole or constant always the same parameter. Called with the arguments of any of its uses
it replays exactly that stretch of the trajectory, so it is right by construction; it
can still be wrong for a state it was not induced from (the basic actions then fail, as
they would for the agent).

Parameters are named by the PDDL type of the first argument position they fill (``ball``,
``room``), else by that position's role (the basic action's parameter name, e.g.
``receptacle``); a second parameter of the same type takes the role name (``to``), then a
number. Everything here is deterministic: Stitch runs on one thread, values are interned
in order of appearance, and abstractions keep Stitch's order (most compressive first).
"""

from __future__ import annotations

import ast
import keyword
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, get_args

from learnact.envs.base import TaskFamily

if TYPE_CHECKING:
    from learnact.agents.trajectory import EpisodeRecord

__all__ = [
    "SOURCES",
    "Source",
    "Abstraction",
    "Trace",
    "induce",
    "source_label",
    "trace_from_commands",
    "trace_from_episode",
    "trace_from_example",
]

#: Where action sequences come from: the family's worked example, the won training
#: episodes of the run, demonstrations of the training tasks (planner or expert plans).
Source = Literal["example", "won", "demonstrations"]  # one of SOURCES, for typed settings
SOURCES: tuple[str, ...] = get_args(Source)
_LABELS = {"example": "example", "won": "won episodes", "demonstrations": "demonstrations"}

Call = tuple[str, tuple[str, ...]]  # basic action name, string arguments


def source_label(sources: Iterable[str]) -> str:
    """The lineage ``source`` of an action induced from ``sources`` (names in `SOURCES`):
    ``"induced: example, won episodes"``."""
    chosen = [_LABELS[s] for s in SOURCES if s in set(sources)]
    return "induced: " + ", ".join(chosen)


@dataclass(frozen=True)
class Trace:
    """One action sequence: its ``source`` (one of `SOURCES`), the training task it played
    (``None`` for the worked example) and its basic-action calls in order."""

    source: str
    task: int | None
    calls: tuple[Call, ...]


def _parse_call(family: TaskFamily, text: str) -> Call | None:
    """``pick('ball1', 'rooma', 'left')`` -> ``("pick", ("ball1", "rooma", "left"))`` when
    it calls a basic action with string arguments only; else ``None``."""
    try:
        node = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        return None
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)) or node.keywords:
        return None
    action = family.action(node.func.id)
    if action is None or len(node.args) != len(action.params):
        return None
    args = [a.value for a in node.args if isinstance(a, ast.Constant)]
    if len(args) != len(node.args) or not all(isinstance(a, str) for a in args):
        return None
    return action.name, tuple(str(a) for a in args)


def trace_from_commands(
    family: TaskFamily, commands: Iterable[str], source: str, task: int | None
) -> Trace:
    """A trace of environment ``commands`` (``pick ball1 rooma left``); a command no basic
    action's template fits is left out (it cannot be part of an action over basic actions)."""
    calls = [_parse_call(family, family.as_call(c)) for c in commands]
    return Trace(source, task, tuple(c for c in calls if c is not None))


def trace_from_example(family: TaskFamily) -> Trace:
    """The basic-action calls of the family's worked example (its ``Action:`` lines)."""
    calls = []
    for line in family.example.splitlines():
        if line.startswith("Action:"):
            call = _parse_call(family, line.removeprefix("Action:"))
            if call is not None:
                calls.append(call)
    return Trace("example", None, tuple(calls))


def trace_from_episode(family: TaskFamily, record: EpisodeRecord, source: str = "won") -> Trace:
    """The valid environment commands an episode ran, in order (a learned call counts as the
    basic actions it ran; read-only looks are kept, invalid commands left out)."""
    commands = [sub.command for step in record.steps for sub in step.sub_actions if sub.valid]
    return trace_from_commands(family, commands, source, record.task)


@dataclass(frozen=True)
class Use:
    """Where an abstraction replays a trace: trace index, first call, the arguments."""

    trace: int
    start: int
    args: tuple[str, ...]


@dataclass(frozen=True)
class Abstraction:
    """An induced action: ``params`` (names), ``body`` (per call: the basic action and, per
    argument, the index of the parameter it passes), its ``uses`` in the traces and the
    ``sources`` of the traces it is used in (names in `SOURCES`)."""

    params: tuple[str, ...]
    body: tuple[tuple[str, tuple[int, ...]], ...]
    uses: tuple[Use, ...]
    sources: tuple[str, ...]

    @property
    def actions(self) -> tuple[str, ...]:
        """The basic actions it calls, in order."""
        return tuple(name for name, _ in self.body)

    def code(self, name: str) -> str:
        """The Python function ``name`` (returns the last basic action's observation)."""
        lines = [f"def {name}({', '.join(self.params)}):"]
        for i, (action, idx) in enumerate(self.body):
            call = f"{action}({', '.join(self.params[j] for j in idx)})"
            lines.append(f"    {'return ' if i == len(self.body) - 1 else ''}{call}")
        return "\n".join(lines)

    def example_call(self, name: str) -> str:
        """A call of ``name`` with the arguments of its first use."""
        return f"{name}({', '.join(repr(a) for a in self.uses[0].args)})"

    def template(self) -> str:
        """``pick(ball, room, gripper); move(room, to); ...``: the body as text."""
        return "; ".join(f"{a}({', '.join(self.params[j] for j in idx)})" for a, idx in self.body)


def induce(
    family: TaskFamily,
    traces: Sequence[Trace],
    *,
    max_actions: int = 3,
    max_arity: int = 6,
    iterations: int = 10,
    min_uses: int = 2,
) -> list[Abstraction]:
    """Up to ``max_actions`` abstractions of the ``traces`` (Stitch's order: most compressive
    first), each of at least two calls and at most ``max_arity`` holes, used at least
    ``min_uses`` times in the traces (counted here, with constants as parameters).
    Abstractions Stitch finds that do not fit (a hole in place of a whole call) are left
    out. ``[]`` when there are no calls to compress. Raises `ImportError` when
    ``stitch-core`` is not installed, `stitch_core.StitchException` when it fails."""
    import stitch_core

    traces = [t for t in traces if t.calls]
    if not traces:
        return []
    values: dict[str, int] = {}
    programs = [_encode(t, values) for t in traces]
    names = {f"v:{i}": v for v, i in values.items()}
    result = stitch_core.compress(
        programs,
        iterations=iterations,
        max_arity=max_arity + 1,  # the tail hole does not become a parameter
        threads=1,
        silent=True,
        no_curried_metavars=True,
        no_curried_bodies=True,
        allow_single_task=True,  # one long trajectory repeats itself (carry ball after ball)
    )
    bodies: dict[str, Any] = {}
    found: list[Abstraction] = []
    seen: set[tuple[Any, ...]] = set()
    for abs_ in result.abstractions:
        body = _inline(_parse_sexpr(abs_.body), bodies)
        bodies[abs_.name] = body
        calls = _calls(body)
        if calls is None or len(calls) < 2:
            continue
        params, shaped = _parameters(family, calls, names)
        if len(params) > max_arity:
            continue
        key = tuple(shaped)
        if key in seen:
            continue
        seen.add(key)
        uses = _uses(shaped, len(params), traces)
        if len(uses) < min_uses:
            continue
        sources = tuple(s for s in SOURCES if any(traces[u.trace].source == s for u in uses))
        found.append(Abstraction(params, key, tuple(uses), sources))
        if len(found) == max_actions:
            break
    return found


# --- encoding -----------------------------------------------------------------------------


def _encode(trace: Trace, values: dict[str, int]) -> str:
    """``trace`` as a Stitch program; argument strings are interned into ``values`` in the
    order they appear (so the same trajectories always give the same programs)."""
    heads = []
    for name, args in trace.calls:
        tokens = [f"v:{values.setdefault(a, len(values))}" for a in args]
        heads.append(f"(a:{name} {' '.join(tokens)})" if tokens else f"a:{name}")
    out = "stop"
    for head in reversed(heads):
        out = f"(seq {head} {out})"
    return out


def _parse_sexpr(text: str) -> Any:
    """``(a (b c) d)`` -> ``["a", ["b", "c"], "d"]`` (atoms are strings)."""
    tokens = text.replace("(", " ( ").replace(")", " ) ").split()
    stack: list[list[Any]] = [[]]
    for tok in tokens:
        if tok == "(":
            stack.append([])
        elif tok == ")":
            done = stack.pop()
            stack[-1].append(done)
        else:
            stack[-1].append(tok)
    return stack[0][0]


def _substitute(node: Any, args: list[Any]) -> Any:
    if isinstance(node, str):
        if node.startswith("#"):
            return args[int(node[1:])]
        return node
    return [_substitute(n, args) for n in node]


def _inline(node: Any, bodies: dict[str, Any]) -> Any:
    """``node`` with applications of earlier abstractions (``(fn_0 x y)``) expanded; the
    bodies in ``bodies`` are already expanded."""
    if isinstance(node, str):
        return bodies.get(node, node)  # an abstraction of arity 0
    if node and isinstance(node[0], str) and node[0] in bodies:
        return _substitute(bodies[node[0]], [_inline(n, bodies) for n in node[1:]])
    return [_inline(n, bodies) for n in node]


def _calls(body: Any) -> list[tuple[str, list[str]]] | None:
    """The calls of a ``seq`` chain, each as (action, argument atoms); ``None`` when the body
    is not a plain run of calls (a hole stands for a whole call, or a call's head)."""
    calls: list[tuple[str, list[str]]] = []
    node = body
    while isinstance(node, list) and len(node) == 3 and node[0] == "seq":
        head = node[1]
        if isinstance(head, str):
            if not head.startswith("a:"):
                return None
            calls.append((head[2:], []))
        else:
            if not (isinstance(head[0], str) and head[0].startswith("a:")):
                return None
            if not all(isinstance(a, str) and a.startswith(("v:", "#")) for a in head[1:]):
                return None
            calls.append((head[0][2:], list(head[1:])))
        node = node[2]
    if not (node == "stop" or (isinstance(node, str) and node.startswith("#"))):
        return None
    tail = node if node != "stop" else None
    if tail is not None and any(tail in args for _, args in calls):
        return None  # the continuation hole cannot also be an argument
    return calls


def _parameters(
    family: TaskFamily, calls: list[tuple[str, list[str]]], names: dict[str, str]
) -> tuple[tuple[str, ...], list[tuple[str, tuple[int, ...]]]]:
    """Parameter names and the body with argument atoms replaced by parameter indices."""
    index: dict[str, int] = {}
    params: list[str] = []
    taken = {a.name for a in family.basic_actions} | {"self"}
    shaped = []
    for action, args in calls:
        basic = family.action(action)
        assert basic is not None
        idx = []
        for pos, atom in enumerate(args):
            if atom not in index:
                index[atom] = len(params)
                params.append(_param_name(family, action, pos, basic.params[pos], params, taken))
            idx.append(index[atom])
        shaped.append((action, tuple(idx)))
    return tuple(params), shaped


def _param_name(
    family: TaskFamily, action: str, pos: int, role: str, params: list[str], taken: set[str]
) -> str:
    kind = _pddl_type(family, action, pos)
    plain = role.rstrip("_")
    # A second ball is ``ball2``, not ``obj``; but a second room is ``to`` (move's role).
    roles = (plain, role) if plain not in _GENERIC_ROLES else ()
    for cand in (kind, *roles):
        if cand and _usable(cand) and cand not in params and cand not in taken:
            return cand
    base = kind or role.rstrip("_") or "arg"
    n = 2
    while f"{base}{n}" in params or f"{base}{n}" in taken:
        n += 1
    return f"{base}{n}"


_GENERIC_ROLES = {"obj", "object", "arg", "x", "y", "item", "thing"}


def _usable(name: str) -> bool:
    return name.isidentifier() and not keyword.iskeyword(name) and name not in dir(__builtins__)


def _pddl_type(family: TaskFamily, action: str, pos: int) -> str | None:
    """The PDDL type of argument ``pos`` of basic action ``action`` (one type only), else
    ``None`` (not a PDDL family, untyped, or either-types)."""
    from learnact.envs.pddl.families import PddlFamily, python_name

    if not isinstance(family, PddlFamily):
        return None
    for schema in family.domain.actions.values():
        if python_name(schema.name) == action and pos < len(schema.params):
            types = schema.params[pos][1]
            if len(types) == 1:
                (kind,) = tuple(types)
                name = python_name(kind)
                return name if name != "object" else None
    return None


def _uses(
    body: Sequence[tuple[str, tuple[int, ...]]], n_params: int, traces: Sequence[Trace]
) -> list[Use]:
    """Every place a trace runs ``body`` with one consistent binding of the parameters."""
    uses = []
    for ti, trace in enumerate(traces):
        for start in range(len(trace.calls) - len(body) + 1):
            binding: list[str | None] = [None] * n_params
            ok = True
            for (action, idx), (name, args) in zip(body, trace.calls[start:], strict=False):
                if action != name or len(idx) != len(args):
                    ok = False
                    break
                for j, value in zip(idx, args, strict=True):
                    if binding[j] is None:
                        binding[j] = value
                    elif binding[j] != value:
                        ok = False
                        break
                if not ok:
                    break
            if ok:
                uses.append(Use(ti, start, tuple(str(b) for b in binding)))
    return uses
