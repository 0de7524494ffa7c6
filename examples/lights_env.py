"""A complete user environment for learnact: switch lamps on and off.

Use it without editing learnact, by class path::

    PYTHONPATH=examples learnact play lights_env:LightsFamily --task 0

or register it from your package's pyproject.toml::

    [project.entry-points."learnact.envs"]
    "lights/basic" = "lights_env:LightsFamily"
"""

from __future__ import annotations

import random

from learnact.envs import (
    BasicAction,
    DataSource,
    Episode,
    ResetResult,
    Split,
    StepResult,
    TaskFamily,
    TaskSpec,
)
from learnact.envs.splits import seeded_split


class LightsEpisode(Episode):
    def __init__(self, lamps: list[str], goal_on: set[str]) -> None:
        self.lamps = lamps
        self.goal_on = goal_on
        self.on: set[str] = set()

    def _observation(self) -> str:
        lit = ", ".join(sorted(self.on)) or "none"
        return f"Lamps that are on: {lit}."

    def reset(self) -> ResetResult:
        self.on = set()
        goal = "Exactly these lamps are on: " + ", ".join(sorted(self.goal_on)) + "."
        return ResetResult(self._observation(), goal)

    def step(self, command: str) -> StepResult:
        verb, _, lamp = command.strip().lower().partition(" ")
        if lamp not in self.lamps or verb not in ("on", "off"):
            return StepResult(
                "The action is not valid and therefore takes no effect.", False, False
            )
        (self.on.add if verb == "on" else self.on.discard)(lamp)
        return StepResult(self._observation(), True, self.on == self.goal_on)

    def valid_actions(self) -> list[str]:
        return [f"{verb} {lamp}" for lamp in self.lamps for verb in ("on", "off")]


class LightsFamily(TaskFamily):
    name = "lights/basic"
    step_budget = 10

    def __init__(self, data_dir: str | None = None, tasks: str = "6", seed: str = "0") -> None:
        rng = random.Random(int(seed))
        self._lamps = [f"lamp{i}" for i in range(4)]
        self._goals = [set(rng.sample(self._lamps, 2)) for _ in range(int(tasks))]

    instruction = "You control lamps. Switch lamps on or off until exactly the goal lamps are on."
    example = (
        "Goal: Exactly these lamps are on: lamp1, lamp2.\n"
        "Observation: Lamps that are on: none.\n"
        "Action: switch_on('lamp1')\n"
        "Observation: Lamps that are on: lamp1.\n"
        "Action: switch_on('lamp2')\n"
        "Observation: Lamps that are on: lamp1, lamp2."
    )

    @property
    def basic_actions(self) -> list[BasicAction]:
        return [
            BasicAction("switch_on", ("lamp",), "Switch a lamp on.", "on {lamp}"),
            BasicAction("switch_off", ("lamp",), "Switch a lamp off.", "off {lamp}"),
        ]

    @property
    def tasks(self) -> list[TaskSpec]:
        return [TaskSpec(i, f"lights-{i}") for i in range(len(self._goals))]

    @property
    def split(self) -> Split:
        return seeded_split(len(self._goals))

    @property
    def source(self) -> DataSource:
        return DataSource(path=None, description="generated in code (examples/lights_env.py)")

    def make_episode(self, index: int) -> Episode:
        return LightsEpisode(self._lamps, self._goals[index])
