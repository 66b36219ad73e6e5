"""`ccg_graph.execution.evaluate`: what a query worker sends back for one job (whole, streamed, or a failure)."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from ccg_graph.execution import evaluate as ev
from ccg_graph.store import EmbeddedStore

G = ox.NamedNode("urn:ccg-graph:test:graph")
P = ox.NamedNode("urn:p")


@pytest.fixture
def store() -> EmbeddedStore:
    store = EmbeddedStore()
    store.native.extend(ox.Quad(ox.NamedNode(f"urn:s{i}"), P, ox.Literal(str(i)), G) for i in range(50))
    return store


def test_a_small_answer_comes_back_whole_in_the_negotiated_format(store: EmbeddedStore) -> None:
    job = ev.QueryJob("SELECT ?s WHERE { ?s <urn:p> ?o } ORDER BY ?s LIMIT 3", accept="text/csv")
    (message,) = list(ev.evaluate(store, job))
    assert isinstance(message, ev.Complete)
    assert message.head.media_type == "text/csv; charset=utf-8" and message.head.rows == 3
    assert not message.head.truncated
    assert message.body.decode().splitlines() == ["s", "urn:s0", "urn:s1", "urn:s10"]


def test_rows_past_the_cap_are_cut_and_said_so(store: EmbeddedStore) -> None:
    job = ev.QueryJob("SELECT ?s WHERE { ?s ?p ?o }", row_cap=7)
    (message,) = list(ev.evaluate(store, job))
    assert isinstance(message, ev.Complete) and message.head.truncated and message.head.rows == 7
    assert len(json.loads(message.body)["results"]["bindings"]) == 7


def test_a_large_answer_is_streamed_after_its_head(store: EmbeddedStore, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ev, "INLINE_BYTES", 64)
    job = ev.QueryJob("CONSTRUCT WHERE { ?s ?p ?o }", accept="application/n-triples")
    messages = list(ev.evaluate(store, job))
    head, *chunks, end = messages
    assert isinstance(head, ev.Head) and head.media_type == "application/n-triples" and end == ev.END
    body = b"".join(c for c in chunks if isinstance(c, bytes)).decode()
    assert len([line for line in body.splitlines() if line.strip()]) == 50


def test_a_bad_query_comes_back_as_a_failure_with_its_status(store: EmbeddedStore) -> None:
    (message,) = list(ev.evaluate(store, ev.QueryJob("SELECT ?s WHERE { ?s ?p }")))
    assert isinstance(message, ev.Failure) and message.http_status == 400
    assert message.to_exception().http_status == 400


def test_an_answer_nobody_can_accept_is_406(store: EmbeddedStore) -> None:
    (message,) = list(ev.evaluate(store, ev.QueryJob("ASK { ?s ?p ?o }", accept="image/png")))
    assert isinstance(message, ev.Failure) and message.http_status == 406


# `answer_bounded`: what the server answers in its own process, which must be what a worker would send.

BOUNDED_LOOKUP = "SELECT ?p ?o WHERE { <urn:s7> ?p ?o }"


@pytest.mark.parametrize(
    "accept",
    [
        "application/sparql-results+json",
        "application/sparql-results+xml",
        "text/csv",
        "text/tab-separated-values",
        None,
    ],
)
def test_a_bounded_answer_is_the_workers_answer_byte_for_byte(store: EmbeddedStore, accept: str | None) -> None:
    job = ev.QueryJob("SELECT ?s ?o WHERE { ?s <urn:p> ?o }", accept=accept)
    here = ev.answer_bounded(store, job, 1000)
    (worker,) = list(ev.evaluate(store, job))
    assert here is not None and isinstance(worker, ev.Complete)
    assert here.head == worker.head and here.head.rows == 50
    assert here.body == worker.body


def test_a_bounded_answer_keeps_the_dataset_asked_for(store: EmbeddedStore) -> None:
    elsewhere = ev.QueryJob(BOUNDED_LOOKUP, default_graph_uris=("urn:ccg-graph:test:other",))
    here = ev.answer_bounded(store, elsewhere, 1000)
    assert here is not None and here.head.rows == 0
    named = ev.QueryJob(BOUNDED_LOOKUP, default_graph_uris=(G.value,))
    answered = ev.answer_bounded(store, named, 1000)
    assert answered is not None and answered.head.rows == 1


def test_more_rows_than_the_bound_go_to_a_worker(store: EmbeddedStore) -> None:
    job = ev.QueryJob("SELECT ?s WHERE { ?s <urn:p> ?o }")
    assert ev.answer_bounded(store, job, 49) is None
    assert ev.answer_bounded(store, job, 50) is not None


def test_more_rows_than_the_cap_go_to_a_worker_which_truncates(store: EmbeddedStore) -> None:
    job = ev.QueryJob("SELECT ?s WHERE { ?s <urn:p> ?o }", row_cap=7)
    assert ev.answer_bounded(store, job, 1000) is None
    (message,) = list(ev.evaluate(store, job))
    assert isinstance(message, ev.Complete) and message.head.truncated and message.head.rows == 7


@pytest.mark.parametrize(
    ("query", "accept"),
    [
        ("SELECT ?s WHERE { ?s <urn:p> ?o . ?s ?q ?r }", None),  # not the shape
        ("ASK { ?s <urn:p> ?o }", None),
        ("SELECT ?s WHERE { ?s ex:p ?o }", None),  # the engine refuses it: the worker says why (400)
        (BOUNDED_LOOKUP, "image/png"),  # nothing acceptable: the worker answers 406
    ],
)
def test_everything_else_is_left_to_a_worker(store: EmbeddedStore, query: str, accept: str | None) -> None:
    assert ev.answer_bounded(store, ev.QueryJob(query, accept=accept), 1000) is None
