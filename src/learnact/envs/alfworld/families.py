"""ALFWorld task families ``alfworld/<kind>``: the games of one task type in one data split."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from learnact.envs.alfworld import known_sets, locate
from learnact.envs.alfworld.commands import BASIC_ACTIONS, NEW, OLD, Format, translate
from learnact.envs.alfworld.engine import extra_missing
from learnact.envs.alfworld.episode import AlfworldEpisode
from learnact.envs.alfworld.examples import example_text, stored
from learnact.envs.alfworld.knowledge import instruction
from learnact.envs.alfworld.tasks import DEFAULT_SPLIT, TASK_TYPES
from learnact.envs.base import BasicAction, DataSource, Split, TaskFamily, TaskSpec
from learnact.envs.data import fingerprint
from learnact.envs.splits import DEFAULT_SEED, paper_split, seeded_split
from learnact.errors import BadInput, DataNotFound

FORMATS = ("auto", OLD, NEW)


# The goal sentence, and the words of ALFWorld's six goal templates that are no object
# type ("put a clean mug in desk", "look at book under the desklamp", "find two pillow
# and put them in sofa"; alfworld's task descriptions).
_GOAL = re.compile(r"Your task is to: ([^.\n]*)")
_GOAL_WORDS = frozenset(
    [
        "a",
        "an",
        "some",
        "the",
        "two",
        "put",
        "place",
        "find",
        "and",
        "it",
        "them",
        "in",
        "on",
        "into",
        "onto",
        "at",
        "under",
        "with",
        "to",
        "clean",
        "hot",
        "heat",
        "cool",
        "cold",
        "look",
        "examine",
    ]
)


class AlfworldFamily(TaskFamily):
    """The games of one task type. Each episode loads its own engine instance."""

    step_budget = 20
    history_window = 50  # observations are short events: the agent sees more of them
    state_observations = False  # observations are events, not the whole state
    concurrency = "serialized"  # TextWorld's parsers are module-level (engine.ENGINE_LOCK)
    decompose_creation = True  # the learner uses the paper's "decompose" creation prompt
    #: the ALFWorld data directory the games came from (set by `alfworld_family`)
    alfworld_dir: Path | None = None

    def splits_found(self) -> dict[str, int]:
        """Every split in the data directory with its game files of this task type
        (``{"valid_unseen": 24, ...}``): globbed when a listing asks, not at start-up."""
        if self.alfworld_dir is None:
            return {}
        return {
            s: locate.count_games(locate.split_dir(self.alfworld_dir, s), self.kind)
            for s in locate.splits(self.alfworld_dir)
        }

    def terms_in(self, text: str, task: int) -> list[str]:
        """Object types, in order of first mention: the goal's (``saltshaker`` and
        ``drawer`` in "put some saltshaker on drawer") and those of the objects ``text``
        names (``mug`` for ``mug 1``). The expert libraries' and many learned actions take
        a type where no object of it has been seen yet (``find_and_take('mug', ...)``)."""
        found: list[str] = []
        for goal in _GOAL.findall(text):
            found += [w for w in re.findall(r"[a-z]+", goal.lower()) if w not in _GOAL_WORDS]
        found += [name.rsplit(" ", 1)[0] for name in self.names_in(text, task) if " " in name]
        return list(dict.fromkeys(found))

    def describe(self) -> dict[str, Any]:
        """`TaskFamily.describe` plus ``data_split`` (the split in use) and ``splits``."""
        return {**super().describe(), "data_split": self.data_split, "splits": self.splits_found()}

    def __init__(
        self,
        kind: str,
        games: list[locate.GameFile],
        split: Split,
        source: DataSource,
        data_split: str,
    ) -> None:
        self.name = f"alfworld/{kind}"
        self.kind = kind
        self.data_split = data_split
        self._games = games
        self._split = split
        self._source = source

    @property
    def format(self) -> Format:
        """The game format most of this family's games use (picks the worked example)."""
        counts = Counter(g.format for g in self._games)
        return NEW if counts[NEW] > counts[OLD] else OLD

    @property
    def instruction(self) -> str:
        """The household instruction plus this task type's sentence
        (`learnact.envs.alfworld.knowledge.instruction`)."""
        return instruction(self.kind)

    @property
    def basic_actions(self) -> list[BasicAction]:
        """ALFWorld's commands as basic actions (`commands.BASIC_ACTIONS`), the same for every task
        type."""
        return list(BASIC_ACTIONS)

    @property
    def example(self) -> str:
        """This task type's worked example, in the game format most of the games use."""
        return example_text(self.kind, self.format)

    def example_tasks(self, indices: Iterable[int]) -> list[int]:
        """Those of ``indices`` that are the game the worked example was recorded in (a train
        game of the paper's split, `examples.stored`), matched by its folders."""
        game = stored()[self.kind]["game"].rsplit("/", 1)[0]
        return [i for i in indices if self._games[i].rel.rsplit("/", 1)[0] == game]

    @property
    def tasks(self) -> list[TaskSpec]:
        """One `TaskSpec` per game in sorted path order, named by its folders
        (``<task folder>/<trial>``), with the game file's path and sha256."""
        return [
            TaskSpec(i, g.rel.rsplit("/", 1)[0], str(g.path), g.sha256)
            for i, g in enumerate(self._games)
        ]

    @property
    def split(self) -> Split:
        """The paper's train/test split when the games match a known set (`known_sets`), else one
        seeded with `DEFAULT_SEED`."""
        return self._split

    @property
    def source(self) -> DataSource:
        """Where the games came from: directory, known set, fingerprint and warnings."""
        return self._source

    def as_call(self, command: str) -> str:
        """An engine command as the call the agent writes; the newer format's ``move X to Y``
        becomes ``put('X', 'Y')``."""
        # The newer format's "move X to Y" is the put action (the old format's template).
        return super().as_call(translate(command, OLD))

    def make_episode(self, index: int) -> AlfworldEpisode:
        """A fresh episode of game ``index`` (0-based; `BadInput` when out of range). The engine
        loads on its first ``reset()``."""
        self.check_task(index, len(self._games))
        game = self._games[index]
        return AlfworldEpisode(game.path, game.format)


