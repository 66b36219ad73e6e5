"""What crosses the socket between the server and a query worker: the messages, and their bytes.

The server sends a `QueryJob`; the worker answers with one `Complete`, or a `Head`, byte chunks and `END`,
or a `Failure` (see `worker.evaluate`). They are defined here, beside their framing, so both ends import
them from one module that neither end's code lives in (the worker runs as ``__main__``).

Every message is one frame: a 4-byte big-endian length, then a one-byte tag and the payload. The job going
to the worker is pickled (a small dataclass, a few microseconds); the answers coming back are raw bytes
behind a fixed header, so a body is never copied into a pickle and back out of it, and the server reads
frames with asyncio's stream reader (no blocking read, no watching and unwatching the descriptor per message).
An empty frame asks the worker to stop.
"""

from __future__ import annotations

import json
import pickle
import struct
from dataclasses import dataclass, field
from typing import Protocol

from ccg_graph.core.errors import CCGGraphError

END = "end"


@dataclass(frozen=True)
class QueryJob:
    """Everything a worker needs to answer one query; picklable, so it can cross a process boundary."""

    query: str
    accept: str | None = None
    format_override: str | None = None
    default_graph_uris: tuple[str, ...] = ()
    named_graph_uris: tuple[str, ...] = ()
    base_iri: str | None = None  # relative IRIs in the query resolve against it (the endpoint's URL)
    row_cap: int = 100_000
    service_allow: tuple[str, ...] = ()
    service_timeout: float = 30.0
    prefixes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Head:
    media_type: str
    truncated: bool
    rows: int | None  # solutions or triples returned; None for ASK


@dataclass(frozen=True)
class Complete:
    head: Head
    body: bytes


@dataclass(frozen=True)
class Failure:
    """An error raised while evaluating, carried back to the server as data."""

    error_type: str
    message: str
    http_status: int

    def to_exception(self) -> QueryFailed:
        return QueryFailed(self.error_type, self.message, self.http_status)


class QueryFailed(CCGGraphError):
    """A `Failure` raised again on the server side, keeping the original error's name and status."""

    def __init__(self, error_type: str, message: str, http_status: int) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.http_status = http_status


LENGTH = struct.Struct("!I")
_HEAD = struct.Struct("!?qH")  # truncated, rows (-1 for none), length of the media type

COMPLETE, HEAD, CHUNK, FINISHED, FAILURE = b"C", b"H", b"B", b"E", b"F"

Message = Complete | Head | bytes | Failure | str


class FrameReader(Protocol):
    async def readexactly(self, n: int) -> bytes: ...


def frame(payload: bytes) -> bytes:
    return LENGTH.pack(len(payload)) + payload


def encode_job(store_path: str, job: QueryJob) -> bytes:
    return frame(pickle.dumps((store_path, job), protocol=pickle.HIGHEST_PROTOCOL))


def decode_job(payload: bytes) -> tuple[str, QueryJob]:
    store_path, job = pickle.loads(payload)  # from our own server, over a private socket pair
    assert isinstance(store_path, str) and isinstance(job, QueryJob)
    return store_path, job


def _head(head: Head) -> bytes:
    media = head.media_type.encode()
    return _HEAD.pack(head.truncated, -1 if head.rows is None else head.rows, len(media)) + media


def encode_message(message: Message) -> bytes:
    """One evaluation message as a frame."""
    if isinstance(message, Complete):
        return frame(COMPLETE + _head(message.head) + message.body)
    if isinstance(message, Head):
        return frame(HEAD + _head(message))
    if isinstance(message, bytes):
        return frame(CHUNK + message)
    if isinstance(message, Failure):
        return frame(FAILURE + json.dumps([message.error_type, message.message, message.http_status]).encode())
    assert message == END
    return frame(FINISHED)


def _read_head(payload: bytes) -> tuple[Head, int]:
    truncated, rows, media_length = _HEAD.unpack_from(payload, 1)
    start = 1 + _HEAD.size
    media = payload[start : start + media_length].decode()
    return Head(media, truncated, None if rows < 0 else rows), start + media_length


def decode_message(payload: bytes) -> Message:
    tag = payload[:1]
    if tag == COMPLETE:
        head, start = _read_head(payload)
        return Complete(head, payload[start:])
    if tag == HEAD:
        return _read_head(payload)[0]
    if tag == CHUNK:
        return payload[1:]
    if tag == FAILURE:
        error_type, message, status = json.loads(payload[1:])
        return Failure(error_type, message, status)
    if tag == FINISHED:
        return END
    raise ValueError(f"unknown frame tag {tag!r}")


async def read_frame(reader: FrameReader) -> bytes:
    (length,) = LENGTH.unpack(await reader.readexactly(LENGTH.size))
    return await reader.readexactly(length)
