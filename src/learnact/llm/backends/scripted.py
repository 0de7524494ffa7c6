"""A deterministic stand-in model for tests (``scripted:<file.json>``). Never a default.

The file is JSON (schema in docs/models.md)::

    {
      "rules": [
        {"purpose": "act", "match": "You are in the middle", "responses": ["a", "b"]},
        {"purpose": ["reflect", "revise"], "response": "No lesson."}
      ],
      "default": "I do not know."
    }

Rules are tried in order. A rule applies when its ``purpose`` (a name, a list of names,
or ``"*"``/absent for any) includes the request's purpose, its optional ``family`` equals
the request's family, and its optional ``match`` regex is found (``re.search``, DOTALL) in
the content of the request's last message. A rule gives ``response`` (one string) or
``responses`` (a sequence, one per call that hits the rule; when it runs out, ``then``
says what happens: ``"repeat_last"`` (default), ``"cycle"`` or ``"fail"``). With
``"expand": true`` a response may use the match's groups (``\\1``, ``\\g<name>``).
``finish_reason`` (default ``"stop"``) may be set per rule to test truncation handling.
With no applicable rule, ``default`` is the answer; without a default the call fails.
"""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from typing import Any

from learnact.errors import BadInput
from learnact.llm.errors import LLMError
from learnact.llm.purposes import PURPOSES
from learnact.llm.types import RawCompletion, Request, approx_tokens

THEN = ("repeat_last", "cycle", "fail")


class _Rule:
    def __init__(self, raw: dict[str, Any], where: str) -> None:
        if not isinstance(raw, dict):
            raise BadInput(f"{where}: a rule must be an object")
        unknown = set(raw) - {
            "purpose",
            "family",
            "match",
            "response",
            "responses",
            "then",
            "expand",
            "finish_reason",
            "name",
        }
        if unknown:
            raise BadInput(f"{where}: unknown rule field(s) {', '.join(sorted(unknown))}")
        purpose = raw.get("purpose", "*")
        self.purposes = (
            None if purpose == "*" else set([purpose] if isinstance(purpose, str) else purpose)
        )
        if self.purposes is not None and not self.purposes <= set(PURPOSES):
            raise BadInput(
                f"{where}: unknown purpose(s) {', '.join(sorted(self.purposes - set(PURPOSES)))}"
            )
        self.family = raw.get("family")
        try:
            self.match = re.compile(raw["match"], re.DOTALL) if raw.get("match") else None
        except re.error as e:
            raise BadInput(f"{where}: bad regex in match: {e}") from e
        if ("response" in raw) == ("responses" in raw):
            raise BadInput(f"{where}: give exactly one of response / responses")
        self.responses = [raw["response"]] if "response" in raw else list(raw["responses"])
        if not self.responses or not all(isinstance(r, str) for r in self.responses):
            raise BadInput(f"{where}: responses must be a non-empty list of strings")
        self.then = raw.get("then", "repeat_last")
        if self.then not in THEN:
            raise BadInput(f"{where}: then must be one of {', '.join(THEN)}")
        self.expand = bool(raw.get("expand", False))
        self.finish_reason = raw.get("finish_reason", "stop")
        self.name = raw.get("name", where)
        self.used = 0

    def applies(self, request: Request) -> re.Match[str] | bool | None:
        if self.purposes is not None and request.purpose not in self.purposes:
            return None
        if self.family is not None and request.family != self.family:
            return None
        if self.match is None:
            return True
        return self.match.search(request.last_message)

    def next_response(self) -> str:
        i = self.used
        self.used += 1
        if i < len(self.responses):
            return self.responses[i]
        if self.then == "cycle":
            return self.responses[i % len(self.responses)]
        if self.then == "fail":
            raise LLMError(f"scripted rule {self.name} ran out of responses")
        return self.responses[-1]


class ScriptedBackend:
    #: A grammar is taken (it is part of the request and its cache key) but not applied:
    #: scripted answers are given as written, so tests can script what a constrained
    #: model would answer.
    supports_grammar = True

    def __init__(self, script: str | Path | dict[str, Any]) -> None:
        if isinstance(script, dict):
            data, where = script, "script"
        else:
            path = Path(script)
            if not path.is_file():
                raise BadInput(f"scripted model file not found: {path}")
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except ValueError as e:
                raise BadInput(f"{path}: not valid JSON: {e}") from e
            where = str(path)
        if not isinstance(data, dict) or not isinstance(data.get("rules", []), list):
            raise BadInput(f"{where}: expected an object with a list of rules")
        self.model_name = f"scripted:{where}"
        self.rules = [_Rule(r, f"{where}: rule {i}") for i, r in enumerate(data.get("rules", []))]
        self.default = data.get("default")
        self._lock = threading.Lock()

    def generate(self, request: Request) -> RawCompletion:
        """The answer of the first rule that applies (module docstring), else ``default``; token
        counts are `approx_tokens` estimates (about 4 characters a token). Raises `LLMError` when no
        rule applies and there is no default, or when a rule with ``then: fail`` runs out of
        responses. Thread-safe."""
        with self._lock:
            for rule in self.rules:
                m = rule.applies(request)
                if m:
                    text = rule.next_response()
                    if rule.expand and isinstance(m, re.Match):
                        text = m.expand(text)
                    finish = rule.finish_reason
                    break
            else:
                if self.default is None:
                    last = request.last_message.strip().replace("\n", " ")[-80:]
                    raise LLMError(
                        f"{self.model_name}: no rule for purpose {request.purpose} "
                        f"(last message ...{last!r}) and no default"
                    )
                text, finish = self.default, "stop"
        prompt = sum(approx_tokens(c) for _, c in request.messages)
        return RawCompletion(text, finish, prompt, approx_tokens(text))

    def count_tokens(self, text: str) -> int | None:
        """`approx_tokens`: about 4 characters a token."""
        return approx_tokens(text)

    def close(self) -> None:
        """Nothing to release."""
        pass
