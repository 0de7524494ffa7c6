"""Scoring a candidate action set on its training episodes, as the paper does.

* correction rate: the share of learned-action calls that ran without error (and did
  something: `did_something`);
* learned share: the share of all steps that were successful learned-action calls;
* success rate: the share of episodes won.

PDDL (state families) sum all three; ALFWorld (event families) the last two. The terms
are configurable. The mean progress rate is kept beside them: selection breaks ties with
it (learning/learner.py), it is not a term of the total.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

from learnact.agents.trajectory import EpisodeRecord, StepRecord

TERMS = ("correction", "learned_share", "success")
STATE_TERMS = TERMS
EVENT_TERMS = ("learned_share", "success")


@dataclass(frozen=True)
class Score:
    total: float
    correction: float
    learned_share: float
    success: float
    episodes: int
    learned_calls: int
    failed_learned_calls: int
    progress: float = 0.0  # mean progress rate of the episodes (tie-breaker, not a term)

    @property
    def order(self) -> tuple[float, float]:
        """How selection compares scores: the paper's total (rounded, so that float noise
        never decides), then the mean progress."""
        return (round(self.total, 9), self.progress)

    def to_dict(self) -> dict[str, float | int]:
        """Every field as JSON data (journal events and results)."""
        return asdict(self)


def default_terms(state_observations: bool) -> tuple[str, ...]:
    """The paper's score terms for a family: all three (`STATE_TERMS`) when observations show the
    whole state (PDDL), else the learned share and success (`EVENT_TERMS`, ALFWorld)."""
    return STATE_TERMS if state_observations else EVENT_TERMS


def did_something(step: StepRecord, read_only: Callable[[str], bool] | None = None) -> bool:
    """A valid learned call that ran at least one basic action that is not read-only. A
    small learner guards its actions into no-ops (``if obj in inventory(): ...``), which
    never fail: counted as correct they would win selection (departure from the paper)."""
    if not step.valid:
        return False
    if read_only is None:
        return True
    return any(a.valid and not read_only(a.command) for a in step.sub_actions)


def score(
    records: Sequence[EpisodeRecord],
    terms: Sequence[str] = TERMS,
    read_only: Callable[[str], bool] | None = None,
) -> Score:
    """``read_only`` tells read-only basic-action commands (a learned call that ran only
    those did nothing and is not counted correct)."""
    bad = set(terms) - set(TERMS)
    if bad:
        raise ValueError(f"unknown score terms: {sorted(bad)}")
    steps = [s for r in records for s in r.steps]
    learned = [s for s in steps if s.learned_call]
    ok = [s for s in learned if did_something(s, read_only)]
    values = {
        "correction": len(ok) / len(learned) if learned else 0.0,
        "learned_share": len(ok) / len(steps) if steps else 0.0,
        "success": sum(r.won for r in records) / len(records) if records else 0.0,
    }
    return Score(
        total=sum(values[t] for t in terms),
        correction=values["correction"],
        learned_share=values["learned_share"],
        success=values["success"],
        episodes=len(records),
        learned_calls=len(learned),
        failed_learned_calls=len(learned) - len(ok),
        progress=(sum(r.progress or 0.0 for r in records) / len(records) if records else 0.0),
    )
