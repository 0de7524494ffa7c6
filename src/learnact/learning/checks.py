"""Static checks of learned functions, refused and sent back to the learner to fix.

Small learners write functions that run once (the validation call passes) and still
cannot serve as actions: they hard-code an object of the example or training task where
a parameter belongs (``pick('ball1', room, 'left')``), take parameters they never use, or
come with an example call that does not fit them (too few arguments; a room where a ball
goes). Each check reads the code with `ast` only; nothing runs here. What a name is (a
task's own object or one every task has, and its kinds) comes from the family
(`TaskFamily.task_objects`, `TaskFamily.parameter_kinds`).

Checks (`CHECKS`), each a name in the journal and the learning summary:

* ``hard_coded_names``: a string constant in a function (default values included, the
  docstring not) that is a task's own object (``TaskObject.fixed`` false).
* ``unused_parameters``: a parameter the function never reads (names starting with ``_``
  are exempt; ``*args``/``**kwargs`` too).
* ``example_arguments``: the answer's example call of one of its functions passes too
  few or too many arguments, an unknown keyword, or a known object whose kinds cannot be
  what the basic action it is passed to takes (only arguments passed on directly to a
  basic action, in families that know parameter kinds: PDDL).
* ``impossible_steps``: on the function's straight-line path (`learnact.learning.straight`),
  a basic-action call that can never run after the calls before it, in any state and for
  any arguments, or that changes nothing whenever it runs (``pick(b, r, 'left')`` twice;
  ``pickup(x)`` then ``unstack(x, y)``; ``move(room, room)``), in families that can tell
  (`TaskFamily.impossible_step`: PDDL, over the action schemas, then over the states
  reachable in the worked example's problem: ``pick(o, r, 'left')`` then
  ``drop(o, t, 'right')``).
* ``endless_recursion``: the function calls itself with its own arguments before it has
  called anything else (``if is_open(recep):`` inside ``is_open``), so the call never
  returns (`learnact.learning.recursion`); every family.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from learnact.envs.base import TaskFamily, TaskObject
from learnact.learning.code import CodeProblem
from learnact.learning.recursion import endless_self_call
from learnact.learning.straight import parameters, straight_line_calls

CHECKS = (
    "hard_coded_names",
    "unused_parameters",
    "example_arguments",
    "impossible_steps",
    "endless_recursion",
)
#: `TaskFamily.parameter_kinds`: a basic action's name -> the kinds each parameter takes.
ParameterKinds = Callable[[str], tuple[frozenset[str], ...] | None]


@dataclass(frozen=True)
class Finding:
    """One problem a check found: which ``check`` (one of `CHECKS`), in which ``function``,
    and the ``message`` for the learner."""

    check: str
    function: str
    message: str

    def to_dict(self) -> dict[str, str]:
        """The finding as JSON data (journal events)."""
        return {"check": self.check, "function": self.function, "message": self.message}


class ChecksFailed(CodeProblem):
    """Learned code that the checks refuse; the message lists every finding."""

    def __init__(self, findings: Sequence[Finding]) -> None:
        self.findings = tuple(findings)
        super().__init__(fix_message(self.findings))


def fix_message(findings: Iterable[Finding]) -> str:
    """The findings as one message for the learner, one line each, and what to do."""
    findings = list(findings)
    lines = [f"- {f.message}" for f in findings]
    advice = (
        "\nAn action must work on every task: take the task's objects as parameters."
        if any(f.check == "hard_coded_names" for f in findings)
        else ""
    )
    return "these functions cannot be used as actions yet:\n" + "\n".join(lines) + advice


class Checker:
    """The checks of `CHECKS` named in ``enabled`` against ``family``'s objects of the
    training ``tasks`` (and its worked example). ``enabled=()`` checks nothing."""

    def __init__(
        self, family: TaskFamily, tasks: Sequence[int], enabled: Iterable[str] = CHECKS
    ) -> None:
        unknown = set(enabled) - set(CHECKS)
        if unknown:
            raise ValueError(f"unknown check(s) {', '.join(sorted(unknown))}; known: {CHECKS}")
        self.enabled = tuple(c for c in CHECKS if c in set(enabled))
        self.family = family
        self._tasks = list(tasks)
        self._objects: dict[str, TaskObject] | None = None
        self.basic = {a.name for a in family.basic_actions}

    @property
    def objects(self) -> dict[str, TaskObject]:
        """The family's objects of the checker's tasks (read once, on first use)."""
        if self._objects is None:
            self._objects = self.family.task_objects(self._tasks) if self.enabled else {}
        return self._objects

    def findings(
        self, code: str, functions: Iterable[str], example_call: str | None
    ) -> list[Finding]:
        """What the enabled checks find in the top-level ``functions`` of ``code`` (the
        ones an answer wrote or rewrote) and in ``example_call`` (of any function of
        ``code``). `SyntaxError` when
        ``code`` does not parse (the caller parsed it already)."""
        if not self.enabled:
            return []
        names = set(functions)
        every = {n.name: n for n in ast.parse(code).body if isinstance(n, ast.FunctionDef)}
        fns = [f for name, f in every.items() if name in names]
        out: list[Finding] = []
        if "hard_coded_names" in self.enabled:
            out += hard_coded_names(fns, self.objects)
        if "unused_parameters" in self.enabled:
            out += unused_parameters(fns)
        if "example_arguments" in self.enabled and example_call:
            out += example_arguments(
                every,
                example_call,
                self.objects,
                self.family.parameter_kinds,
                self.basic,
            )
        if "impossible_steps" in self.enabled:
            out += impossible_steps(fns, every, self.family, self.basic)
        if "endless_recursion" in self.enabled:
            out += endless_recursion(fns)
        return out

    def check(self, code: str, functions: Iterable[str], example_call: str | None) -> None:
        """`ChecksFailed` when `findings` finds anything."""
        found = self.findings(code, functions, example_call)
        if found:
            raise ChecksFailed(found)


def _body_constants(fn: ast.FunctionDef) -> list[str]:
    """The string constants of ``fn`` (defaults included), its docstring left out."""
    doc = ast.get_docstring(fn, clean=False)
    body = fn.body[1:] if doc is not None else fn.body
    nodes: list[ast.AST] = [*body, *fn.args.defaults, *(d for d in fn.args.kw_defaults if d)]
    return [
        n.value
        for node in nodes
        for n in ast.walk(node)
        if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]


def hard_coded_names(
    fns: Sequence[ast.FunctionDef], objects: Mapping[str, TaskObject]
) -> list[Finding]:
    """Functions that name a task's own object (a string constant equal to it)."""
    out = []
    for fn in fns:
        named = sorted({s for s in _body_constants(fn) if s in objects and not objects[s].fixed})
        if named:
            quoted = ", ".join(repr(s) for s in named)
            out.append(
                Finding(
                    "hard_coded_names",
                    fn.name,
                    f"{fn.name} hard-codes {quoted}, an object of one task: another task "
                    f"has other objects there; take {'it' if len(named) == 1 else 'them'} "
                    "as a parameter instead",
                )
            )
    return out


