"""Every command and Python example in README.md and docs/*.md runs as written.

Each doc gets a fresh working directory laid out like a clone (``examples/`` and
``scripts/`` beside it, the benchmark data at ``../shared/data``, and ``LEARNACT_DATA``
set as after ``learnact data pddl``). Its shell commands (tests/docs/extract.py) run
through bash in document order, and its ```python blocks run in one interpreter
(tests/docs/pydriver.py), interleaved with the commands as the doc orders them.

A command runs exactly as written unless RUN_AS says how it runs instead (a scripted
model, tests/docs/model.json, for an LLM; a smaller run for a long one) or EXCLUDED says
why it does not run at all. Nothing else is skipped: a new command that cannot run as
written fails here until it is fixed or listed, and a listed command that left the docs
fails `test_every_listed_example_is_still_in_the_docs`. Python blocks are listed the same
way, by (doc, first line). Inline `learnact ...` spans in prose are references and
synopses: each must name a real command (`test_inline_commands_name_real_commands`).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer.main

from learnact.cli.app import app
from learnact.runner.experiment import load_experiment
from tests.docs.extract import (
    REPO,
    Block,
    Command,
    blocks,
    commands,
    doc_files,
    inline_commands,
    is_shell,
)
from tests.helpers import missing

HERE = Path(__file__).resolve().parent
MODEL = f"scripted:{HERE / 'model.json'}"
SCRIPTED = " --model $DOC_MODEL --learner-model $DOC_MODEL"
TIMEOUT = 120


@dataclass(frozen=True)
class Sub:
    """How a documented example runs instead: each ``old`` (which must occur) replaced by
    its ``new``, then ``append`` added (commands) or ``prelude`` run first (Python)."""

    why: str
    replace: tuple[tuple[str, str], ...] = ()
    append: str = ""
    prelude: str = ""

    def apply(self, text: str) -> str:
        for old, new in self.replace:
            assert old in text, f"substitution {old!r} no longer matches {text!r}"
            text = text.replace(old, new)
        return self.prelude + text + self.append


LLM = "needs an LLM: the scripted model (tests/docs/model.json) acts and learns"
SYNOPSIS = "usage synopsis with placeholders, not a command; its command path is checked"

SHORT = " --max-steps 3"
SHORT_EVAL = LLM + "; 3 steps an episode (the scripted agent never wins: 30 steps prove nothing)"

# Documented command -> how it runs here. Everything not listed runs exactly as written.
RUN_AS: dict[str, Sub] = {
    "learnact learn pddl/gripper --out runs/gripper": Sub(LLM, append=SCRIPTED),
    "learnact eval pddl/gripper --method learnact --library runs/gripper/library "
    "--data-dir ../shared/data": Sub(SHORT_EVAL, append=SCRIPTED + SHORT),
    # README.md
    "learnact learn pddl-gen/gripper --out runs/gripper": Sub(LLM, append=SCRIPTED),
    "learnact eval pddl-gen/gripper --method learnact --library runs/gripper/library "
    "--tasks first:5 --out runs/gripper-eval": Sub(SHORT_EVAL, append=SCRIPTED + SHORT),
    "learnact eval pddl-gen/gripper --method react --tasks first:5": Sub(
        SHORT_EVAL, append=SCRIPTED + SHORT
    ),
    "learnact compare pddl-gen/gripper --methods act,learnact --out runs/cmp": Sub(
        LLM + "; 2 test tasks, 1 candidate, 1 round, 3 steps (the default size takes hours "
        "with a real model, minutes with the scripted one)",
        append=SCRIPTED + " --tasks first:2 --candidates 1 --rounds 1" + SHORT,
    ),
    # docs/models.md
    "learnact eval 'pddl-gen/gripper[size=1,tasks=4]' --method learnact --library "
    "runs/scripted/library --model scripted:model.json": Sub(SHORT_EVAL, append=SHORT),
    "learnact compare pddl/gripper pddl/blockworld --methods act,react,act-reflexion,"
    "react-reflexion,code-as-policies,learnact --tasks test --seeds 3 --model "
    "openai:gpt-4o-mini --learner-model openai:gpt-4o --data-dir ../shared/data "
    "--out runs/pddl-main": Sub(
        "hosted models -> the scripted model; 1 task, 1 seed, 1 candidate, 1 round, "
        "3 steps (the documented size takes hours); --yes: no terminal to confirm on",
        replace=(
            (
                "--tasks test --seeds 3",
                "--tasks first:1 --seeds 1 --candidates 1 --rounds 1 --max-steps 3 --yes",
            ),
            ("openai:gpt-4o-mini", "$DOC_MODEL"),
            ("openai:gpt-4o", "$DOC_MODEL"),
        ),
    ),
}

# Documented command -> why it does not run here.
EXCLUDED: dict[str, str] = {
    "bash scripts/install.sh && .venv/bin/learnact quickstart": (
        "creates a virtual environment, pip-installs and builds llama.cpp (minutes), then "
        "runs the local model; the quickstart itself: tests/cli/test_quickstart.py"
    ),
    "bash scripts/test.sh": "the whole test suite, this test included",
    "pip install 'learnact[alfworld]'": "installs packages (the test env has every extra)",
    "learnact data alfworld": "downloads ALFWorld (the tests read $LEARNACT_DATA instead)",
    "learnact data pddl": "downloads AgentBoard's PDDL tasks (tests read $LEARNACT_DATA)",
    "learnact models pull qwen2.5-coder-1.5b": "downloads a 1.1 GB model",
    "learnact compare --experiment experiments/pddl.toml --out runs/pddl-main": (
        "experiments/pddl.toml is the TOML shown further down (hosted models, three "
        "families, three seeds: hours); test_toml_blocks_load checks that file"
    ),
    "agentskills validate skills/gripper-actions": (
        "skills-ref's checker, a third-party tool that is not a learnact dependency"
    ),
    "learnact eval FAMILY --method act|react|act-reflexion|react-reflexion|"
    "code-as-policies|code-as-policies-flat|learnact [--library DIR] [--model SPEC] "
    "[--learner-model SPEC] [--tasks test|train|all|first:N|0,3,5] [--max-steps N] "
    "[--data-dir DIR] [--out DIR] [--json] [--no-cache] [--record FILE | --replay FILE] "
    "[--allow-train-test-overlap]": SYNOPSIS,
    "learnact learn FAMILY --out DIR [--model SPEC] [--learner-model SPEC] [--candidates 4] "
    "[--rounds 2] [--train-tasks train|first:N|0,3,5] [--train-steps 10] "
    "[--budget-calls CALLS] [--budget-tokens TOKENS] [--temperature 0.7] [--seed 0] "
    "[--data-dir DIR] [--json] [--allow-train-test-overlap] "
    "[--induce example,won,demonstrations] [--checks all|none|NAME,...] "
    "[--selection full|race]": SYNOPSIS,
    "learnact library export LIB --format skill --out DIR [--family F] [--data-dir DIR] "
    "[--learned-only]": SYNOPSIS,
    "learnact library export LIB --format openai-tools|anthropic-tools [--family F] "
    "[--data-dir DIR] [--learned-only]": SYNOPSIS,
    "learnact serve FAMILY [--library LIB] [--task N] [--data-dir DIR] [--split SPLIT] "
    "[--http PORT] [--runs-dir DIR] [--timeout 10] [--max-episodes 16]": SYNOPSIS,
}

LOCAL_MODEL = 'make_model("local:qwen2.5-coder-1.5b")'
NO_LOCAL = "the local model is a 1.1 GB download: the scripted model stands in"
SANDBOX_NAMES = "names the doc leaves to the reader: a family, learned source, the env's answer"

# (doc, first line of a ```python block) -> how it runs here.
PY_RUN_AS: dict[tuple[str, str], Sub] = {
    ("docs/api.md", "from learnact.llm import make_model"): Sub(
        NO_LOCAL, replace=((LOCAL_MODEL, f'make_model("{MODEL}")'),)
    ),
    ("docs/api.md", "from learnact.learning.creation import CreationConfig"): Sub(
        "1 candidate, 1 round, 3 steps a training episode: the documented size takes minutes",
        replace=(
            (
                "CreationConfig(candidates=4), rounds=2, train_steps=10",
                "CreationConfig(candidates=1), rounds=1, train_steps=3",
            ),
        ),
    ),
    ("docs/api.md", "from learnact.sandbox import Sandbox, mechanisms"): Sub(
        "obs, valid stand for the environment's answer to cmd",
        prelude='obs, valid = "Nothing happens.", True\n',
    ),
    ("docs/api.md", "from learnact.runner import Experiment, run_experiment"): Sub(
        "a hosted model -> the scripted model; 1 task, 1 seed, 1 candidate, 1 round, "
        "2 workers (2 cores)",
        replace=(
            ('model="openai:gpt-4o-mini"', f'model="{MODEL}"'),
            ('tasks="first:10", seeds=2', 'tasks="first:1", seeds=1'),
            ('"candidates": 4, "rounds": 2', '"candidates": 1, "rounds": 1'),
            ("workers=8", "workers=2"),
        ),
    ),
    ("docs/models.md", "from learnact.llm import make_model"): Sub(
        NO_LOCAL, replace=((LOCAL_MODEL, f'make_model("{MODEL}")'),)
    ),
    ("docs/sandbox.md", "from learnact.sandbox import Sandbox, SandboxLimits"): Sub(
        SANDBOX_NAMES,
        prelude=(
            "from learnact.envs.registry import make_family\n"
            'family = make_family("pddl-gen/gripper")\n'
            'library_source = "def carry_to(o, a, b, g):\\n    pick(o, a, g)\\n'
            '    move(a, b)\\n    return drop(o, b, g)\\n"\n'
            'obs, valid = "Nothing happens.", True\n'
        ),
    ),
    ("docs/export.md", "from learnact.library import ActionLibrary, bind"): Sub(
        "family, episode and the model's call (name, arguments) are the reader's",
        prelude=(
            "from learnact.envs.registry import make_family\n"
            'family = make_family("pddl/gripper", data_dir="../shared/data")\n'
            "episode = family.make_episode(0)\n"
            "episode.reset()\n"
            'name, arguments = "carry_pair", {"obj1": "ball1", "obj2": "ball2", '
            '"from_room": "rooma", "to_room": "roomb"}\n'
        ),
    ),
}

# (doc, first line of a ```python block) -> why it does not run here.
PY_EXCLUDED: dict[tuple[str, str], str] = {}


def _learn_gripper(work: Path, env: dict[str, str]) -> None:
    """runs/gripper/library, as README.md and docs/export.md learn it."""
    command = "learnact learn pddl/gripper --data-dir ../shared/data --out runs/gripper"
    r = _bash(command + SCRIPTED, work, env)
    assert r.returncode == 0, f"setup {command!r} failed:\n{r.stderr[-3000:]}"


def _save_scripted_example(work: Path, env: dict[str, str]) -> None:
    """model.json: the doc says to save its scripted example so."""
    text = (REPO / "docs" / "models.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- scripted-example -->\s*```json\n(.*?)^```$", text, re.S | re.M)
    assert block, "docs/models.md lost its scripted example"
    (work / "model.json").write_text(block.group(1), encoding="utf-8")


# Doc -> what a reader has done before it (what another doc or its own prose makes).
SETUP: dict[str, tuple[Callable[[Path, dict[str, str]], None], ...]] = {
    "docs/library.md": (_learn_gripper,),
    "docs/models.md": (_save_scripted_example,),
}


def _first_line(block: Block) -> str:
    return next((ln for ln in block.text.splitlines() if ln.strip()), "")


def _examples(doc: str) -> list[Command | Block]:
    out: list[Command | Block] = []
    for block in blocks(doc):
        if is_shell(block):
            out += commands(block)
        elif block.lang == "python":
            out.append(block)
    return out


@pytest.fixture(scope="module")
def data() -> Path:
    path = Path(os.environ.get("LEARNACT_DATA") or REPO.parent / "shared" / "data").resolve()
    if not (path / "pddl" / "agentboard").is_dir():
        missing(f"benchmark data not found at {path} (set LEARNACT_DATA)")
    return path


def _workdir(root: Path, data: Path) -> tuple[Path, dict[str, str]]:
    (root / "shared").mkdir(parents=True)
    (root / "shared" / "data").symlink_to(data)
    work = root / "clone"
    work.mkdir()
    for name in ("examples", "scripts"):
        (work / name).symlink_to(REPO / name)
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "LEARNACT_DATA": str(data),
        "LEARNACT_CACHE": str(root / "cache"),
        "DOC_MODEL": MODEL,
        # No git: a run's fingerprint holds the commit, and others commit while we run.
        "GIT_DIR": str(root / "no-git"),
    }
    env.pop("PYTHONPATH", None)
    return work, env


class _Python:
    """One interpreter for a doc's Python blocks (pydriver.py)."""

    def __init__(self, work: Path, env: dict[str, str]) -> None:
        self.log = (work / ".python-blocks.log").open("w+")
        self.proc = subprocess.Popen(
            [sys.executable, str(HERE / "pydriver.py")],
            cwd=work,
            env={**env, "PYTHONPATH": str(REPO)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )

    def run(self, doc: str, line: int, code: str) -> str | None:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps({"doc": doc, "line": line, "code": code}) + "\n")
        self.proc.stdin.flush()
        answer = self.proc.stdout.readline()
        if not answer:
            self.log.seek(0)
            return f"the interpreter died:\n{self.log.read()[-3000:]}"
        return json.loads(answer)["error"]

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(timeout=30)
        self.log.close()


