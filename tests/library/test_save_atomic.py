"""Saving a library is atomic as a pair: a crash at any point of ``save`` leaves a
directory that loads as the old complete library or the new one, never as a mix (which
would read as a hand edit), while real hand edits are still detected."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from learnact.errors import BadInput
from learnact.library import ActionLibrary
from learnact.library import format as fmt

OLD_SOURCE = (
    'def carry(obj, a, b, g):\n    """Carry obj from a to b."""\n    pick(obj, a, g)\n'
    "    move(a, b)\n    return drop(obj, b, g)\n"
)
NEW_SOURCE = (
    'def carry(obj, a, b, g):\n    """Carry obj from a to b."""\n    move(b, a)\n'
    "    pick(obj, a, g)\n    move(a, b)\n    return drop(obj, b, g)\n"
)
#: the file operations a crash is injected before (each call is one step of a save)
STEPS = ("replace", "fsync", "unlink")


class Crash(Exception):
    """The process died here."""


def _libraries() -> tuple[ActionLibrary, ActionLibrary]:
    """An old library and a learner revision of it (new code, new note, new version)."""
    old = ActionLibrary.from_source(
        OLD_SOURCE,
        {
            "family": "pddl/gripper",
            "actions": {"carry": {"description": "Carries.", "notes": ["n1"]}},
        },
    )
    old.new_version("carry", origin="create", first=True)
    new = ActionLibrary.from_source(OLD_SOURCE, json.loads(json.dumps(old.to_meta())))
    new.source = NEW_SOURCE
    new.action("carry").notes.append("Robby must be in a first.")
    new.new_version("carry", origin="update", failure={"call": "carry(...)", "task": 0})
    return old, new


def _state(d: Path) -> tuple[bytes | None, bytes | None]:
    """The two files' bytes (None: missing)."""
    return tuple(  # type: ignore[return-value]
        (d / n).read_bytes() if (d / n).is_file() else None for n in fmt._LIBRARY_FILES
    )


def _quiet_load(d: Path) -> ActionLibrary:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ActionLibrary.load(d)


def _view(lib: ActionLibrary) -> tuple[str, str]:
    return lib.source, json.dumps(lib.to_meta(), sort_keys=True)


@pytest.fixture
def refs(tmp_path):
    """The two libraries, each saved cleanly: their files and how they load."""
    old, new = _libraries()
    out = {}
    for label, lib in (("old", old), ("new", new)):
        d = lib.save(tmp_path / f"ref-{label}")
        loaded = ActionLibrary.load(d)
        assert loaded.load_warnings == []
        out[label] = {"lib": lib, "dir": d, "files": _state(d), "view": _view(loaded)}
    return out


@contextmanager
def crash_before(step: int) -> Iterator[dict[str, int]]:
    """Make the ``step``-th file operation (0-based) and every later one raise ``Crash``."""
    done = {"n": 0}
    real = {name: getattr(os, name) for name in STEPS}

    def wrap(name):
        def op(*args, **kwargs):
            if done["n"] >= step:
                raise Crash(name)
            done["n"] += 1
            return real[name](*args, **kwargs)

        return op

    with pytest.MonkeyPatch.context() as mp:
        for name in STEPS:
            mp.setattr(os, name, wrap(name))
        yield done


def _steps_of_a_save(refs, tmp_path) -> int:
    d = refs["old"]["lib"].save(tmp_path / "count")
    with crash_before(10**9) as done:
        refs["new"]["lib"].save(d)
    assert done["n"] >= 6  # journal, two files, journal removal, directory syncs
    return done["n"]


