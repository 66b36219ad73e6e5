"""Evaluate one query job and turn its answer into HTTP-ready messages.

This is the code a query worker runs (see `pool`); it is also run in-process for stores that cannot be
opened by another process. It yields one `Complete` message for answers smaller than `INLINE_BYTES`, or a
`Head` followed by byte chunks and `END` for larger ones, so the server can stream them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice

from ccg_graph.core.errors import CCGGraphError
from ccg_graph.execution.native import CappedSolutionsWriter, RowCapReached
from ccg_graph.rdf import media_types
from ccg_graph.rdf.negotiation import GRAPH_ALIASES, GRAPH_FORMATS, RESULT_ALIASES, RESULT_FORMATS, negotiate
from ccg_graph.rdf.results import write_boolean, write_solutions, write_triples
from ccg_graph.sparql.federation import inline_services
from ccg_graph.store.base import QueryResult, Store

INLINE_BYTES = 1 << 20
END = "end"
LARGE = "large"  # from `_messages`: what follows is larger than INLINE_BYTES


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


def _messages(store: Store, job: QueryJob) -> Iterator[Head | bytes | str]:
    result = _run(store, job)
    if result.triples is not None:
        media = negotiate(job.accept, job.format_override, GRAPH_FORMATS, GRAPH_ALIASES, media_types.TURTLE)
        triples = list(islice(result.triples, job.row_cap + 1))
        truncated = len(triples) > job.row_cap
        del triples[job.row_cap :]
        yield Head(_charset(media), truncated, len(triples))
        yield write_triples(GRAPH_FORMATS[media][1], triples, job.prefixes)
        return
    media = negotiate(job.accept, job.format_override, RESULT_FORMATS, RESULT_ALIASES, media_types.SPARQL_RESULTS_JSON)
    short = RESULT_FORMATS[media][0].short
    if result.solutions is None:
        assert result.boolean is not None
        yield Head(_charset(media), False, None)
        yield write_boolean(short, result.boolean)
        return
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
    variables = [v.value for v in result.solutions.variables]
    rows = [tuple(solution) for solution in islice(result.solutions, job.row_cap + 1)]
    truncated = len(rows) > job.row_cap
    del rows[job.row_cap :]
    yield Head(_charset(media), truncated, len(rows))
    yield from write_solutions(short, variables, rows)


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
