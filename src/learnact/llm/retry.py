"""Retries with exponential backoff and jitter; bounded concurrency per model.

Backends translate provider errors into `TransientLLMError` (429, 5xx, timeouts,
connection errors, malformed responses; carries Retry-After) or a permanent error
(`LLMAuthError`, `LLMRequestRejected`) that fails at once.
"""

from __future__ import annotations

import email.utils
import logging
import os
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from learnact.llm.errors import RetriesExhausted, TransientLLMError

log = logging.getLogger("learnact.llm")
T = TypeVar("T")


@dataclass
class RetryPolicy:
    """``max_attempts`` tries in all; the n-th wait is ``base_delay * 2**(n-1)`` capped at
    ``max_delay``, with "full jitter" (a random fraction of it, at least ``min_delay``).
    A Retry-After from the server is honoured (waited at least, up to ``max_retry_after``).
    """

    max_attempts: int = 6
    base_delay: float = 1.0
    max_delay: float = 60.0
    min_delay: float = 0.05
    max_retry_after: float = 300.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    rng: random.Random = field(default_factory=random.Random, repr=False)

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Seconds to wait after failed attempt ``attempt`` (1-based): uniform in [0, min(max_delay,
        base_delay * 2**(attempt-1))] but at least ``min_delay``, and at least ``retry_after``
        (capped at ``max_retry_after``) when the server sent one."""
        backoff = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        wait = max(self.min_delay, self.rng.uniform(0, backoff))
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.max_retry_after))
        return wait

    def call(self, fn: Callable[[], T], what: str = "request") -> T:
        """``fn()``, tried up to ``max_attempts`` times in all while it raises `TransientLLMError`,
        sleeping `delay` seconds in between. Other errors propagate at once; `RetriesExhausted`
        (naming ``what`` and the last error) when every try failed."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return fn()
            except TransientLLMError as e:
                if attempt >= self.max_attempts:
                    raise RetriesExhausted(
                        f"{what} failed after {attempt} attempts; last error: {e}"
                    ) from e
                wait = self.delay(attempt, e.retry_after)
                log.warning("%s: %s; retry %d in %.2fs", what, e, attempt, wait)
                self.sleep(wait)


def parse_retry_after(headers: Mapping[str, str] | Any) -> float | None:
    """Seconds from ``retry-after-ms`` / ``Retry-After`` (delta-seconds or HTTP date)."""
    if headers is None:
        return None
    get = headers.get
    ms = get("retry-after-ms")
    if ms:
        try:
            return max(0.0, float(ms) / 1000)
        except ValueError:
            pass
    value = get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


DEFAULT_HOSTED_CONCURRENCY = 8
_limits: dict[str, threading.BoundedSemaphore] = {}
_limits_lock = threading.Lock()


def default_concurrency(provider: str) -> int:
    """Requests in flight per model for ``provider``: 1 for ``local`` (one in-process llama.cpp
    instance), else ``$LEARNACT_LLM_CONCURRENCY`` when it is a positive integer, else 8."""
    if provider == "local":
        return 1
    env = os.environ.get("LEARNACT_LLM_CONCURRENCY")
    return int(env) if env and env.isdigit() and int(env) > 0 else DEFAULT_HOSTED_CONCURRENCY


def limiter(key: str, limit: int) -> threading.BoundedSemaphore:
    """The process-wide semaphore of one model (shared by every `Model` of that spec).

    The first caller sets the limit of a key.
    """
    with _limits_lock:
        sem = _limits.get(key)
        if sem is None:
            sem = _limits[key] = threading.BoundedSemaphore(limit)
        return sem