def unused_parameters(fns: Sequence[ast.FunctionDef]) -> list[Finding]:
    """Functions with a parameter they never read (``_``-names exempt)."""
    out = []
    for fn in fns:
        read = {
            n.id
            for stmt in fn.body
            for n in ast.walk(stmt)
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
        }
        unused = [p for p in parameters(fn) if p not in read and not p.startswith("_")]
        if unused:
            out.append(
                Finding(
                    "unused_parameters",
                    fn.name,
                    f"{fn.name} never uses its parameter{'s' if len(unused) > 1 else ''} "
                    f"{', '.join(unused)}: use {'them' if len(unused) > 1 else 'it'} in the "
                    "body (for example, pass it to a basic action) or remove "
                    f"{'them' if len(unused) > 1 else 'it'}",
                )
            )
    return out


def _flows(fn: ast.FunctionDef, param: str, basic: set[str]) -> list[tuple[str, int]]:
    """Where ``fn`` passes ``param`` on as it is: (basic action, argument position)."""
    out = []
    for n in ast.walk(fn):
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in basic:
            for i, arg in enumerate(n.args):
                if isinstance(arg, ast.Name) and arg.id == param:
                    out.append((n.func.id, i))
    return out


def impossible_steps(
    fns: Sequence[ast.FunctionDef],
    every: Mapping[str, ast.FunctionDef],
    family: TaskFamily,
    basic: set[str],
) -> list[Finding]:
    """Functions whose straight-line path holds a basic-action call that can never run
    after the ones before it, or that changes nothing (`TaskFamily.impossible_step`)."""
    out = []
    for fn in fns:
        steps = straight_line_calls(fn, every, basic)
        if not steps:
            continue
        # The same call written twice is told apart by its place.
        written = Counter(s.text for s in steps)
        texts = [
            s.text if written[s.text] == 1 else f"{s.text} (call {i + 1})"
            for i, s in enumerate(steps)
        ]
        found = family.impossible_step([(s.action, s.terms) for s in steps], texts.__getitem__)
        if found is None:
            continue
        advice = (
            "remove that call or give it other arguments"
            if found.kind == "changes_nothing"
            else "change the calls so that each one can follow the one before it"
        )
        out.append(Finding("impossible_steps", fn.name, f"in {fn.name}, {found.reason}: {advice}"))
    return out


