"""A model handle bound to one run: its own run label and usage scope; budgets over it.

A loaded model (`Model`: a llama.cpp instance, a client with its cache and request
limits) is shared by every run of a process; what one run spends must not be mixed with
another's. `RunModel` wraps a shared model for one run (a learner run, a test episode, a
Reflexion lesson run): every call is labelled with the run and counted in the run's own
`Usage`, against which a `Budget` is checked. Two handles of one run (the learner
model and the acting model) share the run's usage through `RunModel.sibling`.

    from learnact.llm import make_model
    from learnact.llm.run import Budget, RunModel

    shared = make_model("local:qwen2.5-coder-1.5b")
    actor = RunModel(shared, "runs/x/learn")
    learner = actor.sibling(make_model("openai:gpt-4o-mini"))
    actor.complete(messages, purpose="act"); actor.usage.total.calls  # this run's only
    Budget(calls=200).check(actor.usage)  # BudgetExceeded once 200 calls are spent
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from learnact.errors import BadInput, LearnactError
from learnact.llm.model import Model
from learnact.llm.types import Completion, approx_tokens
from learnact.llm.usage import Usage


@runtime_checkable
class ChatModel(Protocol):
    """What agents and the learner call: `Model`, `RunModel` and test stand-ins.

    ``spec`` is the model's spec string (recorded in trajectories); ``concurrency`` is how
    many requests it serves at once (1 for an in-process ``local:`` model).
    """

    @property
    def spec(self) -> str:
        """The model's spec string (``provider:model``), recorded in trajectories."""
        ...

    @property
    def concurrency(self) -> int:
        """How many requests the model serves at once (1 for an in-process ``local:`` model)."""
        ...

    def complete(
        self,
        messages: Iterable[Mapping[str, Any]] | str,
        *,
        purpose: str,
        family: str | None = None,
        max_tokens: int = 256,
        temperature: float = 0.0,
        stop: Iterable[str] | str | None = None,
        seed: int | None = None,
        sample_index: int = 0,
        stop_at: str | None = None,
        grammar: str | None = None,
    ) -> Completion:
        """One chat completion; arguments, result and errors as for `learnact.llm.Model.complete`."""
        ...


class BudgetExceeded(LearnactError):
    """A run's call or token budget is spent (``str(e)`` says which, with the figures)."""


@dataclass(frozen=True)
class Budget:
    """Caps on one run's LLM use; ``None`` is no cap.

    ``calls`` counts every call, cached ones included (a cached call still stands for a
    model answer the run used; see `learnact.llm.usage.Counter`). ``tokens`` counts prompt
    plus completion tokens.
    """

    calls: int | None = None
    tokens: int | None = None

    def __post_init__(self) -> None:
        for name in ("calls", "tokens"):
            value = getattr(self, name)
            if value is not None and value < 1:
                raise BadInput(f"budget {name} must be at least 1, not {value}")

    def check(self, usage: Usage) -> None:
        """Raise `BudgetExceeded` when ``usage`` has reached a cap."""
        total = usage.total
        tokens = total.prompt_tokens + total.completion_tokens
        if self.calls is not None and total.calls >= self.calls:
            raise BudgetExceeded(f"LLM call budget reached ({total.calls} >= {self.calls})")
        if self.tokens is not None and tokens >= self.tokens:
            raise BudgetExceeded(f"token budget reached ({tokens} >= {self.tokens})")


class RunModel:
    """``model`` bound to the run ``run``: labelled calls, counted in this run's usage.

    ``usage`` holds only this run's calls (shared with its siblings); the wrapped model's
    own ``usage``, when it has one, still sees every call of every run. A `Budget` is
    checked against ``usage`` by whoever owns the run, at points where stopping is safe
    (the learner: before each candidate, revision and training episode), so an episode
    in progress is never cut in the middle.
    """

    def __init__(self, model: ChatModel, run: str | None, *, usage: Usage | None = None) -> None:
        # Re-binding a handle (e.g. a caller's RunModel passed to `evaluate`, which binds
        # it to its own run): wrap the shared model, and keep counting every call in the
        # caller's usage too, so that its own figures and budget still see them.
        self.also: tuple[Usage, ...] = ()
        if isinstance(model, RunModel):
            outer: RunModel = model
            self.also = (outer.usage, *outer.also)
            model = outer.model
        self.model: ChatModel = model
        self.run = run
        self.usage: Usage = usage if usage is not None else Usage()
        self._priced = bool(getattr(model, "priced", True))

    @property
    def spec(self) -> str:
        """The wrapped model's spec string."""
        return self.model.spec

    @property
    def concurrency(self) -> int:
        """The wrapped model's concurrency."""
        return self.model.concurrency

    def sibling(self, model: ChatModel) -> RunModel:
        """Another model in the same run: same label and usage."""
        sibling = RunModel(model, self.run, usage=self.usage)
        sibling.also = (*self.also, *sibling.also)
        return sibling

    def complete(
        self,
        messages: Iterable[Mapping[str, Any]] | str,
        *,
        purpose: str,
        family: str | None = None,
        max_tokens: int = 256,
        temperature: float = 0.0,
        stop: Iterable[str] | str | None = None,
        seed: int | None = None,
        sample_index: int = 0,
        stop_at: str | None = None,
        grammar: str | None = None,
    ) -> Completion:
        """`learnact.llm.Model.complete` with this run's label; counted in `usage`."""
        completion = _complete(
            self.model,
            messages,
            purpose=purpose,
            family=family,
            run=self.run,
            max_tokens=max_tokens,
            temperature=temperature,
            stop=stop,
            seed=seed,
            sample_index=sample_index,
            stop_at=stop_at,
            # Passed only when set: stand-in models without grammar support keep working.
            **({"grammar": grammar} if grammar is not None else {}),
        )
        for usage in (self.usage, *self.also):
            usage.record(completion, priced=self._priced)
        return completion

    def count_tokens(self, text: str) -> int:
        """Tokens of ``text`` by the wrapped model's ``count_tokens`` when it has one, else
        `approx_tokens` (about 4 characters a token)."""
        count = getattr(self.model, "count_tokens", None)
        return int(count(text)) if count is not None else approx_tokens(text)

    def __repr__(self) -> str:
        return f"RunModel({self.spec!r}, run={self.run!r})"


def _complete(model: ChatModel, messages: Any, *, run: str | None, **kw: Any) -> Completion:
    """Call ``model`` with the run label when it takes one (`Model` does)."""
    if isinstance(model, Model):
        return model.complete(messages, run=run, **kw)
    return model.complete(messages, **kw)
