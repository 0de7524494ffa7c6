"""`Model`: the one entry point every agent and the learner call through."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from learnact.errors import BadInput
from learnact.llm.backends import Backend
from learnact.llm.cache import ResponseCache, request_key
from learnact.llm.cassette import CassettePlayer, CassetteRecorder
from learnact.llm.purposes import check_purpose
from learnact.llm.retry import RetryPolicy, default_concurrency, limiter
from learnact.llm.spec import ModelSpec, parse_spec
from learnact.llm.types import (
    STOP_RULES,
    CallUsage,
    Completion,
    RawCompletion,
    Request,
    apply_stop,
    apply_stop_rule,
    approx_tokens,
    normalize_messages,
    split_reasoning,
)
from learnact.llm.usage import Usage, estimate_cost

log = logging.getLogger("learnact.llm")


class Model:
    """A model behind a spec, with cache, record/replay, retries, limits and usage.

    Use `make_model` to build one.
    """

    def __init__(
        self,
        spec: ModelSpec,
        backend: Backend,
        *,
        cache: ResponseCache | None = None,
        record: str | Path | None = None,
        replay: str | Path | None = None,
        retry: RetryPolicy | None = None,
        max_concurrency: int | None = None,
        usage: Usage | None = None,
        strict: bool = False,
    ) -> None:
        if record is not None and replay is not None:
            raise BadInput("record and replay are exclusive")
        self.model_spec = spec
        self.spec = str(spec)
        self.backend = backend
        self.cache = cache
        self.recorder = CassetteRecorder(record) if record is not None else None
        self.player = CassettePlayer(replay) if replay is not None else None
        self.retry = retry or RetryPolicy()
        limit = max_concurrency or default_concurrency(spec.provider)
        #: requests this model serves at once (1 for an in-process local model)
        self.concurrency = limit
        # One limit per served model: per spec for hosted ones, per file for local ones.
        where = getattr(backend, "path", None)
        self._sem = limiter(f"local:{where}" if where else self.spec, limit)
        self.usage = usage if usage is not None else Usage()
        self.strict = strict
        self.priced = spec.provider not in ("openai", "anthropic") or (
            estimate_cost(backend.model_name, 0, 0) is not None
        )

    # -- the API ---------------------------------------------------------------
    def complete(
        self,
        messages: Iterable[Mapping[str, Any]] | str,
        *,
        purpose: str,
        family: str | None = None,
        run: str | None = None,
        max_tokens: int = 256,
        temperature: float = 0.0,
        stop: Iterable[str] | str | None = None,
        seed: int | None = None,
        sample_index: int = 0,
        no_cache: bool = False,
        stop_at: str | None = None,
        grammar: str | None = None,
    ) -> Completion:
        """One chat completion.

        ``purpose`` is one of `learnact.llm.PURPOSES`; ``family`` and ``run`` label the
        usage. ``sample_index`` tells apart several samples of one prompt (candidates):
        each is cached separately, and with a ``seed`` the backend gets ``seed +
        sample_index``. The text is always cut at the first stop sequence. ``stop_at=
        "first_line"`` ends the answer at the first newline after a non-empty line that is
        not a code fence or a comment; llama.cpp stops generating there, other backends are
        cut after. ``grammar`` (GBNF) constrains the answer through the backend's own
        grammar support (``local:``: llama.cpp; ``openai:``: the server's grammar field,
        see docs/models.md); it is part of the cache key.

        Raises `BadInput` for an unknown purpose or stop rule, ``max_tokens`` below 1,
        malformed messages, or a ``grammar`` the backend cannot apply; `RetriesExhausted` when transient failures outlast the retries;
        `LLMAuthError` / `LLMRequestRejected` at once; `CassetteMiss` in replay mode for a
        request the cassette lacks; `IncompleteCompletion` for an empty or truncated answer
        when ``strict``.
        """
        check_purpose(purpose)
        if isinstance(stop, str):
            stop = [stop]
        if max_tokens < 1:
            raise BadInput("max_tokens must be at least 1")
        if stop_at is not None and stop_at not in STOP_RULES:
            raise BadInput(f"unknown stop rule {stop_at!r}; known: {', '.join(STOP_RULES)}")
        if grammar is not None and not self.backend.supports_grammar:
            raise BadInput(
                f"{self.spec} cannot constrain its answers to a grammar (constrained acting "
                "needs a local: model or an OpenAI-compatible server with a grammar field)"
            )
        request = Request(
            messages=tuple((m["role"], m["content"]) for m in normalize_messages(messages)),
            purpose=purpose,
            max_tokens=int(max_tokens),
            temperature=float(temperature),
            stop=tuple(stop or ()),
            seed=seed,
            sample_index=int(sample_index),
            family=family,
            run=run,
            stop_at=stop_at,
            grammar=grammar,
        )
        key = request_key(self.spec, request)
        started = time.perf_counter()
        if self.player is not None:
            completion = self._from_payload(
                self.player.take(key, self.spec, request), request, key, "replay", started
            )
        else:
            payload = None
            if self.cache is not None and not no_cache:
                payload = self.cache.get(key)
            if payload is not None:
                completion = self._from_payload(payload, request, key, "cache", started)
            else:
                completion = self._live(request, key, started)
                if self.cache is not None and not no_cache:
                    self.cache.put(key, self.spec, purpose, _payload(completion))
            if self.recorder is not None:
                self.recorder.append(key, self.spec, request, _payload(completion))
        self.usage.record(completion, priced=self.priced)
        if completion.incomplete:
            log.warning(
                "%s: %s completion for %s (%d tokens)",
                self.spec,
                "empty" if completion.empty else "truncated",
                purpose,
                completion.usage.completion_tokens,
            )
            if self.strict:
                completion.raise_if_incomplete()
        return completion

    def sample(
        self, messages: Iterable[Mapping[str, Any]] | str, n: int, **kwargs: Any
    ) -> list[Completion]:
        """``n`` candidates of one prompt (sample indices 0..n-1)."""
        return [self.complete(messages, sample_index=i, **kwargs) for i in range(n)]

    def count_tokens(self, text: str) -> int:
        """Tokens of ``text`` by the backend's tokenizer; about 4 characters a token when
        the backend has none locally (hosted APIs: their reported usage is exact)."""
        n = self.backend.count_tokens(text)
        return n if n is not None else approx_tokens(text)

    def close(self) -> None:
        """Close the backend and the response cache (the calling thread's connection)."""
        self.backend.close()
        if self.cache is not None:
            self.cache.close()

    def __enter__(self) -> Model:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Model({self.spec!r})"

    # -- internals -------------------------------------------------------------
    def _live(self, request: Request, key: str, started: float) -> Completion:
        def attempt() -> RawCompletion:
            with self._sem:
                return self.backend.generate(request)

        raw = self.retry.call(attempt, what=f"{self.spec} ({request.purpose})")
        # Thinking is never the answer: out of the text before stop sequences and rules.
        answer, thought = split_reasoning(raw.text)
        reasoning = "\n\n".join(r for r in (raw.reasoning.strip(), thought) if r)
        text, cut = apply_stop(answer, request.stop)
        text, ruled = apply_stop_rule(text, request.stop_at)
        finish = "stop" if cut or ruled or raw.stopped_by_rule else raw.finish_reason
        cost = 0.0
        if self.model_spec.hosted:
            cost = (
                estimate_cost(self.backend.model_name, raw.prompt_tokens, raw.completion_tokens)
                or 0.0
            )
        return Completion(
            text=text,
            finish_reason=finish,
            usage=CallUsage(
                raw.prompt_tokens, raw.completion_tokens, raw.prefix_cached_tokens, cost
            ),
            latency_s=time.perf_counter() - started,
            source="live",
            model=self.spec,
            purpose=request.purpose,
            family=request.family,
            run=request.run,
            sample_index=request.sample_index,
            key=key,
            reasoning=reasoning,
        )

    def _from_payload(
        self, p: dict[str, Any], request: Request, key: str, source: Any, started: float
    ) -> Completion:
        return Completion(
            text=p["text"],
            finish_reason=p["finish_reason"],
            usage=CallUsage(p.get("prompt_tokens", 0), p.get("completion_tokens", 0), 0, 0.0),
            latency_s=time.perf_counter() - started,
            source=source,
            model=self.spec,
            purpose=request.purpose,
            family=request.family,
            run=request.run,
            sample_index=request.sample_index,
            key=key,
            reasoning=p.get("reasoning", ""),
        )


def _payload(c: Completion) -> dict[str, Any]:
    return {
        "text": c.text,
        "finish_reason": c.finish_reason,
        "prompt_tokens": c.usage.prompt_tokens,
        "completion_tokens": c.usage.completion_tokens,
        "prefix_cached_tokens": c.usage.prefix_cached_tokens,
        "cost_usd": c.usage.cost_usd,
        **({"reasoning": c.reasoning} if c.reasoning else {}),
    }


def make_model(
    spec: str,
    *,
    cache: bool | str | Path | ResponseCache | None = None,
    no_cache: bool = False,
    record: str | Path | None = None,
    replay: str | Path | None = None,
    retry: RetryPolicy | None = None,
    max_concurrency: int | None = None,
    usage: Usage | None = None,
    strict: bool = False,
    api_key: str | None = None,
    timeout: float = 120.0,
    n_ctx: int | None = None,
    n_threads: int | None = None,
    grammar_field: str | None = None,
) -> Model:
    """Build a `Model` from a spec string (see docs/models.md).

    ``cache``: None/True = the persistent cache at ``$LEARNACT_CACHE/llm/responses.sqlite3``
    (off for ``scripted:``), False or ``no_cache=True`` = none, a path or a `ResponseCache`.
    ``record``/``replay``: a JSONL cassette. ``strict``: raise `IncompleteCompletion` on
    empty or truncated answers instead of only flagging them. ``n_ctx``/``n_threads``:
    llama.cpp settings of ``local:`` models (default 8192 / all cores).
    ``timeout`` and ``api_key``: hosted models. ``grammar_field``: the request field in
    which an ``openai:`` server takes a GBNF grammar (default ``$LEARNACT_GRAMMAR_FIELD``,
    else ``"grammar"``, llama.cpp's server; vLLM: ``"guided_grammar"``). ``max_concurrency``: requests in flight
    per model (``local:`` 1; hosted ``$LEARNACT_LLM_CONCURRENCY`` or 8).
    """
    parsed = parse_spec(spec)
    backend: Backend
    if parsed.provider == "openai":
        from learnact.llm.backends.openai_backend import OpenAIBackend

        backend = OpenAIBackend(
            parsed.model,
            parsed.base_url,
            api_key=api_key,
            timeout=timeout,
            grammar_field=grammar_field,
        )
    elif parsed.provider == "anthropic":
        from learnact.llm.backends.anthropic_backend import AnthropicBackend

        backend = AnthropicBackend(parsed.model, parsed.base_url, api_key=api_key, timeout=timeout)
    elif parsed.provider == "local":
        from learnact.llm.backends.llama_backend import DEFAULT_N_CTX, LlamaBackend
        from learnact.llm.models import resolve_local

        path = resolve_local(parsed.model)
        backend = LlamaBackend(
            path, n_ctx=n_ctx or DEFAULT_N_CTX, n_threads=n_threads, model_name=parsed.model
        )
    else:
        from learnact.llm.backends.scripted import ScriptedBackend

        backend = ScriptedBackend(parsed.model)
    if no_cache or cache is False or (cache is None and parsed.provider == "scripted"):
        response_cache = None
    elif cache is None or cache is True:
        response_cache = ResponseCache()
    elif isinstance(cache, ResponseCache):
        response_cache = cache
    else:
        response_cache = ResponseCache(cache)
    return Model(
        parsed,
        backend,
        cache=response_cache,
        record=record,
        replay=replay,
        retry=retry,
        max_concurrency=max_concurrency,
        usage=usage,
        strict=strict,
    )
