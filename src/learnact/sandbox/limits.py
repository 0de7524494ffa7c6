"""`SandboxLimits`: every bound the sandbox enforces, with its default."""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from typing import Any

#: Modules learned code may import (pre-imported before the worker is locked down).
ALLOWED_IMPORTS: tuple[str, ...] = ("re", "math", "itertools", "collections", "string", "functools")

#: The containment mechanisms the worker reports in its handshake.
MECHANISMS: tuple[str, ...] = (
    "netns",
    "mountns_chroot",
    "pidns",
    "uid_drop",
    "caps_dropped",
    "no_new_privs",
    "seccomp",
    "rlimits",
)


def _strict_from_env() -> bool:
    return os.environ.get("LEARNACT_SANDBOX_STRICT", "").strip() not in ("", "0", "false")


@dataclass(frozen=True)
class SandboxLimits:
    """Resource bounds of the worker and of one run.

    ``memory_mb`` is RLIMIT_AS (address space, so it also counts mapped libraries);
    ``cpu_s`` is RLIMIT_CPU for one worker (a worker serves one run), a backstop behind
    the wall-clock ``timeout_s`` given to each run.
    """

    memory_mb: int = 512
    cpu_s: int = 30
    max_open_files: int = 16
    max_output_chars: int = 10_000  # captured print output, then a truncation marker
    max_value_chars: int = 2_000  # repr of the returned value
    max_error_chars: int = 2_000  # error message
    max_message_bytes: int = 1 << 20  # one protocol message, either direction
    max_arg_chars: int = 1_000  # one argument of a basic action
    startup_timeout_s: float = 10.0  # worker start + containment + handshake
    unprivileged_uid: int = 65534  # nobody; used when the parent runs as root
    require_all: bool = field(default_factory=_strict_from_env)
    allowed_imports: tuple[str, ...] = ALLOWED_IMPORTS

    def worker_config(self) -> dict[str, Any]:
        """What the worker needs before it runs anything (passed on its command line)."""
        keep = (
            "memory_mb",
            "cpu_s",
            "max_open_files",
            "max_output_chars",
            "max_value_chars",
            "max_error_chars",
            "max_message_bytes",
            "max_arg_chars",
            "unprivileged_uid",
            "allowed_imports",
        )
        d = asdict(self)
        return {k: d[k] for k in keep}
