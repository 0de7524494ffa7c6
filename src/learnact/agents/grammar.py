"""Constrained acting: a GBNF grammar for one answer of the acting agent.

A small model asked for one line of Python often writes prose, copies an observation, or
calls an object that does not exist. Under this grammar its answer can only be a call
of a known action (basic or learned, and ``check_valid_actions()`` when the agent may
list valid actions) whose arguments are quoted names the episode has shown so far (the
goal and the observations, `TaskFamily.names_in`); a ReAct agent may still write one
``Think: ...`` line. It can still choose a wrong action. The grammar is decoded by the
backend's own grammar support (llama.cpp's GBNF through llama-cpp-python's
``LlamaGrammar``, or an OpenAI-compatible server's grammar field), never by us.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from learnact.envs.base import BasicAction


@dataclass(frozen=True)
class Signature:
    """How an action may be called: ``name`` with ``low`` to ``high`` string arguments."""

    name: str
    low: int
    high: int


def basic_signatures(actions: Iterable[BasicAction]) -> list[Signature]:
    """One `Signature` per basic action: exactly its parameters."""
    return [Signature(a.name, len(a.params), len(a.params)) for a in actions]


def learned_signatures(source: str) -> list[Signature]:
    """One `Signature` per public top-level function of a library's ``source``: its
    positional parameters, those with defaults optional (``*args`` and keyword-only
    parameters are not written under the grammar). `SyntaxError` when it does not parse."""
    out = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            a = node.args
            n = len(a.posonlyargs) + len(a.args)
            out.append(Signature(node.name, n - len(a.defaults), n))
    return out


def _literal(text: str) -> str:
    """``text`` as a GBNF string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def action_grammar(
    signatures: Sequence[Signature],
    names: Iterable[str],
    *,
    think: bool = False,
) -> str | None:
    """The GBNF grammar of one answer: a call of one of ``signatures`` whose arguments are
    single-quoted ``names`` (``pick('ball1', 'rooma', 'left')``), or, with ``think``, one
    line ``Think: ...``. Names that cannot be quoted as they are (holding a quote, a
    backslash or a line break) are left out. ``None`` when no call can be written (every
    action takes arguments and no name has been seen yet, and ``think`` is off): the
    answer is then not constrained."""
    usable = list(dict.fromkeys(n for n in names if n and not any(c in n for c in "'\\\n\r")))
    alternatives = []
    for sig in signatures:
        for count in range(sig.low, sig.high + 1):
            if count and not usable:
                continue
            parts = [_literal(f"{sig.name}(")]
            for i in range(count):
                parts += ([_literal(", ")] if i else []) + ["arg"]
            parts.append(_literal(")"))
            alternatives.append(" ".join(parts))
    if not alternatives and not think:
        return None
    rules = []
    top = ["call"] if alternatives else []
    if think:
        top.append('"Think: " [^\\n]+')
    rules.append("root ::= " + " | ".join(top))
    if alternatives:
        rules.append("call ::= " + " | ".join(f"( {a} )" for a in alternatives))
    if usable and any("arg" in a for a in alternatives):
        rules.append("arg ::= " + " | ".join(_literal(f"'{n}'") for n in usable))
    return "\n".join(rules) + "\n"
