"""Map exceptions to the CLI's exit codes: 0 ok, 1 runtime failure, 2 bad input, 130 interrupted."""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable

import typer

try:  # typer >= 0.2x vendors click; older typer uses the click package
    from typer._click import exceptions as click_exc
except ImportError:  # pragma: no cover
    from click import exceptions as click_exc

from learnact.errors import BadInput, LearnactError

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT, EXIT_INTERRUPTED = 0, 1, 2, 130


def _one_line(message: object) -> str:
    return " ".join(str(message).split()) or "unknown error"


def run_cli(invoke: Callable[[], object]) -> int:
    """Run ``invoke`` and turn what it raises into a one-line error and an exit code."""
    try:
        code = invoke()
        # In non-standalone mode click returns the code of `typer.Exit` instead of exiting;
        # typer turns Ctrl-C into Exit(130).
        code = code if isinstance(code, int) else EXIT_OK
    except typer.Exit as e:
        code = e.exit_code
    except (typer.Abort, KeyboardInterrupt):
        code = EXIT_INTERRUPTED
    except click_exc.UsageError as e:
        e.show()
        code = EXIT_BAD_INPUT
    except BrokenPipeError:
        # Reader went away (e.g. `| head`): not our failure, and nothing more to say.
        _silence_stdout()
        code = EXIT_OK
    except BadInput as e:
        sys.stderr.write(f"error: {_one_line(e)}\n")
        code = EXIT_BAD_INPUT
    except LearnactError as e:
        sys.stderr.write(f"error: {_one_line(e)}\n")
        code = EXIT_FAILURE
    except click_exc.ClickException as e:
        e.show()
        code = e.exit_code
    except Exception as e:  # noqa: BLE001 - last resort: one line, traceback only on request
        if os.environ.get("LEARNACT_DEBUG"):
            traceback.print_exc()
        sys.stderr.write(
            f"error: internal error: {type(e).__name__}: {_one_line(e)} "
            "(set LEARNACT_DEBUG=1 for a traceback)\n"
        )
        code = EXIT_FAILURE
    if code == EXIT_INTERRUPTED:
        sys.stderr.write("interrupted\n")
    return code


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass
