"""ALFWorld's six task types: family kind -> game folder prefix (as in ALFWorld's TASK_TYPES)."""

from __future__ import annotations

TASK_TYPES: dict[str, str] = {
    "put": "pick_and_place_simple",
    "clean": "pick_clean_then_place_in_recep",
    "heat": "pick_heat_then_place_in_recep",
    "cool": "pick_cool_then_place_in_recep",
    "examine": "look_at_obj_in_light",
    "puttwo": "pick_two_obj_and_place",
}
KINDS = tuple(TASK_TYPES)
GAME_FILE = "game.tw-pddl"
DEFAULT_SPLIT = "valid_unseen"


def kind_of(folder: str) -> str | None:
    """The task kind of a game folder such as ``pick_and_place_simple-Mug-None-Desk-308``."""
    for kind, prefix in TASK_TYPES.items():
        if folder.startswith(prefix + "-"):
            return kind
    return None
