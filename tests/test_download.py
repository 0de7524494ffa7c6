"""learnact.download against a loopback file server: Range and resume, checksums, atomic
rename, one DownloadError with one-line messages, one writer at a time."""

from __future__ import annotations

import fcntl
import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from learnact import download as dl
from learnact.download import ChecksumMismatch, DownloadError, download, part_path
from tests.llm.servers import free_port

DATA = bytes(range(256)) * 4096  # 1 MiB
SHA = hashlib.sha256(DATA).hexdigest()


class FileServer:
    """Serves DATA on 127.0.0.1 at any path, honouring Range; the first ``cut_first``
    responses stop after ``cut_at`` bytes (an interrupted transfer). ``/missing`` is a 404,
    ``/broken`` a 500. ``skew`` shifts every range it serves (a broken cache). Records each
    request's headers (lower-case names)."""

    def __init__(
        self, cut_first: int = 0, cut_at: int = 300_000, ranges: bool = True, skew: int = 0
    ) -> None:
        self.requests: list[dict[str, str]] = []
        outer = self
        self.cut_first, self.cut_at, self.ranges, self.skew = cut_first, cut_at, ranges, skew

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                outer.requests.append({k.lower(): v for k, v in self.headers.items()})
                if self.path.endswith("missing"):
                    self.send_error(404)
                    return
                if self.path.endswith("broken"):
                    self.send_error(500, "Internal Server Error", "line one\nline two")
                    return
                start = 0
                rng = self.headers.get("Range")
                if rng and outer.ranges:
                    start = int(rng.split("=")[1].split("-")[0]) + outer.skew
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
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()
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
    assert p == tmp_path / "m.gguf" and p.read_bytes() == DATA
    assert seen[0] == (0, len(DATA)) and seen[-1] == (len(DATA), len(DATA))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert not part_path(p).exists()
    assert s.requests[0]["user-agent"] == "learnact"


