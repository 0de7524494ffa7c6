"""Constrained acting: a GBNF grammar for one answer of the acting agent.

A small model asked for one line of Python often writes prose, copies an observation, or
calls an object that does not exist. Under this grammar its answer can only be a call
of a known action (basic or learned, and ``check_valid_actions()`` when the agent may
list valid actions) whose arguments are quoted names the episode has shown so far (the
goal and the observations, `TaskFamily.names_in`); a learned action's argument may also
be one of the family's other terms (`TaskFamily.terms_in`: ALFWorld's object types, such
as ``'mug'``) or a list (``build_tower(['b1', 'b2'])``, ``find_and_take('mug',
['cabinet 1', 'desk 1'])``): learned and expert actions take these, basic actions never.
A ReAct agent may still write one ``Think: ...`` line. It can still choose a wrong action. The grammar is decoded by the
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
    """How an action may be called: ``name`` with ``low`` to ``high`` arguments, each a
    quoted name; a ``learned`` action's also a term or a list of names and terms."""

    name: str
    low: int
    high: int
    learned: bool = False


def basic_signatures(actions: Iterable[BasicAction]) -> list[Signature]:
    """One `Signature` per basic action: exactly its parameters."""
    return [Signature(a.name, len(a.params), len(a.params)) for a in actions]


def learned_signatures(source: str) -> list[Signature]:
    """One `Signature` per public top-level function of a library's ``source``: its
    positional parameters, those with defaults optional (``*args`` and keyword-only
    parameters are not written under the grammar), each a name, a term or a list of
    them. `SyntaxError` when it does not parse."""
    out = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_"):
            a = node.args
            n = len(a.posonlyargs) + len(a.args)
            out.append(Signature(node.name, n - len(a.defaults), n, learned=True))
    return out


def _literal(text: str) -> str:
    """``text`` as a GBNF string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _quotable(words: Iterable[str]) -> list[str]:
    """``words`` that can be written in single quotes as they are (no quote, backslash or
    line break), each once, in order."""
    return list(dict.fromkeys(w for w in words if w and not any(c in w for c in "'\\\n\r")))


def action_grammar(
    signatures: Sequence[Signature],
    names: Iterable[str],
    *,
    think: bool = False,
    terms: Iterable[str] = (),
) -> str | None:
    """The GBNF grammar of one answer: a call of one of ``signatures`` whose arguments are
    single-quoted ``names`` (``pick('ball1', 'rooma', 'left')``) - for a ``learned``
    signature also single-quoted ``terms`` or a list of names and terms (``['b1',
    'b2']``) - or, with ``think``, one line ``Think: ...``. Words that cannot be quoted as
    they are (holding a quote, a backslash or a line break) are left out. ``None`` when no
    call can be written (every action takes arguments and nothing has been seen yet, and
    ``think`` is off): the answer is then not constrained."""
    usable = _quotable(names)
    extra = [t for t in _quotable(terms) if t not in usable]
    alternatives = []
    used: set[str] = set()  # the argument rules the calls refer to
    for sig in signatures:
        for count in range(sig.low, sig.high + 1):
            if count and not usable and not (sig.learned and extra):
                continue
            parts = [_literal(f"{sig.name}(")]
            value = "item" if sig.learned else "arg"
            if count:
                used.add(value)
            for i in range(count):
                parts += ([_literal(", ")] if i else []) + [value]
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
    if "arg" in used:
        rules.append("arg ::= " + " | ".join(_literal(f"'{n}'") for n in usable))
    if "item" in used:
        # A learned action's argument: a name, a term, or a list of them.
        words = usable + extra
        rules.append("word ::= " + " | ".join(_literal(f"'{w}'") for w in words))
        rules.append('item ::= word | "[" word ( ", " word )* "]"')
    return "\n".join(rules) + "\n"
