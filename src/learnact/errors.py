"""Errors shared across learnact.

`BadInput` maps to CLI exit code 2 (malformed PDDL, missing data, unknown family,
bad config); any other `LearnactError` maps to exit code 1.
"""

from __future__ import annotations


class LearnactError(Exception):
    """A runtime failure with a message fit for a one-line CLI error."""


class BadInput(LearnactError):
    """The user gave input we cannot use (exit code 2)."""


class DataNotFound(BadInput):
    """A data set a task family needs is not where we looked."""


class UnknownFamily(BadInput):
    """No registered task family has this name."""


class MalformedTask(BadInput):
    """A task file exists but cannot be parsed (e.g. unparsable PDDL)."""


class ActionFailed(Exception):
    """A basic action called from learned code was not valid.

    It ends the learned call that made it (effects already applied stay). Raised
    inside the sandbox worker; the parent reports it in the step's result.
    """
