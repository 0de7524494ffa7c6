"""The run fingerprint: what it covers, and the message when a resumed run differs."""

from __future__ import annotations

import sys

import pytest

from learnact.errors import BadInput
from learnact.runner import fingerprint
from learnact.runner.experiment import parse_experiment
from learnact.runner.plan import plan
from learnact.runner.run import open_run

FAMILY = "fp_family:Lamps"
SOURCE = """
from lights_env import LightsFamily


class Lamps(LightsFamily):
    name = "lights/fp"
"""


@pytest.fixture
def family_module(tmp_path, monkeypatch):
    from tests.helpers import EXAMPLES

    (tmp_path / "fp_family.py").write_text(SOURCE)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.syspath_prepend(str(EXAMPLES))
    yield tmp_path / "fp_family.py"
    sys.modules.pop("fp_family", None)


def exp(**kw):
    return parse_experiment({"families": [FAMILY], "methods": ["act"], "model": "scripted:x", **kw})


def test_fingerprint_covers_config_prompts_version_models_and_data(family_module):
    p = plan(exp())
    fp = p.fingerprint
    assert set(fp) == {"config", "prompts", "learnact", "models", "data"}
    assert fp["models"]["actor"] == {"spec": "scripted:x", "temperature": 0.0, "max_tokens": 128}
    assert "act_system" in fp["prompts"] and fp["learnact"]["version"]
    assert fp["data"][FAMILY]["generated"]  # a family generated in code: its source counts


def test_resume_refuses_any_change_and_says_what(tmp_path, family_module, monkeypatch):
    import learnact.prompts

    real_version = fingerprint.__version__
    run = tmp_path / "run"
    open_run(run, plan(exp())).close()
    open_run(run, plan(exp())).close()  # unchanged: accepted

    def refused(p) -> str:
        with pytest.raises(BadInput) as e:
            open_run(run, p)
        return str(e.value)

    assert "config.temperature: 0.0 -> 0.7" in refused(plan(exp(temperature=0.7)))
    assert "models.actor.spec" in refused(plan(exp(model="scripted:y")))
    monkeypatch.setattr(fingerprint, "__version__", "99.0")
    assert "learnact.version" in refused(plan(exp()))
    monkeypatch.setattr(fingerprint, "__version__", real_version)
    real = learnact.prompts.template_hashes
    monkeypatch.setattr(
        learnact.prompts, "template_hashes", lambda: {**real(), "act_system": "0" * 64}
    )
    assert "prompts.act_system" in refused(plan(exp()))
    monkeypatch.setattr(learnact.prompts, "template_hashes", real)
    family_module.write_text(SOURCE + "\n# changed\n")
    assert f"data.{FAMILY}.generated" in refused(plan(exp()))


def test_a_directory_that_is_not_a_run_is_refused(tmp_path, family_module):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(BadInput, match="not a learnact run"):
        open_run(tmp_path, plan(exp()))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fp_family.py", "notes.txt"]


def test_a_code_change_alone_needs_an_explicit_recorded_override(
    tmp_path, family_module, monkeypatch
):
    from learnact.runner.run import RunRefused
    from learnact.runner.store import RunStore

    run = tmp_path / "run"
    open_run(run, plan(exp())).close()
    monkeypatch.setattr(fingerprint, "source_hash", lambda: "a" * 64)  # the code changed
    with pytest.raises(RunRefused, match="started with other learnact code .* --allow-code-change"):
        open_run(run, plan(exp()))
    with RunStore(run) as store:
        assert store.get_meta("code_changes") is None  # a refusal writes nothing
    # An estimate (the run not confirmed) with the override writes nothing either.
    from learnact.runner.run import run_experiment

    result = run_experiment(exp(), run, allow_code_change=True, confirm=lambda _planned: False)
    assert not result.started
    with RunStore(run) as store:
        assert store.get_meta("code_changes") is None
    open_run(run, plan(exp()), allow_code_change=True).close()
    open_run(run, plan(exp())).close()  # the same new code again: already accepted
    with RunStore(run) as store:
        changes = store.get_meta("code_changes")
    assert [c["source"] for c in changes] == ["a" * 64]
    # A code change never hides a change of what the run is: that is still refused.
    with pytest.raises(RunRefused, match="config.temperature: 0.0 -> 0.7"):
        open_run(run, plan(exp(temperature=0.7)), allow_code_change=True)
    from learnact.runner import report

    rep = report.build(run)
    assert [c["source"] for c in rep["code_changes"]] == ["a" * 64]
    assert "resumed 1 time(s) with changed learnact code" in report.code_change_text(
        rep["code_changes"]
    )


def test_a_finished_run_opened_with_new_code_is_not_marked_as_mixed(
    tmp_path, family_module, monkeypatch
):
    """Re-running the command of a finished run with newer code plays nothing: no refusal,
    and no code change recorded (every report would otherwise say its episodes mix code)."""
    import sqlite3

    from learnact.runner.run import RunRefused
    from learnact.runner.store import RunStore

    run = tmp_path / "run"
    open_run(run, plan(exp())).close()
    db = sqlite3.connect(run / "run.sqlite3")
    with db:
        db.execute("UPDATE units SET status = 'done'")
    monkeypatch.setattr(fingerprint, "source_hash", lambda: "b" * 64)
    open_run(run, plan(exp())).close()
    with RunStore(run) as store:
        assert store.get_meta("code_changes") is None
    # One unit left to play: that one would run with the new code, so the rule holds.
    with db:
        db.execute("UPDATE units SET status = 'pending' WHERE rowid = 1")
    with pytest.raises(RunRefused, match="other learnact code"):
        open_run(run, plan(exp()))
    # ... and so it does for a unit the new code plans that the store does not hold yet.
    with db:
        db.execute("UPDATE units SET status = 'done'")
        db.execute("DELETE FROM units WHERE rowid = 1")
    db.close()
    with pytest.raises(RunRefused, match="other learnact code"):
        open_run(run, plan(exp()))
