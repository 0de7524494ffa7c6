"""The learning loop with scripted learner and actor models, a real sandbox and environment.

The family is examples/lights_env.py; task 0 wants exactly lamp1 and lamp3 on.
"""

from __future__ import annotations

import pytest

from learnact.agents.act import AgentConfig
from learnact.agents.trajectory import read_jsonl
from learnact.learning.context import LearnContext
from learnact.learning.creation import CreationConfig
from learnact.learning.journal import Journal, read_events
from learnact.learning.learner import LearnConfig, Learner

GOOD = '```python\ndef pair(a, b):\n    """Switch on two lamps."""\n    switch_on(a)\n    return switch_on(b)\n```\nExample: pair(\'lamp0\', \'lamp2\')'
BUGGY = "```python\ndef pair(a, b):\n    switch_on(a)\n    return switch_on(b + '0')\n```\nExample: pair('lamp0', 'lamp2')"
CRASH = "```python\ndef pair(a, b):\n    switch_on(a)\n    return switch_on(undefined_lamp)\n```\nExample: pair('lamp0', 'lamp2')"
WORSE = "Diagnosis: it should switch off.\nImprovement: Update\n```python\ndef pair(a, b):\n    switch_off(a)\n    return switch_off(b)\n```"
FIX = (
    "Diagnosis: the second lamp name gets a stray 0.\nImprovement: Update\n"
    + GOOD.split("\nExample")[0]
)
PLAN = "Diagnosis: lamp9 does not exist.\nImprovement: Plan\nAction: pair\nNote: Only pass lamps named in the goal."

GOAL_CALL = {
    "purpose": "act",
    "match": r"Goal: Exactly these lamps are on: (lamp\d), (lamp\d)\.",
    "expand": True,
    "response": r"pair('\1', '\2')",
}
FIRST_STEP_BAD = {
    "purpose": "act",
    "match": r"\AGoal: [^\n]*\nObservation: Lamps that are on: none\.\nAction:\Z",
    "response": "pair('lamp9', 'lamp1')",
}
SUPPORT = [
    {"purpose": "describe_action", "response": "pair(a, b) switches on lamps a and b."},
    {
        "purpose": "usage_example",
        "response": "Goal: lamps lamp0, lamp2\nAction: pair('lamp0', 'lamp2')\nObservation: Lamps that are on: lamp0, lamp2.",
    },
]


def cfg(**kw):
    creation = CreationConfig(candidates=kw.pop("candidates", 1), max_fix_tries=2)
    return LearnConfig(
        creation=creation, train_tasks=[0], train_steps=kw.pop("train_steps", 3), **kw
    )


def test_creation_retries_after_a_crash_and_keeps_the_fix(lights, sandbox, scripted, tmp_path):
    learner = scripted(
        [
            {"purpose": "create_actions", "response": CRASH},
            {"purpose": "fix_actions", "response": GOOD},
            *SUPPORT,
        ]
    )
    actor = scripted([GOAL_CALL])
    result = Learner(
        lights, LearnContext.for_run(learner, actor, sandbox, Journal(tmp_path)), cfg(rounds=0)
    ).learn()
    assert result.best is not None and result.best.score.success == 1.0
    lib = result.best.library
    assert [a.name for a in lib.actions] == ["pair"]
    assert lib.action("pair").description == "pair(a, b) switches on lamps a and b."
    # The usage example is the real run of the learner's actions on the training task: the
    # observation the learner made up is replaced by the environment's.
    assert lib.usage_example == (
        "Goal: Exactly these lamps are on: lamp1, lamp3.\n"
        "Observation: Lamps that are on: none.\n"
        "Action: pair('lamp0', 'lamp2')\n"
        "Observation: Lamps that are on: lamp0, lamp2."
    )
    events = read_events(tmp_path)
    errors = [e["error"] for e in events if e["event"] == "validation"]
    # The crash is caught before running: a name the function never defines.
    assert "never defined: pair uses undefined_lamp" in errors[0] and errors[1] is None
    assert [e["purpose"] for e in events if e["event"] == "llm"][:2] == [
        "create_actions",
        "fix_actions",
    ]


