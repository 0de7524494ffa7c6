"""Learned functions that call themselves with their own arguments before anything else
has run, read with `ast` (nothing runs): such a call never returns.

A small learner writes ``def receptacle_is_open(recep): if receptacle_is_open(recep): ...``
(the put learner of `runs/real-data-cut` kept exactly that; every call of it raised
`RecursionError`). The reading follows the function from its first statement, in the
order Python evaluates it, and finds a call of the function itself whose arguments are
its own parameters, unchanged and in their places, made before any other call - so
nothing in the environment or elsewhere can have changed between the two entries, and a
call that gets there once gets there again, without end.

Statements that call nothing are passed over (a ``return`` or ``raise`` ends that way
through; operators are taken to change nothing: actions' arguments are names, strings).
An ``if`` whose test calls nothing is followed into both branches (into the one taken
when the test is a constant): its conditions are not solved, so a self-call behind
conditions that no argument meets (``if a == 'x': if a != 'x': ...``) is refused too.
Within an expression only what Python always evaluates first is read: a call in a later
operand of ``and``/``or``, a branch of ``x if c else y`` or a later link of a comparison
chain ends the reading. It also ends at the first other call, at a loop, ``with``,
``try``, ``assert``, a comprehension, a lambda, a dict display, ``:=``, an augmented
assignment, an assignment into an item or attribute (``xs[0] = ...``), ``global`` or
``nonlocal``; and nothing is said about generator functions, decorated functions,
functions with a default that is not a constant, or functions that bind their own name.
An error raised before the self-call (a name never defined, which validation refuses
first) would end the function instead. Recursion through another function (``f`` calls
``g`` calls ``f``) and recursion with other arguments (a tower cleared block by block)
are not judged.
"""

from __future__ import annotations

import ast

from learnact.learning.straight import parameters

__all__ = ["endless_self_call"]

# Nodes whose parts Python does not evaluate in the order `ast` lists them, or that
# rebind or change things in ways this reading does not track: the reading stops at them.
_UNFOLLOWED = (
    ast.Lambda,
    ast.ListComp,
    ast.SetComp,
    ast.DictComp,
    ast.GeneratorExp,
    ast.Dict,  # keys and values alternate when evaluated; `ast` lists keys first
    ast.NamedExpr,
    ast.Await,
    ast.Yield,
    ast.YieldFrom,
    ast.AugAssign,  # ``s += [a]`` changes a list in place
)


class _Unsure(Exception):
    """Raised where the reading cannot tell which call Python makes first."""


def endless_self_call(fn: ast.FunctionDef) -> ast.Call | None:
    """The call of ``fn`` by itself, with its own unchanged parameters, that ``fn`` makes
    before any other call on some way through it (see the module doc); None when there
    is none or the reading cannot tell."""
    if fn.decorator_list or _odd_function(fn):
        return None
    body = list(fn.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    try:
        found, _ = _block(body, fn, set())
    except _Unsure:
        return None
    return found


def _odd_function(fn: ast.FunctionDef) -> bool:
    """A generator, a default that is not a constant (it may be changed between calls),
    or its own name bound in it (a parameter, an assignment, an import, ...)."""
    a = fn.args
    if any(not isinstance(d, ast.Constant) for d in (*a.defaults, *a.kw_defaults) if d):
        return True
    if fn.name in parameters(fn):
        return True
    for n in ast.walk(fn):
        if isinstance(n, (ast.Yield, ast.YieldFrom)):
            return True
        if (
            isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            and n is not fn
            and n.name == fn.name
        ):
            return True
        if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)) and n.id == fn.name:
            return True
        if isinstance(n, ast.alias) and (n.asname or n.name).split(".")[0] == fn.name:
            return True
        if isinstance(n, ast.ExceptHandler) and n.name == fn.name:
            return True
    return False


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
            call = _first_call(stmt.test)
            if call is not None:
                return _same_call(call, fn, rebound), _STOPPED
            ways = []
            branches = [stmt.body, stmt.orelse]
            if isinstance(stmt.test, ast.Constant):  # ``if False:`` never runs its body
                branches = [stmt.body if stmt.test.value else stmt.orelse]
            for branch in branches:
                found, way = _block(branch, fn, set(rebound))
                if found is not None:
                    return found, _STOPPED
                ways.append(way)
            if _STOPPED in ways:
                return None, _STOPPED
            if all(way == _ENDED for way in ways):
                return None, _ENDED
            rebound |= _stored(stmt)
            continue
        if isinstance(stmt, (ast.Expr, ast.Assign, ast.AnnAssign, ast.Return, ast.Raise)):
            # A local variable's annotation is never evaluated.
            read = [stmt.target, stmt.value] if isinstance(stmt, ast.AnnAssign) else [stmt]
            call = _first_call(*(part for part in read if part is not None))
            if call is not None:
                return _same_call(call, fn, rebound), _STOPPED
            if isinstance(stmt, (ast.Return, ast.Raise)):
                return None, _ENDED
            rebound |= _stored(stmt)
            continue
        if isinstance(stmt, ast.Pass):
            continue
        return None, _STOPPED  # loops, with, try, nested definitions, global, ...
    return None, _ON


def _first_call(*nodes: ast.AST) -> ast.Call | None:
    """The first call Python makes in ``nodes`` (in order): the callee and arguments
    before the call, left to right otherwise; None when they call nothing. `_Unsure` when
    a call sits where Python may skip it (a later operand of ``and``/``or``, a branch of
    a conditional expression, a later link of a comparison chain) and none comes before."""

    def visit(n: ast.AST) -> ast.Call | None:
        first: list[ast.AST]
        maybe: list[ast.AST] = []
        if isinstance(n, ast.BoolOp):
            first, maybe = [n.values[0]], list(n.values[1:])
        elif isinstance(n, ast.IfExp):
            first, maybe = [n.test], [n.body, n.orelse]
        elif isinstance(n, ast.Compare):
            first, maybe = [n.left, n.comparators[0]], list(n.comparators[1:])
        else:
            first = list(ast.iter_child_nodes(n))
        for child in first:
            found = visit(child)
            if found is not None:
                return found
        if any(isinstance(c, ast.Call) for m in maybe for c in ast.walk(m)):
            raise _Unsure
        return n if isinstance(n, ast.Call) else None

    for node in nodes:
        found = visit(node)
        if found is not None:
            return found
    return None


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
