"""Lenient PDDL loading: parse with the `pddl` package, convert to `model` structures.

Real-world files are often slightly off-standard: AgentBoard's gripper.pddl has no
``:requirements`` section and its tyreworld.pddl uses ``:types`` without ``:typing``.
We add what the parser asks for and record (and ``warnings.warn``) a warning each
time, so only files that are truly unparsable raise `MalformedTask`.
"""

from __future__ import annotations

import re
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lark import Lark, Token, Transformer
from pddl.core import Domain as PddlDomain
from pddl.core import Problem as PddlProblem
from pddl.exceptions import PDDLMissingRequirementError
from pddl.logic import base as pl
from pddl.logic import effects as pe
from pddl.logic import predicates as pp
from pddl.parser import GRAMMAR_FILE, PARSERS_DIRECTORY
from pddl.parser.domain import DomainParser
from pddl.parser.problem import ProblemParser

from learnact.envs.pddl import model as m
from learnact.errors import MalformedTask

_MAX_FIXES = 12  # each retry adds one requirement; real domains need a handful at most
# The `pddl` package's parsers are lark LALR parsers with their transformer built in, and
# the transformer keeps state (the requirements seen so far) while it parses. A parse that
# raised leaves that state behind ("parser is in an unexpected state" on every later
# parse), and two threads in one parser mix theirs. So each kind of parser is used by one
# thread at a time (`_PARSE_LOCK`) and thrown away after any exception: no parse depends
# on an earlier one. Building one is the slow part (a lark grammar), so a good parser is
# kept for the next file.
_PARSERS: dict[str, DomainParser | ProblemParser] = {}
_PARSE_LOCK = threading.Lock()


class LenientPddlWarning(UserWarning):
    """A PDDL file was accepted after a fix-up (e.g. a missing requirement was added)."""


def load_domain(path: str | Path) -> m.Domain:
    """The domain file at ``path``, parsed leniently (`parse_domain_text`). Raises `MalformedTask`
    when it cannot be read or parsed."""
    path = Path(path)
    return parse_domain_text(_read(path), source=path.name, path=str(path))


def load_problem(path: str | Path, domain: m.Domain) -> m.Problem:
    """The problem file at ``path``, parsed against ``domain`` (`parse_problem_text`). Raises
    `MalformedTask` when it cannot be read or parsed."""
    path = Path(path)
    return parse_problem_text(_read(path), domain, source=path.name, path=str(path))


def parse_domain_text(text: str, source: str = "<domain>", path: str | None = None) -> m.Domain:
    """A `model.Domain` from PDDL domain text. Header sections out of the standard order are
    reordered and missing requirements added (``:strips`` when there is no ``:requirements``
    section); each fix-up is recorded in ``Domain.warnings`` and warned as `LenientPddlWarning`.
    ``source`` names the text in messages. Raises `MalformedTask` when it does not parse or uses
    PDDL the simulator does not support."""
    notes: list[str] = []
    text, moved = _reorder_sections(_strip_comments(text))
    if moved:
        notes.append(
            f"{source}: sections out of the standard order ({', '.join(moved)}); reordered"
        )
    if not _has_section(text, ":requirements"):
        text = _add_requirement(text, ":strips", after=r"\(\s*domain\s+[^\s()]+\s*\)")
        notes.append(f"{source}: no :requirements section; assuming :strips")
    text = _with_implied_requirements(text)
    parsed = _parse_leniently(text, "domain", source, notes, r"\(\s*domain\s+[^\s()]+\s*\)")
    _warn(notes)
    try:
        domain = _convert_domain(parsed, text, path, tuple(notes))
    except (ValueError, TypeError, AttributeError) as e:
        raise MalformedTask(f"unsupported PDDL in domain file {source}: {_one_line(e)}") from e
    _check_domain(domain, source)
    return domain


def parse_problem_text(
    text: str, domain: m.Domain, source: str = "<problem>", path: str | None = None
) -> m.Problem:
    """A `model.Problem` from PDDL problem text, against ``domain`` (whose constants are objects
    too; a problem may re-declare one). Requirements the parser asks for are added silently; a
    problem for another domain name is accepted with a note in ``Problem.warnings``. Raises
    `MalformedTask` when it does not parse."""
    notes: list[str] = []
    parsed = _parse_leniently(
        text, "problem", source, notes, r"\(\s*:domain\s+[^\s()]+\s*\)", quiet=True
    )
    _warn(notes)
    try:
        problem = _convert_problem(parsed, domain, path, tuple(notes))
    except (ValueError, TypeError, AttributeError) as e:
        raise MalformedTask(f"unsupported PDDL in problem file {source}: {_one_line(e)}") from e
    _check_problem(problem, domain, source)
    return problem


