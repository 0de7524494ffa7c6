"""PDDL as users bring it (issue 18, item 5): a corpus of small files, each with what it
must do: play and win with a given plan, or be refused (exit 2 in the CLI) with a message
naming the file and what is wrong. Files are in tests/envs/pddl/corpus/ (written for these
tests; CRLF and a missing final newline are in the bytes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from learnact.envs.pddl.episode import PddlEpisode, PddlTask
from learnact.envs.pddl.loader import load_domain, load_problem
from learnact.errors import MalformedTask

CORPUS = Path(__file__).parent / "corpus"
PLAN = ["pick ball1 rooma left", "move rooma roomb", "drop ball1 roomb left"]
UNTYPED_PLAN = PLAN

# (domain file, problem file, plan that wins) -- every one of these plays to a win
WINS = [
    ("rooms.pddl", "p-basic.pddl"),
    ("rooms-upper.pddl", "p-basic.pddl"),  # an upper-case domain
    ("rooms.pddl", "p-upper.pddl"),  # an upper-case problem
    ("rooms-upper.pddl", "p-upper.pddl"),
    ("rooms-adl.pddl", "p-basic.pddl"),  # :adl includes :typing and :negative-preconditions
    ("rooms-comments.pddl", "p-comments.pddl"),  # comments holding parentheses
    ("rooms-crlf.pddl", "p-crlf.pddl"),  # CRLF line ends
    ("rooms-no-final-newline.pddl", "p-basic.pddl"),
    ("rooms-no-requirements.pddl", "p-untyped.pddl"),  # :strips assumed (with a warning)
    ("rooms-constants.pddl", "p-constants.pddl"),  # the gripper is a domain constant
    ("rooms-constants.pddl", "p-basic.pddl"),  # a problem re-declaring a domain constant
    ("rooms-either.pddl", "p-basic.pddl"),  # either types
    ("rooms-negative.pddl", "p-basic.pddl"),  # a negative precondition
    ("rooms-sections-out-of-order.pddl", "p-basic.pddl"),  # reordered (with a warning)
    ("rooms.pddl", "p-other-domain-name.pddl"),  # another domain name: a note, not an error
]

# (file, problem or None, what the one-line message must say)
REFUSED = [
    ("rooms-numeric.pddl", None, "rooms-numeric.pddl"),
    ("rooms-durative.pddl", None, "rooms-durative.pddl"),
    ("rooms-unbound-variable.pddl", None, "action pick uses the variable ?z, which nothing binds"),
    ("rooms-undeclared-predicate.pddl", None, "action drop uses the undeclared predicate holding"),
    ("rooms-wrong-arity.pddl", None, "action drop uses carry with 1 argument(s)"),
    ("rooms-unbalanced.pddl", None, "cannot parse PDDL file rooms-unbalanced.pddl"),
    ("rooms-undeclared-type.pddl", None, "rooms-undeclared-type.pddl: types ['hall']"),
    ("rooms.pddl", "p-undeclared-object.pddl", "p-undeclared-object.pddl: :goal uses ball2"),
    ("rooms.pddl", "p-undeclared-predicate.pddl", ":init uses the undeclared predicate at-roby"),
    ("rooms.pddl", "p-wrong-arity.pddl", ":init uses free with 2 argument(s)"),
    ("rooms.pddl", "p-unbound-goal-variable.pddl", ":goal uses the variable ?b, which nothing"),
    ("rooms.pddl", "p-unbalanced.pddl", "cannot parse PDDL file p-unbalanced.pddl"),
    ("rooms.pddl", "p-numeric-init.pddl", "p-numeric-init.pddl: numeric fluents are not supported"),
    # A limitation of the pddl package, said plainly (it refuses quantified goals in problems).
    ("rooms.pddl", "p-quantified-goal.pddl", "refuses :universal-preconditions here even when"),
]


def test_the_corpus_holds_at_least_30_files_and_every_one_is_used():
    files = {p.name for p in CORPUS.glob("*.pddl")}
    used = {f for pair in WINS for f in pair} | {d for d, _, _ in REFUSED}
    used |= {p for _, p, _ in REFUSED if p}
    assert len(files) >= 30 and files == used
    assert b"\r\n" in (CORPUS / "rooms-crlf.pddl").read_bytes()
    assert not (CORPUS / "rooms-no-final-newline.pddl").read_bytes().endswith(b"\n")


@pytest.mark.filterwarnings("ignore::learnact.envs.pddl.loader.LenientPddlWarning")
@pytest.mark.parametrize(("domain_file", "problem_file"), WINS)
def test_plays_and_wins(domain_file, problem_file):
    domain = load_domain(CORPUS / domain_file)
    problem = load_problem(CORPUS / problem_file, domain)
    episode = PddlEpisode(PddlTask(domain, problem))
    episode.reset()
    results = [episode.step(command) for command in PLAN]
    assert all(r.valid for r in results), [r.observation for r in results]
    assert results[-1].won and not results[0].won


@pytest.mark.filterwarnings("ignore::learnact.envs.pddl.loader.LenientPddlWarning")
@pytest.mark.parametrize(("domain_file", "problem_file", "message"), REFUSED)
def test_is_refused_naming_what_is_wrong(domain_file, problem_file, message):
    with pytest.raises(MalformedTask) as caught:
        domain = load_domain(CORPUS / domain_file)
        if problem_file:
            load_problem(CORPUS / problem_file, domain)
    text = str(caught.value)
    assert message in text and "\n" not in text
