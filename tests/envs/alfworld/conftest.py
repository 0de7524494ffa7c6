"""Fixtures for the ALFWorld tests: the real engine on the shared data (both game formats)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from learnact.envs.alfworld import alfworld_family
from learnact.envs.alfworld.engine import extra_missing
from tests.helpers import missing

SPLIT = Path("json_2.1.1") / "valid_unseen"


@pytest.fixture(scope="session")
def engine_installed() -> None:
    problem = extra_missing()
    if problem:
        missing(problem)


@pytest.fixture(scope="session")
def old_dir(shared_data: Path) -> Path:
    """The json_2.1.1 games (the paper's format)."""
    path = shared_data / "alfworld"
    if not (path / SPLIT).is_dir():
        missing(f"ALFWorld data not found at {path}")
    return path


@pytest.fixture(scope="session")
def new_dir(shared_data: Path) -> Path:
    """The same games in the newer format (with a walkthrough in each game file)."""
    path = shared_data / "alfworld-newformat"
    if not (path / SPLIT).is_dir():
        missing(f"ALFWorld new-format data not found at {path}")
    return path


@pytest.fixture(scope="session")
def families(engine_installed, old_dir, new_dir):  # noqa: ANN001, ANN201
    """``families[(kind, "old"|"new")]`` for every kind and both formats."""
    from learnact.envs.alfworld.tasks import KINDS

    out = {}
    for kind in KINDS:
        out[(kind, "old")] = alfworld_family(kind, str(old_dir))
        out[(kind, "new")] = alfworld_family(kind, str(new_dir))
    return out


@pytest.fixture(scope="session")
def walkthrough(new_dir: Path):  # noqa: ANN201
    """``walkthrough(family, index)``: the task's winning commands (new-format game file)."""

    def get(family, index: int) -> list[str]:  # noqa: ANN001
        rel = Path(family.tasks[index].path).relative_to(family.source.path)
        return json.loads((new_dir / SPLIT / rel).read_text())["walkthrough"]

    return get


@pytest.fixture(scope="module")
def sandbox_factory():  # noqa: ANN201
    """``run(code)``: run one line of agent code in a real sandbox, with no actions."""
    from learnact.sandbox import Sandbox

    with Sandbox() as sb:

        def run(code: str):  # noqa: ANN202
            return sb.run(code, actions=[], execute=lambda c: ("", False))

        yield run


@pytest.fixture(scope="module")
def sandbox_agent():  # noqa: ANN201
    from learnact.sandbox import Sandbox

    with Sandbox() as sb:
        yield sb
