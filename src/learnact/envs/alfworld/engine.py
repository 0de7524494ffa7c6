"""Load one ALFWorld game file into the real TextWorld PDDL engine (one instance per episode).

This is what ALFWorld's ``AlfredTWEnv`` does per game, without the gym batching and
without importing the ``alfworld`` package (whose import creates ``~/.cache/alfworld`` and
overwrites ``$ALFWORLD_DATA``): a ``textworld.envs.pddl.PddlEnv`` loads the game's JSON
(``pddl_domain``, ``grammar``, ``pddl_problem``), and entity names are demangled exactly
like ``alfworld.agents.environment.alfred_tw_env.AlfredDemangler`` (``mug_bar__minus_...``
becomes ``mug 1``).

The engine never sees the game's ``walkthrough`` (it is dropped before loading) and is
asked for no expert plan or policy commands: nothing here can reveal a solution. The
facts TextWorld keeps of the current state are read for one thing only, telling whether
a command changed the state (`GameEngine.state_facts`, the repeat guard); they are never
shown to an agent.

Each engine owns a private copy of fast-downward's shared library (that is how
``PddlEnv`` keeps instances apart: the library has global state). Copies are costly
(34 MB each, never unloaded), so a closed engine hands its copy to a pool for the next one.

Concurrency: TextWorld parses game grammars and PDDL, and derives every feedback text,
with module-level tatsu parsers (``textworld.envs.pddl.logic._PARSER`` and
``textworld.envs.pddl.textgen._PARSER``) that keep state while they parse. Two threads
loading or stepping games at once corrupt each other ("pop from empty list", "expecting
'template'"). So every engine call (load, reset, step) holds one process-wide lock
(`ENGINE_LOCK`): ALFWorld episodes may run in many threads, and their engine work is
serialized (it takes milliseconds; the LLM calls around it still overlap).
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from pathlib import Path
from typing import Any

from learnact.errors import BadInput, LearnactError, MalformedTask

EXTRA_HINT = "install the optional extra: pip install 'learnact[alfworld]'"

_pool: list[Any] = []
_pool_lock = threading.Lock()
#: Held around every TextWorld call (see the module docstring).
ENGINE_LOCK = threading.RLock()


class EngineError(LearnactError):
    """The TextWorld engine failed on a game file that is itself well-formed (exit 1)."""


def extra_missing() -> str | None:
    """Why the ALFWorld engine cannot run here, or None when it can."""
    try:
        import fast_downward  # noqa: F401
        import textworld  # noqa: F401
        from textworld.envs.pddl import PddlEnv  # noqa: F401
    except ImportError as e:
        return f"the ALFWorld engine is not installed ({e.name or e}); {EXTRA_HINT}"
    return None


def demangled_names(ids: list[str]) -> dict[str, str]:
    """ALFWorld's display names for engine ids (same algorithm as alfworld's Demangler)."""
    ordered = sorted(ids)
    counts: Counter[str] = Counter()
    for ident in ordered:
        parts = ident.split("_bar_", 1)
        if len(parts) > 1:
            counts[parts[0] + ("basin" if "basin" in ident else "")] += 1
    numbers = {name: list(range(1, n + 1)) for name, n in counts.most_common()}
    names: dict[str, str] = {}
    for ident in ordered:
        text = ident
        for code, char in (
            ("_bar_", "|"),
            ("_minus_", "-"),
            ("_plus_", "+"),
            ("_dot_", "."),
            ("_comma_", ","),
        ):
            text = text.replace(code, char)
        parts = text.split("|", 1)
        if len(parts) == 1:
            names[ident] = f"{text} "  # alfworld formats "{name} {id}" with an empty id
        else:
            name = parts[0] + ("basin" if "basin" in ident else "")
            names[ident] = f"{name} {numbers[name].pop()}"
    return names


def read_game(path: Path) -> dict[str, Any]:
    """The game JSON without its walkthrough; a clear error when it is not a game file."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise MalformedTask(f"cannot read ALFWorld game {path}: {e}") from e
    if not isinstance(data, dict):
        raise MalformedTask(f"{path} is not an ALFWorld game file (not a JSON object)")
    missing = [k for k in ("pddl_domain", "grammar", "pddl_problem") if k not in data]
    if missing:
        raise MalformedTask(f"{path} is not an ALFWorld game file (missing {', '.join(missing)})")
    return {k: data[k] for k in ("pddl_domain", "grammar", "pddl_problem")}


