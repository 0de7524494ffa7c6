"""Prompt templates: Jinja2 files in this folder, rendered with strict undefined names.

Templates are package data so that every prompt learnact sends can be read, diffed and
hashed (run fingerprints include `template_hashes()`).
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources

import jinja2

_SUFFIX = ".j2"


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FunctionLoader(_load),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # prompts are plain text, never HTML
    )


def _load(name: str) -> str:
    return resources.files(__name__).joinpath(name + _SUFFIX).read_text(encoding="utf-8")


def render(template: str, /, **context: object) -> str:
    """Render ``template`` (its name without ``.j2``) and strip outer whitespace."""
    return _environment().get_template(template).render(**context).strip()


def template_names() -> list[str]:
    """The packaged prompt templates' names (file names without ``.j2``), sorted."""
    return sorted(
        p.name[: -len(_SUFFIX)]
        for p in resources.files(__name__).iterdir()
        if p.name.endswith(_SUFFIX)
    )


def template_hashes() -> dict[str, str]:
    """sha256 of every template's text, for run fingerprints."""
    return {n: hashlib.sha256(_load(n).encode()).hexdigest() for n in template_names()}