# --- lenient parsing ----------------------------------------------------------------------


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError as e:
        raise MalformedTask(f"cannot read PDDL file {path}: {e.strerror or e}") from e


class _Lowered:
    """Lark post-lexer: every token's text in lower case (PDDL names and keywords are
    case-insensitive; the `pddl` package compares them as written)."""

    always_accept: tuple[str, ...] = ()

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        for token in stream:
            yield token.update(value=token.value.lower())


def _case_insensitive(cls: type[DomainParser] | type[ProblemParser]) -> Any:
    """The `pddl` package's parser ``cls`` on its own grammar, matching keywords in any case
    (Lark's global ``re.I``) and handing the transformer lower-case tokens: PDDL is
    case-insensitive (``(:INIT (CLEAR A))``), and no text is rewritten before parsing."""

    class Parser(cls):  # type: ignore[valid-type,misc]
        def __init__(self) -> None:
            Transformer.__init__(self)
            self._transformer = self.transformer_cls()
            self._parser = Lark(
                GRAMMAR_FILE.read_text(),
                parser="lalr",
                import_paths=[PARSERS_DIRECTORY],
                start=self.start_symbol,
                transformer=self._transformer,
                g_regex_flags=re.IGNORECASE,
                postlex=_Lowered(),
            )

    return Parser()


def _parse(kind: str, text: str) -> PddlDomain | PddlProblem:
    """Parse ``text`` with a clean parser of ``kind`` ("domain" or "problem"); a parser that
    raised is discarded (see `_PARSERS`)."""
    with _PARSE_LOCK:
        parser = _PARSERS.get(kind)
        if parser is None:
            parser = _PARSERS[kind] = _case_insensitive(
                DomainParser if kind == "domain" else ProblemParser
            )
        try:
            return parser(text)
        except BaseException:
            _PARSERS.pop(kind, None)
            raise


def _parse_leniently(
    text: str,
    kind: str,
    source: str,
    notes: list[str],
    header: str,
    quiet: bool = False,
) -> PddlDomain | PddlProblem:
    for _ in range(_MAX_FIXES):
        try:
            return _parse(kind, text)
        except PDDLMissingRequirementError as e:
            req = str(e.requirement)
            if req in _requirements_of(text):  # declared, and still refused: do not loop
                raise MalformedTask(
                    f"cannot parse PDDL file {source}: the pddl parser refuses {req} here even "
                    "when it is declared (a limitation of the `pddl` package: e.g. quantified "
                    "goals in a problem file)"
                ) from e
            text = _add_requirement(text, req, after=header)
            if not quiet:  # a problem file inherits its domain's requirements: no news
                notes.append(f"{source}: uses {req} without declaring it; added")
        except Exception as e:  # lark and pddl raise many types; all mean "cannot parse"
            raise MalformedTask(f"cannot parse PDDL file {source}: {_one_line(e)}") from e
    raise MalformedTask(f"cannot parse PDDL file {source}: unsatisfiable requirements")


# A domain's header sections must come in this order for the parser.
_SECTION_ORDER = ("domain", ":requirements", ":types", ":constants", ":predicates", ":functions")


def _top_level(text: str) -> tuple[int, list[tuple[int, int]]] | None:
    """Spans of the children of the first top-level ``(define ...)``, and its end."""
    start = text.find("(")
    if start < 0:
        return None
    spans: list[tuple[int, int]] = []
    depth, child_start = 0, -1
    for i in range(start, len(text)):
        c = text[i]
        if c == "(":
            depth += 1
            if depth == 2:
                child_start = i
        elif c == ")":
            depth -= 1
            if depth == 1:
                spans.append((child_start, i + 1))
            elif depth == 0:
                return i, spans
    return None  # unbalanced: let the parser report it


