"""download_games against a loopback HTTP server serving a small archive built here."""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import threading
import zipfile

import pytest

from learnact.envs.alfworld import alfworld_family
from learnact.envs.alfworld.download import MANIFEST, DownloadError, download_games

GAMES = "json_2.1.1/valid_unseen"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass


@pytest.fixture
def served(new_dir, tmp_path):
    """A directory served on 127.0.0.1 holding games.zip (two real games), bad.zip, evil.zip."""
    root = tmp_path / "served"
    root.mkdir()
    games = sorted((new_dir / GAMES).glob("pick_and_place_simple-*/*/game.tw-pddl"))[:2]
    with zipfile.ZipFile(root / "games.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        for g in games:
            zf.write(g, f"{GAMES}/{g.parent.parent.name}/{g.parent.name}/game.tw-pddl")
    data = (root / "games.zip").read_bytes()
    (root / "bad.zip").write_bytes(data[: len(data) // 2])
    with zipfile.ZipFile(root / "evil.zip", "w") as zf:
        zf.writestr("../escape/game.tw-pddl", "{}")
    handler = functools.partial(QuietHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/", hashlib.sha256(data).hexdigest()
    httpd.shutdown()
    httpd.server_close()


def test_downloads_verifies_and_records_the_archive(served, tmp_path, engine_installed):
    url, sha = served
    seen: list[tuple[int, int | None]] = []
    dest = download_games(
        tmp_path / "cache" / "alfworld",
        url=url + "games.zip",
        sha256=sha,
        progress=lambda d, t: seen.append((d, t)),
    )
    assert seen[-1][0] == seen[-1][1] > 0
    assert len(list((dest / GAMES).glob("*/*/game.tw-pddl"))) == 2
    assert json.loads((dest / MANIFEST).read_text())["sha256"] == sha
    family = alfworld_family("put", str(dest))
    assert len(family.tasks) == 2 and family.split.kind == "seeded"
    # already there: nothing is fetched again
    assert download_games(dest, url=url + "missing.zip") == dest


@pytest.mark.parametrize(
    ("name", "sha", "match"),
    [
        ("games.zip", "0" * 64, "checksum mismatch"),
        ("bad.zip", None, "not a valid zip"),
        ("evil.zip", None, "unsafe path"),
        ("missing.zip", None, "HTTP 404"),
    ],
)
def test_bad_downloads_leave_nothing_behind(served, tmp_path, name, sha, match):
    url, _ = served
    with pytest.raises(DownloadError, match=match):
        download_games(tmp_path / "out" / "alfworld", url=url + name, sha256=sha)
    assert list((tmp_path / "out").iterdir()) == []


def test_offline_message(tmp_path):
    with pytest.raises(DownloadError, match="Are you offline"):
        download_games(tmp_path / "alfworld", url="http://127.0.0.1:9/games.zip")