def _load_error(path: Path, e: Exception) -> LearnactError:
    """A failed load: `MalformedTask` when the game's grammar or PDDL does not parse (the
    file is at fault), else `EngineError` (the engine failed on a well-formed file)."""
    from tatsu.exceptions import ParseException

    if isinstance(e, ParseException):
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        return MalformedTask(f"{path}: the game's grammar or PDDL does not parse: {first}")
    return EngineError(
        f"the TextWorld engine failed loading {path} ({type(e).__name__}: {e}); the file "
        "itself reads as a game"
    )


def _take_lib() -> Any:
    with _pool_lock:
        if _pool:
            return _pool.pop()
    import fast_downward

    return fast_downward.load_lib()


def _give_lib(lib: Any) -> None:
    with _pool_lock:
        _pool.append(lib)


class GameEngine:
    """One loaded game: ``reset()`` and ``step(command)`` return the engine's raw feedback."""

    def __init__(self, path: Path) -> None:
        problem = extra_missing()
        if problem:
            raise BadInput(problem)
        import textworld
        from textworld.envs.pddl import PddlEnv

        class _Env(PddlEnv):  # PddlEnv with a pooled library instead of a fresh copy
            def __init__(self, infos: Any, lib: Any) -> None:
                textworld.Environment.__init__(self, infos)
                self.downward_lib = lib

        self.path = Path(path)
        data = read_game(self.path)
        self._lib = _take_lib()
        self._env = _Env(textworld.EnvInfos(won=True, admissible_commands=True), self._lib)
        try:
            with ENGINE_LOCK:
                self._env.load(data)
        except Exception as e:
            self.close()
            raise _load_error(path, e) from e
        infos = self._env._entity_infos
        for ident, name in demangled_names(list(infos)).items():
            infos[ident].name = name
        self._state: Any = None

    def reset(self) -> str:
        """Restart the game; returns the engine's first feedback text (banner, room description and
        the task line, split by `observations.first_observation`)."""
        with ENGINE_LOCK:
            self._state = self._env.reset()
        return str(self._state.feedback)

    @property
    def admissible(self) -> list[str]:
        """The commands the engine accepts now (TextWorld's ``admissible_commands``); ``[]`` before
        `reset`."""
        return list(self._state["admissible_commands"]) if self._state is not None else []

    @property
    def won(self) -> bool:
        """Whether the game is won (TextWorld's ``won``); ``False`` before `reset`."""
        return bool(self._state is not None and self._state["won"])

    def state_facts(self) -> frozenset[str]:
        """The facts true now, as text, without TextWorld's ``checked`` marks (which record
        that a place or the inventory was looked at, not a change of the world): equal
        before and after a command that changed nothing. `RuntimeError` before `reset`."""
        if self._state is None:
            raise RuntimeError("reset() the game before state_facts()")
        return frozenset(
            str(f) for f in self._state["_facts"] if getattr(f, "name", None) != "checked"
        )

    def step(self, command: str) -> tuple[str, bool]:
        """Apply ``command``; returns (feedback, valid). Invalid commands change nothing."""
        if self._state is None:
            raise RuntimeError("reset() the game before step()")
        valid = command.strip() in self._state["_valid_commands"]
        with ENGINE_LOCK:
            self._state, _, _ = self._env.step(command)
        return str(self._state.feedback), valid

    def close(self) -> None:
        """Hand this engine's fast-downward library copy back to the pool; the engine cannot be used
        afterwards. Calling it twice is harmless."""
        lib, self._lib = getattr(self, "_lib", None), None
        self._env = None
        self._state = None
        if lib is not None:
            _give_lib(lib)
