"""Fixtures for the PDDL environment tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import missing


@pytest.fixture(scope="session")
def agentboard_dir(shared_data: Path) -> Path:
    path = shared_data / "pddl" / "agentboard"
    if not path.is_dir():
        missing(f"AgentBoard PDDL data not found at {path}")
    return path
