"""A rerun answered from the response cache says so (issue 21): `eval` against a
loopback OpenAI look-alike, twice, with one private cache."""

from __future__ import annotations

from tests.helpers import run_cli
from tests.llm.servers import FakeServer, Reply, openai_body

LIGHTS = "lights_env:LightsFamily[tasks=4]"


def test_a_rerun_from_the_cache_says_so(tmp_path):
    env = {"LEARNACT_CACHE": str(tmp_path / "cache"), "OPENAI_API_KEY": "sk-test"}
    with FakeServer([Reply(body=openai_body("switch_on('lamp0')"))]) as server:
        spec = f"openai:fake@http://127.0.0.1:{server.port}/v1"
        args = ("eval", LIGHTS, "--method", "act", "--model", spec, "--tasks", "2")
        first = run_cli(*args, "--max-steps", "2", env=env)
        assert first.returncode == 0, first.stderr
        assert "response cache" not in first.stderr
        asked = len(server.requests)
        again = run_cli(*args, "--max-steps", "2", env=env)
        assert again.returncode == 0, again.stderr
    assert asked == 2 and len(server.requests) == asked  # nothing new reached the server
    assert "2 of 2 LLM calls were answered from the response cache" in again.stderr
    assert "--no-cache" in again.stderr
