"""The LLM layer: every agent and the learner call models through `make_model`.

    from learnact.llm import make_model
    model = make_model("local:qwen2.5-coder-1.5b")
    c = model.complete([{"role": "user", "content": "..."}], purpose="act", stop=["\\n"])
    c.text, c.finish_reason, c.usage.prompt_tokens, c.cached, model.usage.to_dict()

Spec strings, providers and the scripted-model schema: docs/models.md.
"""

from __future__ import annotations

from learnact.llm.cache import ResponseCache
from learnact.llm.errors import (
    BadModelSpec,
    CassetteMiss,
    IncompleteCompletion,
    LLMAuthError,
    LLMError,
    LLMRequestRejected,
    ModelNotFound,
    RetriesExhausted,
    TransientLLMError,
)
from learnact.llm.model import Model, make_model
from learnact.llm.purposes import PURPOSES
from learnact.llm.retry import RetryPolicy
from learnact.llm.spec import DEFAULT_LEARNER_MODEL, DEFAULT_MODEL, ModelSpec, parse_spec
from learnact.llm.types import CallUsage, Completion
from learnact.llm.usage import Counter, Usage

__all__ = [
    "DEFAULT_LEARNER_MODEL",
    "DEFAULT_MODEL",
    "PURPOSES",
    "BadModelSpec",
    "CallUsage",
    "CassetteMiss",
    "Completion",
    "Counter",
    "IncompleteCompletion",
    "LLMAuthError",
    "LLMError",
    "LLMRequestRejected",
    "Model",
    "ModelNotFound",
    "ModelSpec",
    "ResponseCache",
    "RetriesExhausted",
    "RetryPolicy",
    "TransientLLMError",
    "Usage",
    "make_model",
    "parse_spec",
]
