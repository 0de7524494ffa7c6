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
from learnact.envs.pddl.simulator import CompiledAction, World, applicable_bindings, substitute

__all__ = ["Reachable", "impossible_step"]

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


class Reachable:
    """The states reachable in one small problem (a worked example's), computed once, to
    ask `never_runs` of. ``states`` is ``None`` when there are more than ``max_states``
    (nothing is then claimed)."""

    def __init__(self, domain: m.Domain, problem: m.Problem, max_states: int = 10_000) -> None:
        self.world = World(domain, problem)
        self.actions = {name: self.world.compile_action(s) for name, s in domain.actions.items()}
        self.states = _reachable(self.actions, frozenset(problem.init), max_states)

    def never_runs(self, calls: Sequence[tuple[str, Sequence[str]]]) -> int | None:
        """Whether ``calls`` (schema name, terms; parameters as PDDL variables, ``?_...`` a
        value the code computes, anything else an object name) can run to their end from
        some reachable state under some binding of the parameters to the problem's objects.
        Returns ``None`` when they can, or when this cannot tell (an unknown action or
        object, a wrong number of arguments, too many states); else the index of the first
        step that no run gets past.

        This is what `impossible_step` cannot see: facts that exclude each other only in
        reachable states (a ball is in one gripper or in a room, never both), so
        ``pick(obj, room, 'left')`` then ``drop(obj, room, 'right')`` passes the
        schema-level analysis and fails here. Not judged: a sequence whose parameters and
        object names of a kind could need more objects than the problem has of it (a
        four-block tower in a three-block problem may well run in a bigger one), and one
        with a computed value (``?_...``)."""
        if self.states is None:
            return None
        kinds: dict[str, frozenset[str]] = {}  # parameter -> the objects it may name
        names: set[str] = set()  # object names the calls write
        for name, terms in calls:
            action = self.actions.get(name)
            if action is None or len(action.params) != len(terms):
                return None
            for term, allowed in zip(terms, action.param_objects, strict=True):
                if term.startswith("?_"):
                    return None  # a value the code computes: how many objects it takes is open
                if not m.is_var(term):
                    if term not in self.world.objects:
                        return None
                    names.add(term)
                else:
                    kinds[term] = kinds.get(term, allowed) & allowed
        # A heuristic bound, not a proof: when the parameters of a kind and the names of it
        # the calls write could need more objects than the problem has, do not judge.
        for objects in set(kinds.values()):
            needed = sum(1 for k in kinds.values() if k <= objects) + len(names & objects)
            if needed > len(objects):
                return None
        furthest = 0
        for start in self.states:
            frontier: set[tuple[frozenset[m.Atom], tuple[tuple[str, str], ...]]] = {(start, ())}
            for index, (name, terms) in enumerate(calls):
                action = self.actions[name]
                nxt = set()
                for state, bound in frontier:
                    fixed = dict(bound)
                    for binding in applicable_bindings(action, state, _by_pred(state)):
                        extended = _extend(fixed, terms, binding)
                        if extended is None:
                            continue
                        after = set(state)
                        action.apply(after, binding)
                        nxt.add((frozenset(after), tuple(sorted(extended.items()))))
                if not nxt:
                    furthest = max(furthest, index)
                    break
                frontier = nxt
            else:
                return None
        return furthest


def _extend(
    fixed: dict[str, str], terms: Sequence[str], binding: Sequence[str]
) -> dict[str, str] | None:
    """``fixed`` (parameter -> object) extended by a step whose ``terms`` got ``binding``;
    ``None`` when the binding contradicts an object name or an earlier parameter value."""
    out = dict(fixed)
    for term, value in zip(terms, binding, strict=True):
        if (term if not m.is_var(term) else out.setdefault(term, value)) != value:
            return None
    return out


def _by_pred(state: frozenset[m.Atom]) -> dict[str, list[m.Atom]]:
    out: dict[str, list[m.Atom]] = {}
    for atom in state:
        out.setdefault(atom[0], []).append(atom)
    return out


def _reachable(
    actions: dict[str, CompiledAction], init: frozenset[m.Atom], max_states: int
) -> list[frozenset[m.Atom]] | None:
    """Every state reachable from ``init`` (breadth first), or ``None`` past ``max_states``."""
    seen = {init}
    queue = [init]
    for state in queue:
        by_pred = _by_pred(state)
        for action in actions.values():
            for binding in applicable_bindings(action, state, by_pred):
                after = set(state)
                action.apply(after, binding)
                frozen = frozenset(after)
                if frozen not in seen:
                    if len(seen) >= max_states:
                        return None
                    seen.add(frozen)
                    queue.append(frozen)
    return queue
