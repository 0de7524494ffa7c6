"""Difficulty ladders in reports (issue 19): success and progress against size, one line
per method with its intervals, in the HTML report and as SVG files; per rung the paired
difference with the best baseline."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from learnact.runner.experiment import parse_experiment
from learnact.runner.ladder import ladders, write_figures
from learnact.runner.run import run_experiment
from tests.helpers import run_cli

RUNGS = ["pddl-gen/gripper[size=1,tasks=6]", "pddl-gen/gripper[size=2,tasks=6]"]
SVG = "{http://www.w3.org/2000/svg}"


def test_families_that_differ_only_in_size_form_a_ladder():
    found = ladders([*RUNGS, "pddl-gen/gripper[size=2,tasks=9]", "pddl/gripper", "lights"])
    assert [(lad.domain, lad.rungs) for lad in found] == [
        ("pddl-gen/gripper", ((1, RUNGS[0]), (2, RUNGS[1])))
    ]
    assert found[0].slug == "pddl-gen-gripper"
    assert ladders(["pddl-gen/gripper[size=3]", "pddl-gen/blockworld[size=4]"]) == []


def test_a_ladder_run_draws_its_curves_and_pairs(tmp_path):
    model = tmp_path / "model.json"
    model.write_text(json.dumps({"rules": [], "default": "check_valid_actions()"}))
    exp = parse_experiment(
        {
            "methods": ["act", "expert-library"],
            "families": RUNGS,
            "tasks": "first:2",
            "model": f"scripted:{model}",
            "max_steps": 2,
        }
    )
    run = tmp_path / "run"
    assert run_experiment(exp, run).ok

    r = run_cli("report", str(run), "--figures", str(tmp_path / "fig"))
    assert r.returncode == 0, r.stderr
    files = sorted(p.name for p in (tmp_path / "fig").iterdir())
    assert files == ["pddl-gen-gripper-progress.svg", "pddl-gen-gripper-success.svg"]
    svg = ET.parse(tmp_path / "fig" / "pddl-gen-gripper-success.svg").getroot()
    assert "success rate by size" in svg.find(f"{SVG}title").text
    # One line per method through both rungs, a point and an interval whisker per cell.
    assert len(svg.findall(f"{SVG}path")) == 2
    assert len(svg.findall(f"{SVG}circle")) == 4
    labels = [t.text for t in svg.iter(f"{SVG}text")]
    assert "expert-library (written by people)" in labels and "size (rung)" in labels
    assert {"1", "2"} <= set(labels)
    whiskers = [ln for ln in svg.findall(f"{SVG}line") if ln.get("stroke", "#ddd") != "#ddd"]
    assert len(whiskers) == 4  # exact intervals exist even for 0 of 2

    html = run_cli("report", str(run), "--html", str(tmp_path / "r.html"))
    assert html.returncode == 0, html.stderr
    page = (tmp_path / "r.html").read_text()
    assert "Ladder <code>pddl-gen/gripper</code>" in page
    assert "minus the best baseline" in page and "<td>expert-library</td>" in page
    assert "http://" not in page  # inline SVG needs no namespace URL


def test_a_run_without_a_ladder_writes_no_figure(tmp_path):
    report = {"families": ["lights", "pddl/gripper"], "methods": ["act"], "cells": {}}
    assert write_figures(report, tmp_path / "fig") == []
    assert not (tmp_path / "fig").exists()
