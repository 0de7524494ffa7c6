"""The `learnact` Typer application; each command lives in its own module."""

from __future__ import annotations

import logging
import signal
import sys
import warnings

import typer

from learnact import __version__
from learnact.cli import (
    compare_cmd,
    data_cmd,
    doctor_cmd,
    envs_cmd,
    eval_cmd,
    export_cmd,
    learn_cmd,
    library_cmd,
    models_cmd,
    play_cmd,
    quickstart_cmd,
    report_cmd,
    serve_cmd,
    trace_cmd,
)
from learnact.cli.console import ConsoleLogHandler, show_warning, summarise_warnings
from learnact.cli.errors import run_cli

app = typer.Typer(
    name="learnact",
    help="Open-action learning for LLM agents: agents that learn new actions from experience.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"learnact {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Open-action learning for LLM agents."""


envs_cmd.register(app)
play_cmd.register(app)
doctor_cmd.register(app)
data_cmd.register(app)
eval_cmd.register(app)
learn_cmd.register(app)
library_cmd.register(app)
export_cmd.register(library_cmd.library_app)
models_cmd.register(app)
quickstart_cmd.register(app)
trace_cmd.register(app)
compare_cmd.register(app)
report_cmd.register(app)
serve_cmd.register(app)


def _quiet_logs() -> None:
    """Library log records as one plain line on stderr (warnings and worse only)."""
    handler = ConsoleLogHandler()
    root = logging.getLogger("learnact")
    if not root.handlers:
        root.addHandler(handler)
        root.setLevel(logging.WARNING)
        root.propagate = False


def _terminate_as_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> None:
    warnings.showwarning = show_warning
    # SIGTERM (kill, a session or job manager ending) stops a command as Ctrl-C does: the
    # finished work is kept and the exit says how to resume. A background job started
    # from a script ignores SIGINT, so this is its only clean stop.
    # A SIGTERM the parent chose to ignore stays ignored.
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _terminate_as_interrupt)
    _quiet_logs()
    command = typer.main.get_command(app)

    def invoke() -> object:
        try:
            # A bad setting is bad input now, not a failure in every unit's worker later.
            from learnact.llm.backends.llama_backend import default_threads

            default_threads()
            return command.main(args=argv, prog_name="learnact", standalone_mode=False)
        finally:  # before run_cli's one-line error, which stays the last line
            summarise_warnings()

    sys.exit(run_cli(invoke))


if __name__ == "__main__":
    main()
