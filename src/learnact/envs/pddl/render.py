"""Readable English for PDDL states, goals and failed preconditions.

A `TextStyle` maps predicates to sentence templates (``"{0} is at {1}"``) and names
type-like predicates or types (``ball`` -> ``Balls``) so that static facts such as
``(ball ball1)`` become one summary line. Unknown predicates get a generic sentence, so
any user domain renders.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from learnact.envs.pddl import model as m

GOAL_PREFIX = "The goal is to satisfy the following conditions:"


@dataclass(frozen=True)
class TextStyle:
    templates: dict[str, str] = field(default_factory=dict)  # predicate -> "{0} is at {1}"
    nouns: dict[str, str] = field(default_factory=dict)  # type or type-like predicate -> plural


def natural_key(name: str) -> tuple[object, ...]:
    """Sort ``ball2`` before ``ball10``."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name))


def capitalise(sentence: str) -> str:
    """``sentence`` with its first character upper-cased and the rest unchanged (unlike
    `str.capitalize`)."""
    return sentence[:1].upper() + sentence[1:]


def sentence(style: TextStyle, atom: m.Atom) -> str:
    """``atom`` in words with ``style``'s template for its predicate, else a generic
    sentence: ``("at", "ball1", "rooma")`` -> ``"ball1 is at rooma"`` (no final period)."""
    pred, args = atom[0], atom[1:]
    template = style.templates.get(pred)
    if template is not None and template.count("{") == len(args):
        return template.format(*args)
    words = pred.replace("-", " ").replace("_", " ")
    if not args:
        return f"{words} is true"
    if len(args) == 1:
        return f"{args[0]} is {words}"
    return f"{words} holds for {_and_list(list(args))}"


class Renderer:
    """Renders one problem's states; sentences are cached per atom (states repeat atoms)."""

    def __init__(self, domain: m.Domain, problem: m.Problem, style: TextStyle) -> None:
        self.style = style
        self._domain = domain
        order = list(style.templates) + [p for p in domain.predicates if p not in style.templates]
        self._rank = {p: i for i, p in enumerate(order)}
        self._static = domain.static_predicates()
        self._cache: dict[m.Atom, tuple[tuple[object, ...], str] | None] = {}
        self.static_text = self._static_text(problem)

    # --- sentences ----------------------------------------------------------------------

    def sentence(self, atom: m.Atom) -> str:
        """``("at", "ball1", "rooma")`` -> ``"ball1 is at rooma"`` (no final period)."""
        return sentence(self.style, atom)

    def describe(self, f: m.Formula) -> str:
        """A condition in words (ground or not), for goals and failed preconditions."""
        if isinstance(f, m.Lit):
            text = self.sentence((f.pred, *f.args))
            return text if f.positive else f"it is not true that {text}"
        if isinstance(f, m.Eq):
            return f"{f.left} is {'' if f.positive else 'not '}the same as {f.right}"
        if isinstance(f, m.Junction):
            if not f.parts:
                return "true" if f.conjunction else "false"
            joiner = " and " if f.conjunction else " or "
            return "(" + joiner.join(self.describe(p) for p in f.parts) + ")"
        if isinstance(f, m.Negation):
            return f"it is not true that {self.describe(f.part)}"
        if isinstance(f, m.Implication):
            return f"if {self.describe(f.premise)} then {self.describe(f.conclusion)}"
        names = ", ".join(v for v, _ in f.variables)
        quantifier = "for every" if f.universal else "for some"
        return f"{quantifier} {names}: {self.describe(f.body)}"

    def goal(self, goal: m.Formula) -> str:
        """The goal in words: `GOAL_PREFIX`, then one sentence per top-level conjunct (``(none).``
        for an empty goal)."""
        parts = " ".join(f"{self.describe(c)}." for c in m.conjuncts(goal))
        return f"{GOAL_PREFIX} {parts}" if parts else f"{GOAL_PREFIX} (none)."

    # --- observations -------------------------------------------------------------------

    def observation(self, state: set[m.Atom] | frozenset[m.Atom]) -> str:
        """A state in words: one sentence per changing fact (by predicate, then natural object
        order), then the static facts and type summaries, rendered once per problem."""
        cache = self._cache
        items = []
        for atom in state:
            entry = cache.get(atom, False)
            if entry is False:
                entry = self._entry(atom)
                cache[atom] = entry
            if entry is not None:
                items.append(entry)
        items.sort()
        dynamic = " ".join(text for _, text in items)
        return f"{dynamic} {self.static_text}".strip()

    def _atom_key(self, atom: m.Atom) -> tuple[object, ...]:
        return (self._rank.get(atom[0], len(self._rank)), *map(natural_key, atom[1:]))

    def _entry(self, atom: m.Atom) -> tuple[tuple[object, ...], str] | None:
        if atom[0] in self._static:
            return None  # part of the precomputed static text
        return self._atom_key(atom), capitalise(self.sentence(atom)) + "."

    def _static_text(self, problem: m.Problem) -> str:
        """Facts that never change, rendered once: type summaries first, then the rest."""
        groups: dict[str, set[str]] = {}
        for obj, tags in problem.objects.items():
            for tag in tags:
                groups.setdefault(tag, set()).add(obj)
        sentences = []
        for atom in sorted(problem.init, key=self._atom_key):
            if atom[0] not in self._static:
                continue
            if len(atom) == 2 and atom[0] in self.style.nouns:
                groups.setdefault(atom[0], set()).add(atom[1])
            else:
                sentences.append(capitalise(self.sentence(atom)) + ".")
        summary = [
            f"{self._plural(kind)}: {', '.join(sorted(objs, key=natural_key))}."
            for kind, objs in sorted(groups.items(), key=lambda kv: self._noun_rank(kv[0]))
        ]
        return " ".join(sentences + summary)

    def _plural(self, kind: str) -> str:
        if kind in self.style.nouns:
            return self.style.nouns[kind]
        word = kind.replace("-", " ").replace("_", " ")
        return capitalise(word + ("es" if word.endswith(("s", "x", "sh", "ch")) else "s"))

    def _noun_rank(self, kind: str) -> tuple[int, str]:
        nouns = list(self.style.nouns)
        return (nouns.index(kind) if kind in nouns else len(nouns), kind)


def _and_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
