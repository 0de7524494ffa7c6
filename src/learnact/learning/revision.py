"""Action learning's revision step: diagnose a failed learned call, propose one improvement.

The learner sees the current actions, the failing call with its error and the basic
actions executed inside it, and the context before it (state families: the last state;
event families: the trajectory up to the failure, as in the paper). It answers with a
diagnosis and either **Update** (rewritten or new functions, validated as in creation;
changed functions get new descriptions, their notes are cleared and the usage example is
regenerated) or **Plan** (a usage note for one function, shown to the agent).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from learnact.envs.base import TaskFamily
from learnact.learning.checks import Checker, ChecksFailed
from learnact.learning.code import (
    CodeProblem,
    extract_code,
    inert_functions,
    merge_functions,
    never_acts,
    parse_proposal,
    referenced_names,
)
from learnact.learning.context import LearnContext
from learnact.learning.creation import (
    CreationConfig,
    describe,
    record_checks,
    validate_code,
)
from learnact.learning.failure import Failure
from learnact.learning.usage import usage_example
from learnact.library import ActionLibrary
from learnact.prompts import render

_PLAN_ACTION = re.compile(
    r"^\s*Action\s*:\s*`?([A-Za-z_][A-Za-z0-9_]*)", re.IGNORECASE | re.MULTILINE
)
_PLAN_NOTE = re.compile(r"^\s*Note\s*:\s*(.+)$", re.IGNORECASE | re.MULTILINE)
_DIAGNOSIS = re.compile(
    r"Diagnosis\s*:\s*(.+?)(?:\n\s*\n|Improvement\s*:|$)", re.IGNORECASE | re.DOTALL
)


def _defined(source: str) -> list[str]:
    return [n.name for n in ast.parse(source).body if isinstance(n, ast.FunctionDef)]


@dataclass
class Revision:
    """One revision answer: ``kind`` is ``"update"``, ``"plan"`` or ``"none"`` (nothing
    usable; ``library`` is then ``None`` and ``detail`` says why). ``example_failure`` is
    the failed learned call of an updated library's new usage example, if any."""

    kind: str
    library: ActionLibrary | None
    diagnosis: str
    detail: str  # changed functions, or the note
    example_failure: Failure | None = None


def revise(
    family: TaskFamily,
    ctx: LearnContext,
    library: ActionLibrary,
    failure: Failure,
    *,
    sample_index: int,
    cfg: CreationConfig,
    validation_task: int,
    temperature: float,
    checker: Checker | None = None,
) -> Revision:
    """Ask the learner to diagnose ``failure`` and improve ``library`` (sample
    ``sample_index`` at ``temperature``): an Update is validated as in creation (with
    ``cfg.max_fix_tries`` fixes, ``checker`` checking the functions it changes; default:
    ``cfg.checks`` against ``validation_task``'s objects) on training task
    ``validation_task``; a Plan adds a usage note. The answer never changes ``library``
    itself (a new one is returned)."""
    label, context = failure.context(family.state_observations)
    messages = [
        {
            "role": "user",
            "content": render(
                "revise",
                instruction=family.instruction,
                basic_actions=family.basic_actions,
                code=library.source,
                learned_actions=library.actions,
                context_label=label,
                context=context,
                call=failure.step.call,
                error=failure.step.error or failure.step.observation,
                sub_actions=failure.step.sub_actions,
            ),
        }
    ]
    c = ctx.learner.complete(
        messages,
        purpose="revise",
        family=family.name,
        max_tokens=cfg.max_tokens,
        temperature=temperature,
        seed=cfg.seed,
        sample_index=sample_index,
    )
    ctx.journal.exchange("revise", messages, c, revision=sample_index)
    text = c.text or ""
    m = _DIAGNOSIS.search(text)
    diagnosis = " ".join(m.group(1).split()) if m else ""
    wants_plan = re.search(r"Improvement\s*:\s*\**\s*Plan", text, re.IGNORECASE) is not None
    if wants_plan or not extract_code(text):
        return _plan(library, text, diagnosis, failure)
    checker = checker or Checker(family, [validation_task], cfg.checks)
    return _update(
        family, ctx, library, messages, text, diagnosis, cfg, validation_task, failure, checker
    )


