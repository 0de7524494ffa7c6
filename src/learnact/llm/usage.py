"""Usage accounting: calls, tokens, latency and estimated cost per purpose, family and run."""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, fields
from typing import Any

from learnact.llm.types import Completion

# USD per million tokens (input, output), list prices of the providers' public pricing
# pages as of early 2025. Matched on the longest model-name prefix, so dated snapshots
# (gpt-4o-2024-08-06) are priced too. Estimates only: prefix-cache and batch discounts
# are not applied. Local models and unknown models cost 0 (unknown hosted ones are
# counted in ``unpriced_calls``).
PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1": (2.00, 8.00),
    "gpt-4-turbo": (10.00, 30.00),
    "gpt-4": (30.00, 60.00),
    "gpt-3.5-turbo": (0.50, 1.50),
    "o1-mini": (1.10, 4.40),
    "o3-mini": (1.10, 4.40),
    "o4-mini": (1.10, 4.40),
    "o1": (15.00, 60.00),
    "claude-3-5-haiku": (0.80, 4.00),
    "claude-3-5-sonnet": (3.00, 15.00),
    "claude-3-7-sonnet": (3.00, 15.00),
    "claude-sonnet-4": (3.00, 15.00),
    "claude-3-haiku": (0.25, 1.25),
    "claude-3-opus": (15.00, 75.00),
    "claude-opus-4": (15.00, 75.00),
}


def price_for(model: str) -> tuple[float, float] | None:
    """USD per million (input, output) tokens of ``model`` in `PRICES` (the longest matching name
    prefix; a provider prefix such as OpenRouter's ``openai/`` is ignored), or ``None`` when it is
    not priced."""
    name = model.rsplit("/", 1)[-1].lower()  # "openai/gpt-4o" on OpenRouter
    best = None
    for prefix in PRICES:
        if name.startswith(prefix) and (best is None or len(prefix) > len(best)):
            best = prefix
    return PRICES[best] if best else None


def estimate_cost(model: str, prompt_tokens: int, completion_tokens: int) -> float | None:
    """The estimated cost in USD of one call at list prices (`price_for`), or ``None`` for an
    unpriced model."""
    price = price_for(model)
    if price is None:
        return None
    return (prompt_tokens * price[0] + completion_tokens * price[1]) / 1e6


@dataclass
class Counter:
    """Totals of a set of calls.

    ``calls`` counts every call, cached ones included (``cached_calls`` of them were
    served by the response cache or a cassette). Token counts describe the requests, cached
    or not; ``cost_usd`` and ``latency_s`` are what was actually spent.
    """

    calls: int = 0
    cached_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    prefix_cached_tokens: int = 0
    latency_s: float = 0.0
    cost_usd: float = 0.0
    truncated: int = 0
    empty: int = 0
    unpriced_calls: int = 0

    def add(self, other: Counter) -> None:
        """Add ``other``'s figures to this counter, field by field."""
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    @classmethod
    def of(cls, c: Completion, priced: bool = True) -> Counter:
        """The counter of one completion: one call (a cached one when ``c.cached``), its tokens,
        latency and cost; with ``priced=False`` a live call counts as unpriced."""
        return cls(
            calls=1,
            cached_calls=int(c.cached),
            prompt_tokens=c.usage.prompt_tokens,
            completion_tokens=c.usage.completion_tokens,
            prefix_cached_tokens=c.usage.prefix_cached_tokens,
            latency_s=c.latency_s,
            cost_usd=c.usage.cost_usd,
            truncated=int(c.truncated),
            empty=int(c.empty),
            unpriced_calls=int(not priced and not c.cached),
        )

    def to_dict(self) -> dict[str, Any]:
        """The figures as JSON data (``latency_s`` rounded to 4 decimals, ``cost_usd`` to 6)."""
        d = asdict(self)
        d["latency_s"] = round(d["latency_s"], 4)
        d["cost_usd"] = round(d["cost_usd"], 6)
        return d


