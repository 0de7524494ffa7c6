"""Learned functions that call themselves with their own arguments before anything else
has run, read with `ast` (nothing runs): such a call never returns.

A small learner writes ``def receptacle_is_open(recep): if receptacle_is_open(recep): ...``
(the put learner of `runs/real-data-cut` kept exactly that; every call of it raised
`RecursionError`). The reading is sound, not complete: it follows the function from its
first statement, in the order Python evaluates it, and finds a call of the function
itself whose arguments are its own parameters, unchanged and in their places, made
before any other call - so nothing in the environment or elsewhere can have changed
between the two entries, and a call that gets there once gets there again, without end.
Statements that call nothing are passed over (a ``return`` or ``raise`` ends that way
through; operators are taken to change nothing: actions' arguments are names, strings);
an ``if`` whose test calls nothing is followed into both branches; the reading stops at
the first other call, at a loop, ``with``, ``try``, ``assert``, a comprehension, a
lambda, ``:=``, an assignment into an item or attribute (``xs[0] = ...``), ``global`` or
``nonlocal``. Recursion through another function (``f`` calls ``g`` calls ``f``) and
recursion with other arguments (a tower cleared block by block) are not judged.
"""

from __future__ import annotations

import ast

from learnact.learning.straight import parameters

__all__ = ["endless_self_call"]

# Nodes whose parts Python does not evaluate in the order `ast` lists them, or that
# rebind names in ways this reading does not track: the reading stops at them.
_UNFOLLOWED = (
    ast.Lambda,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
    ast.GeneratorExp,
    ast.NamedExpr,
    ast.Await,
    ast.Yield,
    ast.YieldFrom,
)


def endless_self_call(fn: ast.FunctionDef) -> ast.Call | None:
    """The call of ``fn`` by itself, with its own unchanged parameters, that ``fn`` makes
    before any other call on some path from its first statement (see the module doc);
    None when there is none or the reading cannot tell."""
    body = list(fn.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    found, _ = _block(body, fn, set())
    return found


# How a block of statements left the path, when no endless self-call was found in it.
_ON = "on"  # it ran to its end, calling nothing: the statements after it come next
_ENDED = "ended"  # every way through it returned or raised, calling nothing
_STOPPED = "stopped"  # it called something, or holds what this reading does not follow


def _block(
    stmts: list[ast.stmt], fn: ast.FunctionDef, rebound: set[str]
) -> tuple[ast.Call | None, str]:
    """Follow ``stmts``: (the endless self-call, if found; how the path left them).
    ``rebound``: parameters (and names) assigned anew so far; updated in place."""
    for stmt in stmts:
        if any(isinstance(n, _UNFOLLOWED) or _changes_an_object(n) for n in ast.walk(stmt)):
            return None, _STOPPED
        if isinstance(stmt, ast.If):
            calls = _calls(stmt.test)
            if calls:
                return _same_call(calls[0], fn, rebound), _STOPPED
            ways = []
            for branch in (stmt.body, stmt.orelse):
                found, way = _block(branch, fn, set(rebound))
                if found is not None:
                    return found, _STOPPED
                ways.append(way)
            if _STOPPED in ways:
                return None, _STOPPED
            if ways == [_ENDED, _ENDED]:
                return None, _ENDED
            rebound |= _stored(stmt)
            continue
        if isinstance(
            stmt, (ast.Expr, ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Return, ast.Raise)
        ):
            calls = _calls(stmt)
            if calls:
                return _same_call(calls[0], fn, rebound), _STOPPED
            if isinstance(stmt, (ast.Return, ast.Raise)):
                return None, _ENDED
            rebound |= _stored(stmt)
            continue
        if isinstance(stmt, ast.Pass):
            continue
        return None, _STOPPED  # loops, with, try, nested definitions, global, ...
    return None, _ON


def _calls(node: ast.AST) -> list[ast.Call]:
    """The calls in ``node`` in the order Python makes them: the callee and arguments
    first, then the call (left to right otherwise)."""
    out: list[ast.Call] = []

    def visit(n: ast.AST) -> None:
        for child in ast.iter_child_nodes(n):
            visit(child)
        if isinstance(n, ast.Call):
            out.append(n)

    visit(node)
    return out


def _changes_an_object(node: ast.AST) -> bool:
    """An assignment into an item or attribute (``xs[0] = ...``): the same argument may
    then hold something else at the next entry."""
    return isinstance(node, (ast.Subscript, ast.Attribute)) and isinstance(
        node.ctx, (ast.Store, ast.Del)
    )


def _stored(stmt: ast.stmt) -> set[str]:
    return {
        n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }


def _same_call(call: ast.Call, fn: ast.FunctionDef, rebound: set[str]) -> ast.Call | None:
    """``call`` when it calls ``fn`` with ``fn``'s own positional parameters, in order,
    none of them assigned anew; else None."""
    if not (isinstance(call.func, ast.Name) and call.func.id == fn.name) or call.keywords:
        return None
    if fn.name in rebound:
        return None  # the name now holds something else (``go_to = goto``)
    a = fn.args
    if a.kwonlyargs or a.vararg or a.kwarg or a.posonlyargs:
        return None
    params = parameters(fn)
    if len(call.args) != len(params):
        return None
    for arg, p in zip(call.args, params, strict=True):
        if not (isinstance(arg, ast.Name) and arg.id == p) or p in rebound:
            return None
    return call
