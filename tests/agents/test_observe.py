"""The observation an agent gets after its line of code ran."""

from __future__ import annotations

from learnact.agents.observe import NOT_VALID, observe
from learnact.sandbox.results import ErrorInfo

BASE = dict(timed_out=False, timeout_s=10, last_state="S0", value=None, stdout="")


def test_basic_action_shows_environment_observation():
    o = observe(
        sub_observations=[("S1", True)],
        error=None,
        failed_action=False,
        learned=False,
        state_observations=True,
        **BASE,
    )
    assert (o.text, o.valid) == ("S1", True)


def test_learned_success_state_family_shows_last_state():
    o = observe(
        sub_observations=[("S1", True), ("S2", True)],
        error=None,
        failed_action=False,
        learned=True,
        state_observations=True,
        **BASE,
    )
    assert (o.text, o.valid) == ("S2", True)


def test_learned_success_event_family_shows_all_observations():
    o = observe(
        sub_observations=[("You pick up the mug.", True), ("You arrive at sink.", True)],
        error=None,
        failed_action=False,
        learned=True,
        state_observations=False,
        **BASE,
    )
    assert o.text == "You pick up the mug.\nYou arrive at sink."


def test_learned_failure_part_way_gives_error_and_state_where_it_stopped():
    err = ErrorInfo("ActionFailed", "bad")
    o = observe(
        sub_observations=[("S1", True), ("Not valid: drop needs carry.", False)],
        error=err,
        failed_action=True,
        learned=True,
        state_observations=True,
        **BASE,
    )
    assert not o.valid
    assert o.text.startswith("Error in the learned action: Not valid: drop needs carry.")
    assert o.text.endswith("The state where it stopped: S1")


def test_learned_failure_at_first_action_uses_previous_state():
    err = ErrorInfo("ActionFailed", "bad")
    o = observe(
        sub_observations=[("Not valid.", False)],
        error=err,
        failed_action=True,
        learned=True,
        state_observations=True,
        **BASE,
    )
    assert o.text.endswith("The state where it stopped: S0")


def test_event_family_failure_puts_error_first():
    err = ErrorInfo("ActionFailed", "Nothing happens.")
    o = observe(
        sub_observations=[("You open the fridge.", True), ("Nothing happens.", False)],
        error=err,
        failed_action=True,
        learned=True,
        state_observations=False,
        **BASE,
    )
    assert o.text.splitlines() == [
        "Error in the learned action: Nothing happens.",
        "You open the fridge.",
    ]


def test_python_error_is_not_valid_with_the_error():
    err = ErrorInfo("NameError", "name 'carry' is not defined", ("line 1 in <step>",))
    o = observe(
        sub_observations=[],
        error=err,
        failed_action=False,
        learned=False,
        state_observations=True,
        **BASE,
    )
    assert o.text.startswith(NOT_VALID)
    assert "NameError: name 'carry' is not defined" in o.text and not o.valid


def test_timeout_and_no_action():
    o = observe(
        sub_observations=[],
        error=None,
        failed_action=False,
        learned=True,
        state_observations=True,
        **{**BASE, "timed_out": True},
    )
    assert "did not finish within 10 seconds" in o.text and not o.valid
    o = observe(
        sub_observations=[],
        error=None,
        failed_action=False,
        learned=False,
        state_observations=True,
        **{**BASE, "value": "3"},
    )
    assert o.text == "3" and not o.valid