_Key = tuple[str, str, str, str]  # (model, run, family, purpose)


class Usage:
    """Usage of one or more models, kept per (model, run, family, purpose).

    Thread-safe. Views: `total`, `by_purpose`, `by_run`, `by_family`, `by_model`;
    `merge` adds another `Usage` (e.g. the learner's into the actor's);
    `to_dict` / `from_dict` round-trip for results files.
    """

    def __init__(self) -> None:
        self._rows: dict[_Key, Counter] = {}
        self._lock = threading.Lock()

    def record(self, completion: Completion, priced: bool = True) -> None:
        """Count ``completion`` under its (model, run, family, purpose). Thread-safe."""
        key = (
            completion.model,
            completion.run or "",
            completion.family or "",
            completion.purpose,
        )
        with self._lock:
            self._rows.setdefault(key, Counter()).add(Counter.of(completion, priced))

    def merge(self, other: Usage) -> Usage:
        """Add ``other``'s rows to this usage (merging it with itself does nothing); returns
        ``self``."""
        if other is self:
            return self
        with other._lock:
            rows = [(k, Counter(**asdict(v))) for k, v in other._rows.items()]
        with self._lock:
            for k, v in rows:
                self._rows.setdefault(k, Counter()).add(v)
        return self

    def _view(self, index: int | None) -> dict[str, Counter]:
        out: dict[str, Counter] = {}
        with self._lock:
            for k, v in self._rows.items():
                name = "total" if index is None else k[index]
                out.setdefault(name, Counter()).add(v)
        return out

    @property
    def total(self) -> Counter:
        """Every call added up."""
        return self._view(None).get("total", Counter())

    def by_model(self) -> dict[str, Counter]:
        """Totals per model spec."""
        return self._view(0)

    def by_run(self) -> dict[str, Counter]:
        """Totals per run label (``""`` for unlabelled calls)."""
        return self._view(1)

    def by_family(self) -> dict[str, Counter]:
        """Totals per family (``""`` when the call named none)."""
        return self._view(2)

    def by_purpose(self) -> dict[str, Counter]:
        """Totals per request purpose."""
        return self._view(3)

    def for_run(self, run: str | None) -> Usage:
        """A new `Usage` with only ``run``'s rows (``None``: the unlabelled calls)."""
        out = Usage()
        with self._lock:
            for k, v in self._rows.items():
                if k[1] == (run or ""):
                    out._rows[k] = Counter(**asdict(v))
        return out

    def to_dict(self) -> dict[str, Any]:
        """``total``, the four views and the full-precision ``rows`` as JSON data (read back by
        `from_dict`)."""

        def view(d: dict[str, Counter]) -> dict[str, Any]:
            return {k: v.to_dict() for k, v in sorted(d.items())}

        with self._lock:
            # Rows keep full precision: `from_dict` rebuilds every view from them, and
            # views summed from rounded rows would differ from the rounded sums.
            rows = [
                {"model": k[0], "run": k[1], "family": k[2], "purpose": k[3], **asdict(v)}
                for k, v in sorted(self._rows.items())
            ]
        return {
            "total": self.total.to_dict(),
            "by_purpose": view(self.by_purpose()),
            "by_run": view(self.by_run()),
            "by_family": view(self.by_family()),
            "by_model": view(self.by_model()),
            "rows": rows,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Usage:
        """The `Usage` that `to_dict` wrote, rebuilt from its ``rows`` (the views are recomputed)."""
        out = cls()
        names = {f.name for f in fields(Counter)}
        for row in d.get("rows", []):
            key = (row["model"], row["run"], row["family"], row["purpose"])
            out._rows[key] = Counter(**{k: v for k, v in row.items() if k in names})
        return out

    def __repr__(self) -> str:
        t = self.total
        return (
            f"Usage(calls={t.calls}, cached={t.cached_calls}, prompt={t.prompt_tokens}, "
            f"completion={t.completion_tokens}, cost=${t.cost_usd:.4f})"
        )