def test_update_fixes_a_buggy_action_and_the_score_rises(lights, sandbox, scripted, tmp_path):
    learner = scripted(
        [
            {"purpose": "create_actions", "response": BUGGY},
            {"purpose": "revise", "response": FIX},
            *SUPPORT,
        ]
    )
    actor = scripted([GOAL_CALL])
    result = Learner(
        lights,
        LearnContext.for_run(learner, actor, sandbox, Journal(tmp_path)),
        cfg(rounds=2, revisions=1),
    ).learn()
    by_id = {c.id: c for c in result.candidates}
    assert by_id["c0"].score.success == 0.0 and by_id["c0"].score.failed_learned_calls > 0
    assert result.best.id == "r1.0" and result.best.origin == "update"
    assert result.best.score.total > by_id["c0"].score.total and result.best.score.success == 1.0
    assert result.stopped == "no learned action failed"
    assert "switch_on(b)" in result.best.library.source
    revisions = [e for e in read_events(tmp_path) if e["event"] == "revision"]
    assert revisions[0]["kind"] == "update" and "stray 0" in revisions[0]["diagnosis"]


def test_plan_note_reaches_the_agent_prompt(lights, sandbox, scripted, tmp_path):
    learner = scripted(
        [
            {"purpose": "create_actions", "response": GOOD},
            {"purpose": "revise", "response": PLAN},
            *SUPPORT,
        ]
    )
    actor = scripted([FIRST_STEP_BAD, GOAL_CALL])
    result = Learner(
        lights,
        LearnContext.for_run(learner, actor, sandbox, Journal(tmp_path)),
        cfg(rounds=1, revisions=1),
    ).learn()
    plan = next(c for c in result.candidates if c.origin == "plan")
    assert plan.library.action("pair").notes == ["Only pass lamps named in the goal."]
    systems = [p["messages"][0]["content"] for p in read_jsonl(tmp_path / "prompts.jsonl")]
    assert any("Note: Only pass lamps named in the goal." in s for s in systems)


def test_selection_keeps_previous_best_when_revisions_are_worse(
    lights, sandbox, scripted, tmp_path
):
    learner = scripted(
        [
            {"purpose": "create_actions", "response": GOOD},
            {"purpose": "revise", "response": WORSE},
            *SUPPORT,
        ]
    )
    actor = scripted([FIRST_STEP_BAD, GOAL_CALL])
    result = Learner(
        lights,
        LearnContext.for_run(learner, actor, sandbox, Journal(tmp_path)),
        cfg(rounds=2, revisions=2, train_steps=4),
    ).learn()
    assert result.best.id == "c0"
    worse = [c for c in result.candidates if c.origin == "update"]
    assert worse and all(c.score.total < result.best.score.total for c in worse)
    events = read_events(tmp_path)
    bests = [e for e in events if e["event"] == "best" and "round" in e]
    assert bests and all(e["kept_previous"] for e in bests)
    # Unchanged candidates are not re-evaluated: c0 is scored once, identical revisions reuse a score.
    scored = [e["candidate"] for e in events if e["event"] == "score"]
    assert scored.count("c0") == 1
    assert len(scored) == len(set(scored))
    assert any(e["event"] == "score_reused" for e in events)


def test_budget_cap_stops_cleanly(lights, sandbox, scripted, tmp_path):
    learner = scripted(
        [
            {"purpose": "create_actions", "response": BUGGY},
            {"purpose": "revise", "response": FIX},
            *SUPPORT,
        ]
    )
    actor = scripted([GOAL_CALL])
    result = Learner(
        lights,
        LearnContext.for_run(learner, actor, sandbox, Journal(tmp_path)),
        cfg(candidates=2, budget_calls=6),
    ).learn()
    assert result.stopped.startswith("budget")
    end = [e for e in read_events(tmp_path) if e["event"] == "end"]
    assert len(end) == 1
    calls = learner.usage.total.calls + actor.usage.total.calls
    assert calls <= 6 + 2  # stops at the first check past the cap, never runs on


