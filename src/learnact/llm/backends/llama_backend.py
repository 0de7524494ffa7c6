"""llama.cpp in-process through ``llama-cpp-python`` (extra ``local``): the default backend.

- The chat template comes from the GGUF's metadata (llama-cpp-python's Jinja formatter).
- The context size is set explicitly (default 8192; llama-cpp-python's default of 512 is
  far too small for an agent's prompt).
- The KV cache is reused across calls that share a prompt prefix (llama-cpp-python keeps
  the previous call's tokens and evaluates only the new suffix): an agent's steps share
  the instruction and the history so far. One loaded model per (file, n_ctx, threads) is
  shared by every `Model` in the process, and calls to it are serialized.
- Threads: the ``n_threads`` argument, else ``$LEARNACT_LLM_THREADS``, else the machine's
  cores (``os.cpu_count()``). Several processes on one machine should share the cores
  out (two at 2 threads each on 2 cores took 1.55x as long per call as two at 1 thread:
  llama.cpp's threads wait by spinning); at 1 and 2 threads the logits were bitwise the
  same (bench/llm_threads.py).
- Tokens are counted by the model's own tokenizer; llama.cpp's own performance counters
  give the prompt tokens actually evaluated (the rest came from the KV cache).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

from learnact import activity
from learnact.errors import BadInput
from learnact.llm.errors import LLMError, LLMRequestRejected
from learnact.llm.types import RawCompletion, Request, first_line_end

DEFAULT_N_CTX = 8192
THREADS_ENV = "LEARNACT_LLM_THREADS"

_loaded: dict[tuple[str, int, int], tuple[Any, threading.Lock]] = {}
_loaded_lock = threading.Lock()


def _import_llama_cpp() -> Any:
    try:
        import llama_cpp
    except ImportError as e:
        raise BadInput(
            "local: models need llama-cpp-python: pip install 'learnact[local]' (on CPUs "
            'where the native build crashes: CMAKE_ARGS="-DGGML_NATIVE=OFF" pip install '
            "'learnact[local]'), or use an openai:/anthropic: model"
        ) from e
    return llama_cpp


def default_threads() -> int:
    """llama.cpp threads when none are given: ``$LEARNACT_LLM_THREADS`` (a positive
    integer; `BadInput` otherwise), else the machine's cores."""
    text = os.environ.get(THREADS_ENV, "").strip()
    if not text:
        return os.cpu_count() or 1
    try:
        n = int(text, 10) if text.isascii() else 0
    except ValueError:
        n = 0
    if n < 1:
        raise BadInput(f"${THREADS_ENV} must be a positive number of threads, not {text!r}")
    return n


def load_llama(path: Path, n_ctx: int, n_threads: int) -> tuple[Any, threading.Lock]:
    """The llama.cpp model of ``path`` (``n_ctx`` context tokens, ``n_threads`` threads) and the
    lock that serialises calls to it: loaded once per (resolved path, n_ctx, n_threads) per process,
    then shared. Raises `BadInput` when llama-cpp-python is not installed, `LLMError` when llama.cpp
    cannot load the file."""
    key = (str(Path(path).resolve()), n_ctx, n_threads)
    with _loaded_lock:
        if key in _loaded:
            return _loaded[key]
        llama_cpp = _import_llama_cpp()
        try:
            llm = llama_cpp.Llama(
                model_path=key[0],
                n_ctx=n_ctx,
                n_threads=n_threads,
                n_threads_batch=n_threads,
                verbose=False,
            )
        except (ValueError, RuntimeError) as e:
            raise LLMError(f"llama.cpp could not load {path}: {e}") from e
        _loaded[key] = (llm, threading.Lock())
        return _loaded[key]


