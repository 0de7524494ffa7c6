"""OpenAI and any OpenAI-compatible server (vLLM, Ollama, llama.cpp server, SGLang, ...)."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping

from learnact.errors import BadInput
from learnact.llm.errors import LLMAuthError, LLMRequestRejected, TransientLLMError
from learnact.llm.retry import parse_retry_after
from learnact.llm.types import RawCompletion, Request

PLACEHOLDER_KEY = "not-needed"  # local OpenAI-compatible servers ignore the key


#: The request field that carries a GBNF grammar, unless told otherwise: llama.cpp's server
#: (and llama-cpp-python's) take ``grammar``; vLLM takes ``guided_grammar``.
DEFAULT_GRAMMAR_FIELD = "grammar"


class OpenAIBackend:
    #: sent in the server's grammar field (``grammar_field``); a server without one
    #: rejects or ignores it
    supports_grammar = True

    def __init__(
        self,
        model: str,
        base_url: str | None = None,
        *,
        api_key: str | None = None,
        timeout: float = 120.0,
        grammar_field: str | None = None,
    ) -> None:
        import openai

        self.grammar_field = (
            grammar_field or os.environ.get("LEARNACT_GRAMMAR_FIELD") or DEFAULT_GRAMMAR_FIELD
        )

        self.model_name = model
        base_url = base_url or os.environ.get("OPENAI_BASE_URL") or None
        key = api_key or os.environ.get("OPENAI_API_KEY")
        if not key:
            if base_url is None:
                raise BadInput(
                    f"openai:{model} needs an API key: set OPENAI_API_KEY (or give a base URL "
                    "of an OpenAI-compatible server: openai:<model>@http://host:port/v1)"
                )
            key = PLACEHOLDER_KEY
        self.base_url = base_url
        # Retries are ours (learnact.llm.retry), so the SDK's are off.
        self.client = openai.OpenAI(api_key=key, base_url=base_url, timeout=timeout, max_retries=0)

    def generate(self, request: Request) -> RawCompletion:
        """One Chat Completions call (``seed`` is the request's ``backend_seed``). Raises
        `TransientLLMError` (timeout, connection error, HTTP 408/409/425/429/5xx, malformed
        response, no choices), `LLMAuthError` (401/403) or `LLMRequestRejected` (other statuses)."""
        import openai

        kwargs: dict = {
            "model": self.model_name,
            "messages": request.message_dicts,
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
        }
        if request.stop:
            kwargs["stop"] = list(request.stop)
        if request.backend_seed is not None:
            kwargs["seed"] = request.backend_seed
        if request.grammar is not None:
            kwargs["extra_body"] = {self.grammar_field: request.grammar}
        where = self.base_url or "api.openai.com"
        try:
            resp = self.client.chat.completions.create(**kwargs)
        except openai.APITimeoutError as e:
            raise TransientLLMError(f"timeout from {where}") from e
        except openai.APIConnectionError as e:
            raise TransientLLMError(f"cannot reach {where}: {e}") from e
        except openai.APIStatusError as e:
            raise classify_status(e.status_code, e.response.headers, str(e), where) from e
        except (json.JSONDecodeError, openai.APIResponseValidationError) as e:
            raise TransientLLMError(f"malformed response from {where}: {e}") from e
        if isinstance(resp, str) or not getattr(resp, "choices", None):
            raise TransientLLMError(f"malformed response from {where}: no choices")
        choice = resp.choices[0]
        text = choice.message.content or "" if choice.message else ""
        # Servers that separate a reasoning model's thinking send it beside the content
        # (vLLM, llama.cpp's server, DeepSeek: ``reasoning_content``; others: ``reasoning``).
        reasoning = ""
        if choice.message is not None:
            extra = choice.message.model_extra or {}
            found = extra.get("reasoning_content") or extra.get("reasoning")
            reasoning = found if isinstance(found, str) else ""
        usage = resp.usage
        cached = 0
        if usage is not None:
            details = getattr(usage, "prompt_tokens_details", None)
            cached = int(getattr(details, "cached_tokens", 0) or 0) if details else 0
        return RawCompletion(
            text=text,
            finish_reason=choice.finish_reason or "stop",
            prompt_tokens=int(usage.prompt_tokens or 0) if usage else 0,
            completion_tokens=int(usage.completion_tokens or 0) if usage else 0,
            prefix_cached_tokens=cached,
            reasoning=reasoning,
        )

    def count_tokens(self, text: str) -> int | None:
        """``None``: no local tokenizer (the server reports exact usage)."""
        return None  # hosted: we use the reported usage; no tokenizer download

    def close(self) -> None:
        """Close the SDK client's HTTP connections."""
        self.client.close()


def classify_status(
    status: int, headers: Mapping[str, str] | None, message: str, where: str
) -> Exception:
    """The learnact error for an HTTP error status from a provider."""
    if status in (401, 403):
        return LLMAuthError(
            f"{where} refused the credentials (HTTP {status}): check the API key. {message}"
        )
    if status in (408, 409, 425, 429) or status >= 500:
        return TransientLLMError(f"HTTP {status} from {where}", parse_retry_after(headers))
    return LLMRequestRejected(f"{where} rejected the request (HTTP {status}): {message}")
