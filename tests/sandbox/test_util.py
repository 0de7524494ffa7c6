"""The helper every red-team test starts with: a missing mechanism fails under CI=true
and skips elsewhere, naming the mechanism; an active one lets the test go on."""

from __future__ import annotations

import pytest

from tests.sandbox import util


def test_require_fails_under_ci_and_skips_elsewhere(monkeypatch):
    monkeypatch.setattr(util, "active", lambda: {"seccomp": False, "uid_drop": True, "notes": "n"})
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"inactive here: seccomp \(n\).*CI=true"):
        util.require("uid_drop", "seccomp")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match=r"inactive here: seccomp \(n\)"):
        util.require("seccomp")
    util.require("uid_drop")  # active: nothing happens
