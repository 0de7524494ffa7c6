"""Reading learner answers: code blocks, example calls, and merging rewritten functions."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Callable
from dataclasses import dataclass

from learnact.library.format import _BUILTIN_NAMES, unknown_calls, without_functions

_BLOCK = re.compile(r"```[ \t]*(?:python|py)?[ \t]*\n(.*?)(?:```|\Z)", re.DOTALL | re.IGNORECASE)
_EXAMPLE = re.compile(r"^\s*(?:#\s*)?example\s*:\s*(.+?)\s*$", re.IGNORECASE | re.MULTILINE)


class CodeProblem(ValueError):
    """The learner's code cannot be used as it is; the message goes back to the learner."""


class NothingNew(CodeProblem):
    """The answer holds no new action at all, so there is nothing to fix: small models
    asked to fix such an answer copy it again (creation takes a fresh sample instead)."""


class OnlyBasicActions(NothingNew):
    """Every function the answer defines re-defines a basic action."""


class NothingActs(NothingNew):
    """Every new function the answer defines can never act."""


@dataclass(frozen=True)
class ProposedCode:
    code: str
    functions: tuple[str, ...]
    example_call: str | None
    dropped: tuple[str, ...] = ()  # re-definitions of basic actions, left out
    inert: tuple[str, ...] = ()  # functions that can never act, left out


def extract_code(text: str) -> str:
    """All fenced Python blocks joined (models sometimes split functions over blocks)."""
    blocks = [b.strip() for b in _BLOCK.findall(text)]
    return "\n\n".join(b for b in blocks if b)


# A comment that claims what running the code printed ("# Observation: ball1 is at
# roomb"): small models invent these, and nothing has run when they write them.
_CLAIM = re.compile(r"#\s*(observations?|obs|output|result|expected(\s+\w+)?)\s*[:=]", re.I)


