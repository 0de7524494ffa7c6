"""Every place on disk where learnact keeps caches and looks for data.

The one source of these locations; `learnact.llm` and `learnact.envs` both read them from
here (this module imports nothing of learnact, so any layer may use it).

* cache root: ``$LEARNACT_CACHE``, else the platform's user cache directory for
  ``learnact`` (``~/.cache/learnact`` on Linux);
* model files: ``<cache>/models``; LLM responses: ``<cache>/llm/responses.sqlite3``;
* data root: ``--data-dir DIR`` where a command takes one, else ``$LEARNACT_DATA``, else
  (for ALFWorld only) ``$ALFWORLD_DATA``, else ``<cache>/data``;
* under a data root, each benchmark has its own directory: ``pddl/agentboard`` for
  AgentBoard's PDDL files, ``alfworld`` (or ``alfworld-newformat``) for ALFWorld's games.

Every function reads the environment when called, so a changed variable takes effect at
once (tests set ``LEARNACT_CACHE`` per test).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from platformdirs import user_cache_dir

CACHE_ENV = "LEARNACT_CACHE"
DATA_ENV = "LEARNACT_DATA"
ALFWORLD_DATA_ENV = "ALFWORLD_DATA"

PDDL_SUBDIR = "pddl/agentboard"
ALFWORLD_SUBDIR = "alfworld"
ALFWORLD_NEWFORMAT_SUBDIR = "alfworld-newformat"


def cache_dir() -> Path:
    """learnact's cache root: ``$LEARNACT_CACHE`` if set and non-empty, else the platform
    user cache directory for ``learnact``. Not created here."""
    return Path(os.environ.get(CACHE_ENV) or user_cache_dir("learnact"))


def default_data_root() -> Path:
    """The data root used when neither ``--data-dir`` nor an environment variable names
    one: ``<cache>/data`` (where ``learnact data ...`` downloads to)."""
    return cache_dir() / "data"


def models_dir() -> Path:
    """Where ``learnact models pull`` puts GGUF files: ``<cache>/models``."""
    return cache_dir() / "models"


def response_cache_path() -> Path:
    """The persistent LLM response cache (SQLite): ``<cache>/llm/responses.sqlite3``."""
    return cache_dir() / "llm" / "responses.sqlite3"


def pddl_data_dir() -> Path:
    """Default target of ``learnact data pddl``: ``<data root>/pddl/agentboard``."""
    return default_data_root() / PDDL_SUBDIR


def alfworld_data_dir() -> Path:
    """Default target of ``learnact data alfworld``: ``<data root>/alfworld``."""
    return default_data_root() / ALFWORLD_SUBDIR


def data_root(
    data_dir: str | os.PathLike[str] | None = None, extra_env: Sequence[str] = ()
) -> tuple[Path, str]:
    """The data root to search and where it came from, as ``(path, how)``.

    ``data_dir`` (a ``--data-dir`` value) wins; else ``$LEARNACT_DATA``; else each variable
    of ``extra_env`` in order (e.g. ``("ALFWORLD_DATA",)``); else `default_data_root`.
    ``how`` is ``"--data-dir"``, ``"$NAME"`` or ``"cache"``, for messages. The path has
    ``~`` expanded and is not checked for existence.
    """
    if data_dir is not None:
        return Path(data_dir).expanduser(), "--data-dir"
    for name in (DATA_ENV, *extra_env):
        if os.environ.get(name):
            return Path(os.environ[name]).expanduser(), f"${name}"
    return default_data_root().expanduser(), "cache"
