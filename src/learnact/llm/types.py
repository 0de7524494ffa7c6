"""Messages, requests and completions (the data that crosses the LLM layer)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from learnact.errors import BadInput

ROLES = ("system", "user", "assistant")
Source = Literal["live", "cache", "replay"]


def normalize_messages(messages: Iterable[Mapping[str, Any]] | str) -> list[dict[str, str]]:
    """Chat messages as plain ``{"role", "content"}`` dicts (a bare string is one user turn)."""
    if isinstance(messages, str):
        return [{"role": "user", "content": messages}]
    out: list[dict[str, str]] = []
    for m in messages:
        role = m.get("role") if isinstance(m, Mapping) else getattr(m, "role", None)
        content = m.get("content") if isinstance(m, Mapping) else getattr(m, "content", None)
        if role not in ROLES:
            raise BadInput(f"bad message role {role!r}; one of {', '.join(ROLES)}")
        if not isinstance(content, str):
            raise BadInput(f"message content must be a string, got {type(content).__name__}")
        out.append({"role": role, "content": content})
    if not out:
        raise BadInput("a request needs at least one message")
    return out


@dataclass(frozen=True)
class Request:
    """One completion request, as the backends and the cache see it."""

    messages: tuple[tuple[str, str], ...]  # (role, content)
    purpose: str
    max_tokens: int = 256
    temperature: float = 0.0
    stop: tuple[str, ...] = ()
    seed: int | None = None
    sample_index: int = 0
    family: str | None = None
    run: str | None = None
    #: "first_line": the answer ends at the first newline after a non-empty line that is
    #: not a code fence or a comment (an agent's one line of code); None: only ``stop``
    #: applies.
    stop_at: str | None = None
    #: A GBNF grammar (llama.cpp's format) the answer must follow, decoded under the
    #: backend's own grammar support (constrained acting, `learnact.agents.grammar`);
    #: None: free text.
    grammar: str | None = None

    @property
    def message_dicts(self) -> list[dict[str, str]]:
        """The messages as ``{"role": ..., "content": ...}`` dicts, as the chat APIs take them."""
        return [{"role": r, "content": c} for r, c in self.messages]

    @property
    def last_message(self) -> str:
        """The last message's content (``""`` when there is none): what scripted rules match and
        error messages quote."""
        return self.messages[-1][1] if self.messages else ""

    @property
    def backend_seed(self) -> int | None:
        """The seed a backend gets: distinct per sample so samples are not collapsed."""
        if self.seed is None:
            return None
        return self.seed + self.sample_index

    def sampling(self) -> dict[str, Any]:
        """The parameters that change the output (part of the cache key)."""
        return {
            "max_tokens": self.max_tokens,
            "temperature": self.temperature,
            "stop": list(self.stop),
            "seed": self.seed,
            "sample_index": self.sample_index,
            **({"stop_at": self.stop_at} if self.stop_at else {}),
            # Only when set, so that the keys of unconstrained requests stay as they were.
            **({"grammar": self.grammar} if self.grammar is not None else {}),
        }


@dataclass
class RawCompletion:
    """What a backend returns for one request."""

    text: str
    finish_reason: str  # "stop" or "length" (anything else is passed through)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    prefix_cached_tokens: int = 0  # prompt tokens served from the provider's/KV prefix cache
    stopped_by_rule: bool = False  # the backend ended generation at the request's stop_at rule
    reasoning: str = ""  # a reasoning model's thinking, when the server sends it apart


@dataclass
class CallUsage:
    """Usage numbers of one call (``completion.usage``)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    prefix_cached_tokens: int = 0
    cost_usd: float = 0.0

    @property
    def total_tokens(self) -> int:
        """Prompt plus completion tokens."""
        return self.prompt_tokens + self.completion_tokens


def approx_tokens(text: str) -> int:
    """Tokens of ``text`` without a tokenizer: about 4 characters a token, rounded up.
    For budgets, estimates and stand-in models only; never a billed figure."""
    return (len(text) + 3) // 4


