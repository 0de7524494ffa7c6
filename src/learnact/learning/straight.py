"""The basic-action calls a learned function makes on its straight-line path, read with
`ast` (nothing runs): what `TaskFamily.impossible_step` reasons about.

A learned function is followed statement by statement: a call statement, an assignment
or ``return`` of a call, and ``if not call(...): return ...`` (the guard small learners
write; ``if call(...): return`` with a basic action always returns, since a basic action
returns its observation or raises) each contribute their call; a guard on the function's
own arguments that calls nothing (``if not clear: return 'Error'``; not in an inlined
helper) is read as false, the one way on to the calls after it; a call of another function
of the same code is inlined with its arguments. The path ends at anything else that calls
something - a loop, another branch, a call inside an expression or an argument
(``print(drop(...))``, ``return 'done: ' + drop(...)``), a keyword argument, a helper
with defaults, helpers nested deeper than three - since the calls there or after it may
not run as read, so nothing is said about them. ``print``, ``str`` and ``len`` of
arguments that call nothing touch no environment and are passed over.

Arguments become terms: a parameter of the function as ``?name`` (any object), a string
constant as the object it names, anything else - or a parameter the function assigned
anew - as a fresh ``?`` term.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["Step", "parameters", "straight_line_calls"]

_MAX_DEPTH = 3  # helpers inlined into helpers, at most


@dataclass(frozen=True)
class Step:
    """One basic-action call: its ``action``, ``terms`` (see the module doc) and the call
    as the code wrote it (``text``, in the function that makes it)."""

    action: str
    terms: tuple[str, ...]
    text: str


def straight_line_calls(
    fn: ast.FunctionDef, functions: Mapping[str, ast.FunctionDef], basic: set[str]
) -> list[Step]:
    """The basic-action calls ``fn`` makes, in order, on its straight-line path (see the
    module doc); ``functions`` are the code's functions that may be inlined."""
    params = {p: f"?{p}" for p in parameters(fn)}
    steps: list[Step] = []
    _walk(fn, params, _Reader(functions, basic, steps), 0, "")
    return steps


@dataclass
class _Reader:
    functions: Mapping[str, ast.FunctionDef]
    basic: set[str]
    out: list[Step]
    fresh: int = 0


def parameters(fn: ast.FunctionDef) -> list[str]:
    """``fn``'s parameter names: positional-only, positional, keyword-only."""
    a = fn.args
    return [p.arg for p in (*a.posonlyargs, *a.args, *a.kwonlyargs)]


def _has_call(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Call) for n in ast.walk(node))


def _walk(fn: ast.FunctionDef, terms: dict[str, str], r: _Reader, depth: int, where: str) -> bool:
    """Append ``fn``'s calls to ``r.out``; False when the path ended at something this
    reading does not follow (the caller stops too: what follows may not run). ``where``
    says, for an inlined helper, which call of the caller it runs for."""
    body = list(fn.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    for stmt in body:
        if isinstance(stmt, ast.Pass) or (isinstance(stmt, ast.Expr) and not _has_call(stmt)):
            continue
        if isinstance(stmt, ast.Return):
            if stmt.value is None or not _has_call(stmt.value):
                return True  # the function ends here; its caller goes on
            # ``return call(...)`` ends it after the call; calls inside an expression
            # (``return 'done: ' + drop(...)``) are not followed.
            return isinstance(stmt.value, ast.Call) and _call(stmt.value, terms, r, depth, where)
        if isinstance(stmt, ast.If):
            guard = _guard(stmt, terms, r, depth, where)
            if guard == "goes on":
                continue
            return guard == "returns"
        if isinstance(stmt, ast.Expr | ast.Assign | ast.AnnAssign | ast.AugAssign):
            value = stmt.value
            if (
                value is not None
                and _has_call(value)
                and not (isinstance(value, ast.Call) and _call(value, terms, r, depth, where))
            ):
                return False  # calls inside an expression are not followed
            # A name assigned anew no longer holds the parameter's object.
            targets = (
                stmt.targets if isinstance(stmt, ast.Assign) else [getattr(stmt, "target", None)]
            )
            for target in targets:
                for n in ast.walk(target) if target is not None else ():
                    if isinstance(n, ast.Name):
                        terms.pop(n.id, None)
            continue
        return False
    return True


def _guard(stmt: ast.If, terms: dict[str, str], r: _Reader, depth: int, where: str) -> str:
    """``if [not] call(...): return ...`` (the guard small learners write), or a guard on
    the function's own arguments: "goes on" when the path continues after it, "returns" when the function
    always returns there (a basic action returns its observation, never empty, or raises),
    "stops" otherwise."""
    simple = not stmt.orelse and all(
        (isinstance(s, ast.Return) and (s.value is None or not _has_call(s.value)))
        or (isinstance(s, ast.Expr) and _harmless(s.value))
        for s in stmt.body
    )
    if simple and depth == 0 and _on_parameters(stmt.test, terms):
        # A condition on the function's own arguments (``if not clear: return 'Error'``):
        # the path read on is the one where it is false, the only one that runs the rest;
        # a condition on arguments only narrows which arguments get past it. Not in an
        # inlined helper (its caller goes on when it returns) and not on results of calls
        # (``if res: return res`` always returns: a basic action's observation is never
        # empty), where nothing is said.
        return "goes on"
    test, negated = stmt.test, False
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        test, negated = test.operand, True
    if not (simple and isinstance(test, ast.Call) and isinstance(test.func, ast.Name)):
        return "stops"
    if not _call(test, terms, r, depth, where):
        return "stops"
    if test.func.id not in r.basic:
        return "stops"  # what a helper returns is not known here
    return "goes on" if negated else "returns"


def _on_parameters(test: ast.expr, terms: dict[str, str]) -> bool:
    """``test`` calls nothing, binds nothing and reads only constants and parameters that
    still hold their argument."""
    nodes = list(ast.walk(test))
    return not any(isinstance(n, ast.Call | ast.NamedExpr | ast.Lambda) for n in nodes) and all(
        n.id in terms for n in nodes if isinstance(n, ast.Name)
    )


def _call(call: ast.Call, terms: dict[str, str], r: _Reader, depth: int, where: str) -> bool:
    if _harmless(call):
        return True
    if not isinstance(call.func, ast.Name) or call.keywords:
        return False
    if any(_has_call(a) for a in call.args):
        return False  # a call inside an argument runs first: not followed
    args = [_term(a, terms, r) for a in call.args]
    if any(a is None for a in args):
        return False
    name = call.func.id
    text = ast.unparse(call)
    if name in r.basic:
        r.out.append(Step(name, tuple(a for a in args if a is not None), text + where))
        return True
    helper = r.functions.get(name)
    if helper is None:
        return False
    params = parameters(helper)
    if depth >= _MAX_DEPTH or len(params) != len(args) or helper.args.defaults:
        return False
    inner = {p: a for p, a in zip(params, args, strict=True) if a is not None}
    return _walk(helper, inner, r, depth + 1, where or f" (in {text})")


def _harmless(node: ast.expr) -> bool:
    """A call that touches no environment: ``print``, ``str`` or ``len`` of arguments
    that call nothing."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in {"print", "str", "len"}
        and not any(_has_call(a) for a in (*node.args, *(k.value for k in node.keywords)))
    )


def _term(node: ast.expr, terms: dict[str, str], r: _Reader) -> str | None:
    if isinstance(node, ast.Starred):
        return None
    if isinstance(node, ast.Name) and node.id in terms:
        return terms[node.id]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    r.fresh += 1
    return f"?_{r.fresh}"
