"""A run's fingerprint: everything that can change its results.

Configuration, prompt-template hashes, learnact version and a hash of its source code,
model specs and sampling parameters, and the data of every family. A resumed run must have
the same fingerprint; `diff` says what changed when it does not. The git commit is recorded
beside it as provenance but is not part of it: a commit that touches only documentation,
tests or benchmarks does not change results and must not block resuming a long run.
"""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import json
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import Any

from learnact import __version__
from learnact.envs.base import TaskFamily
from learnact.runner.experiment import Experiment


@lru_cache(maxsize=1)
def git_commit() -> str | None:
    """The commit of the learnact checkout in use, when it is a git checkout."""
    here = Path(__file__).resolve().parent
    try:
        r = subprocess.run(
            ["git", "-C", str(here), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return (r.stdout.strip() or None) if r.returncode == 0 else None


@lru_cache(maxsize=1)
def source_hash() -> str:
    """sha256 over every file of the package (paths and bytes, in order): code, prompt
    templates, packaged domains and data. Byte-code caches and the report's HTML templates
    (which cannot change results) are left out."""
    root = Path(__file__).resolve().parents[1]
    report_only = root / "runner" / "templates"
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts or path.suffix == ".pyc":
            continue
        if report_only in path.parents:
            continue
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        h.update(path.read_bytes() + b"\0")
    return h.hexdigest()


def family_data(family: TaskFamily) -> dict[str, Any]:
    """What identifies a family's data: the source's file hashes, else the tasks and code."""
    source = family.source
    out: dict[str, Any] = {"fingerprint": source.fingerprint}
    if source.fingerprint is None:
        # Generated in code: the task names and the defining module's source.
        h = hashlib.sha256(json.dumps([t.name for t in family.tasks]).encode())
        with contextlib.suppress(OSError, TypeError):
            h.update(Path(inspect.getsourcefile(type(family)) or "").read_bytes())
        out["generated"] = h.hexdigest()
    return out


def compute(exp: Experiment, families: dict[str, TaskFamily]) -> dict[str, Any]:
    """The fingerprint of a run, as JSON data: the canonical configuration, the prompt templates'
    hashes, learnact's version and `source_hash`, the actor's and learner's specs with their
    sampling settings, and `family_data` for each of ``families`` (name -> family). `digest` turns
    it into one id."""
    from learnact.prompts import template_hashes

    config = exp.canonical()
    return {
        "config": config,
        "prompts": template_hashes(),
        "learnact": {"version": __version__, "source": source_hash()},
        "models": {
            "actor": {
                "spec": exp.model,
                "temperature": exp.temperature,
                "max_tokens": exp.max_tokens,
            },
            "learner": {
                "spec": exp.learner_spec,
                "temperature": exp.learn.temperature,
                "max_tokens": exp.learn.max_tokens,
            },
        },
        "data": {name: family_data(f) for name, f in sorted(families.items())},
    }


def digest(fp: dict[str, Any]) -> str:
    """The run's fingerprint id: sha256 hex of ``fp`` as JSON with sorted keys."""
    return hashlib.sha256(json.dumps(fp, sort_keys=True).encode()).hexdigest()


def _flatten(d: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(d, dict):
        out: dict[str, Any] = {}
        for k, v in d.items():
            out.update(_flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    return {prefix: d}


def _short(v: Any) -> str:
    text = json.dumps(v) if not isinstance(v, str) else v
    if isinstance(v, str) and len(v) == 64 and all(c in "0123456789abcdef" for c in v):
        return v[:10]  # a hash
    return text if len(text) <= 60 else text[:57] + "..."


def diff(old: dict[str, Any], new: dict[str, Any], limit: int = 6) -> list[str]:
    """``key: old -> new`` for every leaf that differs (at most ``limit``, then a count)."""
    a, b = _flatten(old), _flatten(new)
    changes = []
    for key in sorted(set(a) | set(b)):
        if a.get(key, "<absent>") != b.get(key, "<absent>"):
            before = "(none)" if key not in a else _short(a[key])
            after = "(none)" if key not in b else _short(b[key])
            changes.append(f"{key}: {before} -> {after}")
    if len(changes) > limit:
        changes = changes[:limit] + [f"and {len(changes) - limit} more"]
    return changes
