"""A library as an Agent Skill: a folder with ``SKILL.md`` and the learned code in ``scripts/``.

The Agent Skills format (agentskills.io; read by Claude Code, Codex, Gemini CLI and
others) is a folder named like the skill holding ``SKILL.md`` — YAML front matter with a
``name`` (lowercase letters, digits and single hyphens, at most 64 characters, equal to
the folder's name) and a ``description`` (at most 1,024 characters), then instructions —
plus any scripts. `export_skill` writes::

    NAME/
      SKILL.md            front matter; what the actions do, when to use which, their
                          signatures and notes, the usage example, how to run them
      scripts/actions.py  the learned code            } a learnact action library, loadable
      scripts/library.json descriptions, notes, ...   } with ActionLibrary.load(NAME/scripts)
      scripts/play.py     plays a task with the actions through learnact's Python API

`documentation` is the body's description of the actions alone (also served as an MCP
resource by ``learnact serve``).
"""

from __future__ import annotations

import ast
import json
import re
import shutil
from importlib import resources
from pathlib import Path
from typing import Any

from learnact import __version__
from learnact.envs.base import TaskFamily
from learnact.errors import BadInput
from learnact.library.format import ActionLibrary

MAX_NAME = 64
MAX_DESCRIPTION = 1024
_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SKILL_FILE = "SKILL.md"
SCRIPTS = "scripts"
PLAY_SCRIPT = "play.py"


def skill_name_for(directory: str | Path) -> str:
    """The skill name a folder stands for: its own name, which must be a valid skill name
    (lowercase letters, digits and single hyphens, at most 64). Raises `BadInput` with a
    suggestion otherwise."""
    name = Path(directory).resolve().name
    if len(name) <= MAX_NAME and _NAME.match(name):
        return name
    suggestion = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:MAX_NAME].strip("-")
    raise BadInput(
        f"the skill folder's name {name!r} is not a valid Agent Skill name (lowercase letters, "
        f"digits and single hyphens, at most {MAX_NAME}); name the folder e.g. "
        f"{suggestion or 'gripper-actions'!r}"
    )


def description(library: ActionLibrary, family: str | None) -> str:
    """The front matter's ``description`` (at most 1,024 characters): what the actions are,
    their signatures, and when to use the skill."""
    where = f"the learnact environment {family}" if family else "a learnact environment"
    head = f"Learned Python actions for {where}: "
    tail = (
        f". Use when acting in {family or 'that environment'} tasks: each call does the work of "
        "several basic actions. They run against the environment in learnact's sandbox, "
        "through its MCP server (learnact serve) or its Python API."
    )
    signatures = [a.signature for a in library.actions] or ["no learned actions yet"]
    shown: list[str] = []
    for i, s in enumerate(signatures):
        rest = len(signatures) - i - 1
        more = f" and {rest} more" if rest else ""
        if len(head) + len(", ".join([*shown, s])) + len(more) + len(tail) > MAX_DESCRIPTION:
            shown.append(f"and {len(signatures) - i} more")
            break
        shown.append(s)
    text = head + ", ".join(shown) + tail
    return text.replace("---", "- - -")[:MAX_DESCRIPTION]


def documentation(library: ActionLibrary, family: TaskFamily | None = None) -> str:
    """Markdown that tells an agent what the learned actions do, when to use which, their
    signatures and usage notes, the family's basic actions (when ``family`` is given) and the
    usage example (the library's, else the family's worked example)."""
    return _render(
        "doc.md.j2",
        family=family.name if family is not None else library.family,
        # Its first paragraph: the rest tells learnact's own agent how to answer.
        instruction=family.instruction.strip().split("\n\n")[0] if family is not None else "",
        learned=library.actions,
        basic=family.basic_actions if family is not None else [],
        usage_example=library.usage_example.strip(),
        family_example=family.example.strip() if family is not None else "",
    )


def export_skill(library: ActionLibrary, out: str | Path, family: TaskFamily | None = None) -> Path:
    """Write ``library`` as an Agent Skill folder at ``out`` (whose name is the skill's
    name; see `skill_name_for`) and return the path of its ``SKILL.md``. ``family``, when
    given, adds its instruction, basic actions and worked example to the text. An existing
    ``out`` is refused unless it holds a skill (``SKILL.md``), which is replaced. Raises
    `BadInput` for a bad folder name or an ``out`` that is some other folder or a file."""
    out = Path(out)
    name = skill_name_for(out)
    if out.exists():
        if not out.is_dir() or not (out / SKILL_FILE).is_file():
            raise BadInput(f"{out} exists and is not a skill folder; choose a new folder")
        shutil.rmtree(out)
    family_name = family.name if family is not None else library.family
    scripts = out / SCRIPTS
    library.save(scripts)
    play = resources.files("learnact.library") / "templates" / PLAY_SCRIPT
    (scripts / PLAY_SCRIPT).write_text(play.read_text(encoding="utf-8"), encoding="utf-8")
    calls = _example_calls(library.usage_example) or ["check_valid_actions()"]
    python_calls = _example_calls(library.usage_example) + _example_calls(
        family.example if family is not None else ""
    )
    if not python_calls:  # only names to show the shape of a call
        a = library.actions[0] if library.actions else None
        python_calls = [f"{a.name}({', '.join(repr(p) for p in a.params)})" if a else "..."]
    text = _render(
        "SKILL.md.j2",
        name=name,
        description=description(library, family_name),
        compatibility="Needs learnact (pip install 'learnact[mcp]'; Python 3.11+, Linux) and the "
        "environment's data.",
        family=family_name,
        learnact_version=__version__,
        title=f"Learned actions for {family_name or 'a learnact environment'}",
        doc=documentation(library, family),
        example_calls="\n".join(calls),
        first_call=python_calls[0],
    )
    path = out / SKILL_FILE
    path.write_text(text + "\n", encoding="utf-8")
    return path


def _example_calls(example: str) -> list[str]:
    """The calls of an example's ``Action:`` lines (at most 6), for the instructions."""
    calls = []
    for line in example.splitlines():
        if line.startswith("Action:"):
            code = line.split(":", 1)[1].strip()
            try:
                node = ast.parse(code, mode="eval").body
            except SyntaxError:
                continue
            if isinstance(node, ast.Call):
                calls.append(code)
    return calls[:6]


def _render(template: str, **context: Any) -> str:
    from jinja2 import Environment, StrictUndefined

    env = Environment(
        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False
    )
    # A double-quoted YAML scalar is a JSON string: any text, colons and quotes included.
    env.filters["tojson_yaml"] = lambda v: json.dumps(str(v), ensure_ascii=False)
    env.filters["tojson"] = lambda v: json.dumps(v, ensure_ascii=False)
    text = (resources.files("learnact.library") / "templates" / template).read_text(
        encoding="utf-8"
    )
    return env.from_string(text).render(**context).strip()
