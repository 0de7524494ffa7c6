"""Length-prefixed JSON messages over raw pipe fds, shared by the parent and the worker.

A message is a 4-byte big-endian length followed by that many bytes of JSON (ASCII, which
is UTF-8; the receiver accepts any UTF-8). Raw
``os.read``/``os.write`` on fds (no file objects) so the worker's protocol does not depend
on ``sys.stdin``/``sys.stdout``, which learned code can reassign. The parent treats every
byte it receives as hostile: sizes are bounded and the JSON must decode to a dict.
"""

from __future__ import annotations

import json
import os
import select
import time
from typing import Any

HEADER = 4


class ProtocolError(Exception):
    """The other side sent something that is not a well-formed message (or hung up)."""


def encode(msg: dict[str, Any]) -> bytes:
    """One message: the 4-byte big-endian length, then the compact JSON of ``msg``.

    The JSON is ASCII (every other character as a ``\\uXXXX`` escape), so encoding cannot
    fail whatever the strings hold: a lone surrogate, which UTF-8 cannot encode, travels as
    its escape and arrives as the same string."""
    data = json.dumps(msg, ensure_ascii=True, separators=(",", ":")).encode("ascii")
    return len(data).to_bytes(HEADER, "big") + data


def encoded_size(msg: dict[str, Any]) -> int:
    """The size in bytes of ``msg`` as a message body (without the length header)."""
    return len(encode(msg)) - HEADER


def decode(data: bytes) -> dict[str, Any]:
    """The message in ``data`` (UTF-8 JSON). Raises `ProtocolError` unless it decodes to a JSON
    object; NaN and Infinity are refused."""
    try:
        # NaN/Infinity are not JSON; refusing them keeps argument values plain.
        msg = json.loads(data.decode("utf-8"), parse_constant=_no_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise ProtocolError(f"undecodable message: {type(e).__name__}") from None
    if not isinstance(msg, dict):
        raise ProtocolError("message is not a JSON object")
    return msg


def _no_constant(name: str) -> Any:
    raise ValueError(f"constant {name} not allowed")


def write_all(fd: int, data: bytes) -> None:
    """Blocking write of all of ``data`` (the worker side)."""
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def read_exact(fd: int, n: int) -> bytes:
    """Blocking read of exactly ``n`` bytes (the worker side)."""
    chunks = []
    while n:
        chunk = os.read(fd, min(n, 1 << 20))
        if not chunk:
            raise ProtocolError("pipe closed")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def recv_blocking(fd: int, max_bytes: int) -> dict[str, Any]:
    """Read one whole message from ``fd`` (worker side, blocking). Raises `ProtocolError` when the
    pipe closes, the message is over ``max_bytes`` bytes or does not decode."""
    size = int.from_bytes(read_exact(fd, HEADER), "big")
    if size > max_bytes:
        raise ProtocolError(f"message of {size} bytes exceeds the limit of {max_bytes}")
    return decode(read_exact(fd, size))


def send_blocking(fd: int, msg: dict[str, Any]) -> None:
    """Write one whole message to ``fd`` (worker side, blocking)."""
    write_all(fd, encode(msg))


class Channel:
    """The parent's end: non-blocking reads and writes with a deadline.

    The worker may stop reading, write garbage, or never finish a message; none of that
    may block the parent past the deadline of the current call.
    """

    def __init__(self, rfd: int, wfd: int, max_bytes: int) -> None:
        self.rfd, self.wfd, self.max_bytes = rfd, wfd, max_bytes
        os.set_blocking(rfd, False)
        os.set_blocking(wfd, False)
        self._buf = bytearray()

    def send(self, msg: dict[str, Any], deadline: float) -> None:
        """Write ``msg`` whole before ``deadline`` (a `time.monotonic` value). Raises `Timeout` when
        the deadline passes, `ProtocolError` when the worker's pipe is closed."""
        view = memoryview(encode(msg))
        while view:
            _wait(self.wfd, write=True, deadline=deadline)
            try:
                n = os.write(self.wfd, view)
            except BlockingIOError:
                continue
            except (BrokenPipeError, OSError) as e:
                raise ProtocolError(f"worker pipe closed ({e.strerror})") from None
            view = view[n:]

    def recv(self, deadline: float) -> dict[str, Any]:
        """The next message, read before ``deadline`` (a `time.monotonic` value; bytes beyond it
        stay buffered for the next call). Raises `Timeout` when the deadline passes, `ProtocolError`
        when the pipe closes, a message is over ``max_bytes`` or does not decode."""
        while True:
            if len(self._buf) >= HEADER:
                size = int.from_bytes(self._buf[:HEADER], "big")
                if size > self.max_bytes:
                    raise ProtocolError(
                        f"message of {size} bytes exceeds the limit of {self.max_bytes}"
                    )
                if len(self._buf) >= HEADER + size:
                    data = bytes(self._buf[HEADER : HEADER + size])
                    del self._buf[: HEADER + size]
                    return decode(data)
            _wait(self.rfd, write=False, deadline=deadline)
            try:
                chunk = os.read(self.rfd, 1 << 16)
            except BlockingIOError:
                continue
            except OSError as e:
                raise ProtocolError(f"worker pipe unreadable ({e.strerror})") from None
            if not chunk:
                raise ProtocolError("worker closed its pipe")
            self._buf += chunk


class Timeout(Exception):
    """The deadline passed while waiting on the worker."""


def _wait(fd: int, *, write: bool, deadline: float) -> None:
    left = deadline - time.monotonic()
    if left <= 0:
        raise Timeout
    # poll, not select: the parent may hold fds above FD_SETSIZE.
    poller = select.poll()
    poller.register(fd, select.POLLOUT if write else select.POLLIN)
    events = poller.poll(max(1, int(left * 1000)))
    if not events:
        raise Timeout
    if events[0][1] & select.POLLNVAL:
        raise ProtocolError("worker pipe is closed")
