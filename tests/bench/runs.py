"""The compare run the bench-script tests read: Act and LearnAct on the lights family."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.cli.test_compare import LIGHTS, compare


def act_and_learnact(
    out: Path, model: str, env: dict[str, str], *extra: str
) -> subprocess.CompletedProcess:
    """`learnact compare` of Act and LearnAct (1 candidate, no revision round) on `LIGHTS`
    with ``model`` into ``out`` (``extra``: more options, e.g. ``--json``)."""
    return compare(
        LIGHTS, "--methods", "act,learnact", "--model", model, "--candidates", "1",
        "--rounds", "0", "--out", str(out), *extra, env=env,
    )  # fmt: skip
