"""Action creation: the learner writes candidate action sets, validated in the sandbox.

From the family's instruction, basic actions and example (never a particular task's
goal) the learner writes Python functions over the basic actions and one example call.
We parse them (`ast`), refuse calls of unknown names, run the definitions and the example
in the sandbox on a fresh training episode, and on a Python error send the error back and
ask for the whole answer again (up to ``max_fix_tries``). Each function then gets a
one-paragraph description and the set gets a usage example.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from learnact.agents.context import StepSandbox
from learnact.envs.base import TaskFamily
from learnact.learning.checks import CHECKS, Checker, ChecksFailed
from learnact.learning.code import (
    CodeProblem,
    NothingNew,
    ProposedCode,
    function_source,
    parse_proposal,
)
from learnact.learning.context import LearnContext
from learnact.learning.failure import Failure
from learnact.learning.journal import Journal
from learnact.learning.usage import usage_example
from learnact.library import ActionLibrary
from learnact.prompts import render


@dataclass
class CreationConfig:
    """How candidates are written; also used by revision (fix tries, sampling, limits).

    These defaults are the learner's defaults everywhere (`learnact learn`, `compare`,
    the TOML schema and the Python API derive theirs from them)."""

    candidates: int = 4
    max_fix_tries: int = 4
    # The paper samples at temperature 0, which gives near-identical candidates; we sample
    # with distinct sample indices (and seeds) at a moderate temperature instead.
    temperature: float = 0.7
    seed: int = 0
    decompose: bool | None = None  # None: the family's own preference
    max_tokens: int = 1024
    describe_max_tokens: int = 200
    example_max_tokens: int = 400
    example_tries: int = 2  # executed usage example: tries before giving up (usage.py)
    timeout_s: float = 10.0
    # Static checks of learned functions (learning/checks.py): refused and sent back to be
    # fixed; () checks nothing.
    checks: tuple[str, ...] = CHECKS


def validate_code(
    family: TaskFamily,
    sandbox: StepSandbox,
    code: str,
    example_call: str | None,
    task: int,
    timeout_s: float,
) -> str | None:
    """Run the definitions and the example call on a fresh episode; the Python error, if any.

    An invalid basic action (``ActionFailed``) is not a bug in the code: the example may
    simply not fit that task's state.
    """
    episode = family.make_episode(task)
    try:
        episode.reset()

        def execute(command: str) -> tuple[str, bool]:
            r = episode.step(command)
            return r.observation, r.valid

        res = sandbox.run(
            example_call or "None",
            library=code,
            actions=family.basic_actions,
            execute=execute,
            timeout_s=timeout_s,
        )
    finally:
        episode.close()
    if res.timed_out:
        return f"the example call {example_call} did not finish within {timeout_s:g} s (an endless loop?)"
    if res.error is not None and not res.failed_action:
        frames = "\n".join(f"  {f}" for f in res.error.frames)
        return f"{res.error.type}: {res.error.message}" + (f"\n{frames}" if frames else "")
    return None


def record_checks(journal: Journal, failed: ChecksFailed, **where: object) -> None:
    """Journal event ``checks``: which checks refused an answer (``fired``, each once) and
    what they found; ``where`` says which answer (candidate and attempt, or revision)."""
    journal.event(
        "checks",
        fired=sorted({f.check for f in failed.findings}),
        findings=[f.to_dict() for f in failed.findings],
        **where,
    )


_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")


def clean_paragraph(
    text: str, limit: int = 1200, *, truncated: bool = False, sentences: int | None = None
) -> str:
    """``text`` as one paragraph (an action's description): code fences removed, whitespace
    collapsed, at most ``limit`` characters and, with ``sentences``, at most that many
    sentences (small models write three when asked for two). Text that was cut
    (``truncated``: the model hit its token limit, or the paragraph is over ``limit``)
    ends at its last complete sentence, never mid-sentence; with no complete sentence it
    is kept as it is."""
    flat = " ".join(text.replace("```", " ").split())
    ends = [m.end() for m in _SENTENCE_END.finditer(flat[:limit])]
    if sentences is not None and len(ends) > sentences:
        return flat[: ends[sentences - 1]]
    if not truncated and len(flat) <= limit:
        return flat
    return flat[: ends[-1]] if ends else flat[:limit]


def without_preamble(text: str, name: str) -> str:
    """``text`` without the boilerplate opening small models give a description despite
    the prompt ("The `carry` function moves ..." -> "Moves ..."); the rest unchanged."""
    m = re.match(
        rf"(?:the|this)\s+`?{re.escape(name)}(?:\(\))?`?\s+(?:python\s+)?(?:function|action)\s+",
        text,
        re.I,
    )
    if not m or len(text) == m.end():
        return text
    rest = text[m.end() :]
    return rest[0].upper() + rest[1:]


def clean_example(text: str) -> str:
    """Keep the trajectory lines of a usage-example answer."""
    keep = [
        line.rstrip()
        for line in text.replace("```", "").splitlines()
        if line.strip().startswith(("Goal:", "Observation:", "Action:"))
    ]
    return "\n".join(keep)


def describe(
    family: TaskFamily,
    ctx: LearnContext,
    library_code: str,
    names: list[str],
    cfg: CreationConfig,
) -> dict[str, str]:
    """One description per function in ``names`` (one or two sentences asked for; at
    most 1,200 characters, ending at a complete sentence), written by the learner from
    the function's source."""
    out = {}
    for name in names:
        messages = [
            {
                "role": "user",
                "content": render(
                    "describe_action",
                    instruction=family.instruction,
                    code=function_source(library_code, name),
                    name=name,
                ),
            }
        ]
        c = ctx.learner.complete(
            messages,
            purpose="describe_action",
            family=family.name,
            max_tokens=cfg.describe_max_tokens,
        )
        ctx.journal.exchange("describe_action", messages, c, action=name)
        text = clean_paragraph(c.text or "", truncated=c.truncated, sentences=2)
        out[name] = without_preamble(text, name)
    return out


@dataclass(frozen=True)
class Created:
    """A validated action set, and the learned call that failed in its usage example
    (``None`` when the example worked or no learned call failed)."""

    library: ActionLibrary
    example_failure: Failure | None = None


def library_from(
    family: TaskFamily,
    ctx: LearnContext,
    proposal: ProposedCode,
    cfg: CreationConfig,
    *,
    task: int,
) -> Created:
    """A library from validated code: descriptions for each action, one usage example
    (executed on training task ``task``)."""
    names = [n for n in proposal.functions if not n.startswith("_")]
    descriptions = describe(family, ctx, proposal.code, names, cfg)
    lib = ActionLibrary.from_source(
        proposal.code,
        {
            "family": family.name,
            "actions": {n: {"description": descriptions[n], "notes": []} for n in names},
        },
    )
    for name in names:
        lib.new_version(name, origin="create", author="learner", first=True)
    example = usage_example(family, ctx, lib, cfg, task=task)
    lib.usage_example = example.text
    return Created(lib, example.failure)


_RESTART_STRIDE = 1000  # restarts' sample indices stay apart from every candidate's own


def create_candidate(
    family: TaskFamily,
    ctx: LearnContext,
    index: int,
    cfg: CreationConfig,
    validation_task: int,
    *,
    checker: Checker | None = None,
) -> Created | None:
    """Candidate number ``index``: an action set validated in ``ctx.sandbox`` on training
    task ``validation_task``, or ``None`` when every try (``cfg.max_fix_tries`` fixes and
    restarts) failed validation. ``checker`` (default: ``cfg.checks`` against the objects
    of ``validation_task``) refuses functions the static checks find wrong. Every exchange
    and decision goes to ``ctx.journal`` (event ``checks`` for each answer the checks
    refused)."""
    journal = ctx.journal
    checker = checker or Checker(family, [validation_task], cfg.checks)
    basic = {a.name for a in family.basic_actions}
    decompose = cfg.decompose if cfg.decompose is not None else family.decompose_creation
    first = [
        {
            "role": "user",
            "content": render(
                "create_actions",
                instruction=family.instruction,
                basic_actions=family.basic_actions,
                example=family.example,
                decompose=decompose,
            ),
        }
    ]
    messages = first
    sample = index
    seen: set[str] = set()
    for attempt in range(cfg.max_fix_tries + 1):
        purpose = "create_actions" if len(messages) == 1 else "fix_actions"
        c = ctx.learner.complete(
            messages,
            purpose=purpose,
            family=family.name,
            max_tokens=cfg.max_tokens,
            temperature=cfg.temperature,
            seed=cfg.seed,
            sample_index=sample,
        )
        journal.exchange(purpose, messages, c, candidate=index, attempt=attempt, sample=sample)
        text = c.text or ""
        repeated = text.strip() in seen
        seen.add(text.strip())
        proposal: ProposedCode | None = None
        restart = repeated  # the same answer again: asking to fix it once more is wasted
        try:
            proposal = parse_proposal(text, basic)
            if not any(not n.startswith("_") for n in proposal.functions):
                raise CodeProblem(
                    "every function's name starts with '_', so the agent could call none; "
                    "give the actions public names"
                )
            checker.check(proposal.code, proposal.functions, proposal.example_call)
            error = validate_code(
                family,
                ctx.sandbox,
                proposal.code,
                proposal.example_call,
                validation_task,
                cfg.timeout_s,
            )
        except NothingNew as e:
            # Nothing new to fix (only re-defined basic actions, or only functions that
            # never act); small models asked to fix it copy it again.
            error, restart = str(e), True
        except ChecksFailed as e:
            error = str(e)
            record_checks(journal, e, candidate=index, attempt=attempt)
        except CodeProblem as e:
            error = str(e)
        journal.event("validation", candidate=index, attempt=attempt, error=error)
        if error is None and proposal is not None:
            created = library_from(family, ctx, proposal, cfg, task=validation_task)
            journal.event(
                "created",
                candidate=index,
                functions=list(proposal.functions),
                dropped=list(proposal.dropped),  # re-defined basic actions, left out
                inert=list(proposal.inert),  # functions that never act, left out
                code_sha256=hashlib.sha256(proposal.code.encode()).hexdigest(),
                tries=attempt + 1,
            )
            return created
        # A fresh sample only differs when sampling is random; at temperature 0 it would
        # return the first answer again, so the fix thread goes on instead.
        if restart and cfg.temperature > 0 and attempt < cfg.max_fix_tries:
            # A fresh sample of the creation prompt, apart from every candidate's own.
            sample = index + max(_RESTART_STRIDE, cfg.candidates) * (attempt + 1)
            messages = first
            journal.event("creation_restart", candidate=index, attempt=attempt, sample=sample)
            continue
        messages = [
            *messages,
            {"role": "assistant", "content": text},
            {
                "role": "user",
                "content": render(
                    "fix_actions",
                    error=error,
                    code=proposal.code if proposal else (text.strip() or "(empty answer)"),
                    example_call=proposal.example_call if proposal else None,
                ),
            },
        ]
    journal.event("creation_failed", candidate=index, tries=cfg.max_fix_tries + 1)
    return None
