"""Fixtures for the PDDL environment tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def agentboard_dir(shared_data: Path) -> Path:
    path = shared_data / "pddl" / "agentboard"
    if not path.is_dir():
        message = f"AgentBoard PDDL data not found at {path}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path
