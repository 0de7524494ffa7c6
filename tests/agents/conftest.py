"""Fixtures for agent tests: a real sandbox, scripted models and a small family."""

from __future__ import annotations

import json
import sys

import pytest

from learnact.llm import make_model
from learnact.sandbox import Sandbox
from tests.helpers import EXAMPLES


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox() as sb:
        yield sb


@pytest.fixture
def lights():
    sys.path.insert(0, str(EXAMPLES))
    try:
        from lights_env import LightsFamily
    finally:
        sys.path.remove(str(EXAMPLES))
    return LightsFamily(tasks="3")


@pytest.fixture
def scripted(tmp_path):
    """Build a scripted model from rules: ``scripted(rules, default=None)``."""
    counter = iter(range(1000))

    def make(rules, default=None):
        path = tmp_path / f"script{next(counter)}.json"
        data = {"rules": rules}
        if default is not None:
            data["default"] = default
        path.write_text(json.dumps(data))
        return make_model(f"scripted:{path}")

    return make


from tests.llm.conftest import llama_cpp_module, smollm, smollm_path  # noqa: E402, F401 - shared fixtures
