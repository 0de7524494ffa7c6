"""download_agentboard against a loopback HTTP server serving copies of the real files."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading

import pytest

from learnact.download import sha256_file
from learnact.envs.pddl.download import DownloadError, download_agentboard, expected_files


@pytest.fixture
def server(agentboard_dir, tmp_path):
    root = tmp_path / "served"
    shutil.copytree(agentboard_dir, root)
    for p in root.rglob("*"):
        p.chmod(0o755 if p.is_dir() else 0o644)
    handler = functools.partial(QuietHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass


def test_downloads_and_verifies_all_files(server, tmp_path):
    _, url = server
    seen: list[str] = []
    dest = download_agentboard(tmp_path / "out", base_url=url, progress=seen.append)
    expected = expected_files()
    assert len(expected) == 64 and sorted(seen) == sorted(expected)
    for rel, sha in expected.items():
        assert sha256_file(dest / rel) == sha
    seen.clear()  # a second run skips verified files
    download_agentboard(dest, base_url=url, progress=seen.append)
    assert seen == []


def test_corrupted_file_is_rejected_and_not_kept(server, tmp_path):
    root, url = server
    (root / "barman" / "p03.pddl").write_text("(define (problem tampered))")
    dest = tmp_path / "out"
    with pytest.raises(DownloadError, match="checksum mismatch.*barman/p03.pddl"):
        download_agentboard(dest, base_url=url)
    assert not (dest / "barman" / "p03.pddl").exists()
    assert not list((dest / "barman").glob("*part*"))  # no partial leftovers


def test_offline_gives_a_clear_error(tmp_path):
    with pytest.raises(DownloadError, match="offline"):
        download_agentboard(tmp_path / "out", base_url="http://127.0.0.1:9/")