@dataclass
class Completion:
    """The result of `Model.complete`.

    ``cached`` is true when the response came from the response cache or a cassette
    (``source`` says which); such calls cost nothing. ``truncated`` (the token limit cut
    the answer) and ``empty`` (nothing but whitespace) flag answers that should not be
    used silently; `raise_if_incomplete` turns them into `IncompleteCompletion`.
    """

    text: str
    finish_reason: str
    usage: CallUsage = field(default_factory=CallUsage)
    latency_s: float = 0.0
    source: Source = "live"
    model: str = ""
    purpose: str = ""
    family: str | None = None
    run: str | None = None
    sample_index: int = 0
    key: str = ""
    #: a reasoning model's thinking (the server's ``reasoning_content``, or ``<think>``
    #: blocks taken out of the text): kept for the trajectory, never part of ``text``
    reasoning: str = ""

    @property
    def cached(self) -> bool:
        """Whether the answer came from the response cache or a cassette (``source`` is not
        ``"live"``); such calls cost nothing."""
        return self.source != "live"

    @property
    def truncated(self) -> bool:
        """Whether the token limit cut the answer (``finish_reason == "length"``)."""
        return self.finish_reason == "length"

    @property
    def empty(self) -> bool:
        """Whether the text is empty or only whitespace."""
        return not self.text.strip()

    @property
    def incomplete(self) -> bool:
        """``truncated`` or ``empty``: an answer not to use silently."""
        return self.truncated or self.empty

    # Convenience mirrors of the usage numbers.
    @property
    def prompt_tokens(self) -> int:
        """``usage.prompt_tokens``."""
        return self.usage.prompt_tokens

    @property
    def completion_tokens(self) -> int:
        """``usage.completion_tokens``."""
        return self.usage.completion_tokens

    def raise_if_incomplete(self) -> Completion:
        """``self`` when complete, else `IncompleteCompletion` (carrying this completion) that says
        whether it was empty or cut at ``max_tokens``."""
        from learnact.llm.errors import IncompleteCompletion

        if self.empty:
            raise IncompleteCompletion(
                f"{self.model} returned an empty completion ({self.purpose})", self
            )
        if self.truncated:
            raise IncompleteCompletion(
                f"{self.model} completion cut at max_tokens ({self.purpose}, "
                f"{self.usage.completion_tokens} tokens): raise max_tokens",
                self,
            )
        return self

    def to_dict(self) -> dict[str, Any]:
        """Every field as JSON data, plus ``cached``, ``truncated`` and ``empty``."""
        d = asdict(self)
        d["cached"] = self.cached
        d["truncated"], d["empty"] = self.truncated, self.empty
        return d


STOP_RULES = ("first_line",)


_THINK = re.compile(r"<think>(.*?)(?:</think>|\Z)", re.DOTALL | re.IGNORECASE)


def split_reasoning(text: str) -> tuple[str, str]:
    """``text`` without its ``<think>...</think>`` blocks (an unclosed one runs to the end:
    the answer was cut while thinking), and the thinking they held, blocks joined by a
    blank line. Reasoning models (DeepSeek-R1, Qwen3, ...) write these before answering."""
    thoughts = [m.group(1).strip() for m in _THINK.finditer(text)]
    if not thoughts:
        return text, ""
    rest = _THINK.sub("", text)
    return rest.lstrip("\n") if rest.strip() else "", "\n\n".join(t for t in thoughts if t)


_FENCE_ONLY = re.compile(r"^(```|~~~)\s*[\w+.-]*$")


def is_fence_line(line: str) -> bool:
    """Whether ``line`` is only a code fence, with or without a language tag (```` ``` ````,
    ```` ```python ````); a fence with code on the same line is not."""
    return _FENCE_ONLY.match(line.strip()) is not None


def first_line_end(text: str) -> int | None:
    """Where a "first_line" answer ends: the newline after the first non-empty line that
    is not only a code fence, nor a comment (``None`` while that line is incomplete).
    A fenced one-liner (```` ```pick('b', 'r', 'l')``` ````) is a first line."""
    start = 0
    while True:
        opened = re.match(r"\s*<think>", text[start:], re.IGNORECASE)
        if opened:  # a reasoning model thinks first: the answer starts after </think>
            closed = re.search(r"</think>", text[start:], re.IGNORECASE)
            if closed is None:
                return None
            start += closed.end()
            continue
        nl = text.find("\n", start)
        if nl == -1:
            return None
        line = text[start:nl].strip()
        if line and not is_fence_line(line) and not line.startswith("#"):
            return nl
        start = nl + 1


def apply_stop_rule(text: str, rule: str | None) -> tuple[str, bool]:
    """``text`` cut by stop rule ``rule``, and whether it was cut: ``"first_line"`` ends it at
    `first_line_end`; ``None`` (or any other rule) leaves it as it is."""
    if rule != "first_line":
        return text, False
    end = first_line_end(text)
    return (text, False) if end is None else (text[:end], True)


def apply_stop(text: str, stop: Iterable[str]) -> tuple[str, bool]:
    """Cut ``text`` at the first stop sequence (a client-side guarantee for every backend)."""
    cut = len(text)
    for s in stop:
        if s:
            i = text.find(s)
            if i != -1 and i < cut:
                cut = i
    return text[:cut], cut < len(text)
