"""Grammars through the backends' own support: llama.cpp in-process (`LlamaGrammar`) and an
OpenAI-compatible server's ``grammar`` field (llama-cpp-python's real server on loopback),
with the real SmolLM2 model."""

from __future__ import annotations

import ast

from learnact.llm import make_model

GRAMMAR = (
    'root ::= call\ncall ::= ( "move(" arg ", " arg ")" ) | ( "look(" ")" )\n'
    "arg ::= \"'rooma'\" | \"'roomb'\"\n"
)
PROMPT = [{"role": "user", "content": "Tell me a long story about the sea."}]


def _is_allowed(text: str) -> bool:
    node = ast.parse(text.strip(), mode="eval").body
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
        return False
    args = [a.value for a in node.args if isinstance(a, ast.Constant)]
    if node.func.id == "look":
        return not node.args
    return node.func.id == "move" and len(args) == 2 and set(args) <= {"rooma", "roomb"}


def test_a_local_model_answers_under_the_grammar(smollm):
    # Asked for a story, the model can only write a call the grammar allows.
    for i in range(2):
        c = smollm.complete(
            PROMPT,
            purpose="act",
            max_tokens=40,
            temperature=0.8 if i else 0.0,
            seed=1,
            sample_index=i,
            stop_at="first_line",
            grammar=GRAMMAR,
        )
        assert _is_allowed(c.text), c.text


def test_an_openai_compatible_server_takes_the_grammar_field(llama_server):
    model = make_model(f"openai:smollm2@{llama_server}", cache=False)
    c = model.complete(PROMPT, purpose="act", max_tokens=40, grammar=GRAMMAR)
    assert _is_allowed(c.text), c.text
