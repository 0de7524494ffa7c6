"""Static checks of learned code (learning/checks.py): what each finds on real families,
and how creation and revision send refused answers back (scripted learner, real sandbox,
real generated PDDL family)."""

from __future__ import annotations

import ast

import pytest

from learnact.envs import registry
from learnact.learning.checks import CHECKS, Checker, ChecksFailed, check_counts
from learnact.learning.context import LearnContext
from learnact.learning.creation import CreationConfig
from learnact.learning.journal import Journal, read_events
from learnact.learning.learner import LearnConfig, Learner
from learnact.library.experts import expert_library

GRIPPER = "pddl-gen/gripper[size=2,tasks=10]"

GOOD = (
    "```python\n"
    "def carry(obj, from_room, to_room, gripper):\n"
    '    """Carry obj from from_room to to_room."""\n'
    "    pick(obj, from_room, gripper)\n"
    "    move(from_room, to_room)\n"
    "    return drop(obj, to_room, gripper)\n"
    "```\n"
    "Example: carry('ball1', 'rooma', 'roomb', 'left')"
)
HARD_CODED = (
    "```python\n"
    "def carry(gripper):\n"
    "    pick('ball1', 'rooma', gripper)\n"
    "    move('rooma', 'roomb')\n"
    "    return drop('ball1', 'roomb', gripper)\n"
    "```\n"
    "Example: carry('left')"
)


@pytest.fixture(scope="module")
def gripper():
    return registry.make_family(GRIPPER)


def _fns(code: str) -> list[str]:
    return [n.name for n in ast.parse(code).body if isinstance(n, ast.FunctionDef)]


def _code(answer: str) -> str:
    return answer.split("```python\n", 1)[1].split("```", 1)[0]


def test_task_objects_tell_a_tasks_own_objects_from_the_tools(gripper):
    objects = gripper.task_objects(gripper.split.train)
    # Balls and rooms are what goals are about; the two grippers are the same tools in
    # every task, so code may name them (as the expert's carry_pair does).
    assert {n for n, o in objects.items() if not o.fixed} == {"ball1", "ball2", "rooma", "roomb"}
    assert objects["left"].fixed and objects["left"].kinds >= {"gripper"}
    assert objects["ball1"].kinds >= {"ball"}
    assert gripper.parameter_kinds("pick") == (
        frozenset({"ball"}),
        frozenset({"room"}),
        frozenset({"gripper"}),
    )


def test_hard_coded_names_are_found_and_tools_are_not(gripper):
    checker = Checker(gripper, gripper.split.train)
    code = _code(HARD_CODED)
    found = checker.findings(code, _fns(code), "carry('left')")
    assert [(f.check, f.function) for f in found] == [("hard_coded_names", "carry")]
    assert "'ball1', 'rooma', 'roomb'" in found[0].message
    assert "take them as a parameter" in found[0].message
    # The docstring and the tools are no hard-coding.
    code = 'def both(a, b, r):\n    """Pick ball1 and ball2."""\n    pick(a, r, "left")\n    return pick(b, r, "right")\n'
    assert checker.findings(code, ["both"], None) == []


def test_unused_parameters_are_found(gripper):
    code = "def go(from_, to, ball, _note=None):\n    return move(from_, to)\n"
    found = Checker(gripper, gripper.split.train).findings(code, ["go"], None)
    assert [(f.check, f.function) for f in found] == [("unused_parameters", "go")]
    assert "never uses its parameter ball:" in found[0].message  # _note is exempt


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        ("carry('ball1', 'rooma', 'roomb', 'left')", None),
        ("carry('ball1', 'rooma')", "leaves out to_room, gripper of carry("),
        ("carry('ball1', 'rooma', 'roomb', 'left', 'x')", "gives 5 positional arguments"),
        ("carry('ball1', 'rooma', 'roomb', hand='left')", "passes hand, which carry("),
        # A room where the ball goes: pick takes a ball there.
        (
            "carry('rooma', 'ball1', 'roomb', 'left')",
            "passes 'rooma' (a room) as obj, which carry passes to pick where a ball goes",
        ),
    ],
)
def test_the_example_call_must_fit_its_function(gripper, call, expected):
    code = _code(GOOD)
    found = Checker(gripper, gripper.split.train).findings(code, _fns(code), call)
    if expected is None:
        assert found == []
    else:
        assert [f.check for f in found] == ["example_arguments"]
        assert expected in found[0].message


@pytest.mark.parametrize(
    "spec",
    [
        GRIPPER,
        "pddl-gen/blockworld[size=3,tasks=6]",
        "pddl-gen/tyreworld[size=1,tasks=4]",
        "pddl-gen/barman[size=1,tasks=4]",
    ],
)
def test_the_hand_written_expert_libraries_pass_every_check(spec):
    family = registry.make_family(spec)
    lib = expert_library(family)
    assert Checker(family, family.split.train).findings(lib.source, _fns(lib.source), None) == []


def test_families_without_object_knowledge_check_the_examples_arguments(lights):
    # The default: the worked example's call arguments are task objects, kinds unknown.
    objects = lights.task_objects([0])
    assert "lamp1" in objects and not objects["lamp1"].fixed and not objects["lamp1"].kinds
    code = "def first():\n    return switch_on('lamp1')\n"
    found = Checker(lights, [0]).findings(code, ["first"], None)
    assert [f.check for f in found] == ["hard_coded_names"]
    assert Checker(lights, [0], enabled=()).findings(code, ["first"], None) == []
    with pytest.raises(ValueError, match="unknown check"):
        Checker(lights, [0], enabled=["spelling"])


