"""The MCP server (`learnact serve`): a family's actions and a library's as MCP tools.

Built on the official ``mcp`` SDK's low-level `mcp.server.lowlevel.Server` (the tools
come from the library at run time, so their schemas are written out, not inferred from
Python functions). Tools: every basic and learned action (`learnact.library.tools`),
``reset(task)`` and ``check_valid_actions()``; each call steps a live episode
(`learnact.serve.episodes`) in a worker thread, so one slow call (up to the sandbox's
time limit) never blocks other clients. Resources: the library's documentation, usage
example and code.

Which episode a call acts on: the stdio server serves one client, its process's
episode; over HTTP, a client with a session (the 2025 handshake protocol's
``Mcp-Session-Id``) has its session's episode; a client without one (the sessionless
2026-07-28 protocol) passes the ``episode_id`` that ``reset`` returned. Episode ids are
random, so clients never share an episode unless they pass each other's id.
"""

from __future__ import annotations

import json
import logging
import socket
import sys
from dataclasses import dataclass
from typing import Any

import anyio
import mcp_types as types
from mcp.server.context import ServerRequestContext
from mcp.server.lowlevel import Server

from learnact import __version__
from learnact.errors import LearnactError
from learnact.library.format import ActionLibrary
from learnact.library.skill import documentation
from learnact.serve.episodes import CHECK_VALID, Episodes

log = logging.getLogger(__name__)

RESET = "reset"
EPISODE_ARG = "episode_id"
_STDIO_KEY = "stdio"
_EPISODE_PROP = {
    "type": "string",
    "description": "The episode to act in, as reset() returned it. Needed only by clients "
    "without a session (sessionless HTTP); others act in their session's episode.",
}


@dataclass(frozen=True)
class Resource:
    uri: str
    name: str
    description: str
    mime_type: str
    text: str


def resources_for(episodes: Episodes) -> list[Resource]:
    """The server's resources: the actions' documentation, the usage example, the code."""
    lib = episodes.library or ActionLibrary(source="", actions=[])
    out = [
        Resource(
            "learnact://library/documentation",
            "documentation",
            "What the actions do, when to use which, signatures, usage notes, example.",
            "text/markdown",
            documentation(lib, episodes.family),
        ),
        Resource(
            "learnact://library/usage-example",
            "usage-example",
            "A recorded run with the learned actions (else the environment's worked example).",
            "text/plain",
            lib.usage_example.strip() or episodes.family.example.strip(),
        ),
    ]
    if episodes.library is not None:
        out.append(
            Resource(
                "learnact://library/actions.py",
                "actions.py",
                "The learned actions' code (it runs in learnact's sandbox, never in a client).",
                "text/x-python",
                episodes.library.source,
            )
        )
    return out


def tool_list(episodes: Episodes) -> list[types.Tool]:
    """The tools: ``reset``, ``check_valid_actions``, then each basic and learned action."""
    n = len(episodes.family.tasks)
    task: dict[str, Any] = {
        "type": "integer",
        "minimum": 0,
        "maximum": n - 1,
        "description": f"Task index, 0..{n - 1}"
        + (f" (default {episodes.default_task})" if episodes.default_task is not None else ""),
    }
    reset = types.Tool(
        name=RESET,
        description=f"Start task `task` of {episodes.family.name} (ending this client's current "
        "episode) and return its goal, first observation and episode_id.",
        input_schema={
            "type": "object",
            "properties": {"task": task, EPISODE_ARG: _EPISODE_PROP},
            "required": [] if episodes.default_task is not None else ["task"],
            "additionalProperties": False,
        },
    )
    check = types.Tool(
        name=CHECK_VALID,
        description="List the actions that are valid now, as calls.",
        input_schema={
            "type": "object",
            "properties": {EPISODE_ARG: _EPISODE_PROP},
            "additionalProperties": False,
        },
    )
    tools = [reset, check]
    for t in episodes.tools.values():
        schema = t.input_schema()
        schema["properties"][EPISODE_ARG] = _EPISODE_PROP
        kind = "Learned action" if t.kind == "learned" else "Basic action"
        tools.append(
            types.Tool(
                name=t.name,
                description=f"{kind} {t.signature}. {t.description}",
                input_schema=schema,
            )
        )
    return tools


