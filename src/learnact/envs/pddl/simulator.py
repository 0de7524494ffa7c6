"""A fast STRIPS(+) simulator: action schemas compiled into closures over a set of atoms.

A *binding* is a tuple of object names: the action's parameters in order, followed by
the variables of any enclosing quantifiers. Every term in a compiled schema is either an
index into the binding or a constant, so building a ground atom is one tuple display.
Supported: typing, constants, negative and disjunctive preconditions, equality,
``imply``, ``forall``/``exists`` in conditions, conditional and universal effects.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from learnact.envs.pddl import model as m

State = set[m.Atom]
Binding = tuple[str, ...]
Check = Callable[[State | frozenset[m.Atom], Binding], bool]
AtomOf = Callable[[Binding], m.Atom]


@dataclass(frozen=True)
class Condition:
    """One top-level conjunct of a precondition, kept separately to name what failed."""

    check: Check
    formula: m.Formula
    var_index: dict[str, int]

    def ground(self, binding: Binding) -> m.Formula:
        """The conjunct with the binding's objects substituted (for messages)."""
        return substitute(self.formula, {v: binding[i] for v, i in self.var_index.items()})


@dataclass(frozen=True)
class CompiledAction:
    name: str
    params: tuple[str, ...]  # variable names without "?"
    param_objects: tuple[frozenset[str], ...]  # objects allowed per parameter (typing)
    param_types: tuple[frozenset[str], ...]
    conditions: tuple[Condition, ...]
    positive_lits: tuple[tuple[str, tuple[int | str, ...]], ...]  # for grounding joins
    apply: Callable[[State, Binding], None]

    def failed_condition(self, state: State | frozenset[m.Atom], binding: Binding) -> int | None:
        """The index into ``conditions`` of the first precondition conjunct that is false in
        ``state`` under ``binding``, or ``None`` when the action is applicable."""
        for i, cond in enumerate(self.conditions):
            if not cond.check(state, binding):
                return i
        return None