def _plan(library: ActionLibrary, text: str, diagnosis: str, failure: Failure) -> Revision:
    note_m = _PLAN_NOTE.search(text)
    action_m = _PLAN_ACTION.search(text)
    name = action_m.group(1) if action_m else failure.step.learned_call
    if not note_m or library.action(name or "") is None:
        return Revision(
            "none", None, diagnosis, "the answer held neither usable code nor a usable note"
        )
    note = " ".join(note_m.group(1).split())[:500]
    new = ActionLibrary.from_source(library.source, library.to_meta(), detect_edits=False)
    target = new.action(name or "")
    assert target is not None
    if note not in target.notes:
        target.notes.append(note)
    new.new_version(target.name, origin="plan", failure=failure.describe())
    return Revision("plan", new, diagnosis, f"{name}: {note}")


def _update(
    family: TaskFamily,
    ctx: LearnContext,
    library: ActionLibrary,
    messages: list[dict[str, str]],
    text: str,
    diagnosis: str,
    cfg: CreationConfig,
    validation_task: int,
    failure: Failure,
    checker: Checker,
) -> Revision:
    basic = {a.name for a in family.basic_actions}
    for attempt in range(cfg.max_fix_tries + 1):
        try:
            proposal = parse_proposal(
                text,
                basic,
                also_known=set(_defined(library.source)),
                used_elsewhere=referenced_names(library.source),
                require_functions=True,
            )
            merged, changed = merge_functions(library.source, proposal.code)
            # An Update must not leave a function unable to act (rewritten into a print,
            # or acting only through the function it rewrote).
            was_inert = set(inert_functions(library.source, basic))
            broken = [n for n in inert_functions(merged, basic) if n not in was_inert]
            if broken:
                raise CodeProblem("after this update " + never_acts(broken, basic))
            parse_proposal(f"```python\n{merged}\n```", basic)  # the merged set must stand alone
            checker.check(merged, changed, proposal.example_call)
            error = validate_code(
                family, ctx.sandbox, merged, proposal.example_call, validation_task, cfg.timeout_s
            )
        except CodeProblem as e:
            if isinstance(e, ChecksFailed):
                record_checks(ctx.journal, e, revision=True, attempt=attempt)
            error, merged, changed = str(e), library.source, []
        ctx.journal.event("validation", revision=True, attempt=attempt, error=error)
        if error is None:
            if not changed:
                return Revision("none", None, diagnosis, "the update changed nothing")
            lib, example_failure = _relearn(
                family, ctx, library, merged, changed, cfg, failure, task=validation_task
            )
            return Revision("update", lib, diagnosis, ", ".join(changed), example_failure)
        if attempt == cfg.max_fix_tries:
            break
        messages = [
            *messages,
            {"role": "assistant", "content": text},
            {
                "role": "user",
                "content": render(
                    "fix_actions", error=error, code=extract_code(text) or text, example_call=None
                ),
            },
        ]
        c = ctx.learner.complete(
            messages,
            purpose="fix_actions",
            family=family.name,
            max_tokens=cfg.max_tokens,
            temperature=cfg.temperature,
            seed=cfg.seed,
        )
        ctx.journal.exchange("fix_actions", messages, c, revision=True, attempt=attempt + 1)
        text = c.text or ""
    return Revision("none", None, diagnosis, "the update never passed validation")


def _relearn(
    family: TaskFamily,
    ctx: LearnContext,
    old: ActionLibrary,
    source: str,
    changed: list[str],
    cfg: CreationConfig,
    failure: Failure,
    *,
    task: int,
) -> tuple[ActionLibrary, Failure | None]:
    """The updated library: new descriptions for changed actions, their notes cleared,
    a new usage example; and that example's failed learned call, if any."""
    meta = old.to_meta()
    actions = dict(meta["actions"])
    public_changed = [n for n in changed if not n.startswith("_")]
    descriptions = describe(family, ctx, source, public_changed, cfg)
    for name in public_changed:
        actions[name] = {**actions.get(name, {}), "description": descriptions[name], "notes": []}
    meta["actions"] = actions
    lib = ActionLibrary.from_source(source, meta, detect_edits=False)
    for name in public_changed:
        existed = old.action(name) is not None
        lib.new_version(
            name,
            origin="update" if existed else "create",
            failure=failure.describe(),
            first=not existed,
        )
    example = usage_example(family, ctx, lib, cfg, task=task)
    lib.usage_example = example.text
    return lib, example.failure