def _reorder_sections(text: str) -> tuple[str, list[str]]:
    """Put header sections in the standard order (tyreworld declares constants late)."""
    found = _top_level(text)
    if found is None:
        return text, []
    end, spans = found
    keyed = []
    for s, e in spans:
        head = text[s + 1 : e].split(None, 1)[0].lower() if text[s + 1 : e].split() else ""
        rank = _SECTION_ORDER.index(head) if head in _SECTION_ORDER else len(_SECTION_ORDER)
        keyed.append((rank, s, e, head))
    ordered = sorted(keyed, key=lambda k: k[0])  # stable: actions keep their order
    if [k[1] for k in ordered] == [k[1] for k in keyed]:
        return text, []
    moved = [k[3] for k, o in zip(keyed, ordered, strict=True) if k[1] != o[1]]
    first = spans[0][0] if spans else end
    body = "\n".join(text[s:e] for _, s, e, _ in ordered)
    return f"{text[:first]}{body}\n{text[end:]}", sorted(set(moved) & set(_SECTION_ORDER))


def _has_section(text: str, keyword: str) -> bool:
    return re.search(r"\(\s*" + re.escape(keyword) + r"\b", _strip_comments(text), re.I) is not None


def _requirements_of(text: str) -> set[str]:
    match = re.search(r"\(\s*:requirements\b([^)]*)\)", _strip_comments(text), re.I)
    return set(match.group(1).lower().split()) if match else set()


def _add_requirement(text: str, req: str, after: str) -> str:
    """Add ``req`` to the :requirements section, creating one after ``after`` if absent."""
    text = _strip_comments(text)
    match = re.search(r"\(\s*:requirements\b[^)]*", text, re.I)
    if match:
        return f"{text[: match.end()]} {req}{text[match.end() :]}"
    header = re.search(after, text, re.I)
    if header is None:
        raise MalformedTask(f"cannot parse PDDL: no {after!r} header")
    return f"{text[: header.end()]} (:requirements {req}){text[header.end() :]}"


# What a requirement includes, as the PDDL definition says (PDDL 1.2 / 2.1): declaring
# :adl is declaring all of these, so a domain with (:requirements :adl) may use :types.
_IMPLIES = {
    ":adl": (
        ":strips",
        ":typing",
        ":negative-preconditions",
        ":disjunctive-preconditions",
        ":equality",
        ":quantified-preconditions",
        ":conditional-effects",
    ),
    ":quantified-preconditions": (":existential-preconditions", ":universal-preconditions"),
}


def _with_implied_requirements(text: str) -> str:
    """``text`` with the requirements its declared ones imply made explicit (the parser
    checks each requirement by name)."""
    declared = _requirements_of(text)
    implied: list[str] = []
    todo = list(declared)
    while todo:
        for req in _IMPLIES.get(todo.pop(), ()):
            if req not in declared and req not in implied:
                implied.append(req)
                todo.append(req)
    for req in implied:
        text = _add_requirement(text, req, after=r"\(\s*domain\s+[^\s()]+\s*\)")
    return text


def _strip_comments(text: str) -> str:
    return re.sub(r";[^\n]*", "", text)


def _warn(notes: list[str]) -> None:
    for note in notes:
        warnings.warn(note, LenientPddlWarning, stacklevel=3)


def _one_line(error: object) -> str:
    text = " ".join(str(error).split())
    return text[:200] + ("..." if len(text) > 200 else "")


# --- names that were never declared ------------------------------------------------------
# A goal over an undeclared object can never be won, an :init fact with an undeclared
# predicate shows the agent nonsense, and a variable no parameter binds used to surface as
# "internal error: unbound variable": each is the file's fault, said when it is loaded.


def _literals(f: m.Formula, bound: frozenset[str]) -> list[tuple[m.Lit | m.Eq, frozenset[str]]]:
    """Every literal of ``f`` with the variables bound where it stands."""
    if isinstance(f, m.Lit | m.Eq):
        return [(f, bound)]
    if isinstance(f, m.Junction):
        return [x for part in f.parts for x in _literals(part, bound)]
    if isinstance(f, m.Negation):
        return _literals(f.part, bound)
    if isinstance(f, m.Implication):
        return _literals(f.premise, bound) + _literals(f.conclusion, bound)
    if isinstance(f, m.Quantified):
        return _literals(f.body, bound | {v for v, _ in f.variables})
    return []