def alfworld_family(
    kind: str,
    data_dir: str | None = None,
    split: str = DEFAULT_SPLIT,
    format: str = "auto",  # noqa: A002 - the option's user-facing name
) -> AlfworldFamily:
    """``alfworld/<kind>[split=valid_unseen,format=auto|old|new]``."""
    if kind not in TASK_TYPES:
        raise BadInput(f"unknown ALFWorld task type {kind!r}; known: {', '.join(TASK_TYPES)}")
    if format not in FORMATS:
        raise BadInput(f"option format must be one of {', '.join(FORMATS)} (got {format!r})")
    problem = extra_missing()
    if problem:
        raise BadInput(problem)
    alfworld_dir, how = locate.resolve(data_dir, format)
    directory = locate.split_dir(alfworld_dir, split)
    games = locate.games(directory, kind)
    if not games:
        raise DataNotFound(f"no solvable {TASK_TYPES[kind]} games in {directory}. {locate.HINT}")
    formats = {g.format for g in games}
    if format != "auto" and formats != {format}:
        raise BadInput(
            f"format={format} asked for, but the games in {directory} are in the "
            f"{'/'.join(sorted(formats))} format"
        )
    hashes = {g.rel: g.sha256 for g in games}
    known, diffs = known_sets.match(kind, split, hashes)
    warnings = []
    if known is None:
        split_obj = seeded_split(len(games), seed=DEFAULT_SEED)
        warnings.append(
            f"{'; '.join(diffs)}: using a seeded split (seed {DEFAULT_SEED}) instead of the paper's"
        )
    else:
        split_obj = paper_split(len(games), known.train)
    source = DataSource(
        path=str(directory),
        description=(
            f"ALFWorld {TASK_TYPES[kind]} games, split {split} "
            f"({'/'.join(sorted(formats))} format; {alfworld_dir} from {how})"
        ),
        known_set=known.label if known else None,
        fingerprint=fingerprint(hashes.items()),
        warnings=tuple(warnings),
    )
    family = AlfworldFamily(kind, games, split_obj, source, split)
    family.alfworld_dir = alfworld_dir
    return family