def test_parse_proposal_drops_shadowing_and_refuses_unknown_calls():
    import pytest

    from learnact.learning.code import CodeProblem, parse_proposal

    basic = {"switch_on", "switch_off"}
    with pytest.raises(CodeProblem, match="is a basic action"):
        parse_proposal("```python\ndef switch_on(x):\n    return switch_off(x)\n```", basic)
    # A re-implemented basic action beside a new action is left out; the new one stays and
    # its calls reach the real basic action.
    mixed = parse_proposal(
        "```python\ndef switch_on(x):\n    return 'You switch on ' + x\n\n"
        "def pair(a, b):\n    switch_on(a)\n    return switch_on(b)\n```",
        basic,
    )
    assert mixed.functions == ("pair",) and mixed.dropped == ("switch_on",)
    assert "def switch_on" not in mixed.code and "def pair" in mixed.code
    # A name the function never receives is a NameError waiting to happen: refused.
    with pytest.raises(CodeProblem, match="never defined: pair uses lamp_b"):
        parse_proposal(
            "```python\ndef pair(lamp_a):\n    switch_on(lamp_a)\n    return switch_on(lamp_b)\n```",
            basic,
        )
    with pytest.raises(CodeProblem, match="do not exist: teleport"):
        parse_proposal("```python\ndef f(x):\n    teleport(x)\n```", basic)
    with pytest.raises(CodeProblem, match="no ```python code block"):
        parse_proposal("I would write a function.", basic)
    ok = parse_proposal(
        "```python\ndef g(x):\n    return helper(x)\n```\nExample: g('lamp1')",
        basic,
        also_known={"helper"},
    )
    assert ok.functions == ("g",) and ok.example_call == "g('lamp1')"


def test_parse_proposal_leaves_out_functions_that_can_never_act():
    import pytest

    from learnact.learning.code import CodeProblem, parse_proposal

    basic = {"switch_on", "switch_off"}
    # The 1.5B learner's fake actions: a made-up observation, a plan it returns.
    with pytest.raises(CodeProblem, match="fake, plan never call a basic action"):
        parse_proposal(
            "```python\ndef fake(x):\n    print('Lamps that are on: ' + x)\n\n"
            "def plan():\n    return ['on lamp1', 'on lamp3']\n```",
            basic,
        )
    mixed = parse_proposal(
        "```python\ndef lamps(a, b):\n    return [a, b]\n\n"
        "def both(a, b):\n    for x in lamps(a, b):\n        outer(x)\n\n"
        "def outer(x):\n    return inner(x)\n\n"
        "def inner(x):\n    return switch_on(x)\n\n"
        "def fake(x):\n    return 'Lamps that are on: ' + x\n```\n"
        "Example: fake('lamp1')\nExample: both('lamp1', 'lamp3')",
        basic,
    )
    # A pure helper that an acting function calls stays, and so do actions that act only
    # through other functions; the fake goes, and so does its example.
    assert mixed.functions == ("lamps", "both", "outer", "inner")
    assert mixed.inert == ("fake",) and "def fake" not in mixed.code
    assert mixed.example_call == "both('lamp1', 'lamp3')"
    # An Update that rewrites only a helper the library calls is not mistaken for a fake.
    helper_only = "```python\ndef lamps(a, b):\n    return [b, a]\n```"
    with pytest.raises(CodeProblem, match="lamps never calls a basic action"):
        parse_proposal(helper_only, basic, also_known={"both"})
    update = parse_proposal(helper_only, basic, also_known={"both"}, used_elsewhere={"lamps"})
    assert update.functions == ("lamps",) and update.inert == ()
    # Only what a kept function uses is kept: a fake's own helper goes with it, and so do
    # two fakes that call each other.
    with pytest.raises(CodeProblem, match="fake, plan never call"):
        parse_proposal(
            "```python\ndef fake(x):\n    print(plan(x))\n\ndef plan(x):\n    return [x]\n```",
            basic,
        )
    with pytest.raises(CodeProblem, match="ping, pong never call"):
        parse_proposal(
            "```python\ndef ping(n):\n    return pong(n - 1)\n\n"
            "def pong(n):\n    return ping(n) if n else 'done'\n```",
            basic,
        )
    # Actions passed as values act; helpers used as values or decorators stay.
    values = parse_proposal(
        "```python\ndef all_on(xs):\n    return list(map(switch_on, xs))\n\n"
        "def toggle(x):\n    for f in [switch_on, switch_off]:\n        f(x)\n\n"
        "def _key(x):\n    return x[-1]\n\n"
        "def logged(f):\n    return f\n\n"
        "@logged\ndef sorted_on(a, b):\n    for x in sorted([a, b], key=_key):\n"
        "        switch_on(x)\n```",
        basic,
    )
    assert values.functions == ("all_on", "toggle", "_key", "logged", "sorted_on")
    assert values.inert == ()
    # Calling an existing learned action counts as acting.
    assert parse_proposal(
        "```python\ndef again(a, b):\n    return both(a, b)\n```", basic, also_known={"both"}
    ).functions == ("again",)


