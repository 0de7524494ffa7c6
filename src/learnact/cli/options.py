"""Options shared by several commands."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import typer

from learnact.errors import BadInput

if TYPE_CHECKING:
    from learnact.agents.turns import PromptStyle

DataDir = typer.Option(
    None,
    "--data-dir",
    help="Data root (e.g. ../shared/data) or a family's own directory. "
    "Default: $LEARNACT_DATA, then learnact's data cache.",
    show_default=False,
)
Json = typer.Option(False, "--json", help="Print machine-readable JSON on stdout.")
Constrained = typer.Option(
    False,
    "--constrained",
    help="Decode each acting answer under a grammar of known calls with names the episode "
    "has shown (local: models, OpenAI-compatible servers with a grammar field).",
)
PromptStyleOpt = typer.Option(
    "text",
    "--prompt-style",
    help="Acting prompt layout: text (the paper's: example and history as text) or turns "
    "(example and history as chat turns).",
)
Checks = typer.Option(
    None,
    "--checks",
    help="Static checks of learned code, comma-separated: hard_coded_names, "
    "unused_parameters, example_arguments, impossible_steps, endless_recursion; all or none. "
    "Default: all.",
)
NoCache = typer.Option(False, "--no-cache", help="Do not read or write the LLM response cache.")
Record = typer.Option(None, "--record", help="Write all LLM traffic to this cassette (JSONL).")
Replay = typer.Option(
    None, "--replay", help="Replay LLM traffic from a cassette; fail on anything new."
)


def build_models(
    model: str, learner_model: str | None, *, no_cache: bool, record: str | None, replay: str | None
):
    """The acting model and the learner model (the same object when the specs match)."""
    from learnact.llm import make_model

    kwargs = {"no_cache": no_cache, "record": record, "replay": replay}
    actor = make_model(model, **kwargs)
    if not learner_model or learner_model == model:
        return actor, actor
    return actor, make_model(learner_model, **kwargs)


AllowOverlap = typer.Option(
    False,
    "--allow-train-test-overlap",
    help="Allow learning on test tasks (refused otherwise); recorded with the results.",
)

DataSplit = typer.Option(
    None,
    "--split",
    help="Game split for ALFWorld families: valid_unseen (default), valid_seen or train.",
)


def with_split(family_name: str, split: str | None) -> str:
    """The family name with ``[split=...]`` added (the registry passes it to the family).

    Raises `BadInput` when the name's brackets already give another split: the option
    never silently overrides the name, nor the name the option."""
    if not split:
        return family_name
    if family_name.endswith("]"):
        given = re.search(r"[\[,]\s*split\s*=\s*([^,\]]*)", family_name)
        if given:
            if given.group(1).strip() != split:
                raise BadInput(
                    f"--split {split} contradicts [split={given.group(1).strip()}] in "
                    f"{family_name}; give the split once"
                )
            return family_name
        return f"{family_name[:-1]},split={split}]"
    return f"{family_name}[split={split}]"


def check_prompt_style(style: str) -> PromptStyle:
    """``style`` as a `PromptStyle`; `BadInput` naming the choices otherwise."""
    from learnact.agents.turns import PROMPT_STYLES

    for known in PROMPT_STYLES:
        if style == known:
            return known
    raise BadInput(f"--prompt-style must be one of {', '.join(PROMPT_STYLES)}, not {style!r}")


def parse_checks(text: str | None) -> tuple[str, ...] | None:
    """The checks named by ``--checks`` (``None``: not given; ``"none"``: no check), in
    the order of `learnact.learning.checks.CHECKS`. Raises `BadInput` for an unknown name."""
    if text is None:
        return None
    from learnact.learning.checks import CHECKS

    names = {x.strip() for x in text.split(",") if x.strip()}
    if names == {"none"}:
        return ()
    if names == {"all"}:
        return CHECKS
    if names & {"none", "all"}:
        raise BadInput("--checks: none and all stand alone; or name the checks to run")
    bad = sorted(names - set(CHECKS))
    if bad or not names:
        raise BadInput(
            f"--checks: unknown check(s) {', '.join(bad) or repr(text)}; "
            f"choose from {', '.join(CHECKS)}, all or none"
        )
    return tuple(c for c in CHECKS if c in names)
