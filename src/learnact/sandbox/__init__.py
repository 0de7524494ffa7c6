"""Runs LLM-written code (agent steps, learned actions) outside the parent process.

See docs/sandbox.md. Names are loaded lazily so that the worker process, which imports
``learnact.sandbox.worker``, does not pay for the parent-side machinery.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ALLOWED_IMPORTS",
    "ErrorInfo",
    "ExecResult",
    "Sandbox",
    "SandboxLimits",
    "SandboxUnavailable",
    "SubStep",
    "mechanisms",
]

_WHERE = {
    "ALLOWED_IMPORTS": "limits",
    "SandboxLimits": "limits",
    "ErrorInfo": "results",
    "ExecResult": "results",
    "SubStep": "results",
    "Sandbox": "sandbox",
    "SandboxUnavailable": "sandbox",
    "mechanisms": "sandbox",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        import importlib

        return getattr(importlib.import_module(f"learnact.sandbox.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'learnact.sandbox' has no attribute {name!r}")
