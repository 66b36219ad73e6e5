"""The query worker: evaluates one job and turns its answer into HTTP-ready messages, in its own process.

A worker is a separate process because pyoxigraph cannot be interrupted while it evaluates (a sort or an
aggregate runs to its end): the only way to stop a runaway query is to stop the process running it. The
pool (`pool`) kills a worker whose query passes its time limit and starts a fresh one. `worker_main` is the
process's loop: it opens the published store read-only and answers the jobs sent down its socket, framed
as in `framing`. `evaluate` is what it runs for each job; the pool's thread executor runs it in-process for
stores another process cannot open. It yields one `Complete` message for answers smaller than
`INLINE_BYTES`, or a `Head` followed by byte chunks and `END` for larger ones, so the server can stream them.

(`ccg_graph.execution.evaluate`, where `evaluate` used to live, is this module under its old name.)
"""

from __future__ import annotations

import os
import signal
import socket
import sys
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from ccg_graph.core.errors import CCGGraphError
from ccg_graph.execution.framing import (
    END,
    LENGTH,
    Complete,
    Failure,
    Head,
    QueryFailed,
    QueryJob,
    decode_job,
    encode_message,
)
from ccg_graph.execution.native import CappedSolutionsWriter, RowCapReached
from ccg_graph.rdf import media_types
from ccg_graph.rdf.negotiation import GRAPH_ALIASES, GRAPH_FORMATS, RESULT_ALIASES, RESULT_FORMATS, negotiate
from ccg_graph.rdf.results import write_boolean, write_solutions, write_triples
from ccg_graph.sparql.bounded import bounded_select
from ccg_graph.sparql.federation import inline_services
from ccg_graph.sparql.lexer import find_query_form
from ccg_graph.store.base import QueryResult, Store
from ccg_graph.store.embedded import EmbeddedStore

__all__ = [
    "END",
    "INLINE_BYTES",
    "Complete",
    "Failure",
    "Head",
    "QueryFailed",
    "QueryJob",
    "answer_bounded",
    "evaluate",
    "worker_main",
]

INLINE_BYTES = 1 << 20
#: The results formats a store's own answer is relayed in: the two whose every writer means the same by the
#: same bytes. CSV and TSV are always written here: servers write them their own way (Virtuoso quotes every
#: CSV field, header included, and writes TSV's header and IRIs as quoted strings, which SPARQL TSV is not).
RELAYED_FORMATS = frozenset({media_types.SPARQL_RESULTS_JSON, media_types.SPARQL_RESULTS_XML})
LARGE = "large"  # from `_messages`: what follows is larger than INLINE_BYTES


def _charset(media: str) -> str:
    textual = media.startswith("text/") or "json" in media or "xml" in media or media == media_types.TRIG
    return media + "; charset=utf-8" if textual else media


def _run(store: Store, job: QueryJob) -> QueryResult:
    """The one place a job's query is evaluated."""
    text = inline_services(job.query, job.service_allow, job.service_timeout)
    return store.query(
        text,
        default_graph_uris=job.default_graph_uris,
        named_graph_uris=job.named_graph_uris,
        base_iri=job.base_iri,
    )


def _results_media(job: QueryJob) -> str:
    """The results format the client asked for (SPARQL JSON unless it asked for another)."""
    return negotiate(job.accept, job.format_override, RESULT_FORMATS, RESULT_ALIASES, media_types.SPARQL_RESULTS_JSON)


def _relayed(store: Store, job: QueryJob) -> CappedSolutionsWriter | None:
    """A SELECT answered with the store's own bytes (`Store.relay_solutions`: a remote server's answer in the
    format the client asked), rows counted as they arrive; `None` when the store has none to give. Past the
    row cap the writer comes back `capped`, holding nothing: the capped answer is written by `_messages`'s
    Python writers, exactly at the cap.

    The answer is neither parsed into terms nor written again: for a lookup on a remote store those two steps
    cost more than the remote server's whole answer.
    """
    if not store.relays_solutions:
        return None
    text = inline_services(job.query, job.service_allow, job.service_timeout)
    if find_query_form(text) != "SELECT":
        return None
    media = _results_media(job)
    if media not in RELAYED_FORMATS:
        return None
    chunks = store.relay_solutions(
        text,
        media,
        default_graph_uris=job.default_graph_uris,
        named_graph_uris=job.named_graph_uris,
        base_iri=job.base_iri,
    )
    if chunks is None:
        return None
    counted = CappedSolutionsWriter(RESULT_FORMATS[media][0].short, job.row_cap, INLINE_BYTES)
    try:
        for chunk in chunks:
            counted.write(chunk)
        counted.finish()
    except BaseException as err:  # past the cap, or the server's answer broke off: the spill file goes
        counted.close()
        if not isinstance(err, RowCapReached):
            raise
    finally:
        chunks.close()
    return counted


