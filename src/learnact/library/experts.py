"""Expert libraries: hand-written action libraries shipped with learnact, one per task type.

They are the reference condition ``expert-library``: the Act agent with actions written by
people (not learned), which says how much a good action space helps a given actor, and
what learned libraries are measured against. Each lives in ``library/examples/<key>/``
(``actions.py`` and ``library.json``, the same format as learned libraries) and is
validated on training tasks only (tests/library/test_experts.py), never on test tasks.

Keys: the four PDDL domains (``gripper``, ``blockworld``, ``tyreworld``, ``barman``; for
``pddl/<kind>`` and ``pddl-gen/<kind>``) and the six ALFWorld task types
(``alfworld-put``, ``-clean``, ``-heat``, ``-cool``, ``-examine``, ``-puttwo``).
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from learnact.envs.base import TaskFamily
from learnact.errors import BadInput
from learnact.library.format import ActionLibrary

PDDL = ("gripper", "blockworld", "tyreworld", "barman")
ALFWORLD = ("put", "clean", "heat", "cool", "examine", "puttwo")
KEYS = PDDL + tuple(f"alfworld-{k}" for k in ALFWORLD)
#: What every report says about the expert-library condition.
LABEL = "written by people, not learned"


def expert_key(family_name: str) -> str | None:
    """The expert library's key for a family name (options in brackets ignored):
    ``pddl-gen/gripper[size=3]`` -> ``gripper``, ``alfworld/put`` -> ``alfworld-put``;
    ``None`` when no expert library covers it."""
    base = family_name.split("[", 1)[0]
    source, _, kind = base.partition("/")
    if source in ("pddl", "pddl-gen") and kind in PDDL:
        return kind
    if source == "alfworld" and kind in ALFWORLD:
        return f"alfworld-{kind}"
    return None


def expert_dir(key: str) -> Path:
    """The directory of the expert library ``key`` (one of `KEYS`; `BadInput` otherwise)."""
    if key not in KEYS:
        raise BadInput(f"no expert library {key!r}; known: {', '.join(KEYS)}")
    return Path(str(files("learnact.library") / "examples" / key))


def expert_library(family: TaskFamily | str) -> ActionLibrary:
    """The shipped expert library for ``family`` (a family or its name), loaded and checked
    against its basic actions when a family is given. Raises `BadInput` when no expert
    library covers the family."""
    name = family if isinstance(family, str) else family.name
    key = expert_key(name)
    if key is None:
        raise BadInput(
            f"no expert library for {name}: there is one for pddl/ and pddl-gen/ "
            f"{', '.join(PDDL)} and alfworld/ {', '.join(ALFWORLD)}"
        )
    library = ActionLibrary.load(str(expert_dir(key)))
    if not isinstance(family, str):
        library.check_calls({a.name for a in family.basic_actions})
    return library
