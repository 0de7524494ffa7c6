"""learnact's own PDDL domain files (package data)."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from learnact.envs.pddl import model as m
from learnact.envs.pddl.loader import parse_domain_text


def own_domain_text(kind: str) -> str:
    """The text of learnact's packaged domain ``domains/<kind>.pddl`` (used by the generated
    families). `FileNotFoundError` for an unknown kind."""
    return (files("learnact.envs.pddl") / "domains" / f"{kind}.pddl").read_text("utf-8")


@cache
def own_domain(kind: str) -> m.Domain:
    """learnact's packaged domain for ``kind``, parsed once (`own_domain_text`)."""
    return parse_domain_text(own_domain_text(kind), source=f"learnact:{kind}.pddl")