class LlamaBackend:
    #: llama.cpp's own GBNF grammars (``LlamaGrammar``)
    supports_grammar = True

    def __init__(
        self,
        path: str | Path,
        *,
        n_ctx: int = DEFAULT_N_CTX,
        n_threads: int | None = None,
        model_name: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.model_name = model_name or self.path.name
        self.n_ctx = n_ctx
        self.n_threads = n_threads or default_threads()
        self.llm, self._lock = load_llama(self.path, n_ctx, self.n_threads)
        #: llama.cpp's counters for the last call: n_p_eval (prompt tokens evaluated in
        #: batches), n_eval (single-token decodes), t_p_eval_ms, t_eval_ms, and
        #: prompt_evaluated (the prompt suffix actually decoded after the prefix match).
        self.last_perf: dict[str, float] = {}

    def generate(self, request: Request) -> RawCompletion:
        """One chat completion through the GGUF's own chat template, under the model's lock;
        ``stop_at="first_line"`` streams and stops decoding at the end of the first code line.
        ``prefix_cached_tokens`` is the prompt tokens reused from the KV cache; ``last_perf`` gets
        llama.cpp's counters. Raises `LLMRequestRejected` when llama.cpp refuses the request (e.g. a
        prompt longer than ``n_ctx``)."""
        llama_cpp = _import_llama_cpp()
        kwargs: dict[str, Any] = {
            "messages": request.message_dicts,
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
            "stop": list(request.stop) or None,
        }
        if request.backend_seed is not None:
            kwargs["seed"] = request.backend_seed
        if request.grammar is not None:
            kwargs["grammar"] = _grammar(llama_cpp, request.grammar)
        with self._lock:
            llm = self.llm
            evaluated: list[int] = []
            original_eval = llm.eval

            def counting_eval(tokens: Any) -> None:
                evaluated.append(len(tokens))
                if len(evaluated) > 1:  # the first eval is the prompt; then one per token
                    activity.report("tokens", purpose=request.purpose, tokens=len(evaluated) - 1)
                original_eval(tokens)

            llm.eval = counting_eval
            llama_cpp.llama_perf_context_reset(llm.ctx)
            try:
                if request.stop_at == "first_line":
                    resp = _generate_first_line(llm, kwargs)
                else:
                    resp = llm.create_chat_completion(**kwargs)
            except ValueError as e:  # e.g. prompt longer than the context
                raise LLMRequestRejected(
                    f"llama.cpp rejected the request ({e}); context is n_ctx={self.n_ctx}"
                ) from e
            finally:
                llm.eval = original_eval
            perf = llama_cpp.llama_perf_context(llm.ctx)
        choice = resp["choices"][0]
        usage = resp.get("usage") or {}
        prompt_tokens = int(usage.get("prompt_tokens", 0))
        # The first eval of a call is the prompt suffix left after the KV-cache prefix match
        # (none when the whole prompt was already cached).
        prompt_evaluated = evaluated[0] if evaluated else 0
        self.last_perf = {
            "n_p_eval": perf.n_p_eval,
            "n_eval": perf.n_eval,
            "t_p_eval_ms": perf.t_p_eval_ms,
            "t_eval_ms": perf.t_eval_ms,
            "prompt_evaluated": prompt_evaluated,
        }
        return RawCompletion(
            text=choice["message"].get("content") or "",
            finish_reason=choice.get("finish_reason") or "stop",
            prompt_tokens=prompt_tokens,
            completion_tokens=int(usage.get("completion_tokens", 0)),
            prefix_cached_tokens=max(0, prompt_tokens - prompt_evaluated),
            stopped_by_rule=bool(resp.get("stopped_by_rule")),
        )

    def count_tokens(self, text: str) -> int | None:
        """Tokens of ``text`` by the model's own tokenizer (no BOS; special tokens parsed)."""
        return len(self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def close(self) -> None:
        """Nothing: the loaded model is shared by the process and lives as long as it."""
        pass  # the loaded model is shared and lives as long as the process


_grammars: dict[str, Any] = {}
_grammars_lock = threading.Lock()


def _grammar(llama_cpp: Any, text: str) -> Any:
    """llama-cpp-python's `LlamaGrammar` of GBNF ``text``, made once per text (an agent
    asks with the same grammar until the names it has seen change). llama.cpp parses it
    when sampling starts and does not survive a malformed one (it crashed the process in
    our tests): pass only grammars built by `learnact.agents.grammar`, or checked."""
    with _grammars_lock:
        if text not in _grammars:
            _grammars[text] = llama_cpp.LlamaGrammar.from_string(text, verbose=False)
            if len(_grammars) > 256:  # one per distinct grammar: keep the recent ones
                _grammars.pop(next(iter(_grammars)))
        return _grammars[text]


def _generate_first_line(llm: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
    """Stream and stop decoding at the end of the first code line (saves the tokens a
    small model would otherwise spend on explanations after its one line of code)."""
    text, chunks, finish, stopped = "", 0, "length", False
    stream = llm.create_chat_completion(**kwargs, stream=True)
    try:
        for chunk in stream:
            choice = chunk["choices"][0]
            delta = choice.get("delta", {}).get("content") or ""
            if delta:
                chunks += 1
                text += delta
                end = first_line_end(text)
                if end is not None:
                    text, finish, stopped = text[:end], "stop", True
                    break
            if choice.get("finish_reason"):
                finish = choice["finish_reason"]
    finally:
        stream.close()  # ends generation in llama.cpp
    # Tokens now in the context = prompt + evaluated completion tokens.
    prompt_tokens = max(0, int(llm.n_tokens) - max(chunks - 1, 0))
    return {
        "choices": [{"message": {"content": text}, "finish_reason": finish}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": chunks},
        "stopped_by_rule": stopped,
    }
