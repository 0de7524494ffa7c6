"""Backends: one per provider. Each turns a `Request` into a `RawCompletion`.

Heavy SDKs (llama_cpp, anthropic) are imported lazily inside their backend.
"""

from __future__ import annotations

from typing import Protocol

from learnact.llm.types import RawCompletion, Request


class Backend(Protocol):
    #: The model name sent to the provider (for prices and messages).
    model_name: str

    def generate(self, request: Request) -> RawCompletion: ...

    def count_tokens(self, text: str) -> int | None:
        """Tokens of ``text`` by the backend's own tokenizer, or None if it has none."""
        ...

    def close(self) -> None: ...