def test_creation_leaves_out_a_fake_action_and_keeps_the_real_one(
    lights, sandbox, scripted, tmp_path
):
    fake_too = GOOD.replace(
        "```\nExample",
        "\n\ndef look_lamps():\n    print('Lamps that are on: lamp1, lamp3.')\n```\nExample",
    )
    assert "def look_lamps" in fake_too
    learner = scripted([{"purpose": "create_actions", "response": fake_too}, *SUPPORT])
    result = Learner(
        lights,
        LearnContext.for_run(learner, scripted([GOAL_CALL]), sandbox, Journal(tmp_path)),
        cfg(rounds=0),
    ).learn()
    assert result.best is not None
    assert [a.name for a in result.best.library.actions] == ["pair"]
    created = [e for e in read_events(tmp_path) if e["event"] == "created"]
    assert created[0]["inert"] == ["look_lamps"] and created[0]["tries"] == 1


def test_update_of_a_helper_is_taken_and_one_that_stops_an_action_acting_is_refused(
    lights, sandbox, scripted, tmp_path
):
    # pair acts only through the helper _lamps, whose bug (a stray 0) makes pair fail.
    helper_bug = (
        "```python\ndef _lamps(a, b):\n    return [a, b + '0']\n\n"
        "def pair(a, b):\n    for x in _lamps(a, b):\n        switch_on(x)\n```\n"
        "Example: pair('lamp0', 'lamp2')"
    )
    fix_helper = (
        "Diagnosis: the helper adds a stray 0.\nImprovement: Update\n"
        "```python\ndef _lamps(a, b):\n    return [a, b]\n```"
    )
    # Rewrites pair so that it no longer acts: refused after merging, and the fix thread
    # is told why.
    breaks_pair = (
        "Diagnosis: pair should only report.\nImprovement: Update\n"
        "```python\ndef pair(a, b):\n    return _lamps(a, b)\n```"
    )
    learner = scripted(
        [
            {"purpose": "create_actions", "response": helper_bug},
            {"purpose": "revise", "responses": [breaks_pair, fix_helper]},
            {"purpose": "fix_actions", "response": breaks_pair.split("Update\n")[1]},
            *SUPPORT,
        ]
    )
    result = Learner(
        lights,
        LearnContext.for_run(learner, scripted([GOAL_CALL]), sandbox, Journal(tmp_path)),
        cfg(rounds=1, revisions=2),
    ).learn()
    events = read_events(tmp_path)
    errors = [e["error"] for e in events if e["event"] == "validation" and e.get("revision")]
    assert errors[0] == errors[-2] and "after this update _lamps, pair never call" in errors[0]
    assert errors[-1] is None
    kinds = [e["kind"] for e in events if e["event"] == "revision"]
    assert kinds == ["none", "update"]
    assert result.best.origin == "update" and result.best.score.success == 1.0
    assert "return [a, b]" in result.best.library.source


def test_a_learned_call_failing_in_the_usage_example_is_revised_from(
    lights, sandbox, scripted, tmp_path
):
    # The actor never calls the learned action, so training shows no failure; the usage
    # example's own call of the buggy action fails, and that failure drives the revision.
    learner = scripted(
        [
            {"purpose": "create_actions", "response": BUGGY},
            {"purpose": "revise", "response": FIX},
            *SUPPORT,
        ]
    )
    actor = scripted([{"purpose": "act", "response": "switch_on('lamp1')"}])
    result = Learner(
        lights,
        LearnContext.for_run(learner, actor, sandbox, Journal(tmp_path)),
        cfg(rounds=1, revisions=1),
    ).learn()
    events = read_events(tmp_path)
    failure = next(e for e in events if e["event"] == "failure")
    assert failure["source"] == "usage-example" and failure["call"] == "pair('lamp0', 'lamp2')"
    assert result.rounds_run == 1
    revised = next(c for c in result.candidates if c.origin == "update")
    assert "switch_on(b)" in revised.library.source
    assert "Action: pair('lamp0', 'lamp2')" in revised.library.usage_example
    assert result.candidates[0].library.usage_example == ""  # the buggy one had none


