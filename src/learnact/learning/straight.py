"""The basic-action calls a learned function makes on its straight-line path, read with
`ast` (nothing runs): what `TaskFamily.impossible_step` reasons about.

A learned function is followed statement by statement: a call statement, an assignment
or ``return`` of a call, and ``if not call(...): return ...`` (the guard small learners
write) each contribute their call; a call of another function of the same code is
inlined with its arguments. The path ends at the first statement of another kind (a
loop, a branch that does not only return) or at a ``return`` of anything else: the calls
after it may not run, so nothing is said about them.

Arguments become terms: a parameter of the function as ``?name`` (any object), a string
constant as the object it names, anything else as a fresh ``?`` term.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["Step", "straight_line_calls"]

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
    params = {p: f"?{p}" for p in _parameters(fn)}
    steps: list[Step] = []
    _walk(fn, params, functions, basic, steps, [0], 0)
    return steps


def _parameters(fn: ast.FunctionDef) -> list[str]:
    a = fn.args
    return [p.arg for p in (*a.posonlyargs, *a.args, *a.kwonlyargs)]


def _walk(
    fn: ast.FunctionDef,
    terms: dict[str, str],
    functions: Mapping[str, ast.FunctionDef],
    basic: set[str],
    out: list[Step],
    fresh: list[int],
    depth: int,
) -> bool:
    """Append ``fn``'s calls to ``out``; False when the path ended at a statement this
    reading does not follow (the caller stops too: what follows may not run)."""
    body = list(fn.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    for stmt in body:
        if isinstance(stmt, ast.Pass) or _is_print(stmt):
            continue
        if isinstance(stmt, ast.Return):
            if isinstance(stmt.value, ast.Call):
                return _call(stmt.value, terms, functions, basic, out, fresh, depth)
            return True  # the function ends here; its caller goes on
        call = _statement_call(stmt)
        if call is None or not _call(call, terms, functions, basic, out, fresh, depth):
            return False
    return True


def _is_print(stmt: ast.stmt) -> bool:
    return (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Call)
        and isinstance(stmt.value.func, ast.Name)
        and stmt.value.func.id == "print"
    )


def _statement_call(stmt: ast.stmt) -> ast.Call | None:
    """The call a statement makes (a call statement, an assignment of a call, or the test
    of ``if [not] call(...): return ...``); None for a statement of another kind."""
    if isinstance(stmt, ast.Expr | ast.Assign | ast.AnnAssign) and isinstance(stmt.value, ast.Call):
        return stmt.value
    if (
        isinstance(stmt, ast.If)
        and not stmt.orelse
        and all(isinstance(s, ast.Return) or _is_print(s) for s in stmt.body)
    ):
        test = stmt.test
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            test = test.operand
        if isinstance(test, ast.Call):
            return test
    return None


def _call(
    call: ast.Call,
    terms: dict[str, str],
    functions: Mapping[str, ast.FunctionDef],
    basic: set[str],
    out: list[Step],
    fresh: list[int],
    depth: int,
) -> bool:
    if not isinstance(call.func, ast.Name) or call.keywords:
        return False
    args = [_term(a, terms, fresh) for a in call.args]
    if any(a is None for a in args):
        return False
    name = call.func.id
    if name in basic:
        out.append(Step(name, tuple(a for a in args if a is not None), ast.unparse(call)))
        return True
    helper = functions.get(name)
    if helper is None:
        return _harmless(call)
    params = _parameters(helper)
    if depth >= _MAX_DEPTH or len(params) != len(args) or helper.args.defaults:
        return False
    inner = {p: a for p, a in zip(params, args, strict=True) if a is not None}
    return _walk(helper, inner, functions, basic, out, fresh, depth + 1)


def _harmless(call: ast.Call) -> bool:
    """A call that touches no environment: ``print`` and string formatting."""
    return isinstance(call.func, ast.Name) and call.func.id in {"print", "str", "len"}


def _term(node: ast.expr, terms: dict[str, str], fresh: list[int]) -> str | None:
    if isinstance(node, ast.Starred):
        return None
    if isinstance(node, ast.Name) and node.id in terms:
        return terms[node.id]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    fresh[0] += 1
    return f"?_{fresh[0]}"
