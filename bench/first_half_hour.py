"""A newcomer's first half hour, timed (figures go in BENCHMARKS.md, "## First half hour").

    python bench/first_half_hour.py --install     # fresh clone + scripts/install.sh, no pip cache
    python bench/first_half_hour.py --quickstart  # learnact quickstart with an empty response cache
    python bench/first_half_hour.py --install --quickstart

``--install`` clones this repository into a temporary folder and runs
``scripts/install.sh`` there with pip's cache off (so llama.cpp is built from source as a
newcomer's first install builds it), timing the whole install. ``--quickstart`` runs
``learnact quickstart`` (this checkout's ``.venv``, or the fresh clone's after
``--install``) into a new folder with an empty response cache, and reads the phases from
its run store: learning (the learner unit) and evaluation (the test episodes). The model
must be on this machine already (``learnact models pull``); its download is not timed.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def timed(
    cmd: list[str], cwd: Path, env: dict[str, str]
) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.monotonic()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    return time.monotonic() - started, done


def install(into: Path) -> dict[str, object]:
    clone = into / "learnact"
    subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
    env = {**os.environ, "PIP_NO_CACHE_DIR": "1"}
    secs, done = timed(["bash", "scripts/install.sh"], clone, env)
    if done.returncode != 0:
        sys.exit(f"install failed ({done.returncode}): {done.stderr[-2000:]}")
    return {"install_s": round(secs, 1), "venv": str(clone / ".venv")}


def quickstart(venv: Path, into: Path, model: str | None) -> dict[str, object]:
    run_dir = into / "quickstart"
    env = {**os.environ, "LEARNACT_CACHE": str(into / "cache")}
    cmd = [str(venv / "bin" / "learnact"), "quickstart", "--out", str(run_dir)]
    if model:
        cmd += ["--model", model]
    secs, done = timed(cmd, into, env)
    if done.returncode != 0:
        sys.exit(f"quickstart failed ({done.returncode}): {done.stderr[-2000:]}")
    import sqlite3

    con = sqlite3.connect(run_dir / "run.sqlite3")
    # Time spent in each kind of unit, summed (units run one at a time with a local model,
    # but Act's episodes need no library and may run before learning ends).
    rows = con.execute(
        "SELECT kind, SUM(finished - started) FROM units WHERE finished IS NOT NULL GROUP BY kind"
    ).fetchall()
    phases = {kind: round(total, 1) for kind, total in rows}
    by_purpose = {
        purpose: {"calls": calls, "completion_tokens": out, "latency_s": round(lat, 1)}
        for purpose, calls, out, lat in con.execute(
            "SELECT purpose, SUM(calls), SUM(completion_tokens), SUM(latency_s) FROM usage"
            " GROUP BY purpose ORDER BY SUM(latency_s) DESC"
        )
    }
    report = json.loads((run_dir / "report.json").read_text())
    return {
        "quickstart_s": round(secs, 1),
        "learning_s": phases.get("learn"),
        "evaluation_s": phases.get("episode"),
        "verdict": report["verdict"]["sentence"],
        "llm_calls": (report.get("usage") or {}).get("total", {}).get("calls"),
        "by_purpose": by_purpose,
        "stdout": done.stdout,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--install", action="store_true")
    ap.add_argument("--quickstart", action="store_true")
    ap.add_argument("--model", default=None, help="model spec (default: learnact's default)")
    args = ap.parse_args()
    if not (args.install or args.quickstart):
        ap.error("give --install, --quickstart or both")
    out: dict[str, object] = {"cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory(prefix="learnact-first-") as tmp:
        where = Path(tmp)
        venv = REPO / ".venv"
        if args.install:
            got = install(where)
            out.update(got)
            venv = Path(str(got["venv"]))
        if args.quickstart:
            out.update(quickstart(venv, where, args.model))
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    out["commit"] = commit
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