def _bash(command: str, work: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", f"set -o pipefail\n{command}"],
        cwd=work,
        env=env,
        input="",
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


@pytest.mark.parametrize("doc", [d for d in doc_files() if _examples(d)])
def test_doc_examples_run(doc, data, tmp_path):
    work, env = _workdir(tmp_path, data)
    failures: list[str] = []
    for setup in SETUP.get(doc, ()):
        setup(work, env)
    python: _Python | None = None
    ran = 0
    try:
        for ex in _examples(doc):
            if isinstance(ex, Command):
                if ex.text in EXCLUDED:
                    continue
                sub = RUN_AS.get(ex.text)
                text = sub.apply(ex.text) if sub else ex.text
                r = _bash(text, work, env)
                ran += 1
                if r.returncode != 0:
                    failures.append(
                        f"{ex.where}: {ex.text}\n  ran: {text}\n  exit {r.returncode}\n"
                        f"{r.stdout[-1500:]}\n{r.stderr[-3000:]}"
                    )
            else:
                key = (ex.doc, _first_line(ex))
                if key in PY_EXCLUDED:
                    continue
                sub = PY_RUN_AS.get(key)
                code = sub.apply(ex.text) if sub else ex.text
                # A prelude shifts the block down; keep the doc's line numbers for the rest.
                line = ex.line - (sub.prelude.count("\n") if sub else 0)
                python = python or _Python(work, env)
                error = python.run(ex.doc, line, code)
                ran += 1
                if error:
                    failures.append(f"{ex.doc}:{ex.line}: python block failed:\n{error}")
    finally:
        if python:
            python.close()
    assert not failures, "\n\n".join(failures)
    assert ran > 0 or all(_listed(ex) for ex in _examples(doc))


def _listed(ex: Command | Block) -> bool:
    if isinstance(ex, Command):
        return ex.text in EXCLUDED
    return (ex.doc, _first_line(ex)) in PY_EXCLUDED


def test_every_listed_example_is_still_in_the_docs():
    found_commands = {
        c.text for doc in doc_files() for b in blocks(doc) if is_shell(b) for c in commands(b)
    }
    found_blocks = {
        (doc, _first_line(b)) for doc in doc_files() for b in blocks(doc) if b.lang == "python"
    }
    stale = [c for c in (*RUN_AS, *EXCLUDED) if c not in found_commands]
    stale += [
        f"{d}: {line}" for d, line in (*PY_RUN_AS, *PY_EXCLUDED) if (d, line) not in found_blocks
    ]
    assert not stale, "listed but no longer in the docs (update the lists):\n" + "\n".join(stale)
    assert all(reason.strip() for reason in (*EXCLUDED.values(), *PY_EXCLUDED.values()))
    assert all(s.why.strip() for s in (*RUN_AS.values(), *PY_RUN_AS.values()))


def _command_path(text: str) -> list[str]:
    """The leading subcommand words of a `learnact ...` span: lowercase names only."""
    words = []
    for word in text.split()[1:]:
        if not re.fullmatch(r"[a-z][a-z-]*", word):
            break
        words.append(word)
    return words


# Inline spans that read as commands but are prose: "a `learnact run`" is a run of learnact.
NOT_COMMANDS = {("docs/export.md", "learnact run"): "prose: a run store written by learnact"}


def test_inline_commands_name_real_commands():
    root = typer.main.get_command(app)
    unknown = []
    spans = [c for doc in doc_files() for c in inline_commands(doc)]
    spans += [
        c
        for doc in doc_files()
        for b in blocks(doc)
        if is_shell(b)
        for c in commands(b)
        if c.text in EXCLUDED and c.text.startswith("learnact ")
    ]
    for span in spans:
        if (span.doc, span.text) in NOT_COMMANDS:
            continue
        group, path = root, _command_path(span.text)
        assert path, f"{span.where}: {span.text!r} names no command"
        for word in path:
            commands_ = getattr(group, "commands", None)
            if commands_ is None:
                break  # the rest are arguments of a leaf command
            if word not in commands_:
                unknown.append(f"{span.where}: {span.text!r}: no command {word!r}")
                break
            group = commands_[word]
    assert not unknown, "\n".join(unknown)


def test_toml_blocks_load():
    """Experiment files load as experiments; other TOML (pyproject snippets) parses."""
    checked = 0
    for doc in doc_files():
        for b in blocks(doc):
            if b.lang != "toml":
                continue
            data = tomllib.loads(b.text)
            if "methods" in data or "families" in data:
                path = Path(os.environ.get("TMPDIR", "/tmp")) / f"doc-{os.getpid()}.toml"
                path.write_text(b.text, encoding="utf-8")
                try:
                    assert load_experiment(path).families, f"{doc}:{b.line}"
                finally:
                    path.unlink()
            checked += 1
    assert checked > 0
