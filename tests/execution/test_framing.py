"""Frames between the server and a query worker: every message comes back as it was sent."""

from __future__ import annotations

import asyncio

import pytest

from ccg_graph.execution.evaluate import END, Complete, Failure, Head, QueryJob
from ccg_graph.execution.framing import Message, decode_job, decode_message, encode_job, encode_message, read_frame

MESSAGES: list[Message] = [
    Complete(Head("application/sparql-results+json; charset=utf-8", False, 116), b'{"head":{}}' * 100),
    Complete(Head("text/csv; charset=utf-8", True, 0), b""),
    Head("text/turtle; charset=utf-8", False, None),
    b"\x00\xff a chunk",
    b"",
    Failure("BadQuery", "SPARQL syntax error: line 1 — café", 400),
    END,
]


@pytest.mark.parametrize("message", MESSAGES)
def test_messages_survive_the_frame(message: Message) -> None:
    async def read_back() -> Message:
        reader = asyncio.StreamReader()
        reader.feed_data(encode_message(message))
        reader.feed_eof()
        return decode_message(await read_frame(reader))

    assert asyncio.run(read_back()) == message


def test_a_job_survives_the_frame() -> None:
    job = QueryJob("ASK {}", accept="text/csv", default_graph_uris=("http://example.org/g",), prefixes={"ex": "x"})
    framed = encode_job("/tmp/store", job)
    assert decode_job(framed[4:]) == ("/tmp/store", job)