def endless_recursion(fns: Sequence[ast.FunctionDef]) -> list[Finding]:
    """Functions that call themselves with their own arguments before anything else
    (`learnact.learning.recursion.endless_self_call`): such a call never returns."""
    out = []
    for fn in fns:
        call = endless_self_call(fn)
        if call is not None:
            out.append(
                Finding(
                    "endless_recursion",
                    fn.name,
                    f"{fn.name} calls {ast.unparse(call)} before anything else, so it "
                    "calls itself again and again and never returns: call basic actions "
                    "(or other functions) instead",
                )
            )
    return out


def _kind_text(kinds: Iterable[str]) -> str:
    shown = sorted(k for k in kinds if k != "object") or ["object"]
    return " or ".join(shown)


def example_arguments(
    fns: Mapping[str, ast.FunctionDef],
    example_call: str,
    objects: Mapping[str, TaskObject],
    parameter_kinds: ParameterKinds,
    basic: set[str],
) -> list[Finding]:
    """The example call's problems, when it calls one of ``fns``: its arity and keywords
    against the function's parameters, then each string argument's kinds against what
    the basic actions it is passed to take."""
    try:
        call = ast.parse(example_call, mode="eval").body
    except SyntaxError:
        return []
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)):
        return []
    fn = fns.get(call.func.id)
    if fn is None:
        return []
    a = fn.args
    positional = [p.arg for p in (*a.posonlyargs, *a.args)]
    required = len(positional) - len(a.defaults)
    given_kw = [k.arg for k in call.keywords if k.arg is not None]
    shown = f"{fn.name}({', '.join(positional + [p.arg for p in a.kwonlyargs])})"
    if any(isinstance(x, ast.Starred) for x in call.args) or any(
        k.arg is None for k in call.keywords
    ):
        return []
    n = len(call.args)
    bad_kw = [k for k in given_kw if k not in positional + [p.arg for p in a.kwonlyargs]]
    filled = set(positional[:n]) | set(given_kw)
    missing = [p for p in positional[:required] if p not in filled]
    missing += [
        p.arg
        for p, d in zip(a.kwonlyargs, a.kw_defaults, strict=True)
        if d is None and p.arg not in filled
    ]
    problem = None
    if n > len(positional) and a.vararg is None:
        problem = f"gives {n} positional arguments but {shown} takes {len(positional)}"
    elif bad_kw and a.kwarg is None:
        problem = f"passes {', '.join(bad_kw)}, which {shown} has no parameter for"
    elif missing:
        problem = f"leaves out {', '.join(missing)} of {shown}"
    if problem:
        return [
            Finding(
                "example_arguments",
                fn.name,
                f"the example call {example_call} {problem}: write the call with one "
                "argument for each parameter",
            )
        ]
    bound = dict(zip(positional, call.args, strict=False))
    bound.update({k.arg: k.value for k in call.keywords if k.arg is not None})
    wrong = []
    for param, node in bound.items():
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        obj = objects.get(node.value)
        if obj is None or not obj.kinds:
            continue
        for action, i in _flows(fn, param, basic):
            kinds = parameter_kinds(action)
            if kinds is None or i >= len(kinds) or not kinds[i] or kinds[i] & obj.kinds:
                continue
            wrong.append(
                f"{node.value!r} (a {_kind_text(obj.kinds)}) as {param}, which {fn.name} "
                f"passes to {action} where a {_kind_text(kinds[i])} goes"
            )
            break
    if not wrong:
        return []
    return [
        Finding(
            "example_arguments",
            fn.name,
            f"the example call {example_call} passes {'; '.join(wrong)}: put each argument "
            "in the place of its parameter",
        )
    ]


def check_counts(events: Iterable[Mapping[str, object]]) -> dict[str, int]:
    """How many answers each check refused, from journal events (``checks`` events):
    every name of `CHECKS`, 0 for a check that never fired."""
    fired: Counter[str] = Counter()
    for e in events:
        if e.get("event") == "checks":
            checks = e.get("fired")
            if isinstance(checks, list):
                fired.update(str(c) for c in set(checks))
    return {c: fired.get(c, 0) for c in CHECKS}