def _effect_literals(
    e: m.Effect, bound: frozenset[str]
) -> list[tuple[m.Lit | m.Eq, frozenset[str]]]:
    out: list[tuple[m.Lit | m.Eq, frozenset[str]]] = [(x, bound) for x in (*e.add, *e.delete)]
    for cond, sub in e.when:
        out += _literals(cond, bound) + _effect_literals(sub, bound)
    for variables, sub in e.forall:
        out += _effect_literals(sub, bound | {v for v, _ in variables})
    return out


def _check_terms(
    lit: m.Lit | m.Eq,
    bound: frozenset[str],
    names: dict[str, frozenset[str]],
    where: str,
    preds: dict[str, tuple[tuple[str, frozenset[str]], ...]],
) -> None:
    if isinstance(lit, m.Lit):
        if lit.pred not in preds:
            raise MalformedTask(f"{where} uses the undeclared predicate {lit.pred}")
        if len(lit.args) != len(preds[lit.pred]):
            raise MalformedTask(
                f"{where} uses {lit.pred} with {len(lit.args)} argument(s); it is declared "
                f"with {len(preds[lit.pred])}"
            )
        terms: tuple[str, ...] = lit.args
    else:
        terms = (lit.left, lit.right)
    for t in terms:
        if m.is_var(t):
            if t not in bound:
                raise MalformedTask(f"{where} uses the variable {t}, which nothing binds")
        elif t not in names:
            raise MalformedTask(f"{where} uses {t}, which is not a declared object or constant")


def _check_domain(domain: m.Domain, source: str) -> None:
    """Raise `MalformedTask` (naming ``source`` and the name) for a predicate or variable an
    action uses without a declaration, or a predicate with the wrong number of arguments
    (the parser itself refuses undeclared constants and types)."""
    for action in domain.actions.values():
        where = f"domain file {source}: action {action.name}"
        bound = frozenset(v for v, _ in action.params)
        found = _literals(action.precondition, bound) + _effect_literals(action.effect, bound)
        for lit, scope in found:
            _check_terms(lit, scope, domain.constants, where, domain.predicates)


def _check_problem(problem: m.Problem, domain: m.Domain, source: str) -> None:
    """Raise `MalformedTask` for an :init fact or a goal over an undeclared predicate or
    object, a predicate with the wrong number of arguments, or an unbound variable."""
    for atom in sorted(problem.init):
        _check_terms(
            m.Lit(atom[0], tuple(atom[1:])),
            frozenset(),
            problem.objects,
            f"problem file {source}: :init",
            domain.predicates,
        )
    for lit, scope in _literals(problem.goal, frozenset()):
        _check_terms(
            lit, scope, problem.objects, f"problem file {source}: :goal", domain.predicates
        )


# --- conversion to the model -------------------------------------------------------------


def _types(tags: object) -> frozenset[str]:
    return frozenset(str(t).lower() for t in (tags or ())) - {m.ROOT_TYPE}


def _term(term: object) -> str:
    name = str(getattr(term, "name", term)).lower()
    return f"?{name}" if type(term).__name__ == "Variable" else name


def _typed_vars(variables: object) -> tuple[tuple[str, frozenset[str]], ...]:
    return tuple((_term(v), _types(v.type_tags)) for v in variables)  # type: ignore[attr-defined]


def _formula(f: object) -> m.Formula:
    if isinstance(f, pp.Predicate):
        return m.Lit(f.name.lower(), tuple(_term(t) for t in f.terms))
    if isinstance(f, pp.EqualTo):
        return m.Eq(_term(f.left), _term(f.right))
    if isinstance(f, pl.Not):
        inner = _formula(f.argument)
        if isinstance(inner, m.Lit | m.Eq):
            return type(inner)(*_fields(inner)[:-1], not inner.positive)  # type: ignore[call-arg]
        return m.Negation(inner)
    if isinstance(f, pl.And | pl.Or):
        return m.Junction(tuple(_formula(p) for p in f.operands), isinstance(f, pl.And))
    if isinstance(f, pl.Imply):
        premise, conclusion = f.operands
        return m.Implication(_formula(premise), _formula(conclusion))
    if isinstance(f, pl.ForallCondition | pl.ExistsCondition):
        universal = isinstance(f, pl.ForallCondition)
        return m.Quantified(_typed_vars(sorted(f.variables)), _formula(f.condition), universal)
    raise ValueError(f"unsupported formula {f}")


