"""Constrained acting (issue 20, item 3): the grammar, how it reaches the model, and the
real SmolLM2 model under it on a real PDDL task (llama.cpp's own grammar support)."""

from __future__ import annotations

import ast
import json
import re

import pytest

from learnact.agents.act import CHECK_VALID_CALL, ActAgent, AgentConfig
from learnact.agents.context import RunContext
from learnact.agents.grammar import Signature, action_grammar, learned_signatures
from learnact.agents.methods import MethodSetup, build_agent
from learnact.envs.registry import make_family
from learnact.library.experts import expert_library
from learnact.llm.cache import request_key
from learnact.llm.types import Request

TASK = 2  # Robby in rooma, both balls in roomb


@pytest.fixture(scope="module")
def gripper():
    return make_family("pddl-gen/gripper[size=2,tasks=10]")


def test_the_grammar_allows_known_calls_with_seen_names_and_thoughts():
    sigs = [Signature("move", 2, 2), Signature("carry", 1, 2), Signature("look", 0, 0)]
    g = action_grammar(sigs, ["rooma", "it's", "mug 1"], think=True)
    assert g is not None
    assert 'root ::= call | "Think: " [^\\n]+' in g
    assert '( "move(" arg ", " arg ")" )' in g
    assert '( "carry(" arg ")" ) | ( "carry(" arg ", " arg ")" )' in g
    assert '( "look(" ")" )' in g
    # A name with a quote in it cannot be written as a Python string as it is.
    assert "arg ::= \"'rooma'\" | \"'mug 1'\"\n" in g
    # Nothing seen yet: only calls without arguments; none at all -> no grammar.
    assert "arg ::=" not in action_grammar(sigs, [])
    assert action_grammar([Signature("move", 2, 2)], []) is None
    assert action_grammar([Signature("move", 2, 2)], [], think=True) == (
        'root ::= "Think: " [^\\n]+\n'
    )


def test_learned_signatures_take_defaults_as_optional():
    src = "def carry(a, b, c='left'):\n    pass\n\ndef _helper(x):\n    pass\n"
    assert learned_signatures(src) == [Signature("carry", 2, 3, learned=True)]


def _gbnf_regex(grammar: str, rule: str = "root") -> str:
    """The grammar as a Python regular expression (enough for action_grammar's rules:
    literals, rule names, groups, alternatives, ``*`` and one character class; no
    recursion), to check which answers it lets through."""
    rules = dict(line.split(" ::= ", 1) for line in grammar.strip().splitlines())
    out = []
    for tok in re.findall(r'"(?:[^"\\]|\\.)*"|\[\^\\n\]\+|[A-Za-z_]+|[()|*]', rules[rule]):
        if tok.startswith('"'):
            out.append(re.escape(json.loads(tok)))
        elif tok.startswith("["):
            out.append(r"[^\n]+")
        elif tok == "(":
            out.append("(?:")
        elif tok in ")|*":
            out.append(tok)
        else:
            out.append(f"(?:{_gbnf_regex(grammar, tok)})")
    return "".join(out)


def test_learned_actions_may_take_lists_and_terms_basic_actions_never():
    lib = "def build_tower(blocks):\n    pass\n\ndef find_and_take(obj, places):\n    pass\n"
    sigs = [Signature("move", 2, 2), *learned_signatures(lib)]
    g = action_grammar(sigs, ["b1", "b2", "desk 1"], terms=["mug", "b1"])
    assert g is not None
    # (llama.cpp parses these rules for real where a constrained agent has a library:
    # test_every_answer_of_the_real_small_model_is_a_known_call.)
    allowed = re.compile(_gbnf_regex(g))
    for answer in (
        "build_tower(['b1', 'b2'])",
        "build_tower('b1')",
        "find_and_take('mug', ['desk 1', 'b2'])",
        "find_and_take('mug', 'desk 1')",
        "move('b1', 'desk 1')",
    ):
        assert allowed.fullmatch(answer), answer
    for answer in (
        "move(['b1'], 'b2')",  # a basic action takes names only
        "move('mug', 'b1')",  # ... and no term
        "build_tower([])",
        "build_tower(['b3'])",  # nothing called b3 was seen
        "build_tower(['b1',])",
        "find_and_take('mug')",
    ):
        assert not allowed.fullmatch(answer), answer
    # Only terms seen, no object name yet: a learned action can still be called.
    g = action_grammar(sigs, [], terms=["mug"])
    assert g is not None and re.fullmatch(_gbnf_regex(g), "build_tower(['mug'])")
    assert "move(" not in g


