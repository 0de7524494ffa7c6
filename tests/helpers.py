"""Helpers shared by tests: run the CLI in a subprocess exactly as a user would, and
treat a missing prerequisite as a skip locally but a failure under ``CI=true``."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"


def run_cli(
    *args: str, input: str | None = None, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "PYTHONPATH": str(EXAMPLES), **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "learnact", *args],
        input=input,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
    )


def default_sigint() -> None:
    """``preexec_fn`` for a child that must get KeyboardInterrupt on SIGINT.

    A process started in the background by a non-interactive shell (as CI may start us)
    inherits SIGINT *ignored*, and Python then installs no KeyboardInterrupt handler.
    """
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def missing(message: str) -> None:
    """A prerequisite (model, data set, browser, sandbox mechanism) is absent: under
    ``CI=true`` that is a test failure, never a silent skip; elsewhere a skip."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} (required when CI=true)")
    pytest.skip(message)


def require_module(name: str) -> ModuleType:
    """Import an optional dependency: an ImportError under ``CI=true`` (CI installs every
    extra), a skip of the calling module elsewhere."""
    if os.environ.get("CI") == "true":
        return importlib.import_module(name)
    return pytest.importorskip(name)
