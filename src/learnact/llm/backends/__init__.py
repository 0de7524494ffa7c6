"""Backends: one per provider. Each turns a `Request` into a `RawCompletion`.

Heavy SDKs (llama_cpp, anthropic) are imported lazily inside their backend.
"""

from __future__ import annotations

from typing import Protocol

from learnact.llm.types import RawCompletion, Request


class Backend(Protocol):
    #: The model name sent to the provider (for prices and messages).
    model_name: str
    #: Whether ``generate`` honours ``request.grammar`` (constrained decoding).
    supports_grammar: bool

    def generate(self, request: Request) -> RawCompletion:
        """One completion for ``request``, tried once (`learnact.llm.Model` retries). Raises
        `TransientLLMError` for a failure worth retrying, `LLMAuthError`, `LLMRequestRejected` or
        another `LLMError` for one that is not."""
        ...

    def count_tokens(self, text: str) -> int | None:
        """Tokens of ``text`` by the backend's own tokenizer, or None if it has none."""
        ...

    def close(self) -> None:
        """Release the client or the model (a no-op where there is nothing to release)."""
        ...
