"""Actions as tool definitions: a name, a description and a JSON input schema each.

One `ActionTool` per basic action of a family and per learned action of a library, derived
from their signatures. The same tools are printed for OpenAI's and Anthropic's APIs
(`openai_tools`, `anthropic_tools`), served over MCP (`learnact.serve`) and turned back
into one line of Python when called (`ActionTool.call_line`), which then runs in the
sandbox like any agent step.

Parameters are strings unless the learned function says otherwise: an ``int``, ``float``
or ``str`` annotation, or a default value of that type. A parameter with a default is
optional. The environments' commands are text, so the basic actions' parameters are
always strings.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Any, Literal

from learnact.envs.base import BasicAction, TaskFamily
from learnact.errors import BadInput
from learnact.library.format import ActionLibrary, LearnedAction

JsonType = Literal["string", "integer", "number"]
#: What both APIs accept as a tool name (OpenAI: ^[a-zA-Z0-9_-]{1,64}$; Anthropic the same).
_TOOL_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_ANNOTATION_TYPES: dict[str, JsonType] = {"str": "string", "int": "integer", "float": "number"}
_ARTICLE: dict[JsonType, str] = {"string": "a", "integer": "an", "number": "a"}
_PY_TYPES: dict[JsonType, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
}


@dataclass(frozen=True)
class ToolParam:
    """One parameter: its name, JSON type, and default (``required`` when it has none)."""

    name: str
    type: JsonType = "string"
    required: bool = True
    default: str | int | float | None = None

    def schema(self) -> dict[str, Any]:
        """The parameter's JSON schema (``type``, and ``default`` when it has a plain one)."""
        out: dict[str, Any] = {"type": self.type}
        if not self.required and self.default is not None:
            out["default"] = self.default
        return out


@dataclass(frozen=True)
class ActionTool:
    """One action as a tool. ``kind``: ``"basic"`` (an environment action) or ``"learned"``."""

    name: str
    description: str
    params: tuple[ToolParam, ...]
    kind: Literal["basic", "learned"]

    @property
    def signature(self) -> str:
        """``name(param, ...)``, as learnact's agents see the action."""
        return f"{self.name}({', '.join(p.name for p in self.params)})"

    def input_schema(self) -> dict[str, Any]:
        """The JSON schema (draft 2020-12 subset) of the tool's arguments: an object with one
        property per parameter, the ones without default ``required``, nothing else allowed."""
        return {
            "type": "object",
            "properties": {p.name: p.schema() for p in self.params},
            "required": [p.name for p in self.params if p.required],
            "additionalProperties": False,
        }

    def call_line(self, arguments: dict[str, Any] | None) -> str:
        """The Python call of this action with ``arguments`` (a tool call's JSON object), e.g.
        ``carry('ball1', 'rooma', 'roomb', 'left')``: positional while the parameters come in
        order, by keyword after an omitted optional one. Raises `BadInput` naming the problem
        for an unknown or missing argument, or a value of the wrong type (JSON booleans,
        lists, objects and null are never accepted)."""
        args = dict(arguments or {})
        known = {p.name: p for p in self.params}
        unknown = sorted(k for k in args if k not in known)
        if unknown:
            raise BadInput(
                f"{self.name}() got unknown argument(s) {', '.join(unknown)}; "
                f"it takes {self.signature}"
            )
        missing = [p.name for p in self.params if p.required and p.name not in args]
        if missing:
            raise BadInput(
                f"{self.name}() is missing argument(s) {', '.join(missing)}; it takes {self.signature}"
            )
        positional: list[ast.expr] = []
        keywords: list[ast.keyword] = []
        for p in self.params:
            if p.name not in args:
                continue
            value = args[p.name]
            if isinstance(value, bool) or not isinstance(value, _PY_TYPES[p.type]):
                raise BadInput(
                    f"argument {p.name} of {self.name}() must be {_ARTICLE[p.type]} {p.type}, "
                    f"got {type(value).__name__} {value!r:.60}"
                )
            if keywords or len(positional) < self.params.index(p):
                keywords.append(ast.keyword(arg=p.name, value=ast.Constant(value)))
            else:
                positional.append(ast.Constant(value))
        call = ast.Call(func=ast.Name(self.name), args=positional, keywords=keywords)
        return ast.unparse(call)