def _assert_whole(d: Path, refs) -> str:
    """``d`` loads as the old or the new library (no hand edit) and its files say the
    same; returns which."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lib = ActionLibrary.load(d)
    assert not any("edited by hand" in w for w in lib.load_warnings), lib.load_warnings
    assert not any("edited by hand" in str(w.message) for w in caught)
    which = next(k for k in ("old", "new") if _view(lib) == refs[k]["view"])
    assert _state(d) == refs[which]["files"]  # what people read on disk is that pair too
    assert not (d / fmt.JOURNAL_FILE).exists()
    assert _view(ActionLibrary.load(d)) == refs[which]["view"]  # and stays so
    return which


def test_mixed_pairs_would_read_as_hand_edits(refs, tmp_path):
    """The hazard this guards against: one file old and the other new."""
    for code_from, meta_from in (("new", "old"), ("old", "new")):
        d = tmp_path / f"{code_from}-{meta_from}"
        d.mkdir()
        (d / "actions.py").write_bytes(refs[code_from]["files"][0])
        (d / "library.json").write_bytes(refs[meta_from]["files"][1])
        assert any("edited by hand" in w for w in _quiet_load(d).load_warnings)


def test_a_clean_save_leaves_only_the_two_files(refs):
    for ref in refs.values():
        assert sorted(p.name for p in ref["dir"].iterdir()) == ["actions.py", "library.json"]


def test_a_crash_at_any_step_leaves_the_old_or_the_new_library(refs, tmp_path):
    steps = _steps_of_a_save(refs, tmp_path)
    outcomes = []
    for step in range(steps + 1):
        d = refs["old"]["lib"].save(tmp_path / f"crash{step}")
        with crash_before(step):
            if step < steps:
                with pytest.raises(Crash):
                    refs["new"]["lib"].save(d)
            else:
                refs["new"]["lib"].save(d)
        outcomes.append(_assert_whole(d, refs))
    # before the journal is in place: old; from then on: new
    assert outcomes[0] == "old" and outcomes[-1] == "new"
    assert outcomes == sorted(outcomes, key=["old", "new"].index)


def test_a_crash_during_a_first_save_leaves_nothing_or_the_new_library(refs, tmp_path):
    steps = _steps_of_a_save(refs, tmp_path)
    for step in range(steps):
        d = tmp_path / f"first{step}"
        with crash_before(step), pytest.raises(Crash):
            refs["new"]["lib"].save(d)
        if not (d / fmt.JOURNAL_FILE).exists() and not (d / "actions.py").exists():
            with pytest.raises(BadInput, match="missing"):
                ActionLibrary.load(d)
        else:
            assert _assert_whole(d, refs) == "new"


def test_a_crash_while_finishing_an_interrupted_save_is_finished_later(refs, tmp_path):
    d = refs["old"]["lib"].save(tmp_path / "lib")
    with crash_before(2), pytest.raises(Crash):  # journal committed, no file replaced
        refs["new"]["lib"].save(d)
    assert (d / fmt.JOURNAL_FILE).exists() and _state(d) == refs["old"]["files"]
    for step in range(4):
        with crash_before(step), pytest.raises(Crash):
            ActionLibrary.load(d)
    assert _assert_whole(d, refs) == "new"


def test_a_crash_then_a_new_save_gives_the_new_save(refs, tmp_path):
    _, newer = _libraries()
    newer.action("carry").notes.append("third")
    newer.new_version("carry", origin="plan")
    expected = _view(ActionLibrary.load(newer.save(tmp_path / "ref-newer")))
    d = refs["old"]["lib"].save(tmp_path / "lib")
    with crash_before(5), pytest.raises(Crash):
        refs["new"]["lib"].save(d)
    newer.save(d)
    lib = ActionLibrary.load(d)
    assert _view(lib) == expected and lib.load_warnings == []
    assert sorted(p.name for p in d.iterdir()) == ["actions.py", "library.json"]


def test_unwritable_directory_loads_the_version_being_saved(refs, tmp_path, monkeypatch):
    d = refs["old"]["lib"].save(tmp_path / "lib")
    with crash_before(5), pytest.raises(Crash):  # actions.py replaced, library.json not yet
        refs["new"]["lib"].save(d)

    def read_only(path, text):
        raise PermissionError(13, "Permission denied", str(path))

    with monkeypatch.context() as mp:
        mp.setattr(fmt, "_atomic_write", read_only)
        lib = _quiet_load(d)
    assert _view(lib) == refs["new"]["view"]
    assert "could not finish an interrupted save" in lib.load_warnings[0]
    assert not any("edited by hand" in w for w in lib.load_warnings)
    assert (d / fmt.JOURNAL_FILE).exists()
    assert _assert_whole(d, refs) == "new"  # writable again: finished on disk


def test_killed_process_at_any_step_leaves_the_old_or_the_new_library(refs, tmp_path):
    """A real kill (``os._exit``: no cleanup, temporary files stay behind)."""
    script = textwrap.dedent(
        """
        import os, sys
        from learnact.library import ActionLibrary
        lib = ActionLibrary.load(sys.argv[1])
        step, done = int(sys.argv[3]), [0]
        def wrap(real):
            def op(*args, **kwargs):
                if done[0] >= step:
                    os._exit(9)
                done[0] += 1
                return real(*args, **kwargs)
            return op
        for name in ("replace", "fsync", "unlink"):
            setattr(os, name, wrap(getattr(os, name)))
        lib.save(sys.argv[2])
        """
    )
    steps = _steps_of_a_save(refs, tmp_path)
    outcomes = []
    for step in range(steps + 1):
        d = refs["old"]["lib"].save(tmp_path / f"kill{step}")
        r = subprocess.run(
            [sys.executable, "-c", script, str(refs["new"]["dir"]), str(d), str(step)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert r.returncode == (9 if step < steps else 0), r.stderr
        outcomes.append(_assert_whole(d, refs))
        refs["new"]["lib"].save(d)  # a later save clears what the kill left behind
        assert sorted(p.name for p in d.iterdir()) == ["actions.py", "library.json"]
    assert outcomes[0] == "old" and outcomes[-1] == "new"
    assert outcomes == sorted(outcomes, key=["old", "new"].index)


def test_hand_edit_after_a_recovered_save_is_still_detected(refs, tmp_path):
    d = refs["old"]["lib"].save(tmp_path / "lib")
    with crash_before(5), pytest.raises(Crash):
        refs["new"]["lib"].save(d)
    assert _assert_whole(d, refs) == "new"
    (d / "actions.py").write_text(NEW_SOURCE.replace("move(b, a)", "move(b, a)\n    move(a, b)"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lib = ActionLibrary.load(d)
    assert any("edited by hand" in str(w.message) for w in caught)
    assert lib.action("carry").origin == "edit" and lib.action("carry").version == 3


def test_file_edited_after_a_crash_is_kept_and_seen_as_a_hand_edit(refs, tmp_path):
    d = refs["old"]["lib"].save(tmp_path / "lib")
    with crash_before(2), pytest.raises(Crash):  # journal committed, no file replaced
        refs["new"]["lib"].save(d)
    edited = OLD_SOURCE.replace("move(a, b)", "move(a, b)\n    move(b, a)\n    move(a, b)")
    (d / "actions.py").write_text(edited)
    lib = _quiet_load(d)
    assert lib.source == edited and (d / "actions.py").read_text() == edited
    assert any("changed after an interrupted save" in w for w in lib.load_warnings)
    assert any("edited by hand" in w for w in lib.load_warnings)
    assert not (d / fmt.JOURNAL_FILE).exists()


def test_unreadable_journal_is_ignored_with_a_warning(refs, tmp_path):
    d = refs["old"]["lib"].save(tmp_path / "lib")
    (d / fmt.JOURNAL_FILE).write_text("{not json")
    lib = _quiet_load(d)
    assert _view(lib) == refs["old"]["view"]
    assert "not a save journal" in lib.load_warnings[0]