def test_alfworld_terms_are_the_goals_and_the_seen_objects_types(shared_data):
    alfworld_put = make_family("alfworld/put", data_dir=str(shared_data))
    text = (
        "-= Welcome =-\nYou are in the middle of a room. You see a cabinet 6, a desk 1.\n\n"
        "Your task is to: put some saltshaker on drawer."
    )
    assert alfworld_put.names_in(text, 0) == ["cabinet 6", "desk 1"]
    assert alfworld_put.terms_in(text, 0) == ["saltshaker", "drawer", "cabinet", "desk"]
    for goal, types in {
        "look at book under the desklamp": ["book", "desklamp"],
        "find two pillow and put them in sofa": ["pillow", "sofa"],
        "put a cool mug in cabinet": ["mug", "cabinet"],
        "clean some bowl and put it in cabinet": ["bowl", "cabinet"],
    }.items():
        assert alfworld_put.terms_in(f"Your task is to: {goal}.", 0) == types
    # A family without terms (PDDL: every argument is an object of the task).
    assert make_family("pddl-gen/gripper[size=1,tasks=4]").terms_in(text, 0) == []


def test_the_grammar_is_part_of_the_request_and_its_cache_key():
    plain = Request(messages=(("user", "hi"),), purpose="act")
    constrained = Request(messages=(("user", "hi"),), purpose="act", grammar='root ::= "a"\n')
    assert "grammar" not in plain.sampling()  # unconstrained keys stay as they were
    assert request_key("local:x", plain) != request_key("local:x", constrained)


def test_a_constrained_agent_sends_the_grammar_of_its_episode(gripper, sandbox, scripted):
    model = scripted([{"purpose": "act", "response": "move('rooma', 'roomb')"}])
    setup = MethodSetup(config=AgentConfig(max_steps=2, constrained=True))
    agent = build_agent("react", gripper, RunContext(model, sandbox), setup)
    agent.run(TASK)
    g = agent.grammar(TASK, [gripper.make_episode(TASK).reset().observation])
    assert g is not None and "\"'ball1'\"" in g and f'"{CHECK_VALID_CALL}("' in g
    assert "Think: " in g  # ReAct keeps its thoughts
    # The grammar went with the request: the same prompt without it is another cache key.
    assert model.usage.total.calls == 2


def _known_call(reply: str, agent: ActAgent, names: set[str]) -> bool:
    node = ast.parse(reply.strip(), mode="eval").body
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in {s.name for s in agent.signatures}
        and all(_known_argument(a, node.func.id in agent.learned_names, names) for a in node.args)
    )


def _known_argument(arg: ast.expr, learned: bool, names: set[str]) -> bool:
    """A seen name; for a learned action also a list of them (PDDL has no other terms)."""
    if isinstance(arg, ast.List) and learned:
        return bool(arg.elts) and all(_known_argument(e, False, names) for e in arg.elts)
    return isinstance(arg, ast.Constant) and arg.value in names


def test_every_answer_of_the_real_small_model_is_a_known_call(gripper, sandbox, smollm):
    # ReAct with a library: thoughts, basic and learned actions are all allowed. (Each
    # step of the 135M model on two shared cores takes seconds: few steps.)
    agent = ActAgent(
        gripper,
        RunContext(smollm, sandbox),
        library=expert_library(gripper),
        react=True,
        config=AgentConfig(max_steps=4, constrained=True, repeat_retries=0),
    )
    rec = agent.run(TASK)
    names = set(gripper.task(TASK).problem.objects)
    assert len(rec.steps) == 4
    for step in rec.steps:
        reply = step.completion.strip()
        assert step.kind != "unparsable", reply
        if step.kind == "think":
            assert reply.startswith("Think: ")
        else:
            assert _known_call(reply, agent, names), reply
    assert any(s.kind != "think" for s in rec.steps)


def test_the_setting_is_in_the_experiment_and_its_fingerprint(gripper):
    from learnact.runner import fingerprint
    from learnact.runner.experiment import parse_experiment

    base = {"families": [gripper.name], "methods": ["act", "react", "learnact"]}
    plain, constrained = parse_experiment(base), parse_experiment({**base, "constrained": True})
    assert not plain.agent_config(0).constrained and constrained.agent_config(0).constrained
    fams = {gripper.name: gripper}
    old, new = fingerprint.compute(plain, fams), fingerprint.compute(constrained, fams)
    assert fingerprint.digest(old) != fingerprint.digest(new)
    assert any("constrained" in line for line in fingerprint.diff(old, new))
    # The learner's checks are settings too ([]: none).
    assert (
        parse_experiment({**base, "learn": {"checks": []}}).learn_config(gripper, 0).creation.checks
        == ()
    )


def test_eval_constrained_from_the_command_line(gripper, tmp_path):
    import json

    from typer.testing import CliRunner

    from learnact.cli.app import app

    script = tmp_path / "m.json"
    script.write_text(json.dumps({"rules": [], "default": "move('rooma', 'roomb')"}))
    r = CliRunner().invoke(
        app,
        [
            "eval",
            gripper.name,
            "--model",
            f"scripted:{script}",
            "--tasks",
            str(TASK),
            "--max-steps",
            "1",
            "--constrained",
            "--json",
        ],
    )
    assert r.exit_code == 0, r.output
    assert '"episodes": 1' in r.stdout
