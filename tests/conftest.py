"""Fixtures shared by the whole test suite."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.helpers import missing

# The read-only benchmark data lives beside the repository (../shared/data) unless
# LEARNACT_DATA points elsewhere.
DEFAULT_SHARED_DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The benchmark data root; skips (fails on CI) when it is missing."""
    path = Path(os.environ.get("LEARNACT_DATA") or DEFAULT_SHARED_DATA).resolve()
    if not (path / "pddl" / "agentboard").is_dir() and not (path / "alfworld").is_dir():
        missing(f"benchmark data not found at {path} (set LEARNACT_DATA)")
    return path
