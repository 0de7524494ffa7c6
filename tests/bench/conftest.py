"""The scripted lights model and the isolated cache of the compare tests, shared."""

from tests.cli.test_compare import env, model  # noqa: F401  (pytest fixtures)
