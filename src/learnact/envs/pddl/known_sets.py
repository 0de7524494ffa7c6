"""The known benchmark file sets (names + sha256, no content) and their paper splits."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

AGENTBOARD = "agentboard"


@cache
def known_sets() -> dict[str, Any]:
    """The packaged ``known_sets.json``, read once: set -> ``label``, ``source`` and ``families``
    (kind -> ``domain`` file and sha256, ``problems``: file name -> sha256, and ``train``: the
    paper's 0-based train indices)."""
    return json.loads((files("learnact.envs.pddl") / "known_sets.json").read_text("utf-8"))


@dataclass(frozen=True)
class KnownFamily:
    label: str  # e.g. "agentboard@bb7255e"
    domain_file: str
    domain_sha256: str
    problems: dict[str, str]  # file name -> sha256
    train: tuple[int, ...]


def agentboard(kind: str) -> KnownFamily:
    """AgentBoard's PDDL files for task type ``kind`` (hkust-nlp/AgentBoard at commit bb7255e; names
    and sha256 only) and the paper's train indices. `KeyError` for an unknown kind."""
    entry = known_sets()[AGENTBOARD]
    fam = entry["families"][kind]
    return KnownFamily(
        label=entry["label"],
        domain_file=fam["domain"]["file"],
        domain_sha256=fam["domain"]["sha256"],
        problems=dict(fam["problems"]),
        train=tuple(fam["train"]),
    )


def differences(known: KnownFamily, domain_sha: str, problems: dict[str, str]) -> list[str]:
    """How a file set differs from the known one (empty when it matches exactly)."""
    out = []
    if domain_sha != known.domain_sha256:
        out.append(f"{known.domain_file} differs")
    missing = sorted(set(known.problems) - set(problems))
    extra = sorted(set(problems) - set(known.problems))
    changed = sorted(
        n for n in set(problems) & set(known.problems) if problems[n] != known.problems[n]
    )
    for what, names in (("missing", missing), ("extra", extra), ("changed", changed)):
        if names:
            shown = ", ".join(names[:3]) + (" ..." if len(names) > 3 else "")
            out.append(f"{len(names)} {what} problem file(s) ({shown})")
    return out