SUPPORT = [
    {"purpose": "describe_action", "response": "Carries one ball to another room."},
    {
        "purpose": "usage_example",
        "response": "Action: carry('ball1', 'roomb', 'rooma', 'left')",
    },
]


def _learner(family, learner, actor, sandbox, tmp_path, **kw):
    cfg = LearnConfig(
        creation=CreationConfig(candidates=1, max_fix_tries=2, **kw.pop("creation", {})),
        train_tasks=list(family.split.train[:2]),
        train_steps=2,
        **kw,
    )
    return Learner(family, LearnContext.for_run(learner, actor, sandbox, Journal(tmp_path)), cfg)


def _refused_then_fixed(family, sandbox, scripted, tmp_path, answer):
    """Learn (no revision round) with a learner whose first answer is ``answer`` and whose
    fix is `GOOD`; the actor only lists valid actions."""
    learner = scripted(
        [
            {"purpose": "create_actions", "response": answer},
            {"purpose": "fix_actions", "response": GOOD},
            *SUPPORT,
        ]
    )
    actor = scripted([], default="check_valid_actions()")
    return _learner(family, learner, actor, sandbox, tmp_path, rounds=0).learn()


def test_creation_sends_a_hard_coded_answer_back_and_counts_the_check(
    gripper, sandbox, scripted, tmp_path
):
    result = _refused_then_fixed(gripper, sandbox, scripted, tmp_path, HARD_CODED)
    assert result.best is not None
    assert [a.name for a in result.best.library.actions] == ["carry"]
    assert "obj, from_room, to_room, gripper" in result.best.library.source
    assert result.checks == {**dict.fromkeys(CHECKS, 0), "hard_coded_names": 1}
    events = read_events(tmp_path)
    fired = [e for e in events if e["event"] == "checks"]
    assert len(fired) == 1 and fired[0]["fired"] == ["hard_coded_names"]
    assert fired[0]["candidate"] == 0 and fired[0]["attempt"] == 0
    # The fix prompt tells the learner what is wrong and what to do.
    fix = [e for e in events if e["event"] == "llm" and e["purpose"] == "fix_actions"]
    prompts = {p["hash"]: p["messages"] for p in _read_prompts(tmp_path)}
    text = prompts[fix[0]["prompt"]][-1]["content"]
    assert "carry hard-codes 'ball1', 'rooma', 'roomb'" in text
    assert "take the task's objects as parameters" in text
    assert [e for e in events if e["event"] == "end"][0]["checks"] == result.checks
    assert check_counts(events) == result.checks


def test_with_checks_off_the_hard_coded_answer_is_taken(gripper, sandbox, scripted, tmp_path):
    learner = scripted([{"purpose": "create_actions", "response": HARD_CODED}, *SUPPORT])
    actor = scripted([], default="check_valid_actions()")
    result = _learner(
        gripper, learner, actor, sandbox, tmp_path, rounds=0, creation={"checks": ()}
    ).learn()
    assert result.best is not None and "'ball1'" in result.best.library.source
    assert result.checks == dict.fromkeys(CHECKS, 0)


def test_a_revision_with_an_unused_parameter_is_sent_back(gripper, sandbox, scripted, tmp_path):
    # The first set's carry fails (it moves before picking); the revision's first answer
    # takes a parameter it never uses, its fix is the right carry.
    wrong = GOOD.replace(
        "    pick(obj, from_room, gripper)\n    move(from_room, to_room)\n",
        "    move(from_room, to_room)\n    pick(obj, from_room, gripper)\n",
    )
    unused = (
        "Diagnosis: it moves first.\nImprovement: Update\n```python\n"
        "def carry(obj, from_room, to_room, gripper, speed):\n"
        "    pick(obj, from_room, gripper)\n    move(from_room, to_room)\n"
        "    return drop(obj, to_room, gripper)\n```"
    )
    learner = scripted(
        [
            {"purpose": "create_actions", "response": wrong},
            {"purpose": "revise", "response": unused},
            {"purpose": "fix_actions", "response": GOOD},
            *SUPPORT,
        ]
    )
    actor = scripted(
        [{"purpose": "act", "response": "carry('ball1', 'roomb', 'rooma', 'left')"}],
    )
    result = _learner(gripper, learner, actor, sandbox, tmp_path, rounds=1, revisions=1).learn()
    events = read_events(tmp_path)
    fired = [e for e in events if e["event"] == "checks"]
    assert [e["fired"] for e in fired] == [["unused_parameters"]]
    assert fired[0]["revision"] is True
    assert "carry never uses its parameter speed" in fired[0]["findings"][0]["message"]
    assert result.checks["unused_parameters"] == 1
    rev = [c for c in result.candidates if c.origin == "update"]
    assert rev and "speed" not in rev[0].library.source


def test_checks_failed_is_a_code_problem_with_every_finding(gripper):
    code = _code(HARD_CODED)
    with pytest.raises(ChecksFailed) as e:
        Checker(gripper, gripper.split.train).check(code, _fns(code), "carry('left', 'x')")
    assert {f.check for f in e.value.findings} == {"hard_coded_names", "example_arguments"}
    assert str(e.value).count("\n- ") == 2


def _read_prompts(directory):
    from learnact.agents.trajectory import read_jsonl

    return read_jsonl(directory / "prompts.jsonl")
