"""`learnact report RUN --html`: a real run, loaded in a real headless Chromium.

Scripted models play the lights family (examples/lights_env.py): the learner first writes
a buggy ``pair`` action and revises it after a failure, so the report has a revision with
its diff and cause. Chromium (Debian's ``chromium``) loads the file offline and we check
what a person would see once the page's script has run.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from tests.helpers import missing, run_cli
from tests.learning.test_learner import BUGGY, FIX, GOAL_CALL, SUPPORT

LIGHTS = "lights_env:LightsFamily[tasks=6]"
OTHER = "lights_env:LightsFamily[tasks=4,seed=1]"
RULES = [
    {"purpose": "create_actions", "response": BUGGY},
    {"purpose": "revise", "response": FIX},
    GOAL_CALL,
    *SUPPORT,
]


def _chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe:
        return exe
    missing("chromium is not installed (scripts/test.sh installs it with apt-get)")


def _browser(exe: str, tmp_path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            exe,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'chromium-profile'}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("html")
    model = tmp / "model.json"
    model.write_text(json.dumps({"rules": RULES, "default": "switch_on('lamp0')"}))
    exp = tmp / "exp.toml"
    exp.write_text(
        f"""
methods = ["act", "learnact", "code-as-policies"]
seeds = 2
model = "scripted:{model}"
[learn]
candidates = 1
rounds = 2
[[families]]
name = "{LIGHTS}"
[[families]]
name = "{OTHER}"
methods = ["act"]
"""
    )
    env = {"LEARNACT_CACHE": str(tmp / "cache"), "GIT_DIR": str(tmp / "no-git")}
    out = tmp / "runs" / "lights"
    r = run_cli("compare", "--experiment", str(exp), "--out", str(out), env=env, timeout=180)
    assert r.returncode == 0, r.stderr
    r = run_cli("report", str(out), "--html", env=env)
    assert r.returncode == 0, r.stderr
    assert (out / "report.html").is_file()
    return out


def test_html_report_is_self_contained_and_escaped(run, tmp_path):
    html = (run / "report.html").read_text(encoding="utf-8")
    # No external resource, and no URL at all.
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", html, re.I)
    assert "http://" not in html and "https://" not in html
    assert "<svg" in html and "<script>" in html and "<style>" in html
    # LLM output is escaped: the buggy code's quotes and the prompt's text are entities.
    assert "switch_on(b + &#39;0&#39;)" in html
    # An explicit FILE works too, and FILE without --html is refused.
    other = tmp_path / "sub" / "r.html"
    r = run_cli("report", str(run), "--html", str(other))
    assert r.returncode == 0, r.stderr
    assert other.read_text(encoding="utf-8") == html
    r = run_cli("report", str(run), str(other))
    assert r.returncode == 2 and "--html" in r.stderr


def test_html_report_in_headless_chromium(run, tmp_path):
    exe = _chromium()
    page = (run / "report.html").resolve().as_uri()
    r = _browser(exe, tmp_path, "--dump-dom", page)
    assert r.returncode == 0, r.stderr
    dom = r.stdout
    assert "js" in re.search(r"<body[^>]*>", dom).group(0)  # the script ran
    # The results matrix: cells as a person reads them, n/a for the method not run.
    matrix = dom[
        dom.index('id="success-matrix"') : dom.index("</table>", dom.index("success-matrix"))
    ]
    cells = [
        " ".join(re.sub(r"<[^>]+>", " ", c).split())
        for c in re.findall(r"<td[^>]*>(.*?)</td>", matrix, re.S)
    ]
    methods = re.findall(r"<th>([^<]+)</th>", matrix)[1:]
    first, second = (
        dict(zip(methods, cells[:3], strict=True)),
        dict(zip(methods, cells[3:], strict=True)),
    )
    # Exact intervals over 6 episodes (3 tasks x 2 seeds); each method against the best
    # baseline (act) on the same seeds and tasks, with the exact McNemar p.
    assert first["learnact"] == (
        "100% [54%–100%] vs act: +100 pts (6 vs 0, p=0.03) = identical seeds"
    ), cells
    assert first["act"] == "0% [0%–46%] = identical seeds", cells
    assert first["code-as-policies"] == (
        "0% [0%–46%] vs act: +0 pts (0 vs 0, p=1.00) = identical seeds"
    ), cells
    # One task x 2 seeds there: a wide exact interval.
    assert second == {
        "act": "0% [0%–84%] = identical seeds",
        "learnact": "n/a",
        "code-as-policies": "n/a",
    }
    # Plots drawn as inline SVG, error bars included; a learning curve per learning family.
    assert dom.count("<svg") >= 4 and 'class="err"' in dom
    assert "learner: best score per round" in dom
    # The learned library: the action, its revision's diff and the failure that caused it.
    assert '<code class="action-name">pair</code>' in dom
    assert "v1 → v2" in dom and "caused by the failure" in dom
    assert re.search(r'<span class="del">-\s+return switch_on\(b \+ \'0\'\)</span>', dom)
    assert re.search(r'<span class="add">\+\s+return switch_on\(b\)</span>', dom)
    # The trajectory viewer: the script shows the first episode; every one is listed.
    shown = re.findall(r'<article class="episode shown" id="(\w+)"', dom)
    assert len(shown) == 1
    n_links = len(re.findall(r'<li data-text="', dom))
    assert n_links == dom.count('<article class="episode') > 3 * 2 * 3
    # A learnact test episode, opened by its link: the call it made and what it ran.
    ep = re.search(r'<li data-text="test [^"]* learnact s0 [^"]*"><a href="#(\w+)"', dom).group(1)
    r = _browser(exe, tmp_path, "--dump-dom", f"{page}#{ep}")
    assert r.returncode == 0, r.stderr
    dom = r.stdout
    article = re.search(rf'<article class="episode shown" id="{ep}">(.*?)</article>', dom, re.S)
    assert article, f"episode {ep} is not the one shown"
    text = article.group(1)
    assert re.search(r'<code class="call">pair\(\'lamp\d\', \'lamp\d\'\)</code>', text)
    assert "learned action pair" in text and "<code>on lamp" in text  # its sub-actions
    assert 'class="prompt"' in text and "role-system" in text  # what the model saw

    # A screenshot renders (something more than a blank page); it is not kept.
    shot = tmp_path / "shot.png"
    r = _browser(exe, tmp_path, "--window-size=1280,2000", f"--screenshot={shot}", page)
    assert r.returncode == 0, r.stderr
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 30_000