def _messages(store: Store, job: QueryJob) -> Iterator[Head | bytes | str]:
    relayed = _relayed(store, job)
    if relayed is not None and not relayed.capped:
        media = _results_media(job)
        yield Head(_charset(media), False, relayed.rows)
        if relayed.spilled:
            yield LARGE
        yield from relayed.chunks()
        return
    result = _run(store, job)
    if result.triples is not None:
        media = negotiate(job.accept, job.format_override, GRAPH_FORMATS, GRAPH_ALIASES, media_types.TURTLE)
        triples = list(islice(result.triples, job.row_cap + 1))
        truncated = len(triples) > job.row_cap
        del triples[job.row_cap :]
        yield Head(_charset(media), truncated, len(triples))
        yield write_triples(GRAPH_FORMATS[media][1], triples, job.prefixes)
        return
    media = _results_media(job)
    short = RESULT_FORMATS[media][0].short
    if result.solutions is None:
        assert result.boolean is not None
        yield Head(_charset(media), False, None)
        yield write_boolean(short, result.boolean)
        return
    if relayed is None:  # a relayed answer past the cap needs no second try of the native writer
        native = CappedSolutionsWriter(short, job.row_cap, INLINE_BYTES)
        try:
            result.solutions.serialize(native, RESULT_FORMATS[media][1])  # type: ignore[arg-type]  # a binary writer
        except (RowCapReached, OSError):
            native.close()
            if not native.capped:
                raise
            # Past the cap: evaluated again and written row by row, so the answer stops exactly at the cap.
            result = _run(store, job)
            assert result.solutions is not None
        else:
            yield Head(_charset(media), False, native.rows)
            if native.spilled:
                yield LARGE  # the answer is on disk: stream it rather than hold it all in memory
            yield from native.chunks()
            return
    assert result.solutions is not None
    variables = [v.value for v in result.solutions.variables]
    rows = [tuple(solution) for solution in islice(result.solutions, job.row_cap + 1)]
    truncated = len(rows) > job.row_cap
    del rows[job.row_cap :]
    yield Head(_charset(media), truncated, len(rows))
    yield from write_solutions(short, variables, rows)


def answer_bounded(store: Store, job: QueryJob, rows: int) -> Complete | None:
    """The whole answer to `job`, evaluated here, when its cost is bounded before it runs: a SELECT of one
    triple pattern (`sparql.bounded`) with at most `rows` rows (and no more than the row cap), written by
    pyoxigraph's serialiser as `evaluate` writes it. `None` for any other query, for one with more rows, and
    for one the engine refuses: a worker then answers it, errors and truncation included, as before.

    The server calls this in its own process, before a worker is asked: the work is at most `rows + 1`
    index steps, so no time limit is needed, and the round trip to a worker, which costs more than such a
    query, is saved.
    """
    text = bounded_select(job.query, min(rows, job.row_cap))
    if text is None:
        return None
    try:
        media = _results_media(job)
        result = store.query(
            text,
            default_graph_uris=job.default_graph_uris,
            named_graph_uris=job.named_graph_uris,
            base_iri=job.base_iri,
        )
    except (CCGGraphError, SyntaxError, ValueError, OSError):
        return None  # the worker answers with the error, worded as for every other query
    if result.solutions is None:
        return None
    syntax, result_format = RESULT_FORMATS[media]
    writer = CappedSolutionsWriter(syntax.short, min(rows, job.row_cap), INLINE_BYTES)
    try:
        result.solutions.serialize(writer, result_format)  # type: ignore[arg-type]  # a binary writer
    except (RowCapReached, OSError):
        writer.close()
        return None
    if writer.spilled:
        writer.close()
        return None
    return Complete(Head(_charset(media), False, writer.rows), writer.body())


def evaluate(store: Store, job: QueryJob) -> Iterator[Complete | Head | bytes | Failure | str]:
    """The messages answering `job`: `Complete`, or `Head`, chunks and `END`; or a `Failure`."""
    try:
        messages = _messages(store, job)
        head = next(messages)
        assert isinstance(head, Head)
        buffered: list[bytes] = []
        size = 0
        for chunk in messages:
            if chunk == LARGE:
                break
            assert isinstance(chunk, bytes)
            buffered.append(chunk)
            size += len(chunk)
            if size > INLINE_BYTES:
                break
        else:
            yield Complete(head, b"".join(buffered))
            return
        yield head
        yield from buffered
        yield from messages
        yield END
    except CCGGraphError as err:
        yield Failure(type(err).__name__, str(err), err.http_status)
    except (SyntaxError, ValueError) as err:
        yield Failure("BadQuery", str(err), 400)
    except OSError as err:
        yield Failure("StoreError", f"the store could not answer: {err}", 503)


def _read_exactly(sock: socket.socket, size: int) -> bytes | None:
    """`size` bytes, or None when the server has closed its end."""
    buffer = bytearray()
    while len(buffer) < size:
        chunk = sock.recv(size - len(buffer))
        if not chunk:
            return None
        buffer += chunk
    return bytes(buffer)


def worker_main(sock: socket.socket, niceness: int = 0) -> None:
    """Serve framed `(store_path, QueryJob)` requests until the socket closes or an empty frame arrives,
    `niceness` steps below the CPU priority the worker was started with."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the server, which stops its workers
    if niceness:
        os.nice(niceness)  # queries yield to the server's HTTP, cached answers and writes when the cores are busy
    store: EmbeddedStore | None = None
    opened: str | None = None
    while True:
        try:
            prefix = _read_exactly(sock, LENGTH.size)
            payload = _read_exactly(sock, LENGTH.unpack(prefix)[0]) if prefix is not None else None
        except OSError:
            break
        if not payload:
            break
        store_path, job = decode_job(payload)
        if store_path != opened:
            if store is not None:
                store.close()
            store = EmbeddedStore(Path(store_path), read_only=True)
            opened = store_path
        assert store is not None, "opened above for the first request"
        for message in evaluate(store, job):
            sock.sendall(encode_message(message))
    if store is not None:
        store.close()
    os._exit(0)


if __name__ == "__main__":
    worker_main(socket.socket(fileno=int(sys.argv[1])), int(sys.argv[2]) if len(sys.argv) > 2 else 0)
