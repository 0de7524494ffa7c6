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