def without_claimed_observations(code: str) -> str:
    """``code`` without comments that claim an observation or output (`_CLAIM`): a whole
    comment line goes, a trailing one is cut from its line. Code that does not tokenize
    is returned as it is (the parser reports it)."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, SyntaxError):
        return code
    lines = code.splitlines(keepends=True)
    drop: set[int] = set()
    for tok in tokens:
        if tok.type != tokenize.COMMENT or not _CLAIM.match(tok.string):
            continue
        row, col = tok.start[0] - 1, tok.start[1]
        before = lines[row][:col]
        if before.strip():
            lines[row] = before.rstrip() + "\n"
        else:
            drop.add(row)
    return "".join(line for i, line in enumerate(lines) if i not in drop)


def parse_proposal(
    text: str,
    basic_actions: set[str],
    *,
    also_known: set[str] | frozenset[str] = frozenset(),
    used_elsewhere: set[str] | frozenset[str] = frozenset(),
    require_functions: bool = True,
) -> ProposedCode:
    """The functions and the example call in a creation/fix answer; raises `CodeProblem`.

    Calls may name basic actions, the answer's own functions and ``also_known`` (e.g. the
    library an Update extends). A function that takes a basic action's name (small models
    often re-implement the basic actions before composing them) is left out, so that calls
    of that name reach the real basic action; an answer with nothing else is refused.
    So is a function that can never act (`inert_functions`; ``used_elsewhere`` names
    the ones an extended library uses): it is left out, and an answer of nothing but
    such functions is refused.
    """
    code = without_claimed_observations(extract_code(text))
    if not code:
        raise CodeProblem("no ```python code block found in the answer")
    try:
        tree = ast.parse(code)
    except SyntaxError as e:
        raise CodeProblem(f"SyntaxError: {e.msg} (line {e.lineno})") from e
    defined = tuple(n.name for n in tree.body if isinstance(n, ast.FunctionDef))
    if require_functions and not defined:
        raise CodeProblem("the code block defines no function")
    dropped = tuple(sorted(set(defined) & basic_actions))
    functions = tuple(n for n in defined if n not in basic_actions)
    if dropped and not functions:
        raise OnlyBasicActions(
            f"{', '.join(dropped)} is a basic action: give new actions new names and call "
            "the basic actions as they are"
        )
    if dropped:
        code = without_functions(code, dropped)
        tree = ast.parse(code)
    # Top-level statements other than defs, imports and docstrings would run on every
    # step; keep only the definitions.
    kept = [
        n
        for n in tree.body
        if isinstance(n, ast.FunctionDef | ast.Import | ast.ImportFrom)
        or (
            isinstance(n, ast.Expr)
            and isinstance(n.value, ast.Constant)
            and isinstance(n.value.value, str)
        )
    ]
    code = (
        ast.unparse(ast.Module(body=list[ast.stmt](kept), type_ignores=[]))
        if len(kept) != len(tree.body)
        else code
    )
    undefined = unknown_calls(code, set(basic_actions) | set(also_known))
    if undefined:
        raise CodeProblem(
            f"the code calls functions that do not exist: {', '.join(sorted(undefined))}; "
            f"use only the basic actions ({', '.join(sorted(basic_actions))}) and your own functions"
        )
    loose = undefined_names(code, set(basic_actions) | set(also_known))
    if loose:
        where = "; ".join(f"{f} uses {', '.join(sorted(n))}" for f, n in sorted(loose.items()))
        raise CodeProblem(
            f"names that are never defined: {where}; pass them as parameters or define them"
        )
    inert = inert_functions(code, set(basic_actions) | set(also_known), set(used_elsewhere))
    if inert and set(inert) >= set(functions):
        raise NothingActs(never_acts(inert, basic_actions))
    if inert:
        code = without_functions(code, inert)
        functions = tuple(n for n in functions if n not in inert)
    example = None
    outside = _BLOCK.sub("", text)
    for m in _EXAMPLE.finditer(outside):
        candidate = m.group(1).strip().strip("`")
        if _is_call(candidate) and _called_name(candidate) not in inert:
            example = candidate
            break
    return ProposedCode(
        code=code, functions=functions, example_call=example, dropped=dropped, inert=inert
    )


def undefined_names(code: str, known: set[str]) -> dict[str, set[str]]:
    """Per top-level function, the names it reads that nothing defines: not its parameters
    or anything it assigns, not the module's functions or imports, not builtins or
    ``known`` (basic actions, an extended library). Such a name is a ``NameError`` waiting
    for the first call that reaches it (the 1.5B learner often uses a ``gripper`` it never
    receives)."""
    tree = ast.parse(code)
    module = set(known) | _BUILTIN_NAMES | {"ActionFailed"}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            module.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            module.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            for sub in ast.walk(node):
                if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                    module.add(sub.id)
    out: dict[str, set[str]] = {}
    for fn in tree.body:
        if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        bound, read = set(module), set[str]()
        for inner in ast.walk(fn):
            if isinstance(inner, ast.arg):
                bound.add(inner.arg)
            elif isinstance(inner, ast.Name):
                (read if isinstance(inner.ctx, ast.Load) else bound).add(inner.id)
            elif isinstance(inner, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                bound.add(inner.name)
            elif isinstance(inner, ast.alias):
                bound.add((inner.asname or inner.name).split(".")[0])
            elif isinstance(inner, ast.ExceptHandler) and inner.name:
                bound.add(inner.name)
            elif isinstance(inner, ast.Global | ast.Nonlocal):
                bound.update(inner.names)
        missing = read - bound
        if missing:
            out[fn.name] = missing
    return out


def inert_functions(
    code: str, acting: set[str], used_elsewhere: set[str] | frozenset[str] = frozenset()
) -> tuple[str, ...]:
    """The top-level functions that can never act, in order: none of the names they refer
    to (called, passed as a value, used as a decorator) is in ``acting`` (basic actions, an
    extended library's actions) or a function of the module that acts, and no function that
    is kept (acting, or used by a kept one, or in ``used_elsewhere``) refers to them. Such a
    function cannot change the environment: the 1.5B learner writes ones that print a
    made-up observation or return a plan."""
    tree = ast.parse(code)
    fns = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}
    refs = {name: referenced_names(fn) for name, fn in fns.items()}
    kept = {name for name, r in refs.items() if r & acting}
    kept = _closure(kept, lambda name: {n for n, r in refs.items() if name in r})  # callers
    kept |= set(used_elsewhere) & set(fns)
    kept = _closure(kept, lambda name: refs[name] & set(fns))  # what kept ones use
    return tuple(name for name in fns if name not in kept)


def never_acts(names: tuple[str, ...] | list[str], basic_actions: set[str]) -> str:
    """The message for functions that can never act."""
    verb = "never calls" if len(names) == 1 else "never call"
    return (
        f"{', '.join(names)} {verb} a basic action, so the agent could not change anything "
        f"with it: an action must act through the basic actions "
        f"({', '.join(sorted(basic_actions))}), not print or return an observation itself"
    )


def _closure(start: set[str], step: Callable[[str], set[str]]) -> set[str]:
    done, todo = set(start), list(start)
    while todo:
        for name in step(todo.pop()) - done:
            done.add(name)
            todo.append(name)
    return done


def referenced_names(node: ast.AST | str) -> set[str]:
    """Every plain name the code reads: calls, values passed on, decorators."""
    tree = ast.parse(node) if isinstance(node, str) else node
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


def _called_name(line: str) -> str:
    return ast.parse(line, mode="eval").body.func.id  # type: ignore[attr-defined]


def _is_call(line: str) -> bool:
    try:
        node = ast.parse(line, mode="eval").body
    except SyntaxError:
        return False
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name)


def merge_functions(old: str, new: str) -> tuple[str, list[str]]:
    """``old`` with the functions of ``new`` replacing same-named ones (or appended).

    Returns the merged source and the names that changed.
    """
    old_tree, new_tree = ast.parse(old), ast.parse(new)
    new_defs = {n.name: n for n in new_tree.body if isinstance(n, ast.FunctionDef)}
    changed = []
    body: list[ast.stmt] = []
    for node in old_tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in new_defs:
            replacement = new_defs.pop(node.name)
            if ast.dump(replacement) != ast.dump(node):
                changed.append(node.name)
            body.append(replacement)
        else:
            body.append(node)
    imports = [n for n in new_tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
    known_imports = {ast.dump(n) for n in body if isinstance(n, ast.Import | ast.ImportFrom)}
    body = [*(n for n in imports if ast.dump(n) not in known_imports), *body]
    for name, node in new_defs.items():
        body.append(node)
        changed.append(name)
    return ast.unparse(ast.Module(body=body, type_ignores=[])), changed


def function_source(source: str, name: str) -> str:
    """The source of the top-level function ``name`` in ``source``, as `ast.unparse` writes it
    (comments dropped). `KeyError` when there is none; `SyntaxError` when ``source`` does not parse.
    """
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return ast.unparse(node)
    raise KeyError(name)


def function_params(source: str) -> dict[str, tuple[str, ...]]:
    """Each top-level function of ``source`` -> its positional-or-keyword parameter names
    (``*args``, keyword-only and ``**kwargs`` parameters are left out). `SyntaxError` when
    ``source`` does not parse."""
    return {
        n.name: tuple(a.arg for a in n.args.args)
        for n in ast.parse(source).body
        if isinstance(n, ast.FunctionDef)
    }
