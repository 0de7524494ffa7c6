"""The known ALFWorld game sets (relative paths + sha256, no content) and the paper's split.

Two recordings of the paper's test set (the 134 ``valid_unseen`` games) are known: the
json_2.1.1 games LearnAct, ReAct and Reflexion used, and the same games in the newer format.
The paper's train indices apply when a family's files match one of them exactly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any


@cache
def known_sets() -> dict[str, Any]:
    """The packaged ``known_sets.json``, read once: recording -> ``label``, ``source``, ``split``
    and ``families`` (kind -> ``games``: path relative to the split directory -> sha256, and
    ``train``: the paper's 0-based train indices)."""
    return json.loads((files("learnact.envs.alfworld") / "known_sets.json").read_text("utf-8"))


@dataclass(frozen=True)
class KnownGames:
    label: str
    split: str  # the data split these games come from, e.g. "valid_unseen"
    games: dict[str, str]  # path relative to the split directory -> sha256
    train: tuple[int, ...]


def known_games(kind: str) -> list[KnownGames]:
    """Every known recording of task type ``kind``'s games (the json_2.1.1 games of the paper, and
    the same games in the newer format), with the paper's train indices. `KeyError` for an unknown
    kind."""
    out = []
    for entry in known_sets().values():
        fam = entry["families"][kind]
        out.append(
            KnownGames(entry["label"], entry["split"], dict(fam["games"]), tuple(fam["train"]))
        )
    return out


def differences(known: KnownGames, games: dict[str, str]) -> list[str]:
    """How a game set differs from a known one (empty when it matches exactly)."""
    missing = sorted(set(known.games) - set(games))
    extra = sorted(set(games) - set(known.games))
    changed = sorted(n for n in set(games) & set(known.games) if games[n] != known.games[n])
    out = []
    for what, names in (("missing", missing), ("extra", extra), ("changed", changed)):
        if names:
            shown = ", ".join(names[:2]) + (" ..." if len(names) > 2 else "")
            out.append(f"{len(names)} {what} game file(s) ({shown})")
    return out


def match(kind: str, split: str, games: dict[str, str]) -> tuple[KnownGames | None, list[str]]:
    """The known set ``games`` equals, else None and how it differs from the closest one."""
    best: tuple[int, list[str]] | None = None
    for known in known_games(kind):
        if known.split != split:
            continue
        diffs = differences(known, games)
        if not diffs:
            return known, []
        score = len(set(known.games.items()) ^ set(games.items()))
        if best is None or score < best[0]:
            best = (score, [f"differs from {known.label}: " + "; ".join(diffs)])
    if best is None:
        return None, [f"no known game set for split {split!r}"]
    return None, best[1]
