"""Induced candidates: action sets induced from action sequences (`induce`), named by the
learner and validated like the learner's own.

The learner model only names and describes each induced action (``prompts/name_action.j2``,
one short call per action); its code comes from the abstraction. An answer whose name is
unusable (not an identifier, a keyword or builtin, a basic action's or another action's
name, or a placeholder) gets a deterministic name from the basic actions it runs
(``pick_move_drop``), and an empty description a deterministic one. The set then passes
the same checks (`parse_proposal`) and sandbox validation (`validate_code`) as a learned
set and the checks of learned code (`learnact.learning.checks`), gets an executed usage example, and every action's lineage records its source
(``induced: example, won episodes, demonstrations``).
"""

from __future__ import annotations

import hashlib
import keyword
import re
from collections.abc import Sequence

from learnact.envs.base import TaskFamily
from learnact.learning.checks import Checker
from learnact.learning.code import CodeProblem, parse_proposal
from learnact.learning.context import LearnContext
from learnact.learning.creation import Created, CreationConfig, clean_paragraph, validate_code
from learnact.learning.induce import Abstraction, source_label
from learnact.learning.usage import usage_example
from learnact.library import ActionLibrary
from learnact.prompts import render

__all__ = ["fallback_name", "induced_candidate", "usable_name"]

_NAME = re.compile(r"^\s*\**\s*Name\s*\**\s*:\s*`?([A-Za-z_][A-Za-z0-9_]*)`?\s*$", re.I | re.M)
_DESCRIPTION = re.compile(r"^\s*\**\s*Description\s*\**\s*:\s*(.+)", re.I | re.M | re.S)
_PLACEHOLDER = "induced_action"
_MAX_NAME = 40


def usable_name(name: str, taken: set[str]) -> bool:
    """Whether ``name`` can name a new action: a public identifier of at most 40
    characters, no keyword or builtin, not in ``taken`` (basic actions, other actions) and
    not the placeholder the prompt shows."""
    return (
        name.isidentifier()
        and not name.startswith("_")
        and len(name) <= _MAX_NAME
        and not keyword.iskeyword(name)
        and name not in dir(__builtins__)
        and name not in taken
        and not name.startswith(_PLACEHOLDER)
    )


def fallback_name(abstraction: Abstraction, taken: set[str]) -> str:
    """A name from the basic actions the abstraction runs, each once in order
    (``pick_move_drop``), numbered (``_2``, ...) when ``taken`` holds it."""
    parts: list[str] = []
    for a in abstraction.actions:
        if a not in parts:
            parts.append(a)
    base = "_".join(parts)[:_MAX_NAME].rstrip("_") or "induced"
    if base in taken or keyword.iskeyword(base) or base in dir(__builtins__):
        n = 2
        while f"{base}_{n}" in taken:
            n += 1
        base = f"{base}_{n}"
    return base


def _fallback_description(abstraction: Abstraction) -> str:
    steps = ", then ".join(
        f"{a}({', '.join(abstraction.params[j] for j in idx)})" for a, idx in abstraction.body
    )
    return f"Runs {steps}: a sequence that recurs in solved tasks."


def _name(
    family: TaskFamily,
    ctx: LearnContext,
    abstraction: Abstraction,
    taken: set[str],
    cfg: CreationConfig,
    index: int,
) -> tuple[str, str, bool]:
    """The action's name and description, and whether the learner's name was used."""
    messages = [
        {
            "role": "user",
            "content": render(
                "name_action",
                instruction=family.instruction,
                code=abstraction.code(_PLACEHOLDER),
                example_call=abstraction.example_call(_PLACEHOLDER),
                placeholder=_PLACEHOLDER,
            ),
        }
    ]
    c = ctx.learner.complete(
        messages,
        purpose="name_action",
        family=family.name,
        max_tokens=cfg.describe_max_tokens,
    )
    ctx.journal.exchange("name_action", messages, c, induced=index)
    text = c.text or ""
    m = _NAME.search(text)
    name = m.group(1) if m else ""
    named = usable_name(name, taken)
    if not named:
        name = fallback_name(abstraction, taken)
    d = _DESCRIPTION.search(text)
    description = clean_paragraph(d.group(1), truncated=c.truncated) if d else ""
    if not named or not description:
        # A model that gave no usable name rarely described the right action either.
        description = _fallback_description(abstraction)
    return name, description, named


def induced_candidate(
    family: TaskFamily,
    ctx: LearnContext,
    abstractions: Sequence[Abstraction],
    cfg: CreationConfig,
    *,
    task: int,
    label: str,
    checker: Checker | None = None,
) -> Created | None:
    """A validated action set of ``abstractions`` (named by the learner, see the module
    docstring), with a usage example executed on training task ``task``; ``None`` when
    there is nothing to induce or the set fails validation (journal event
    ``induced_invalid``). ``label`` names the candidate in the journal; ``checker`` (default:
    ``cfg.checks`` on ``task``) runs the checks of learned code on it, as on the learner's."""
    if not abstractions:
        return None
    basic = {a.name for a in family.basic_actions}
    taken = set(basic)
    names: list[str] = []
    descriptions: dict[str, str] = {}
    for i, abstraction in enumerate(abstractions):
        name, description, named = _name(family, ctx, abstraction, taken, cfg, i)
        taken.add(name)
        names.append(name)
        descriptions[name] = description
        ctx.journal.event(
            "induced_action",
            candidate=label,
            name=name,
            named_by="learner" if named else "fallback",
            params=list(abstraction.params),
            body=abstraction.template(),
            uses=len(abstraction.uses),
            sources=list(abstraction.sources),
        )
    code = "\n\n\n".join(a.code(n) for a, n in zip(abstractions, names, strict=True))
    example = abstractions[0].example_call(names[0])
    try:
        proposal = parse_proposal(f"```python\n{code}\n```\nExample: {example}", basic)
        (checker or Checker(family, [task], cfg.checks)).check(
            proposal.code, proposal.functions, example
        )
        error = validate_code(family, ctx.sandbox, proposal.code, example, task, cfg.timeout_s)
    except CodeProblem as e:
        error = str(e)
    ctx.journal.event("validation", candidate=label, induced=True, attempt=0, error=error)
    if error is not None:
        ctx.journal.event("induced_invalid", candidate=label, error=error)
        return None
    lib = ActionLibrary.from_source(
        proposal.code,
        {
            "family": family.name,
            "actions": {n: {"description": descriptions[n], "notes": []} for n in names},
        },
    )
    for abstraction, name in zip(abstractions, names, strict=True):
        lib.new_version(name, origin="induce", first=True, source=source_label(abstraction.sources))
    ctx.journal.event(
        "created",
        candidate=label,
        functions=names,
        induced=True,
        code_sha256=hashlib.sha256(proposal.code.encode()).hexdigest(),
        tries=1,
    )
    used = usage_example(family, ctx, lib, cfg, task=task)
    lib.usage_example = used.text
    return Created(lib, used.failure)
