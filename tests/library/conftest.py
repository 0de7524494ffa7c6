from tests.agents.conftest import lights, sandbox, scripted  # noqa: F401 - shared fixtures
