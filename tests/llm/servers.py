"""Loopback HTTP stand-ins for the LLM tests: scripted faults and API look-alikes."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def openai_body(text: str, finish: str = "stop", prompt: int = 7, completion: int = 3) -> dict:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 0,
        "model": "fake",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": finish,
            }
        ],
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
        },
    }


class Reply:
    """What the server does for one request."""

    def __init__(
        self,
        status: int = 200,
        body: Any = None,
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
        raw: bytes | None = None,
    ) -> None:
        self.status, self.body, self.headers, self.delay, self.raw = (
            status,
            body,
            headers or {},
            delay,
            raw,
        )


class FakeServer:
    """A threaded loopback server. ``replies`` are served in order (the last repeats),
    or ``handler(path, body) -> Reply`` decides. Records every request and the peak
    number of requests in flight. Recorded header names are lower case."""

    def __init__(
        self,
        replies: list[Reply] | None = None,
        handler: Callable[[str, dict], Reply] | None = None,
    ) -> None:
        self.replies = list(replies or [])
        self.handler = handler
        self.requests: list[tuple[str, dict, dict]] = []
        self.in_flight = 0
        self.peak = 0
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                n = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(n)
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {}
                with outer._lock:
                    outer.requests.append(
                        (self.path, body, {k.lower(): v for k, v in self.headers.items()})
                    )
                    outer.in_flight += 1
                    outer.peak = max(outer.peak, outer.in_flight)
                    if outer.handler is not None:
                        reply = outer.handler(self.path, body)
                    else:
                        i = len(outer.requests) - 1
                        reply = outer.replies[min(i, len(outer.replies) - 1)]
                try:
                    if reply.delay:
                        time.sleep(reply.delay)
                    data = reply.raw if reply.raw is not None else json.dumps(reply.body).encode()
                    self.send_response(reply.status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                finally:
                    with outer._lock:
                        outer.in_flight -= 1

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> FakeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