class World:
    """The objects and types of one problem; compiles schemas and formulas against them."""

    def __init__(self, domain: m.Domain, problem: m.Problem) -> None:
        self.domain = domain
        self.objects: dict[str, frozenset[str]] = dict(problem.objects)
        by_type: dict[str, set[str]] = defaultdict(set)
        for obj, tags in self.objects.items():
            for tag in tags or {m.ROOT_TYPE}:
                for t in domain.ancestors(tag):
                    by_type[t].add(obj)
        by_type[m.ROOT_TYPE] = set(self.objects)
        self._by_type = {t: frozenset(objs) for t, objs in by_type.items()}

    def objects_of(self, types: frozenset[str]) -> frozenset[str]:
        """Objects of any of ``types`` (``either``); no type means every object."""
        if not types:
            return self._by_type[m.ROOT_TYPE]
        out: frozenset[str] = frozenset()
        for t in types:
            out |= self._by_type.get(t, frozenset())
        return out

    # --- compiling ---------------------------------------------------------------------

    def compile_action(self, schema: m.ActionSchema) -> CompiledAction:
        """``schema`` compiled against this problem's objects: the objects each parameter may take
        (typing), one `Condition` per top-level precondition conjunct, and
        ``apply(state, binding)``, which changes ``state`` in place (deletes before adds, so an atom
        both deleted and added ends up true). `ValueError` for a variable the schema does not bind.
        """
        index = {var: i for i, (var, _) in enumerate(schema.params)}
        conditions = tuple(
            Condition(self.compile_formula(part, index), part, index)
            for part in m.conjuncts(schema.precondition)
        )
        positive = tuple(
            (c.formula.pred, tuple(_slot(a, index) for a in c.formula.args))
            for c in conditions
            if isinstance(c.formula, m.Lit) and c.formula.positive
        )
        return CompiledAction(
            name=schema.name,
            params=tuple(v[1:] for v, _ in schema.params),
            param_objects=tuple(self.objects_of(t) for _, t in schema.params),
            param_types=tuple(t for _, t in schema.params),
            conditions=conditions,
            positive_lits=positive,
            apply=self._compile_apply(schema.effect, index),
        )

    def compile_formula(self, f: m.Formula, index: dict[str, int]) -> Check:
        """A check ``(state, binding) -> bool`` for ``f``; ``index`` maps variable names to
        positions in the binding (quantified variables are appended after them). Raises `TypeError`
        for an unsupported formula, `ValueError` for an unbound variable."""
        if isinstance(f, m.Lit):
            atom = _atom_builder(f.pred, f.args, index)
            if f.positive:
                return lambda s, b: atom(b) in s
            return lambda s, b: atom(b) not in s
        if isinstance(f, m.Eq):
            left, right = _term_getter(f.left, index), _term_getter(f.right, index)
            if f.positive:
                return lambda s, b: left(b) == right(b)
            return lambda s, b: left(b) != right(b)
        if isinstance(f, m.Junction):
            parts = [self.compile_formula(p, index) for p in f.parts]
            if f.conjunction:
                return lambda s, b: all(p(s, b) for p in parts)
            return lambda s, b: any(p(s, b) for p in parts)
        if isinstance(f, m.Negation):
            inner = self.compile_formula(f.part, index)
            return lambda s, b: not inner(s, b)
        if isinstance(f, m.Implication):
            premise = self.compile_formula(f.premise, index)
            conclusion = self.compile_formula(f.conclusion, index)
            return lambda s, b: not premise(s, b) or conclusion(s, b)
        if isinstance(f, m.Quantified):
            inner_index = _extended(index, [v for v, _ in f.variables])
            body = self.compile_formula(f.body, inner_index)
            domains = [sorted(self.objects_of(t)) for _, t in f.variables]
            combine = all if f.universal else any
            return lambda s, b: combine(body(s, b + c) for c in itertools.product(*domains))
        raise TypeError(f"unsupported formula {f!r}")

    def _compile_apply(
        self, effect: m.Effect, index: dict[str, int]
    ) -> Callable[[State, Binding], None]:
        collect = self._compile_effect(effect, index)

        def apply(state: State, binding: Binding) -> None:
            adds: list[m.Atom] = []
            dels: list[m.Atom] = []
            collect(state, binding, adds, dels)  # conditions read the state before any change
            state.difference_update(dels)
            state.update(adds)  # PDDL: an atom both deleted and added ends up true

        return apply

    def _compile_effect(self, effect: m.Effect, index: dict[str, int]) -> Callable[..., None]:
        adds = [_atom_builder(lit.pred, lit.args, index) for lit in effect.add]
        dels = [_atom_builder(lit.pred, lit.args, index) for lit in effect.delete]
        conditional = [
            (self.compile_formula(cond, index), self._compile_effect(eff, index))
            for cond, eff in effect.when
        ]
        universal = []
        for variables, eff in effect.forall:
            inner_index = _extended(index, [v for v, _ in variables])
            domains = [sorted(self.objects_of(t)) for _, t in variables]
            universal.append((domains, self._compile_effect(eff, inner_index)))

        def collect(state: State, b: Binding, add_out: list, del_out: list) -> None:
            add_out.extend(a(b) for a in adds)
            del_out.extend(d(b) for d in dels)
            for cond, sub in conditional:
                if cond(state, b):
                    sub(state, b, add_out, del_out)
            for domains, sub in universal:
                for combo in itertools.product(*domains):
                    sub(state, b + combo, add_out, del_out)

        return collect


def _extended(index: dict[str, int], variables: list[str]) -> dict[str, int]:
    """``index`` with quantified ``variables`` at the binding positions appended after the
    current ones. The binding is as long as the highest slot in use plus one: a variable
    that shadows an outer one of the same name takes a new slot (counting names would give
    two variables the same slot after a shadowing)."""
    base = 1 + max(index.values(), default=-1)
    inner = dict(index)
    for i, var in enumerate(variables):
        inner[var] = base + i
    return inner


