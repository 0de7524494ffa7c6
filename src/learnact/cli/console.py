"""Two consoles: results go to stdout, progress and logs to stderr.

Rich already writes plain text when the stream is not a terminal and honours
``NO_COLOR``; we only make sure nothing styled leaks into piped output.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from rich.console import Console

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def print_json(data: Any) -> None:
    """Machine-readable result on stdout, never styled."""
    sys.stdout.write(json.dumps(data, indent=2, sort_keys=False) + "\n")
    sys.stdout.flush()


def info(message: str) -> None:
    err.print(message, markup=False)


_shown: set[str] = set()


def warn(message: str) -> None:
    """A warning as one plain line on stderr, each distinct one once."""
    text = f"warning: {message}"
    if text not in _shown:
        _shown.add(text)
        sys.stderr.write(text + "\n")


def show_warning(message, category, filename, lineno, file=None, line=None) -> None:  # noqa: ANN001
    """`warnings.showwarning` for the CLI: no file names or source lines."""
    warn(str(message))
