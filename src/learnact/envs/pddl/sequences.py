"""Whether a sequence of basic-action calls over *parameters* can ever run.

A learned action written as straight-line code is a macro: a sequence of the domain's
actions whose arguments are the function's parameters or object names. Some sequences
cannot run to their end in any state - ``pick(obj, room, 'left')`` then
``drop(obj, room, 'right')`` (the ball is in the other gripper), ``pickup(b1)`` then
``unstack(b1, b2)`` (the hand is no longer empty) - and some steps change nothing whenever
they run (``move(room, room)``). This module finds them by symbolic execution over the
action schemas (add-after-delete semantics, as in PDDL), the idea of checking a macro
operator's consistency by regressing its preconditions through its steps.

Terms: a parameter is written as a PDDL variable (``?obj``), anything else is an object
name. The analysis is conservative: two terms may name the same object unless they are
two different object names, so a conflict is reported only when it holds for *every*
binding of the parameters; conditional and universal effects, disjunctions and quantified
preconditions make what they touch unknown instead of guessing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from learnact.envs.base import Impossible
from learnact.envs.pddl import model as m
from learnact.envs.pddl.simulator import substitute

__all__ = ["impossible_step"]

Key = tuple[str, tuple[str, ...]]  # (predicate, terms)


def _may_equal(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Whether two argument tuples may denote the same atom under some binding."""
    return len(a) == len(b) and all(
        x == y or m.is_var(x) or m.is_var(y) for x, y in zip(a, b, strict=True)
    )


def _literals(f: m.Formula) -> list[m.Lit | m.Eq]:
    """The top-level conjuncts of ``f`` that are literals (negated atoms included); other
    parts (disjunctions, quantifiers, implications) are left out: they constrain nothing
    this analysis can be sure of."""
    out: list[m.Lit | m.Eq] = []
    for part in m.conjuncts(f):
        if isinstance(part, m.Negation) and isinstance(part.part, m.Lit | m.Eq):
            inner = part.part
            if isinstance(inner, m.Lit):
                out.append(m.Lit(inner.pred, inner.args, not inner.positive))
            else:
                out.append(m.Eq(inner.left, inner.right, not inner.positive))
        elif isinstance(part, m.Lit | m.Eq):
            out.append(part)
    return out


def impossible_step(
    domain: m.Domain,
    calls: Sequence[tuple[str, Sequence[str]]],
    sentence: Callable[[m.Atom], str],
    show: Callable[[int], str],
) -> Impossible | None:
    """The first step of ``calls`` (schema name, terms) that can never run after the ones
    before it, or that changes nothing whenever it runs; ``None`` when every step may run
    and change something (or the analysis cannot tell: an unknown action or a wrong
    number of arguments ends it). ``sentence`` renders an atom over terms in words
    (parameters as the caller chooses); ``show(i)`` renders step ``i`` as the code wrote it."""
    known: dict[Key, tuple[bool, int, bool]] = {}  # key -> (value, step, set by an effect)
    for index, (name, terms) in enumerate(calls):
        schema = domain.actions.get(name)
        if schema is None or len(schema.params) != len(terms):
            return None
        binding = {var: term for (var, _), term in zip(schema.params, terms, strict=True)}
        for lit in _literals(substitute(schema.precondition, binding)):
            if isinstance(lit, m.Eq):
                same = lit.left == lit.right
                differ = not same and not (m.is_var(lit.left) or m.is_var(lit.right))
                if (lit.positive and differ) or (not lit.positive and same):
                    return Impossible(
                        index,
                        "never_runs",
                        f"{show(index)} can never run: it requires that {_eq_words(lit)}",
                    )
                continue
            key = (lit.pred, lit.args)
            words = sentence((lit.pred, *lit.args))
            if key in known:
                value, where, by_effect = known[key]
                if value != lit.positive:
                    need = words if lit.positive else f"it is not true that {words}"
                    why = (
                        f"which {show(where)} made {'true' if value else 'false'}"
                        if by_effect
                        else f"but {show(where)} needs the opposite and nothing changes it "
                        "in between"
                    )
                    return Impossible(
                        index,
                        "never_runs",
                        f"{show(index)} can never run after the steps before it: it "
                        f"requires that {need}, {why}",
                    )
            else:
                known[key] = (lit.positive, index, False)
        effect = schema.effect
        before = dict(known)
        adds = [(lit.pred, tuple(binding.get(a, a) for a in lit.args)) for lit in effect.add]
        deletes = [(lit.pred, tuple(binding.get(a, a) for a in lit.args)) for lit in effect.delete]
        unsure = set()
        for _, sub in (*effect.when, *effect.forall):
            unsure |= sub.predicates()
        if (
            not unsure
            and all(before.get(k, (False,))[0] is True for k in adds)
            and all(k in adds or before.get(k, (True,))[0] is False for k in deletes)
        ):
            return Impossible(
                index, "changes_nothing", f"{show(index)} changes nothing whenever it can run"
            )
        for key, value in [*((k, False) for k in deletes), *((k, True) for k in adds)]:
            for other in [k for k in known if k[0] == key[0] and k != key]:
                if _may_equal(other[1], key[1]):
                    del known[other]  # the same atom under some binding: now unknown
            known[key] = (value, index, True)
        for key in [k for k in known if k[0] in unsure]:
            del known[key]
    return None


def _eq_words(lit: m.Eq) -> str:
    left, right = lit.left.lstrip("?"), lit.right.lstrip("?")
    return f"{left} is {'' if lit.positive else 'not '}the same as {right}"