def build_server(episodes: Episodes, *, stdio: bool) -> Server[Any]:
    """The MCP server over ``episodes``. ``stdio``: it serves one client (its process), so
    every call without ``episode_id`` acts in one episode."""
    tools = tool_list(episodes)
    names = {t.name for t in tools}
    res = {r.uri: r for r in resources_for(episodes)}

    def key_of(ctx: ServerRequestContext[Any]) -> str | None:
        if stdio:
            return _STDIO_KEY
        sid = ctx.request.headers.get("mcp-session-id") if ctx.request is not None else None
        return f"http:{sid}" if sid else None

    def client_of(ctx: ServerRequestContext[Any]) -> str:
        params = ctx.session.client_params
        info = params.client_info if params is not None else None
        return f"mcp:{info.name}" if info is not None and info.name else "mcp-client"

    async def list_tools(
        ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListToolsResult:
        return types.ListToolsResult(tools=tools)

    async def call_tool(
        ctx: ServerRequestContext[Any], params: types.CallToolRequestParams
    ) -> types.CallToolResult:
        name, args = params.name, dict(params.arguments or {})
        if name not in names:
            return _error(f"unknown tool {name!r}; tools: {', '.join(sorted(names))}")
        episode_id = args.pop(EPISODE_ARG, None)
        if episode_id is not None and not isinstance(episode_id, str):
            return _error(f"{EPISODE_ARG} must be a string")
        key, client = key_of(ctx), client_of(ctx)
        try:
            if name == RESET:
                task = args.pop("task", None)
                if args:
                    return _error(f"reset() got unknown argument(s) {', '.join(sorted(args))}")
                if task is not None and (isinstance(task, bool) or not isinstance(task, int)):
                    return _error(f"task must be an integer, got {task!r:.40}")
                live = await anyio.to_thread.run_sync(
                    lambda: episodes.reset(key, task, episode_id, client)
                )
                info = live.start_info()
                text = f"Goal: {info['goal']}\nObservation: {info['observation']}"
                return _result(text, info, is_error=False)
            out = await anyio.to_thread.run_sync(
                lambda: episodes.call(key, name, args, episode_id, client)
            )
        except LearnactError as e:  # bad input, an unavailable sandbox: said, not raised
            return _error(str(e))
        text = out["observation"] + ("\nGoal reached: the task is won." if out["won"] else "")
        failed = not out["valid"] and name != CHECK_VALID
        return _result(text, out, is_error=failed)

    async def list_resources(
        ctx: ServerRequestContext[Any], params: types.PaginatedRequestParams | None
    ) -> types.ListResourcesResult:
        return types.ListResourcesResult(
            resources=[
                types.Resource(
                    uri=r.uri, name=r.name, description=r.description, mime_type=r.mime_type
                )
                for r in res.values()
            ]
        )

    async def read_resource(
        ctx: ServerRequestContext[Any], params: types.ReadResourceRequestParams
    ) -> types.ReadResourceResult:
        r = res.get(str(params.uri))
        if r is None:
            from mcp.shared.exceptions import MCPError

            raise MCPError(code=types.INVALID_PARAMS, message=f"no resource {params.uri}")
        return types.ReadResourceResult(
            contents=[types.TextResourceContents(uri=r.uri, mime_type=r.mime_type, text=r.text)]
        )

    lib = episodes.library
    instructions = (
        f"Acts in the learnact environment {episodes.family.name}"
        + (f" with {len(lib.actions)} learned actions" if lib is not None else "")
        + ". Call reset(task) to start a task, then call actions; each result says the "
        "observation, whether the action was valid and whether the goal is reached (won). "
        "Prefer learned actions where they fit; read the resource "
        "learnact://library/documentation for what each does and its usage notes."
    )
    return Server(
        "learnact",
        version=__version__,
        instructions=instructions,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
        on_list_resources=list_resources,
        on_read_resource=read_resource,
    )


def _result(text: str, data: dict[str, Any], *, is_error: bool) -> types.CallToolResult:
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=text)],
        structured_content=json.loads(json.dumps(data)),
        is_error=is_error,
    )


def _error(message: str) -> types.CallToolResult:
    return types.CallToolResult(
        content=[types.TextContent(type="text", text=f"error: {message}")], is_error=True
    )


def serve_stdio(server: Server[Any]) -> None:
    """Serve one client on standard input and output until it closes them."""
    from mcp.server.stdio import stdio_server

    async def main() -> None:
        async with stdio_server() as (read, write):
            await server.run(read, write, server.create_initialization_options())

    anyio.run(main)


def serve_http(server: Server[Any], port: int, host: str = "127.0.0.1") -> None:
    """Serve streamable HTTP at ``http://HOST:PORT/mcp`` until interrupted (SIGINT, SIGTERM).

    ``port`` 0 takes a free port; the address is printed on stderr either way, once the
    socket listens (a client may connect as soon as it reads it). Raises `OSError` when
    the port cannot be bound."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    # Listening before the address is printed: a client that connects at once waits in
    # the backlog until uvicorn accepts, instead of being refused (a race under load).
    sock.listen(2048)
    app = server.streamable_http_app(host=host)
    config = uvicorn.Config(app, log_level="warning", lifespan="on")
    sys.stderr.write(f"learnact serve: MCP on http://{host}:{sock.getsockname()[1]}/mcp\n")
    sys.stderr.flush()
    uvicorn.Server(config).run(sockets=[sock])
