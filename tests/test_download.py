"""Download code against a loopback file server: Range, resume after interruption, checksums."""

from __future__ import annotations

import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from learnact.llm.download import download
from learnact.llm.errors import ChecksumMismatch, DownloadError

DATA = bytes(range(256)) * 4096  # 1 MiB
SHA = hashlib.sha256(DATA).hexdigest()


class FileServer:
    """Serves DATA at any path, honouring Range; the first ``cut_first`` responses stop
    after ``cut_at`` bytes (an interrupted transfer)."""

    def __init__(self, cut_first: int = 0, cut_at: int = 300_000, ranges: bool = True) -> None:
        self.requests: list[dict[str, str]] = []
        outer = self
        self.cut_first, self.cut_at, self.ranges = cut_first, cut_at, ranges

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                outer.requests.append({k.lower(): v for k, v in self.headers.items()})
                if self.path.endswith("missing"):
                    self.send_error(404)
                    return
                start = 0
                rng = self.headers.get("Range")
                if rng and outer.ranges:
                    start = int(rng.split("=")[1].split("-")[0])
                    if start >= len(DATA):
                        self.send_response(416)
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{len(DATA) - 1}/{len(DATA)}")
                else:
                    self.send_response(200)
                body = DATA[start:]
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if len(outer.requests) <= outer.cut_first:
                    self.wfile.write(body[: outer.cut_at])
                    self.wfile.flush()
                    self.connection.close()
                    return
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self):
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def test_plain_download_with_progress(tmp_path):
    seen = []
    with FileServer() as s:
        p = download(
            f"{s.url}/m.gguf",
            tmp_path / "m.gguf",
            sha256=SHA,
            size=len(DATA),
            progress=lambda d, t: seen.append((d, t)),
        )
    assert p.read_bytes() == DATA and seen[-1] == (len(DATA), len(DATA))
    assert not (tmp_path / "m.gguf.part").exists()


def test_interrupted_download_resumes_with_range(tmp_path):
    with FileServer(cut_first=1, cut_at=300_000) as s:
        p = download(f"{s.url}/m.gguf", tmp_path / "m.gguf", sha256=SHA, size=len(DATA), backoff=0)
    assert p.read_bytes() == DATA
    assert len(s.requests) == 2
    assert "range" not in s.requests[0]
    assert s.requests[1]["range"] == "bytes=300000-"


def test_resume_from_an_earlier_process_part_file(tmp_path):
    (tmp_path / "m.gguf.part").write_bytes(DATA[:123_456])
    with FileServer() as s:
        download(f"{s.url}/m.gguf", tmp_path / "m.gguf", sha256=SHA, size=len(DATA))
    assert (tmp_path / "m.gguf").read_bytes() == DATA
    assert s.requests[0]["range"] == "bytes=123456-"


def test_server_without_range_support_restarts(tmp_path):
    (tmp_path / "m.gguf.part").write_bytes(b"x" * 1000)
    with FileServer(ranges=False) as s:
        download(f"{s.url}/m.gguf", tmp_path / "m.gguf", sha256=SHA, size=len(DATA))
    assert (tmp_path / "m.gguf").read_bytes() == DATA


def test_bad_checksum_rejected_and_deleted(tmp_path):
    with FileServer() as s, pytest.raises(ChecksumMismatch, match="sha256"):
        download(f"{s.url}/m.gguf", tmp_path / "m.gguf", sha256="0" * 64, size=len(DATA))
    assert not (tmp_path / "m.gguf").exists() and not (tmp_path / "m.gguf.part").exists()


def test_http_errors_and_unreachable(tmp_path):
    from tests.llm.servers import free_port

    with FileServer() as s, pytest.raises(DownloadError, match="HTTP 404"):
        download(f"{s.url}/missing", tmp_path / "x")
    with pytest.raises(DownloadError, match="cannot reach"):
        download(f"http://127.0.0.1:{free_port()}/x", tmp_path / "x", timeout=2)