def test_total_comes_from_content_length_when_size_is_not_given(tmp_path):
    seen = []
    with FileServer() as s:
        download(f"{s.url}/f", tmp_path / "f", progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (len(DATA), len(DATA))


def test_interrupted_download_resumes_with_range(tmp_path):
    with FileServer(cut_first=1, cut_at=300_000) as s:
        p = download(f"{s.url}/m.gguf", tmp_path / "m.gguf", sha256=SHA, size=len(DATA), backoff=0)
    assert p.read_bytes() == DATA
    assert len(s.requests) == 2
    assert "range" not in s.requests[0]
    assert s.requests[1]["range"] == "bytes=300000-"


def test_interrupted_without_size_resumes_too(tmp_path):
    """No expected size: the short body is caught by Content-Length."""
    with FileServer(cut_first=2, cut_at=100_000) as s:
        p = download(f"{s.url}/f", tmp_path / "f", sha256=SHA, backoff=0)
    assert p.read_bytes() == DATA
    assert [r.get("range") for r in s.requests] == [None, "bytes=100000-", "bytes=200000-"]


def test_resume_after_a_partial_file_left_by_an_earlier_process(tmp_path):
    part_path(tmp_path / "m.gguf").write_bytes(DATA[:123_456])
    with FileServer() as s:
        download(f"{s.url}/m.gguf", tmp_path / "m.gguf", sha256=SHA, size=len(DATA))
    assert (tmp_path / "m.gguf").read_bytes() == DATA
    assert len(s.requests) == 1 and s.requests[0]["range"] == "bytes=123456-"
    assert not part_path(tmp_path / "m.gguf").exists()


def test_a_complete_part_file_is_verified_without_fetching_the_body(tmp_path):
    part_path(tmp_path / "f").write_bytes(DATA)
    with FileServer() as s:  # size unknown: the server answers 416 to bytes=N-
        download(f"{s.url}/f", tmp_path / "f", sha256=SHA)
    assert (tmp_path / "f").read_bytes() == DATA and s.requests[0]["range"] == f"bytes={len(DATA)}-"
    part_path(tmp_path / "g").write_bytes(DATA)
    with FileServer() as s:  # size known: no request at all
        download(f"{s.url}/g", tmp_path / "g", sha256=SHA, size=len(DATA))
    assert (tmp_path / "g").read_bytes() == DATA and s.requests == []


def test_server_without_range_support_restarts(tmp_path):
    part_path(tmp_path / "m.gguf").write_bytes(b"x" * 1000)
    with FileServer(ranges=False) as s:
        download(f"{s.url}/m.gguf", tmp_path / "m.gguf", sha256=SHA, size=len(DATA))
    assert (tmp_path / "m.gguf").read_bytes() == DATA


def test_a_range_other_than_the_one_asked_for_starts_over(tmp_path):
    part_path(tmp_path / "f").write_bytes(DATA[:5000])
    with FileServer(skew=-100) as s:
        download(f"{s.url}/f", tmp_path / "f", sha256=SHA, backoff=0)
    assert (tmp_path / "f").read_bytes() == DATA
    assert [r.get("range") for r in s.requests] == ["bytes=5000-", None]


def test_checksum_mismatch_leaves_no_file_at_the_target(tmp_path):
    with FileServer() as s, pytest.raises(ChecksumMismatch, match="checksum mismatch.*sha256"):
        download(f"{s.url}/m.gguf", tmp_path / "m.gguf", sha256="0" * 64, size=len(DATA))
    assert list(tmp_path.iterdir()) == []


def test_size_mismatch_leaves_no_file_and_keeps_an_older_one(tmp_path):
    target = tmp_path / "m.gguf"
    target.write_bytes(b"the old file")
    with FileServer() as s, pytest.raises(ChecksumMismatch, match="size mismatch") as e:
        download(f"{s.url}/m.gguf", target, size=len(DATA) - 1, backoff=0)
    assert isinstance(e.value, DownloadError)
    assert target.read_bytes() == b"the old file" and not part_path(target).exists()


def test_target_is_never_half_written(tmp_path):
    """While bytes arrive, and after a failed transfer, the target holds the old file."""
    target = tmp_path / "m.gguf"
    target.write_bytes(b"old")
    seen = []

    def watch(done, total):
        seen.append(target.read_bytes())

    with FileServer(cut_first=99, cut_at=400_000) as s, pytest.raises(DownloadError) as e:
        download(f"{s.url}/m.gguf", target, sha256=SHA, progress=watch, attempts=2, backoff=0)
    assert "gave up after 2 attempts" in str(e.value) and "\n" not in str(e.value)
    assert target.read_bytes() == b"old" and set(seen) == {b"old"}
    assert part_path(target).stat().st_size == 800_000  # kept, to resume from
    seen.clear()
    with FileServer() as s:
        download(f"{s.url}/m.gguf", target, sha256=SHA, progress=watch)
    assert s.requests[0]["range"] == "bytes=800000-"
    assert target.read_bytes() == DATA and set(seen) == {b"old"}


def test_the_rename_is_the_last_step(tmp_path, monkeypatch):
    """`os.replace` of the fsync'ed, verified part file is what makes the target appear."""
    calls = []
    real_replace, real_fsync = dl.os.replace, dl.os.fsync
    monkeypatch.setattr(dl.os, "fsync", lambda fd: calls.append("fsync") or real_fsync(fd))
    monkeypatch.setattr(
        dl.os, "replace", lambda a, b: calls.append(("replace", a, b)) or real_replace(a, b)
    )
    target = tmp_path / "m.gguf"
    with FileServer() as s:
        download(f"{s.url}/m.gguf", target, sha256=SHA)
    assert calls[0] == "fsync" and calls[1] == ("replace", part_path(target), target)


@pytest.mark.parametrize(
    ("path", "status"), [("missing", "HTTP 404 Not Found"), ("broken", "HTTP 500")]
)
def test_http_errors_give_one_download_error_with_one_line(tmp_path, path, status):
    with FileServer() as s, pytest.raises(DownloadError) as e:
        download(f"{s.url}/{path}", tmp_path / "x", attempts=2, backoff=0)
    msg = str(e.value)
    assert status in msg and f"{s.url}/{path}" in msg and "\n" not in msg
    assert type(e.value) is DownloadError
    assert list(tmp_path.iterdir()) == []  # an empty part file is not left behind
    assert len(s.requests) == (1 if path == "missing" else 2)  # 4xx at once, 5xx retried


def test_unreachable_fails_at_once_with_the_hint(tmp_path):
    url = f"http://127.0.0.1:{free_port()}/x"
    with pytest.raises(DownloadError, match="cannot reach.*Are you offline\\? Copy it") as e:
        download(url, tmp_path / "x", timeout=2, offline_hint="Copy it by hand.")
    assert "\n" not in str(e.value) and list(tmp_path.iterdir()) == []


def test_one_writer_at_a_time(tmp_path):
    target = tmp_path / "m.gguf"
    with open(part_path(target), "wb") as other:
        fcntl.flock(other.fileno(), fcntl.LOCK_EX)
        with FileServer() as s, pytest.raises(DownloadError, match="another process"):
            download(f"{s.url}/m.gguf", target)
    assert s.requests == [] and not target.exists()


def test_learnact_has_one_download_error():
    from learnact.envs.alfworld import download as alfworld_download
    from learnact.envs.pddl import download as pddl_download
    from learnact.llm import errors as llm_errors

    assert llm_errors.DownloadError is pddl_download.DownloadError is DownloadError
    assert alfworld_download.DownloadError is DownloadError
    assert llm_errors.ChecksumMismatch is ChecksumMismatch
