"""The dataset description (VoID, DCAT) and the dumps with their checksums."""

from __future__ import annotations

import gzip
import hashlib

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from ccg_graph.core.namespaces import DATASET_IRI
from ccg_graph.store import EmbeddedStore

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
SPDX = "http://spdx.org/rdf/terms#"
OGL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
BASE = "http://testserver"


def graph(client: TestClient, path: str) -> set[ox.Triple]:
    response = client.get(path, headers={"accept": "text/turtle"})
    assert response.status_code == 200, response.text[:300]
    return {q.triple for q in ox.parse(response.content, format=ox.RdfFormat.TURTLE)}


def objects(data: set[ox.Triple], subject: str, predicate: str) -> list:
    return sorted(
        (t.object for t in data if t.subject == ox.NamedNode(subject) and t.predicate == ox.NamedNode(predicate)),
        key=str,
    )


def test_void_and_dcat_describe_the_dataset(ld_client: TestClient, national_store: EmbeddedStore) -> None:
    data = graph(ld_client, "/dataset")
    assert ox.NamedNode(VOID + "Dataset") in objects(
        data, DATASET_IRI, "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    )
    assert objects(data, DATASET_IRI, "http://purl.org/dc/terms/license") == [ox.NamedNode(OGL)]
    assert objects(data, DATASET_IRI, VOID + "sparqlEndpoint") == [ox.NamedNode(BASE + "/sparql")]
    assert int(objects(data, DATASET_IRI, VOID + "triples")[0].value) == len(national_store)
    subsets = objects(data, DATASET_IRI, VOID + "subset")
    assert sorted(s.value for s in subsets) == national_store.named_graphs()
    assert sum(int(objects(data, s.value, VOID + "triples")[0].value) for s in subsets) == len(national_store)
    assert {d.value for d in objects(data, DATASET_IRI, VOID + "dataDump")} == {
        BASE + "/download/ccg-graph.nq.gz",
        BASE + "/download/ccg-graph.trig.gz",
    }
    assert len(objects(data, DATASET_IRI, "http://purl.org/dc/terms/source")) >= 30
    assert objects(data, DATASET_IRI + "#sparql", DCAT + "endpointURL") == [ox.NamedNode(BASE + "/sparql")]
    assert graph(ld_client, "/.well-known/void") == data


@pytest.mark.parametrize("name", ["ccg-graph.nq.gz", "ccg-graph.trig.gz"])
def test_dumps_match_their_checksums(ld_client: TestClient, national_store: EmbeddedStore, name: str) -> None:
    data = graph(ld_client, "/dataset")
    distribution = DATASET_IRI + "#" + name.replace(".", "-")
    checksum = objects(data, objects(data, distribution, SPDX + "checksum")[0].value, SPDX + "checksumValue")[0].value
    response = ld_client.get(f"/download/{name}", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/gzip"
    assert "content-encoding" not in response.headers, "a .gz file is not compressed twice"
    assert hashlib.sha256(response.content).hexdigest() == checksum
    assert int(objects(data, distribution, DCAT + "byteSize")[0].value) == len(response.content)
    assert ld_client.get(f"/download/{name}.sha256").text == f"{checksum}  {name}\n"
    fmt = ox.RdfFormat.N_QUADS if name.endswith(".nq.gz") else ox.RdfFormat.TRIG
    dump = set(ox.parse(gzip.decompress(response.content), format=fmt))
    assert len(dump) == len(national_store)
    again = ld_client.get(f"/download/{name}", headers={"if-none-match": response.headers["etag"]})
    assert again.status_code == 304


@pytest.mark.parametrize(
    "path",
    [
        "/download/..%2F..%2Fetc%2Fpasswd",
        "/download/%2e%2e",
        "/download/store",
        "/download/ccg-graph.nq.gz.tmp",
        "/download/ccg-graph.trig.gz.source-sha256",
        "/download/..%2Fccg-graph.nq.gz",
    ],
)
def test_nothing_else_can_be_downloaded(ld_client: TestClient, path: str) -> None:
    assert ld_client.get(path).status_code == 404


def test_dataset_page_for_people(ld_client: TestClient) -> None:
    page = ld_client.get("/dataset", headers={"accept": "text/html"})
    assert page.status_code == 200
    assert 'href="http://testserver/download/ccg-graph.nq.gz"' in page.text
    assert "Open Government Licence v3.0" in page.text


def test_every_subset_of_the_dataset_states_its_basis(ld_client: TestClient) -> None:
    data = graph(ld_client, "/dataset")
    subsets = objects(data, DATASET_IRI, VOID + "subset")
    bases = {s.value: objects(data, s.value, "https://w3id.org/ccg-graph/def#basis") for s in subsets}
    assert subsets and all(len(found) == 1 for found in bases.values()), bases
