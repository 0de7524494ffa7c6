"""The up-front estimate of an experiment's LLM calls (and time, for a local model)."""

from __future__ import annotations

from typing import Any

from learnact.learning.learner import estimate_calls
from learnact.runner.plan import Plan
from learnact.runner.tasks import select_tasks


def estimate(p: Plan, pending: set[str] | None = None) -> dict[str, Any]:
    """LLM calls the units of ``p`` may make (only those in ``pending``, when given).

    Returns ``{"units": {"learn": n, "lessons": n, "episode": n}, "llm_calls_max": int
    (an upper bound), "llm_calls_typical": int, "learner_calls": int, "seconds_local":
    int | None}``; ``seconds_local`` is set when a model is ``local:`` (measured speeds
    of the embedded 1.5B model on 2 cores, BENCHMARKS.md).
    """
    exp = p.exp

    # "Typical" is a model that rarely wins, as the 1.5B default (BENCHMARKS.md, Success):
    # episodes use their whole step budget, and the repeat guard asks again on about a
    # fifth of the steps per retry allowed (1.34 to 1.47 calls per step measured with 2).
    def per_step(retries: int) -> float:
        return 1 + 0.2 * retries

    train_retries = (
        exp.learn.repeat_retries if exp.learn.repeat_retries is not None else exp.repeat_retries
    )
    calls_max = calls_typical = learner_calls = 0
    n = {"learn": 0, "lessons": 0, "episode": 0}
    for u in p.units:
        if pending is not None and u.id not in pending:
            continue
        n[u.kind] += 1
        fam = p.families[u.family]
        budget = exp.max_steps or fam.step_budget
        if u.kind == "episode":
            # A step may ask again when the repeat guard fires; a program is one call.
            program = u.method.startswith("code-as-policies")
            calls_max += budget * (1 if program else 1 + exp.repeat_retries)
            calls_typical += 1 if program else round(budget * per_step(exp.repeat_retries))
        elif u.kind == "learn":
            est = estimate_calls(fam, exp.learn_config(fam, u.seed))
            cap = exp.learn.budget_calls
            learn_max = est["learner_calls_max"] + est["actor_calls_max"]
            calls_max += min(learn_max, cap) if cap else learn_max
            calls_typical += est["learner_calls"] + round(
                est["episodes"] * exp.learn.train_steps * per_step(train_retries)
            )
            learner_calls += est["learner_calls"]
        else:
            n_train = len(select_tasks(fam, exp.reflexion_train_tasks, "train"))
            calls_max += exp.reflexion_rounds * n_train * (budget * (1 + exp.repeat_retries) + 1)
            calls_typical += (
                exp.reflexion_rounds * n_train * (round(budget * per_step(exp.repeat_retries)) + 1)
            )
            learner_calls += n_train
    out: dict[str, Any] = {
        "units": n,
        "llm_calls_max": calls_max,
        "llm_calls_typical": calls_typical,
        "learner_calls": learner_calls,
        "seconds_local": None,
    }
    if exp.model.startswith("local:") or exp.learner_spec.startswith("local:"):
        # The 1.5B model on 2 cores (BENCHMARKS.md): 1.5 s for a late PDDL step on an idle
        # machine, 4 to 6 s per acting call over whole runs (long prompts, first steps of
        # episodes without a reusable prefix); learner calls generate far more tokens.
        out["seconds_local"] = int((calls_typical - learner_calls) * 5 + learner_calls * 30)
    return out
