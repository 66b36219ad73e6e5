"""A truncated upload changes nothing on any door: the report's case (RDF/XML cut inside its last element).

pyoxigraph alone reads the cut document as two of its three triples, so ``POST /submissions`` used to replace
a submitted graph with part of itself and ``POST /validate`` answered 200 on it.
"""

from __future__ import annotations

import httpx
import pytest

from tests.rdf.corpus import COMPLETE, truncated
from tests.security.conftest import AUTH, assert_clear_4xx, store_state

GRAPH = "http://example.org/truncated-upload"
RDF_XML = "application/rdf+xml"


def _triples(client: httpx.Client) -> int:
    answer = client.get("/store", params={"graph": GRAPH}, headers={"Accept": "application/n-triples"})
    assert answer.status_code == 200, answer.text[:300]
    return len([line for line in answer.text.splitlines() if line.strip()])


@pytest.fixture(scope="module")
def submitted(client: httpx.Client) -> None:
    accepted = client.post(
        "/submissions",
        params={"graph": GRAPH, "message": "three triples", "name": "three.rdf"},
        content=COMPLETE[RDF_XML],
        headers={"Content-Type": RDF_XML, **AUTH},
    )
    assert accepted.status_code in (200, 201), accepted.text[:300]
    assert _triples(client) == 3


@pytest.mark.usefixtures("submitted")
def test_a_truncated_submission_is_refused_and_the_graph_keeps_its_triples(client: httpx.Client) -> None:
    before, log = store_state(client), client.get("/submissions").json()
    refused = client.post(
        "/submissions",
        params={"graph": GRAPH, "message": "cut off", "name": "three.rdf"},
        content=truncated(RDF_XML),
        headers={"Content-Type": RDF_XML, **AUTH},
    )
    assert_clear_4xx(refused, 400)
    assert "well-formed" in refused.json()["message"] and refused.json()["line"] == truncated(RDF_XML).count(b"\n") + 1
    assert _triples(client) == 3
    assert store_state(client) == before and client.get("/submissions").json() == log


@pytest.mark.usefixtures("submitted")
@pytest.mark.parametrize("media", sorted(COMPLETE))
def test_a_truncated_put_changes_nothing(client: httpx.Client, media: str) -> None:
    before = store_state(client)
    refused = client.put(
        "/store", params={"graph": GRAPH}, content=truncated(media), headers={"Content-Type": media, **AUTH}
    )
    assert_clear_4xx(refused, 400)
    assert _triples(client) == 3 and store_state(client) == before


@pytest.mark.parametrize("media", sorted(COMPLETE))
def test_validate_refuses_a_truncated_body(client: httpx.Client, media: str) -> None:
    whole = client.post("/validate", content=COMPLETE[media], headers={"Content-Type": media})
    assert whole.status_code == 200, whole.text[:300]
    assert_clear_4xx(client.post("/validate", content=truncated(media), headers={"Content-Type": media}), 400)