def test_selection_breaks_a_tie_of_paper_scores_by_progress():
    from learnact.learning.learner import Candidate, _best
    from learnact.learning.scoring import Score
    from learnact.library import ActionLibrary

    def cand(name, total, progress):
        lib = ActionLibrary.from_source("", {"actions": {}})
        c = Candidate(name, lib, None, "create")
        c.score = Score(total, 0.0, 0.0, 0.0, 3, 0, 0, progress=progress)
        c.complete = True
        return c

    zero_a, zero_b, better = cand("a", 0.0, 0.1), cand("b", 0.0, 0.4), cand("c", 0.5, 0.0)
    assert _best([zero_a, zero_b]).id == "b"  # same paper score: more progress wins
    assert _best([zero_a, zero_b, better]).id == "c"  # the paper score comes first
    assert _best([zero_a, cand("d", 0.0, 0.1)]).id == "a"  # a full tie keeps the earlier
    better.complete = False  # raced out: scored on one task only, never the best
    assert _best([zero_a, better]).id == "a"


@pytest.mark.parametrize("selection", ["full", "race"])
def test_race_selection_plays_fewer_episodes_and_keeps_the_same_best(
    selection, lights, sandbox, scripted, tmp_path
):
    learner = scripted(
        [
            {"purpose": "create_actions", "responses": [BUGGY, GOOD, BUGGY]},
            *SUPPORT,
        ]
    )
    actor = scripted([GOAL_CALL])
    config = LearnConfig(
        creation=CreationConfig(candidates=3, max_fix_tries=0),
        train_tasks=[0, 1, 2],
        train_steps=3,
        rounds=0,
        selection=selection,
        agent=AgentConfig(repeat_retries=0),
    )
    result = Learner(
        lights, LearnContext.for_run(learner, actor, sandbox, Journal(tmp_path)), config
    ).learn()
    assert result.best.id == "c1" and result.best.score.success == 1.0
    events = read_events(tmp_path)
    raced_out = [e["candidate"] for e in events if e["event"] == "raced_out"]
    reused = [e["candidate"] for e in events if e["event"] == "score_reused"]
    episodes = {c.id: len(c.episodes) for c in result.candidates}
    if selection == "full":
        # c2 is c0 again: scored once, reused; every distinct candidate plays 3 tasks.
        assert raced_out == [] and reused == ["c2"]
        assert episodes == {"c0": 3, "c1": 3, "c2": 3}
        assert actor.usage.total.calls == 3 * 3 + 3 * 1  # buggy: 3 steps; good: wins at once
    else:
        # c0 and c1 race on task 0; c1 (won) goes on alone; c2 takes c0's heat result.
        assert raced_out == ["c0"] and reused == []
        heat = next(e for e in events if e["event"] == "raced_out")
        assert heat["task"] == 1  # not task 0, where the usage examples run
        assert episodes == {"c0": 1, "c1": 3, "c2": 1}
        assert not result.candidates[0].complete and not result.candidates[2].complete
        assert actor.usage.total.calls == 3 + 3 * 1


@pytest.mark.parametrize("race_bar", [True, False])
def test_race_bar_stops_a_revision_that_loses_to_the_previous_best_on_the_heat(
    race_bar, lights, sandbox, scripted, tmp_path
):
    learner = scripted(
        [
            {"purpose": "create_actions", "response": GOOD},
            {"purpose": "revise", "responses": [WORSE, PLAN]},
            *SUPPORT,
        ]
    )
    actor = scripted([FIRST_STEP_BAD, GOAL_CALL])
    config = LearnConfig(
        creation=CreationConfig(candidates=1, max_fix_tries=0),
        train_tasks=[0, 1, 2],
        train_steps=4,
        rounds=1,
        revisions=2,
        selection="race",
        race_keep=1.0,  # the share alone would let both revisions play on
        race_bar=race_bar,
        agent=AgentConfig(repeat_retries=0),
    )
    result = Learner(
        lights, LearnContext.for_run(learner, actor, sandbox, Journal(tmp_path)), config
    ).learn()
    by_origin = {c.origin: c for c in result.candidates}
    worse, plan = by_origin["update"], by_origin["plan"]
    assert result.best.id == "c0"  # the note changes nothing: a tie keeps the earlier
    assert len(plan.episodes) == 3 and plan.complete  # matched c0 on the heat: plays on
    events = read_events(tmp_path)
    raced = [e for e in events if e["event"] == "raced_out"]
    if race_bar:
        # WORSE switches lamps off: below c0 on the heat task, so it plays nothing more.
        assert len(worse.episodes) == 1 and not worse.complete
        assert [(e["candidate"], e["task"], e["below_best"]) for e in raced] == [
            (worse.id, 1, True)
        ]
    else:
        assert len(worse.episodes) == 3 and worse.complete and raced == []