def _slot(term: str, index: dict[str, int]) -> int | str:
    if m.is_var(term):
        if term not in index:
            raise ValueError(f"unbound variable {term}")
        return index[term]
    return term


def _term_getter(term: str, index: dict[str, int]) -> Callable[[Binding], str]:
    slot = _slot(term, index)
    if isinstance(slot, int):
        return lambda b: b[slot]
    return lambda b: slot


def _atom_builder(pred: str, args: tuple[str, ...], index: dict[str, int]) -> AtomOf:
    """A function binding -> ground atom, specialised for the common all-variable shapes."""
    slots = tuple(_slot(a, index) for a in args)
    if all(isinstance(s, int) for s in slots):
        if len(slots) == 0:
            atom = (pred,)
            return lambda b: atom
        if len(slots) == 1:
            (i,) = slots
            return lambda b: (pred, b[i])
        if len(slots) == 2:
            i, j = slots
            return lambda b: (pred, b[i], b[j])
        if len(slots) == 3:
            i, j, k = slots
            return lambda b: (pred, b[i], b[j], b[k])
    return lambda b: (pred, *(b[s] if isinstance(s, int) else s for s in slots))


def substitute(f: m.Formula, mapping: dict[str, str]) -> m.Formula:
    """``f`` with variables replaced by objects from ``mapping`` (others left as they are)."""
    if isinstance(f, m.Lit):
        return m.Lit(f.pred, tuple(mapping.get(a, a) for a in f.args), f.positive)
    if isinstance(f, m.Eq):
        return m.Eq(mapping.get(f.left, f.left), mapping.get(f.right, f.right), f.positive)
    if isinstance(f, m.Junction):
        return m.Junction(tuple(substitute(p, mapping) for p in f.parts), f.conjunction)
    if isinstance(f, m.Negation):
        return m.Negation(substitute(f.part, mapping))
    if isinstance(f, m.Implication):
        return m.Implication(substitute(f.premise, mapping), substitute(f.conclusion, mapping))
    inner = {k: v for k, v in mapping.items() if k not in {var for var, _ in f.variables}}
    return m.Quantified(f.variables, substitute(f.body, inner), f.universal)


def applicable_bindings(
    action: CompiledAction, state: State | frozenset[m.Atom], by_pred: dict[str, list[m.Atom]]
) -> Iterator[Binding]:
    """All bindings whose precondition holds: join positive literals, then filter.

    Joining over the atoms present (instead of enumerating every object tuple) keeps
    grounding cheap: in gripper only balls actually in Robby's room are ever tried.
    """
    n = len(action.params)
    partial: list[list[str | None]] = [[None] * n]
    # Join the rarest predicates first: fewer partial bindings to carry along.
    for pred, slots in sorted(action.positive_lits, key=lambda lit: len(by_pred.get(lit[0], ()))):
        extended: list[list[str | None]] = []
        for b in partial:
            for atom in by_pred.get(pred, ()):
                if len(atom) != len(slots) + 1:
                    continue
                nb = _unify(b, slots, atom)
                if nb is not None:
                    extended.append(nb)
        partial = extended
        if not partial:
            return
    for b in partial:
        choices: list[Iterable[str]] = [
            (b[i],) if b[i] is not None else sorted(action.param_objects[i]) for i in range(n)
        ]
        for combo in itertools.product(*choices):
            if all(combo[i] in action.param_objects[i] for i in range(n)) and (
                action.failed_condition(state, combo) is None
            ):
                yield combo


def _unify(
    b: list[str | None], slots: tuple[int | str, ...], atom: m.Atom
) -> list[str | None] | None:
    out = b
    for slot, value in zip(slots, atom[1:], strict=True):
        if isinstance(slot, str):
            if slot != value:
                return None
        elif out[slot] is None:
            if out is b:
                out = list(b)
            out[slot] = value
        elif out[slot] != value:
            return None
    return out if out is not b else list(b)
