"""Model spec strings: ``<provider>:<model>[@<base_url>]``.

The provider is the text before the first ``:``. An optional base URL is the text after
the *last* ``@`` when it starts with ``http`` -- so Ollama names such as
``qwen2.5-coder:1.5b`` (a ``:`` inside the model) and models with ``@`` in their names
survive::

    openai:gpt-4o-mini
    openai:qwen2.5-coder:1.5b@http://127.0.0.1:11434/v1
    anthropic:claude-3-5-haiku-latest
    local:qwen2.5-coder-1.5b
    local:/models/my-model.Q4_K_M.gguf
    scripted:tests/fixtures/gripper.json
"""

from __future__ import annotations

from dataclasses import dataclass

from learnact.llm.errors import BadModelSpec

PROVIDERS = ("openai", "anthropic", "local", "scripted")
DEFAULT_MODEL = "local:qwen2.5-coder-1.5b"
DEFAULT_LEARNER_MODEL = DEFAULT_MODEL


@dataclass(frozen=True)
class ModelSpec:
    provider: str
    model: str
    base_url: str | None = None

    def __str__(self) -> str:
        return f"{self.provider}:{self.model}" + (f"@{self.base_url}" if self.base_url else "")

    @property
    def hosted(self) -> bool:
        """Whether the provider is a hosted API (``openai``, ``anthropic``; also with a base URL):
        only their calls are priced."""
        return self.provider in ("openai", "anthropic")


def parse_spec(spec: str) -> ModelSpec:
    """A `ModelSpec` from ``<provider>:<model>[@<base_url>]`` (module docstring): the provider is
    lower-cased; the base URL is the text after the last ``@`` when it starts with ``http``. Raises
    `BadModelSpec` (CLI exit 2) for a malformed spec, an unknown provider, an empty model name, or a
    base URL for a provider that takes none."""
    if not isinstance(spec, str) or ":" not in spec:
        raise BadModelSpec(
            f"malformed model spec {spec!r}: expected <provider>:<model>, provider one of "
            f"{', '.join(PROVIDERS)} (e.g. {DEFAULT_MODEL}, openai:gpt-4o-mini)"
        )
    provider, rest = spec.split(":", 1)
    provider = provider.strip().lower()
    if provider not in PROVIDERS:
        raise BadModelSpec(
            f"unknown model provider {provider!r} in {spec!r}; one of: {', '.join(PROVIDERS)}"
        )
    base_url = None
    if "@" in rest:
        head, tail = rest.rsplit("@", 1)
        if tail.startswith("http"):
            rest, base_url = head, tail.rstrip("/")
    model = rest.strip()
    if not model:
        raise BadModelSpec(f"malformed model spec {spec!r}: no model after {provider}:")
    if base_url and provider not in ("openai", "anthropic"):
        raise BadModelSpec(f"{provider}: models take no base URL ({spec!r})")
    return ModelSpec(provider, model, base_url)
