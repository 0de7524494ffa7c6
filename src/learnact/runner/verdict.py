"""What a run shows, in plain words: per method, tasks won, progress *gained* over the
starting state, and how much the agent used learned actions.

A progress rate alone misleads when tasks start with goal conditions already true
(AgentBoard's progress rate counts them): "0.56" may be where every episode began. So
each method's line says what its episodes gained, and the closing sentence says whether
the run can tell anything about learned actions at all (an agent that never called one
cannot).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from learnact.runner.store import RunStore


@dataclass(frozen=True)
class MethodOutcome:
    """One method's test episodes on one family, summed over seeds.

    ``progress`` / ``start_progress`` are means over the episodes that report one (``None``
    for families without a progress rate); ``learned_steps`` counts steps that called a
    learned action, ``learned_ok`` those of them that ran without an error."""

    method: str
    episodes: int
    won: int
    progress: float | None
    start_progress: float | None
    steps: int
    learned_steps: int
    learned_ok: int

    @property
    def gained(self) -> float | None:
        """Mean progress gained over the starting state, or ``None`` without progress."""
        if self.progress is None or self.start_progress is None:
            return None
        return self.progress - self.start_progress

    @property
    def learned_share(self) -> float:
        """The share of steps that called a learned action (0 without steps)."""
        return self.learned_steps / self.steps if self.steps else 0.0

    def line(self) -> str:
        """``"learnact: won 2/3 · progress 0.80 (started at 0.00, +0.80) · learned
        actions on 41% of 32 steps, 12/13 worked"``."""
        parts = [f"{self.method}: won {self.won}/{self.episodes}"]
        if self.progress is not None and self.gained is not None:
            parts.append(
                f"progress {self.progress:.2f} (started at {self.start_progress:.2f}, "
                f"{self.gained:+.2f})"
            )
        if self.learned_steps or self.method.startswith("learnact"):
            parts.append(
                f"learned actions on {self.learned_share:.0%} of {self.steps} steps, "
                f"{self.learned_ok}/{self.learned_steps} worked"
            )
        else:
            parts.append(f"{self.steps} steps")
        return " · ".join(parts)


def outcomes(run_dir: str | Path, family: str | None = None) -> list[MethodOutcome]:
    """Each method's `MethodOutcome` on ``family`` (default: the run's first family), from
    the run store in ``run_dir``, in the order the methods were first run. Raises
    `learnact.errors.BadInput` when ``run_dir`` holds no run store."""
    with RunStore(run_dir) as store:
        if family is None:
            first = store.query("SELECT family FROM units ORDER BY rowid LIMIT 1")
            family = first[0]["family"] if first else ""
        rows = store.query(
            "SELECT method, record FROM episodes WHERE phase = 'test' AND family = ?"
            " ORDER BY rowid",
            (family,),
        )
    by_method: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_method.setdefault(r["method"], []).append(json.loads(r["record"]))
    return [_outcome(m, eps) for m, eps in by_method.items()]


def _outcome(method: str, episodes: list[dict[str, Any]]) -> MethodOutcome:
    steps = [s for e in episodes for s in e["steps"]]
    learned = [s for s in steps if s.get("learned_call")]
    pairs: list[tuple[float, float]] = [
        (float(e["progress"]), float(e["start_progress"]))
        for e in episodes
        if e.get("progress") is not None and e.get("start_progress") is not None
    ]
    return MethodOutcome(
        method=method,
        episodes=len(episodes),
        won=sum(1 for e in episodes if e["won"]),
        progress=sum(p for p, _ in pairs) / len(pairs) if pairs else None,
        start_progress=sum(s for _, s in pairs) / len(pairs) if pairs else None,
        steps=len(steps),
        learned_steps=len(learned),
        learned_ok=sum(1 for s in learned if s.get("valid") and not s.get("error")),
    )


def sentence(results: list[MethodOutcome], learner_method: str = "learnact") -> str:
    """One sentence saying what the run shows about learned actions, e.g. "LearnAct won 2
    of 3 held-out tasks, Act 0 of 3; the agent used learned actions on 41% of its steps."
    or "... the agent never called a learned action, so this run says nothing about
    them.". Without a ``learner_method`` result: why (no library was learned)."""
    by = {r.method: r for r in results}
    learned = by.get(learner_method)
    others = [r for r in results if r.method != learner_method]
    if learned is None:
        return (
            "No learned library was evaluated (every candidate failed validation), so this "
            "run says nothing about learned actions."
        )
    text = f"LearnAct won {learned.won} of {learned.episodes} held-out tasks"
    for r in others:
        text += f", {_title(r.method)} {r.won} of {r.episodes}"
    if learned.learned_steps == 0:
        return (
            text + "; the agent never called a learned action, so this run says nothing about them."
        )
    text += (
        f"; the agent used learned actions on {learned.learned_share:.0%} of its steps "
        f"({learned.learned_ok} of {learned.learned_steps} calls worked)"
    )
    if learned.episodes < 10:
        n = learned.episodes
        text += f"; {n} task{' is' if n == 1 else 's are'} too few to tell methods apart"
    return text + "."


def to_dict(results: list[MethodOutcome], learner_method: str = "learnact") -> dict[str, Any]:
    """The verdict as JSON data: ``methods`` (each outcome with ``gained`` and
    ``learned_share``) and ``sentence``."""
    return {
        "methods": [
            {**asdict(r), "gained": r.gained, "learned_share": r.learned_share} for r in results
        ],
        "sentence": sentence(results, learner_method),
    }


def _title(method: str) -> str:
    names = {"act": "Act", "react": "ReAct", "code-as-policies": "Code-as-Policies"}
    return names.get(method, method)
