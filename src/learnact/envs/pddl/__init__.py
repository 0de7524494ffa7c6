"""The robotic-planning environments: AgentBoard's PDDL tasks and learnact's generated ones.

Importing this package registers ``pddl/<kind>`` (AgentBoard layout data) and
``pddl-gen/<kind>`` (generated, no data) for gripper, blockworld, tyreworld and barman.
"""

from __future__ import annotations

from learnact.envs.pddl.families import PddlFamily, agentboard_family, generated_family
from learnact.envs.pddl.generators import KINDS
from learnact.envs.registry import register

__all__ = ["KINDS", "PddlFamily", "agentboard_family", "generated_family"]


def _agentboard_factory(kind: str):  # noqa: ANN202 - a factory per kind, signature matters
    def factory(data_dir: str | None = None) -> PddlFamily:
        return agentboard_family(kind, data_dir)

    factory.__name__ = f"pddl_{kind}"
    return factory


def _generated_factory(kind: str):  # noqa: ANN202
    def factory(
        data_dir: str | None = None, tasks: str = "20", seed: str = "0", size: str | None = None
    ) -> PddlFamily:
        return generated_family(kind, data_dir, tasks=tasks, seed=seed, size=size)

    factory.__name__ = f"pddl_gen_{kind}"
    return factory


for _kind in KINDS:
    register(
        f"pddl/{_kind}",
        _agentboard_factory(_kind),
        description=f"AgentBoard PDDL {_kind} problems (needs data)",
        origin="builtin",
    )
    register(
        f"pddl-gen/{_kind}",
        _generated_factory(_kind),
        description=f"generated {_kind} problems (no data needed)",
        origin="builtin",
    )
