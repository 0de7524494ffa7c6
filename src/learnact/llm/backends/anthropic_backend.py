"""Anthropic's Messages API through the official ``anthropic`` SDK (extra ``anthropic``)."""

from __future__ import annotations

import logging
import os

from learnact.errors import BadInput
from learnact.llm.backends.openai_backend import classify_status
from learnact.llm.errors import LLMRequestRejected, TransientLLMError
from learnact.llm.types import RawCompletion, Request

log = logging.getLogger("learnact.llm")
FINISH = {"end_turn": "stop", "stop_sequence": "stop", "max_tokens": "length"}


def to_anthropic(messages: list[dict[str, str]]) -> tuple[str, list[dict[str, str]]]:
    """System text apart; user/assistant turns alternating, starting with a user turn."""
    system = "\n\n".join(m["content"] for m in messages if m["role"] == "system")
    turns: list[dict[str, str]] = []
    for m in messages:
        if m["role"] == "system":
            continue
        if turns and turns[-1]["role"] == m["role"]:
            turns[-1] = {"role": m["role"], "content": turns[-1]["content"] + "\n\n" + m["content"]}
        else:
            turns.append(dict(m))
    if not turns or turns[0]["role"] != "user":
        turns.insert(0, {"role": "user", "content": "(start)"})
    return system, turns


class AnthropicBackend:
    supports_grammar = False  # the Messages API takes no grammar

    def __init__(
        self,
        model: str,
        base_url: str | None = None,
        *,
        api_key: str | None = None,
        timeout: float = 120.0,
    ) -> None:
        try:
            import anthropic
        except ImportError as e:
            raise BadInput(
                "anthropic: models need the anthropic SDK: pip install 'learnact[anthropic]'"
            ) from e
        self.model_name = model
        key = api_key or os.environ.get("ANTHROPIC_API_KEY")
        if not key:
            raise BadInput(f"anthropic:{model} needs an API key: set ANTHROPIC_API_KEY")
        self.base_url = base_url or os.environ.get("ANTHROPIC_BASE_URL") or None
        self._send_temperature = True
        self.client = anthropic.Anthropic(
            api_key=key, base_url=self.base_url, timeout=timeout, max_retries=0
        )

    def generate(self, request: Request) -> RawCompletion:
        """One Messages API call: system text apart and turns merged to alternate (`to_anthropic`);
        whitespace-only stop sequences are left to `learnact.llm.Model`, which cuts every answer at
        its stops. A model that refuses ``temperature`` is asked again without it, and never sent it
        again. Raises `TransientLLMError` (timeout, connection error, HTTP 408/409/425/429/5xx,
        malformed JSON), `LLMAuthError` (401/403) or `LLMRequestRejected` (other statuses)."""
        system, turns = to_anthropic(request.message_dicts)
        kwargs: dict = {
            "model": self.model_name,
            "messages": turns,
            "max_tokens": request.max_tokens,
        }
        # Recent SDKs dropped the ``temperature`` argument; the API field goes in the body.
        # A model that refuses it gets requests without it from then on.
        if self._send_temperature:
            kwargs["extra_body"] = {"temperature": request.temperature}
        if system:
            kwargs["system"] = system
        # The API rejects whitespace-only stop sequences ("\n"); those are applied
        # client-side by Model (which cuts every completion at its stops anyway).
        stops = [s for s in request.stop if s.strip()]
        if stops:
            kwargs["stop_sequences"] = stops
        where = self.base_url or "api.anthropic.com"
        try:
            return self._create(kwargs, where)
        except LLMRequestRejected as e:
            if "temperature" not in str(e) or "extra_body" not in kwargs:
                raise
            log.warning("%s refuses temperature; sending requests without it", self.model_name)
            self._send_temperature = False
            del kwargs["extra_body"]
            return self._create(kwargs, where)

    def _create(self, kwargs: dict, where: str) -> RawCompletion:
        import anthropic

        try:
            resp = self.client.messages.create(**kwargs)
        except anthropic.APITimeoutError as e:
            raise TransientLLMError(f"timeout from {where}") from e
        except anthropic.APIConnectionError as e:
            raise TransientLLMError(f"cannot reach {where}: {e}") from e
        except anthropic.APIStatusError as e:
            raise classify_status(e.status_code, e.response.headers, str(e), where) from e
        except ValueError as e:  # malformed JSON
            raise TransientLLMError(f"malformed response from {where}: {e}") from e
        text = "".join(
            getattr(b, "text", "") for b in resp.content if getattr(b, "type", "") == "text"
        )
        usage = resp.usage
        return RawCompletion(
            text=text,
            finish_reason=FINISH.get(resp.stop_reason or "end_turn", resp.stop_reason or "stop"),
            prompt_tokens=int(getattr(usage, "input_tokens", 0) or 0),
            completion_tokens=int(getattr(usage, "output_tokens", 0) or 0),
            prefix_cached_tokens=int(getattr(usage, "cache_read_input_tokens", 0) or 0),
        )

    def count_tokens(self, text: str) -> int | None:
        """``None``: no local tokenizer (the API reports exact usage)."""
        return None

    def close(self) -> None:
        """Close the SDK client's HTTP connections."""
        self.client.close()
