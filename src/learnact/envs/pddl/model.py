"""A small, parser-independent model of a PDDL domain and problem.

The `pddl` package parses; `loader` converts its objects into these plain structures,
which the simulator compiles. Terms are strings: variables keep their ``?`` prefix,
everything else is an object (constant) name. Ground atoms are tuples
``(predicate, arg1, arg2, ...)`` so that states are plain sets of tuples.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Atom = tuple[str, ...]
ROOT_TYPE = "object"


def is_var(term: str) -> bool:
    """Whether ``term`` is a variable (``?x``) rather than an object name."""
    return term.startswith("?")


# --- formulas (preconditions and goals) -------------------------------------------------


@dataclass(frozen=True)
class Lit:
    """A (possibly negated) atom over terms."""

    pred: str
    args: tuple[str, ...]
    positive: bool = True


@dataclass(frozen=True)
class Eq:
    left: str
    right: str
    positive: bool = True


@dataclass(frozen=True)
class Junction:
    """``and`` (conjunction=True) or ``or`` over parts."""

    parts: tuple[Formula, ...]
    conjunction: bool = True


@dataclass(frozen=True)
class Negation:
    part: Formula


@dataclass(frozen=True)
class Implication:
    premise: Formula
    conclusion: Formula


@dataclass(frozen=True)
class Quantified:
    """``forall`` (universal=True) or ``exists`` over typed variables."""

    variables: tuple[tuple[str, frozenset[str]], ...]
    body: Formula
    universal: bool = True


Formula = Lit | Eq | Junction | Negation | Implication | Quantified
TRUE: Formula = Junction(())


def conjuncts(formula: Formula) -> tuple[Formula, ...]:
    """Top-level conjuncts (so a failed precondition can be named precisely)."""
    if isinstance(formula, Junction) and formula.conjunction:
        out: list[Formula] = []
        for part in formula.parts:
            out.extend(conjuncts(part))
        return tuple(out)
    return (formula,)


# --- effects ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Effect:
    """Add/delete lists plus conditional (``when``) and universal (``forall``) effects."""

    add: tuple[Lit, ...] = ()
    delete: tuple[Lit, ...] = ()
    when: tuple[tuple[Formula, Effect], ...] = ()
    forall: tuple[tuple[tuple[tuple[str, frozenset[str]], ...], Effect], ...] = ()

    def predicates(self) -> set[str]:
        """Every predicate the effect may add or delete, conditional and universal parts included."""
        preds = {lit.pred for lit in (*self.add, *self.delete)}
        for _, eff in self.when:
            preds |= eff.predicates()
        for _, eff in self.forall:
            preds |= eff.predicates()
        return preds


# --- domain and problem -------------------------------------------------------------------


@dataclass(frozen=True)
class ActionSchema:
    name: str
    params: tuple[tuple[str, frozenset[str]], ...]  # ("?obj", {"ball"}); empty set = object
    precondition: Formula
    effect: Effect


@dataclass(frozen=True)
class Domain:
    name: str
    requirements: frozenset[str]
    types: dict[str, str | None]  # type -> parent type
    constants: dict[str, frozenset[str]]  # name -> type tags
    predicates: dict[str, tuple[tuple[str, frozenset[str]], ...]]  # in file order
    actions: dict[str, ActionSchema]  # in file order
    path: str | None = None
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def static_predicates(self) -> frozenset[str]:
        """Predicates no action changes: their facts never move (types, dispensers...)."""
        changed: set[str] = set()
        for action in self.actions.values():
            changed |= action.effect.predicates()
        return frozenset(p for p in self.predicates if p not in changed)

    def ancestors(self, type_name: str) -> set[str]:
        """``type_name`` and every super-type, always including ``object``."""
        seen = {type_name, ROOT_TYPE}
        current: str | None = type_name
        while current is not None and current in self.types:
            current = self.types[current]
            if current is None or current in seen:
                break
            seen.add(current)
        return seen


@dataclass(frozen=True)
class Problem:
    name: str
    domain_name: str
    objects: dict[str, frozenset[str]]  # name -> type tags (constants of the domain included)
    init: frozenset[Atom]
    goal: Formula
    path: str | None = None
    warnings: tuple[str, ...] = field(default_factory=tuple)
