"""Stewards' submissions and the change feed, through the real app on a fresh core build."""

from __future__ import annotations

from fastapi.testclient import TestClient
from rdflib import Dataset

from tests.api.conftest import AUTH
from tests.api.test_writes import submission

GRAPH = "https://w3id.org/ccg-graph/id/graph/steward/darlington"
TURTLE = {"content-type": "application/n-triples", **AUTH, "From": "steward@example.org"}


def _submit(client: TestClient, body: bytes, message: str = "Darlington CCG and its governing body"):
    return client.post(
        "/submissions",
        params={"graph": GRAPH, "message": message, "name": "darlington.nt"},
        content=body,
        headers=TURTLE,
    )


def test_valid_submission_lands_with_provenance_and_a_release(writable_client: TestClient) -> None:
    response = _submit(writable_client, submission())
    assert response.status_code == 201, response.text
    record = response.json()
    assert record["status"] == "accepted" and record["added"] > 20 and record["release"]
    assert record["agent"].startswith("steward@example.org")
    prov = writable_client.get(
        "/sparql",
        params={
            "query": f"""PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX dct: <http://purl.org/dc/terms/>
            SELECT ?checksum ?comment WHERE {{ GRAPH <https://w3id.org/ccg-graph/id/graph/submissions> {{
              ?activity prov:generated <{GRAPH}> ; prov:used ?source ; prov:wasAssociatedWith ?agent ;
                        <http://www.w3.org/2000/01/rdf-schema#comment> ?comment .
              ?source dct:identifier ?checksum }} }}"""
        },
    ).json()["results"]["bindings"]
    assert len(prov) == 1
    assert prov[0]["checksum"]["value"] == f"sha256:{record['source_sha256']}"
    shown = writable_client.get(f"/submissions/{record['id']}").json()
    assert shown["diff"]["added"] and shown["status"] == "accepted"
    assert writable_client.get("/submissions").json()[0]["id"] == record["id"]


def test_invalid_submission_is_refused_recorded_and_changes_nothing(writable_client: TestClient) -> None:
    health = writable_client.get("/healthz").json()
    broken = submission().replace(b'"00C"', b'"0C"')
    response = _submit(writable_client, broken, "typo in the ODS code")
    assert response.status_code == 422
    body = response.json()
    assert any("CCG-odsCode" in r["source_shape"] for r in body["report"]["results"])
    assert body["submission"]["status"] == "rejected"
    assert writable_client.get("/healthz").json() == health
    listed = writable_client.get("/submissions").json()
    assert listed[0]["status"] == "rejected"


def test_resubmission_replaces_and_retraction_removes(writable_client: TestClient) -> None:
    first = _submit(writable_client, submission()).json()
    extra = b'<https://w3id.org/ccg-graph/id/ccg/00C> <http://www.w3.org/2000/01/rdf-schema#comment> "v2" .\n'
    second = _submit(writable_client, submission() + extra, "second version").json()
    assert second["replaces"] == first["id"] and second["added"] == 1 and second["removed"] == 0
    same = _submit(writable_client, submission() + extra, "same again")
    assert same.status_code == 200 and same.json()["status"] == "unchanged"
    retracted = writable_client.delete(f"/submissions/{second['id']}", params={"message": "withdrawn"}, headers=AUTH)
    assert retracted.status_code == 200, retracted.text
    assert retracted.json()["status"] == "retracted"
    assert writable_client.get("/store", params={"graph": GRAPH}).status_code == 404


def test_parse_error_is_400_with_line(writable_client: TestClient) -> None:
    response = writable_client.post(
        "/submissions",
        params={"graph": GRAPH, "name": "bad.ttl"},
        content=b"@prefix ex: <http://example.org/> .\nex:a ex:b .\n",
        headers={"content-type": "text/turtle", **AUTH},
    )
    assert response.status_code == 400
    assert response.json()["line"] == 2


def test_change_feed_as_json_and_rdf_patch(writable_client: TestClient) -> None:
    start = writable_client.get("/changes").json()
    assert start["releases"] == []
    record = _submit(writable_client, submission()).json()
    feed = writable_client.get("/changes", params={"since": "build"}).json()
    assert [r["id"] for r in feed["releases"]] == [record["release"]]
    assert len(feed["releases"][0]["added_quads"]) == feed["releases"][0]["added"]
    assert writable_client.get("/changes", params={"since": record["release"]}).json()["releases"] == []
    patch = writable_client.get("/changes", headers={"accept": "application/rdf-patch"}).text
    assert patch.startswith("H id <urn:ccg-graph:release:") and "\nTX .\n" in patch and patch.rstrip().endswith("TC .")
    # applying the patch's additions gives exactly the quads of the submitted graph
    added = "\n".join(line[2:] for line in patch.splitlines() if line.startswith("A "))
    dataset = Dataset()
    dataset.parse(data=added, format="nquads")
    assert any(str(g.identifier) == GRAPH for g in dataset.graphs())
    gone = writable_client.get("/changes", params={"since": "20000101T000000-000000000"})
    assert gone.status_code == 410


def test_a_submitted_graph_is_a_source_record_of_the_file(writable_client: TestClient) -> None:
    assert _submit(writable_client, submission()).status_code == 201
    query = f"""PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX ccg: <https://w3id.org/ccg-graph/def#>
        SELECT ?basis ?file WHERE {{ <{GRAPH}> ccg:basis ?basis ; prov:wasDerivedFrom ?source .
          ?source <http://www.w3.org/2000/01/rdf-schema#label> ?file }}"""
    rows = writable_client.get("/sparql", params={"query": query}).json()["results"]["bindings"]
    assert [(r["basis"]["value"], r["file"]["value"]) for r in rows] == [
        ("https://w3id.org/ccg-graph/def#SourceRecord", "darlington.nt")
    ]
    submissions_basis = (
        "SELECT ?b WHERE { <https://w3id.org/ccg-graph/id/graph/submissions>"
        " <https://w3id.org/ccg-graph/def#basis> ?b }"
    )
    rows = writable_client.get("/sparql", params={"query": submissions_basis}).json()["results"]["bindings"]
    assert [r["b"]["value"] for r in rows] == ["https://w3id.org/ccg-graph/def#SourceRecord"]
