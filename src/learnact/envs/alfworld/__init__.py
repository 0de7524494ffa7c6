"""The ALFWorld household environments, on the real TextWorld engine (extra ``alfworld``).

Importing this package registers ``alfworld/<kind>`` for put, clean, heat, cool, examine
and puttwo. It imports nothing from the extra: without ``alfworld``/``textworld`` the
families stay listed and say which extra to install when used.
"""

from __future__ import annotations

from learnact.envs.alfworld.families import AlfworldFamily, alfworld_family
from learnact.envs.alfworld.tasks import KINDS, TASK_TYPES
from learnact.envs.registry import register

__all__ = ["KINDS", "TASK_TYPES", "AlfworldFamily", "alfworld_family"]


def _factory(kind: str):  # noqa: ANN202 - a factory per kind, signature matters
    def factory(
        data_dir: str | None = None,
        split: str = "valid_unseen",
        format: str = "auto",  # noqa: A002
    ) -> AlfworldFamily:
        return alfworld_family(kind, data_dir, split=split, format=format)

    factory.__name__ = f"alfworld_{kind}"
    return factory


for _kind in KINDS:
    register(
        f"alfworld/{_kind}",
        _factory(_kind),
        description=f"ALFWorld {TASK_TYPES[_kind]} games (needs the alfworld extra and data)",
        origin="builtin",
    )