def basic_tool(action: BasicAction) -> ActionTool:
    """A family's basic action as a tool (every parameter a required string)."""
    description = f"{action.doc.strip()} (basic action of the environment: {action.command})"
    return ActionTool(
        action.name,
        description.strip(),
        tuple(ToolParam(p) for p in action.params),
        "basic",
    )


def learned_tool(library: ActionLibrary, action: LearnedAction) -> ActionTool:
    """A learned action as a tool: its description, then its usage notes, as the description;
    parameter types and defaults from the function's annotations and default values."""
    text = action.description
    if action.notes:
        text += "\nUsage notes:\n" + "\n".join(f"- {n}" for n in action.notes)
    return ActionTool(action.name, text, _learned_params(library.source, action), "learned")


def action_tools(library: ActionLibrary | None, family: TaskFamily | None) -> list[ActionTool]:
    """The family's basic actions (when ``family`` is given), then the library's learned
    actions (when ``library`` is), as tools. Raises `BadInput` when a name is not a valid
    tool name (letters, digits, ``_`` and ``-``, at most 64) or a learned action has the
    name of a basic action."""
    tools = [basic_tool(a) for a in family.basic_actions] if family is not None else []
    basic = {t.name for t in tools}
    if library is not None:
        for a in library.actions:
            if a.name in basic:
                raise BadInput(f"learned action {a.name!r} has the name of a basic action")
            tools.append(learned_tool(library, a))
    for t in tools:
        if not _TOOL_NAME.match(t.name):
            raise BadInput(
                f"action name {t.name!r} is not a valid tool name (at most 64 characters)"
            )
    return tools


def openai_tools(tools: list[ActionTool]) -> list[dict[str, Any]]:
    """The tools in OpenAI's Chat Completions shape (``openai.types.chat.ChatCompletionToolParam``):
    ``{"type": "function", "function": {"name", "description", "parameters"}}``."""
    return [
        {
            "type": "function",
            "function": {
                "name": t.name,
                "description": t.description,
                "parameters": t.input_schema(),
            },
        }
        for t in tools
    ]


def anthropic_tools(tools: list[ActionTool]) -> list[dict[str, Any]]:
    """The tools in Anthropic's Messages shape (``anthropic.types.ToolParam``):
    ``{"name", "description", "input_schema"}``."""
    return [
        {"name": t.name, "description": t.description, "input_schema": t.input_schema()}
        for t in tools
    ]


def _learned_params(source: str, action: LearnedAction) -> tuple[ToolParam, ...]:
    fn = next(
        (
            n
            for n in ast.parse(source).body
            if isinstance(n, ast.FunctionDef) and n.name == action.name
        ),
        None,
    )
    if fn is None:  # the library was loaded from this source, so it is there
        return tuple(ToolParam(p) for p in action.params)
    args = fn.args.args
    defaults: list[ast.expr | None] = [None] * (len(args) - len(fn.args.defaults))
    defaults += list(fn.args.defaults)
    params = []
    for arg, default in zip(args, defaults, strict=True):
        json_type: JsonType = "string"
        if isinstance(arg.annotation, ast.Name) and arg.annotation.id in _ANNOTATION_TYPES:
            json_type = _ANNOTATION_TYPES[arg.annotation.id]
        value: Any = None
        if default is not None:
            try:
                value = ast.literal_eval(default)
            except ValueError:  # an expression: the tool cannot state it; still optional
                value = None
            if arg.annotation is None and type(value) in (int, float):
                json_type = "integer" if type(value) is int else "number"
            if not isinstance(value, str | int | float) or isinstance(value, bool):
                value = None
        params.append(ToolParam(arg.arg, json_type, default is None, value))
    return tuple(params)