@pytest.mark.parametrize("train_retries, calls", [(None, 1 + 3 + 3), (0, 3)])
def test_training_repeat_guard_can_be_turned_down_to_save_acting_calls(
    train_retries, calls, lights, sandbox, scripted, tmp_path
):
    from learnact.learning.learner import estimate_calls

    learner = scripted([{"purpose": "create_actions", "response": BUGGY}, *SUPPORT])
    actor = scripted([GOAL_CALL])  # the same failing call every step
    config = cfg(rounds=0, agent=AgentConfig(repeat_retries=2), train_repeat_retries=train_retries)
    Learner(
        lights, LearnContext.for_run(learner, actor, sandbox, Journal(tmp_path)), config
    ).learn()
    # Steps 2 and 3 repeat the call that just failed: the guard asks twice more each time,
    # unless training turns it off.
    assert actor.usage.total.calls == calls
    per_step = 3 if train_retries is None else 1
    assert estimate_calls(lights, config)["actor_calls_max"] == 1 * 3 * per_step


SHADOW_ONLY = "```python\ndef switch_on(lamp):\n    return 'You switch on ' + lamp\n```\nExample: switch_on('lamp0')"
FAKES_ONLY = "```python\ndef pair(a, b):\n    print('Lamps that are on: ' + a + ', ' + b)\n```\nExample: pair('lamp0', 'lamp2')"
UNKNOWN = "```python\ndef pair(a, b):\n    teleport(a)\n    return switch_on(b)\n```\nExample: pair('lamp0', 'lamp2')"


@pytest.mark.parametrize(
    "rules, purposes",
    [
        # Only re-defined basic actions: nothing to fix, so a fresh creation sample.
        ([{"purpose": "create_actions", "responses": [SHADOW_ONLY, GOOD]}], ["create_actions"] * 2),
        # Only functions that never act: nothing to fix either (on the put learner at
        # b4fd201, none of 4 fixes of such answers was usable: 2 copies, 2 syntax errors).
        ([{"purpose": "create_actions", "responses": [FAKES_ONLY, GOOD]}], ["create_actions"] * 2),
        # The fix repeats the broken answer word for word: asking again would too.
        (
            [
                {"purpose": "create_actions", "responses": [UNKNOWN, GOOD]},
                {"purpose": "fix_actions", "response": UNKNOWN},
            ],
            ["create_actions", "fix_actions", "create_actions"],
        ),
    ],
)
def test_creation_starts_afresh_instead_of_fixing_what_cannot_be_fixed(
    rules, purposes, lights, sandbox, scripted, tmp_path
):
    learner = scripted([*rules, *SUPPORT])
    actor = scripted([GOAL_CALL])
    result = Learner(
        lights, LearnContext.for_run(learner, actor, sandbox, Journal(tmp_path)), cfg(rounds=0)
    ).learn()
    assert result.best is not None and result.best.score.success == 1.0
    events = read_events(tmp_path)
    creating = [e["purpose"] for e in events if e["event"] == "llm"]
    assert creating[: len(purposes)] == purposes and creating[len(purposes)] != "fix_actions"
    restarts = [e for e in events if e["event"] == "creation_restart"]
    creates = [e for e in events if e["event"] == "llm" and e["purpose"] == "create_actions"]
    # The fresh sample is asked for with a sample index apart from every candidate's own.
    assert len(restarts) == 1 and creates[0]["sample"] == 0
    assert creates[-1]["sample"] == restarts[0]["sample"] >= 1000


def test_at_temperature_zero_creation_fixes_instead_of_restarting(
    lights, sandbox, scripted, tmp_path
):
    # A fresh sample at temperature 0 is the same answer: the fix thread is the only way on.
    learner = scripted(
        [
            {"purpose": "create_actions", "response": SHADOW_ONLY},
            {"purpose": "fix_actions", "response": GOOD},
            *SUPPORT,
        ]
    )
    actor = scripted([GOAL_CALL])
    config = cfg(rounds=0)
    config.creation.temperature = 0.0
    result = Learner(
        lights, LearnContext.for_run(learner, actor, sandbox, Journal(tmp_path)), config
    ).learn()
    assert result.best is not None
    events = read_events(tmp_path)
    assert [e["purpose"] for e in events if e["event"] == "llm"][:2] == [
        "create_actions",
        "fix_actions",
    ]
    assert not any(e["event"] == "creation_restart" for e in events)
