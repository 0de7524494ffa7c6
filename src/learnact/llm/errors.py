"""Errors raised by the LLM layer.

Configuration mistakes (unknown provider or alias, malformed spec, missing key or model
file) are `BadInput` (CLI exit 2); failures at run time are `LearnactError` (exit 1).
`DownloadError` and `ChecksumMismatch` are learnact's one pair (`learnact.download`),
re-exported here for the model-pull API.
"""

from __future__ import annotations

from typing import Any

from learnact.download import ChecksumMismatch, DownloadError
from learnact.errors import BadInput, LearnactError

__all__ = [
    "BadModelSpec",
    "CassetteMiss",
    "ChecksumMismatch",
    "DownloadError",
    "IncompleteCompletion",
    "LLMAuthError",
    "LLMError",
    "LLMRequestRejected",
    "ModelNotFound",
    "RetriesExhausted",
    "TransientLLMError",
]


class BadModelSpec(BadInput):
    """A model spec string we cannot use (unknown provider, empty model, ...)."""


class ModelNotFound(BadInput):
    """A local model (alias or .gguf path) that is not on this machine."""


class LLMError(LearnactError):
    """A request to a model failed."""


class TransientLLMError(LLMError):
    """A failure worth retrying: rate limit, 5xx, timeout, dropped connection, bad JSON."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class LLMAuthError(LLMError):
    """The provider rejected our credentials (401/403). Never retried."""


class LLMRequestRejected(LLMError):
    """The provider rejected the request itself (400/404/422). Never retried."""


class RetriesExhausted(LLMError):
    """A transient failure persisted through every retry."""


class IncompleteCompletion(LLMError):
    """An empty or truncated (finish_reason=length) completion, when asked to raise."""

    def __init__(self, message: str, completion: Any) -> None:
        super().__init__(message)
        self.completion = completion


class CassetteMiss(LLMError):
    """Replay mode met a request that the cassette does not hold."""
