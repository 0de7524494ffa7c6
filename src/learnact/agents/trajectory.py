"""Episodes as structured data: every step, prompt, completion and sub-action.

Trajectories are written as JSON lines. Prompts are large and repeat across episodes
(e.g. a Code-as-Policies prompt per task), so each distinct prompt is stored once, keyed
by its sha256, and steps refer to it by hash.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

StepKind = Literal["action", "think", "check", "unparsable", "program"]


def prompt_hash(messages: list[dict[str, str]]) -> str:
    """The key of a prompt: the sha256 hex digest (64 characters) of ``messages`` as JSON with
    sorted keys."""
    return hashlib.sha256(json.dumps(messages, sort_keys=True).encode()).hexdigest()


@dataclass
class SubAction:
    command: str
    observation: str
    valid: bool


@dataclass
class StepRecord:
    index: int
    kind: StepKind
    prompt: str | None  # hash into the prompt store
    completion: str  # raw text from the model
    call: str | None  # the parsed line that ran, if any
    observation: str
    valid: bool
    sub_actions: list[SubAction] = field(default_factory=list)
    learned_call: str | None = None  # name of the learned action called, if it was one
    error: str | None = None
    won: bool = False
    progress: float | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency_s: float = 0.0
    resampled: int = 0  # answers replaced by the repeat guard (see agents/act.py)
    # A reasoning model's thinking for the answer taken (never parsed as the action).
    reasoning: str | None = None


@dataclass
class EpisodeRecord:
    family: str
    task: int
    task_name: str
    method: str
    model: str
    steps: list[StepRecord] = field(default_factory=list)
    won: bool = False
    progress: float | None = None
    # The progress rate of the starting state (goal conditions already true before any
    # step), so that reports can say what an episode gained rather than where it ended.
    start_progress: float | None = None
    goal: str = ""
    first_observation: str = ""
    phase: str = "test"  # "train" for episodes a method learns from (e.g. Reflexion)
    library: str | None = None  # library fingerprint or path, for learnact
    data_source: dict[str, Any] | None = None
    error: str | None = None

    @property
    def n_steps(self) -> int:
        """Agent steps taken (every answer: actions, thoughts, checks, unparsable ones)."""
        return len(self.steps)

    @property
    def n_basic_actions(self) -> int:
        """Environment commands run over all steps (a learned call or a program counts each basic
        action it ran)."""
        return sum(len(s.sub_actions) for s in self.steps)

    def summary(self) -> dict[str, Any]:
        """The episode's headline figures (the run store's ``episodes`` row): who and what, ``won``,
        ``progress`` and ``start_progress`` (before the first step), step and basic-action
        counts, prompt and completion tokens summed over the steps, and ``error``."""
        return {
            "family": self.family,
            "task": self.task,
            "task_name": self.task_name,
            "method": self.method,
            "model": self.model,
            "phase": self.phase,
            "won": self.won,
            "progress": self.progress,
            "start_progress": self.start_progress,
            "steps": self.n_steps,
            "basic_actions": self.n_basic_actions,
            "prompt_tokens": sum(s.prompt_tokens for s in self.steps),
            "completion_tokens": sum(s.completion_tokens for s in self.steps),
            "error": self.error,
        }

    def to_dict(self) -> dict[str, Any]:
        """Every field as JSON data plus ``"summary"`` (one line of ``trajectories.jsonl``)."""
        d = asdict(self)
        d["summary"] = self.summary()
        return d


class TrajectoryWriter:
    """Appends episodes to ``trajectories.jsonl`` and new prompts to ``prompts.jsonl``.

    Each line is written whole and flushed, so a crash loses at most the line being
    written; readers skip a torn last line.
    """

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.episodes_path = self.dir / "trajectories.jsonl"
        self.prompts_path = self.dir / "prompts.jsonl"
        self._seen = {rec["hash"] for rec in read_jsonl(self.prompts_path)}
        self._lock = threading.Lock()

    def add_prompt(self, messages: list[dict[str, str]]) -> str:
        """Append ``messages`` to ``prompts.jsonl`` unless already there; returns their
        `prompt_hash`. Thread-safe."""
        h = prompt_hash(messages)
        with self._lock:
            if h not in self._seen:
                _append_line(self.prompts_path, {"hash": h, "messages": messages})
                self._seen.add(h)
        return h

    def add_episode(self, episode: EpisodeRecord) -> None:
        """Append ``episode`` (`EpisodeRecord.to_dict`) to ``trajectories.jsonl``, flushed and
        fsynced. Thread-safe."""
        with self._lock:
            _append_line(self.episodes_path, episode.to_dict())


# Characters json.dumps(ensure_ascii=False) leaves raw that a JSON-lines file cannot hold
# as such: lone surrogates (a Python string can hold one, from an environment's text or an
# error message; UTF-8 cannot encode it) and the line breaks str.splitlines() knows beyond
# the C0 ones JSON always escapes (NEL, U+2028, U+2029).
_UNWRITABLE = re.compile("[\x85\u2028\u2029\ud800-\udfff]")


def json_line(record: dict[str, Any]) -> str:
    """``record`` as one line of JSON that can be written as UTF-8 whatever its strings hold:
    non-ASCII text stays readable; a lone surrogate or a line separator (which only occur
    inside JSON strings) is written as its ``\\uXXXX`` escape and reads back as the same
    string."""
    line = json.dumps(record, ensure_ascii=False)
    return _UNWRITABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", line) + "\n"


def _append_line(path: Path, record: dict[str, Any]) -> None:
    line = json_line(record)
    with open(path, "a", encoding="utf-8") as f:
        f.write(line)
        f.flush()
        os.fsync(f.fileno())


def read_jsonl(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Records of a JSON-lines file (``[]`` when it does not exist). A torn last line (a
    crash mid-write) is skipped; an undecodable line anywhere else is damage, not a
    crash, and raises `learnact.errors.LearnactError` naming the file and line."""
    from learnact.errors import LearnactError

    p = Path(path)
    if not p.exists():
        return []
    out = []
    # Records end at "\n" only: str.splitlines() would also split at a NEL or U+2028 that an
    # older writer left raw inside a string.
    lines = p.read_text(encoding="utf-8").split("\n")
    last = max((i for i, line in enumerate(lines) if line.strip()), default=-1)
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError as e:
            if i == last:
                continue
            raise LearnactError(
                f"{p}: line {i + 1} is not valid JSON ({e.msg}); damaged file"
            ) from e
    return out