def _fields(x: m.Lit | m.Eq) -> tuple[object, ...]:
    return (x.pred, x.args, x.positive) if isinstance(x, m.Lit) else (x.left, x.right, x.positive)


def _effect(e: object) -> m.Effect:
    add: list[m.Lit] = []
    delete: list[m.Lit] = []
    when: list[tuple[m.Formula, m.Effect]] = []
    forall: list[tuple[tuple[tuple[str, frozenset[str]], ...], m.Effect]] = []
    parts = e.operands if isinstance(e, pl.And) else (e,)  # type: ignore[attr-defined]
    for part in parts:
        if isinstance(part, pl.And):
            sub = _effect(part)
            add += sub.add
            delete += sub.delete
            when += sub.when
            forall += sub.forall
        elif isinstance(part, pe.When):
            when.append((_formula(part.condition), _effect(part.effect)))
        elif isinstance(part, pe.Forall):
            forall.append((_typed_vars(sorted(part.variables)), _effect(part.effect)))
        else:
            lit = _formula(part)
            if not isinstance(lit, m.Lit):
                raise ValueError(f"unsupported effect {part}")
            (add if lit.positive else delete).append(m.Lit(lit.pred, lit.args))
    return m.Effect(tuple(add), tuple(delete), tuple(when), tuple(forall))


def _ordered_names(text: str, pattern: str) -> dict[str, int]:
    """First position of each name matched by ``pattern`` (file order of actions etc.)."""
    order: dict[str, int] = {}
    for name in re.findall(pattern, _strip_comments(text), re.I):
        order.setdefault(name.lower(), len(order))
    return order


def _convert_domain(d: PddlDomain, text: str, path: str | None, notes: tuple[str, ...]) -> m.Domain:
    action_order = _ordered_names(text, r"\(\s*:action\s+([^\s()]+)")
    actions = sorted(d.actions, key=lambda a: action_order.get(a.name.lower(), len(action_order)))
    schemas = {
        a.name.lower(): m.ActionSchema(
            a.name.lower(),
            _typed_vars(a.parameters),
            _formula(a.precondition) if a.precondition is not None else m.TRUE,
            _effect(a.effect) if a.effect is not None else m.Effect(),
        )
        for a in actions
    }
    pred_order = _ordered_names(text, r"\(\s*([a-z][^\s()]*)\s*[?)]")
    preds = sorted(d.predicates, key=lambda p: pred_order.get(p.name.lower(), len(pred_order)))
    return m.Domain(
        name=str(d.name).lower(),
        requirements=frozenset(str(r).lower() for r in d.requirements),
        types={str(k).lower(): (str(v).lower() if v else None) for k, v in d.types.items()},
        constants={str(c.name).lower(): _types(c.type_tags) for c in d.constants},
        predicates={p.name.lower(): _typed_vars(p.terms) for p in preds},
        actions=schemas,
        path=path,
        warnings=notes,
    )


def _convert_problem(
    p: PddlProblem, domain: m.Domain, path: str | None, notes: tuple[str, ...]
) -> m.Problem:
    objects = dict(domain.constants)
    for obj in p.objects:  # a problem may re-declare a domain constant (AgentBoard tyreworld)
        objects[str(obj.name).lower()] = _types(obj.type_tags) or objects.get(
            str(obj.name).lower(), frozenset()
        )
    init: set[m.Atom] = set()
    for fact in p.init:
        if not isinstance(fact, pp.Predicate):  # e.g. (= (moves) 0): a numeric fluent
            raise ValueError(f"numeric fluents are not supported ({fact} in :init)")
        init.add((fact.name.lower(), *(_term(t) for t in fact.terms)))
    goal = _formula(p.goal) if p.goal is not None else m.TRUE
    problem_notes = list(notes)
    if str(p.domain_name).lower() != domain.name:
        problem_notes.append(
            f"problem {p.name} is for domain {p.domain_name}, loaded with domain {domain.name}"
        )
    return m.Problem(
        name=str(p.name).lower(),
        domain_name=str(p.domain_name).lower(),
        objects=objects,
        init=frozenset(init),
        goal=goal,
        path=path,
        warnings=tuple(problem_notes),
    )
