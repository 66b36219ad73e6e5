"""Dereferencing IRIs on the national graph: content negotiation, JSON-LD, 404s, caching, pagination."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from rdflib import Graph
from rdflib.compare import isomorphic

from ccg_graph.core.config import Settings
from ccg_graph.core.namespaces import DEF_BASE, ID_BASE
from ccg_graph.store import EmbeddedStore

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RDFS_RANGE = "http://www.w3.org/2000/01/rdf-schema#range"
ORG = "http://www.w3.org/ns/org#"
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

PARSERS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
OVERRIDES = {
    "text/turtle": "ttl",
    "application/n-triples": "nt",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdf",
}
SHORT = {
    "text/turtle": "turtle",
    "application/n-triples": "ntriples",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdfxml",
}


def n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def lit(text: str, language: str | None = None, datatype: str | None = None) -> ox.Literal:
    if language:
        return ox.Literal(text, language=language)
    if datatype:
        return ox.Literal(text, datatype=n(datatype))
    return ox.Literal(text)


# (path, IRI, triples the answer must hold: the resource's own facts and a label of something it links to)
CASES = [
    (
        "/id/ccg/03V",
        ID_BASE + "ccg/03V",
        [
            (n(ID_BASE + "ccg/03V"), n(RDF_TYPE), n(DEF_BASE + "ClinicalCommissioningGroup")),
            (n(ID_BASE + "ccg/03V"), n(DEF_BASE + "odsCode"), lit("03V")),
            (n(ID_BASE + "ccg/03V"), n(DEF_BASE + "successor"), n(ID_BASE + "ccg/78H")),
            (n(ID_BASE + "ccg/03V"), n(DEF_BASE + "closeDate"), lit("2020-03-31", datatype=XSD_DATE)),
            (n(ID_BASE + "ccg/78H"), n(SKOS_PREF), lit("NHS Northamptonshire CCG", "en")),
        ],
    ),
    (
        "/id/icb/QPM",
        ID_BASE + "icb/QPM",
        [
            (n(ID_BASE + "icb/QPM"), n(RDF_TYPE), n(DEF_BASE + "IntegratedCareBoard")),
            (n(ID_BASE + "icb/QPM"), n(DEF_BASE + "predecessor"), n(ID_BASE + "ccg/78H")),
            (n(ID_BASE + "organisation/nhs-england"), n(SKOS_PREF), lit("NHS England", "en")),
        ],
    ),
    (
        "/id/practice/K83002",
        ID_BASE + "practice/K83002",
        [
            (n(ID_BASE + "practice/K83002"), n(RDF_TYPE), n(DEF_BASE + "GPPractice")),
            (n(ID_BASE + "practice/K83002"), n(ORG + "memberOf"), n(ID_BASE + "ccg/03V")),
            (n(ID_BASE + "ccg/03V"), n(SKOS_PREF), lit("NHS Corby CCG", "en")),
        ],
    ),
    (
        "/id/region/Y60",
        ID_BASE + "region/Y60",
        [
            (n(ID_BASE + "region/Y60"), n(RDF_TYPE), n(DEF_BASE + "NHSEnglandRegion")),
            (n(ID_BASE + "region/Y60"), n(SKOS_PREF), lit("Midlands", "en")),
        ],
    ),
    (
        "/def/successor",
        DEF_BASE + "successor",
        [
            (n(DEF_BASE + "successor"), n(RDF_TYPE), n("http://www.w3.org/2002/07/owl#ObjectProperty")),
            (n(DEF_BASE + "successor"), n(RDFS_RANGE), n(ORG + "Organization")),
            (n(DEF_BASE + "successor"), n(RDFS_LABEL), lit("successor", "en")),
        ],
    ),
]


def parse(response, media: str) -> set[ox.Triple]:
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"].split(";")[0] == media
    return {ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(response.content, format=PARSERS[media])}


def assert_holds(triples: set[ox.Triple], expected: list[tuple]) -> None:
    for s, p, o in expected:
        assert ox.Triple(s, p, o) in triples, f"missing {s} {p} {o}"


@pytest.mark.parametrize("media", list(PARSERS))
@pytest.mark.parametrize(("path", "iri", "expected"), CASES, ids=[c[0] for c in CASES])
def test_negotiation_matrix(ld_client: TestClient, path: str, iri: str, expected: list, media: str) -> None:
    by_accept = ld_client.get(path, headers={"accept": media})
    by_extension = ld_client.get(f"{path}.{OVERRIDES[media]}", headers={"accept": BROWSER})
    by_parameter = ld_client.get(path, params={"_mediatype": media}, headers={"accept": BROWSER})
    by_short_name = ld_client.get(path, params={"_mediatype": SHORT[media]})
    answers = [parse(r, media) for r in (by_accept, by_extension, by_parameter, by_short_name)]
    for triples in answers:
        assert_holds(triples, expected)
        assert {t.subject for t in triples} >= {n(iri)}
    if media != "application/ld+json":  # blank nodes aside, every format says the same
        assert answers[0] == answers[1] == answers[2]
    assert by_accept.headers["vary"].lower().startswith("accept")


@pytest.mark.parametrize(("path", "iri", "expected"), CASES, ids=[c[0] for c in CASES])
def test_browsers_get_html(ld_client: TestClient, path: str, iri: str, expected: list) -> None:
    for response in (ld_client.get(path, headers={"accept": BROWSER}), ld_client.get(path + ".html")):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert f"<code>{iri}</code>" in response.text
        assert '<meta name="viewport"' in response.text


def test_jsonld_round_trips_to_the_same_triples_as_turtle(ld_client: TestClient) -> None:
    for path, _, _ in CASES:
        turtle = Graph().parse(data=ld_client.get(path, headers={"accept": "text/turtle"}).text, format="turtle")
        jsonld = Graph().parse(
            data=ld_client.get(path, headers={"accept": "application/ld+json"}).text, format="json-ld"
        )
        assert len(turtle) == len(jsonld) > 0
        assert isomorphic(turtle, jsonld), path


def test_jsonld_reads_as_plain_json(ld_client: TestClient) -> None:
    body = ld_client.get("/id/ccg/03V", headers={"accept": "application/json"}).json()
    assert body["id"] == ID_BASE + "ccg/03V"
    assert body["type"] == "ClinicalCommissioningGroup"
    assert body["name"] == "NHS Corby CCG"
    assert body["odsCode"] == "03V"
    assert body["openDate"] == "2013-04-01" and body["closeDate"] == "2020-03-31"
    assert body["successor"] == {
        "id": ID_BASE + "ccg/78H",
        "label": "NHS Northamptonshire CCG",
        "name": "NHS Northamptonshire CCG",
    }
    assert body["predecessor"]["id"] == ID_BASE + "pct/5PD"
    assert ID_BASE + "organisation/nhs-england" in [
        item["id"] if isinstance(item, dict) else item for item in body["accountableTo"]
    ]


def test_the_context_is_generated_from_the_ontology(ld_client: TestClient, national_settings: Settings) -> None:
    context = ld_client.get("/context.jsonld").json()["@context"]
    for key in ("name", "odsCode", "openDate", "closeDate", "successor", "predecessor", "accountableTo", "memberOf"):
        assert key in context, key
    assert context["successor"] == {"@id": DEF_BASE + "successor", "@type": "@id"}
    assert context["openDate"] == {"@id": DEF_BASE + "openDate", "@type": "http://www.w3.org/2001/XMLSchema#date"}
    assert context["name"] == {"@id": SKOS_PREF, "@language": "en"}
    # Read the ontology files independently: every ccg: class and property has a key standing for it.
    ontology = Graph()
    for path in sorted(national_settings.ontology_dir.glob("*.ttl")):
        ontology.parse(path, format="turtle")
    terms = {
        str(s)
        for s, o in ontology.subject_objects(predicate=ontology.namespace_manager.expand_curie("rdf:type"))
        if str(s).startswith(DEF_BASE) and str(o).rsplit("#", 1)[-1] in ("Class", "ObjectProperty", "DatatypeProperty")
    }
    defined = {v if isinstance(v, str) else v["@id"] for k, v in context.items() if not k.startswith("@")}
    assert len(terms) > 60
    assert terms <= defined, sorted(terms - defined)


def test_ontology_resolves_whole_and_by_term(ld_client: TestClient, national_store: EmbeddedStore) -> None:
    whole = parse(ld_client.get("/def", headers={"accept": "text/turtle"}), "text/turtle")
    result = national_store.query(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://w3id.org/ccg-graph/def> { ?s ?p ?o } }"
    )
    assert len(whole) == int(next(iter(result.solutions))["n"].value)
    page = ld_client.get("/def", headers={"accept": BROWSER})
    assert page.status_code == 200 and 'href="/def/ClinicalCommissioningGroup"' in page.text


def test_unknown_iris_are_404_for_apps_and_people(ld_client: TestClient) -> None:
    for path in ("/id/ccg/NOPE1", "/def/NoSuchTerm", "/id/", "/shapes/NoSuchShape"):
        rdf = ld_client.get(path, headers={"accept": "text/turtle"})
        assert rdf.status_code == 404, path
        assert rdf.json()["error"] == "NotFound"
    page = ld_client.get("/id/ccg/NOPE1", headers={"accept": BROWSER})
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "<h1>Not found</h1>" in page.text and "https://w3id.org/ccg-graph/id/ccg/NOPE1" in page.text


def test_unacceptable_types_are_406(ld_client: TestClient) -> None:
    assert ld_client.get("/id/ccg/03V", headers={"accept": "image/png"}).status_code == 406
    response = ld_client.get("/id/ccg/03V", params={"_mediatype": "application/yaml"})
    assert response.status_code == 406 and "turtle" in response.json()["message"]


def test_every_kind_of_iri_resolves(ld_client: TestClient, national_store: EmbeddedStore) -> None:
    """One IRI of every kind the graph mints (the first path segment under id/), as Turtle and as HTML.

    Every kind has typed members, so the sample comes from the rdf:type index (2 s, where a scan of every
    subject takes 14 s). IRIs used only as objects are covered in tests/linked_data/test_describe.py.
    """
    result = national_store.query(
        f"""SELECT ?kind (MIN(STR(?x)) AS ?one) WHERE {{
              ?x a ?type . FILTER (STRSTARTS(STR(?x), "{ID_BASE}"))
              BIND (STRBEFORE(CONCAT(STRAFTER(STR(?x), "{ID_BASE}"), "/"), "/") AS ?kind)
            }} GROUP BY ?kind"""
    )
    samples = {row["kind"].value: row["one"].value[len(ID_BASE) :] for row in result.solutions}
    assert len(samples) >= 30
    assert {"ccg", "practice", "pct", "icb", "region", "membership", "event", "graph", "source"} <= set(samples)
    for kind, rest in sorted(samples.items()):
        turtle = ld_client.get(f"/id/{rest}", headers={"accept": "text/turtle"})
        assert turtle.status_code == 200, (kind, rest, turtle.text[:200])
        assert list(ox.parse(turtle.content, format=ox.RdfFormat.TURTLE)), (kind, rest)
        page = ld_client.get(f"/id/{rest}", headers={"accept": BROWSER})
        assert page.status_code == 200, (kind, rest)


def test_conditional_requests(ld_client: TestClient) -> None:
    first = ld_client.get("/id/ccg/03V", headers={"accept": "text/turtle"})
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert first.headers["cache-control"].startswith("public")
    again = ld_client.get("/id/ccg/03V", headers={"accept": "text/turtle", "if-none-match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    since = ld_client.get("/id/ccg/03V", headers={"accept": "text/turtle", "if-modified-since": modified})
    assert since.status_code == 304
    other = ld_client.get("/id/ccg/03V", headers={"accept": "application/ld+json", "if-none-match": etag})
    assert other.status_code == 200 and other.headers["etag"] != etag
    stale = ld_client.get("/id/ccg/03V", headers={"accept": "text/turtle", "if-none-match": '"stale"'})
    assert stale.status_code == 200 and stale.content == first.content


def test_link_headers_name_the_alternates(ld_client: TestClient) -> None:
    link = ld_client.get("/id/ccg/03V", headers={"accept": "text/turtle"}).headers["link"]
    for media, ext in (("text/turtle", "ttl"), ("application/ld+json", "jsonld"), ("text/html", "html")):
        assert f'</id/ccg/03V.{ext}>; rel="alternate"; type="{media}"' in link


def test_gzip_and_cors(national_settings: Settings, national_store: EmbeddedStore) -> None:
    from ccg_graph.api import create_app

    settings = national_settings.model_copy(update={"cors_origins": "*"})
    with TestClient(create_app(settings, store=national_store)) as client:
        response = client.get(
            "/id/ccg/03V", headers={"accept": "text/turtle", "accept-encoding": "gzip", "origin": "https://app.example"}
        )
        sparql = client.get("/sparql", params={"query": "ASK {}"}, headers={"accept-encoding": "gzip"})
    assert "content-encoding" not in sparql.headers, "the SPARQL protocol routes are left uncompressed"
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["access-control-allow-origin"] == "*"
    assert "ETag" in response.headers["access-control-expose-headers"]
    assert "accept-encoding" in response.headers["vary"].lower() and "accept" in response.headers["vary"].lower()


def test_long_lists_are_paginated(ld_client: TestClient) -> None:
    first = ld_client.get("/id/ccg/W2U3Z", params={"as_of": "2022-01-01"}, headers={"accept": BROWSER})
    assert first.status_code == 200
    assert first.headers["link"].endswith('</id/ccg/W2U3Z?page=2&as_of=2022-01-01>; rel="next"')
    second = ld_client.get("/id/ccg/W2U3Z", params={"as_of": "2022-01-01", "page": 2}, headers={"accept": BROWSER})
    assert second.status_code == 200

    def listed(text: str) -> list[str]:
        section = text.split('id="h-practices"', 1)[1].split('id="h-services"', 1)[0]
        return re.findall(r'href="(/id/practice/[A-Z0-9]+)"', section)

    assert len(listed(first.text)) == 50 and listed(second.text)
    assert set(listed(first.text)).isdisjoint(listed(second.text))
    search = ld_client.get("/search", params={"q": "CCG", "format": "json"})
    body = search.json()
    assert len(body["results"]) == 50 and body["next"] == "/search?q=CCG&page=2"
    assert search.headers["link"] == '</search?q=CCG&page=2>; rel="next"'
    page_two = ld_client.get("/search", params={"q": "CCG", "page": 2, "format": "json"}).json()
    assert {r["id"] for r in page_two["results"]}.isdisjoint(r["id"] for r in body["results"])


def test_search_by_code_and_name(ld_client: TestClient) -> None:
    by_code = ld_client.get("/search", params={"q": "03v"}, headers={"accept": "application/json"}).json()
    assert [r["id"] for r in by_code["results"]] == [ID_BASE + "ccg/03V"]
    assert by_code["results"][0]["url"] == "/id/ccg/03V" and by_code["results"][0]["closeDate"] == "2020-03-31"
    by_name = ld_client.get("/search", params={"q": "northamptonshire", "format": "json"}).json()
    ids = {r["id"] for r in by_name["results"]}
    assert {ID_BASE + "ccg/78H", ID_BASE + "icb/QPM"} <= ids
    page = ld_client.get("/search", params={"q": "Corby"}, headers={"accept": BROWSER})
    assert '<a href="/id/ccg/03V">NHS Corby CCG</a>' in page.text


def test_public_base_url_rewrites_links(national_settings: Settings, national_store: EmbeddedStore) -> None:
    from ccg_graph.api import create_app

    settings = national_settings.model_copy(update={"public_base_url": "https://ccg.example.org"})
    with TestClient(create_app(settings, store=national_store)) as client:
        page = client.get("/id/ccg/03V", headers={"accept": BROWSER}).text
        turtle = client.get("/id/ccg/03V", headers={"accept": "text/turtle"}).text
    assert 'href="https://ccg.example.org/id/ccg/78H"' in page
    assert "ccg.example.org" not in turtle, "data IRIs never change"
    assert "<https://w3id.org/ccg-graph/id/ccg/78H>" in turtle


def test_head_answers_the_headers_without_a_body(ld_client: TestClient) -> None:
    get = ld_client.get("/id/ccg/03V", headers={"accept": "text/turtle"})
    head = ld_client.head("/id/ccg/03V", headers={"accept": "text/turtle"})
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == get.headers["etag"] and head.headers["link"] == get.headers["link"]


def test_a_replaced_iri_answers_301_to_its_replacement(ld_client: TestClient) -> None:
    old = ld_client.get("/id/commissioning/00C/rehabilitation", follow_redirects=False)
    assert old.status_code == 301
    assert old.headers["location"].endswith("/id/duty/ccg/rehabilitation")
    new = ld_client.get(old.headers["location"], headers={"Accept": "text/turtle"})
    assert new.status_code == 200 and "StatutoryRequirement" in new.text


def test_the_old_statutory_structure_graph_answers_301_to_the_graphs_it_was_split_into(ld_client: TestClient) -> None:
    """graph/derived/ccg-statutory-structure (renamed when its statements became statutory requirements)
    still resolves: 301 to the first of the three graphs that replaced it, each named as a successor."""
    old = ld_client.get("/id/graph/derived/ccg-statutory-structure", follow_redirects=False)
    assert old.status_code == 301, old.text
    successors = [
        f"/id/graph/statute/{key}" for key in ("ccg-accountability", "ccg-governing-bodies", "commissioning-duties")
    ]
    assert old.headers["location"].endswith(successors[0])
    links = re.findall(r'<([^>]+)>; rel="successor-version"', old.headers["link"])
    assert [link[link.index("/id/") :] for link in links] == successors
    for link in links:
        new = ld_client.get(link, headers={"Accept": "text/turtle"})
        assert new.status_code == 200 and "StatutoryRequirement" in new.text, link
    described = ld_client.get("/id/graph/derived/replaced-iris", headers={"Accept": "text/turtle"})
    assert described.status_code == 200


def test_a_membership_iri_with_a_clipped_date_answers_301(ld_client: TestClient, national_store: EmbeddedStore) -> None:
    """Practice memberships no longer end in the start clipped to the practice's life; the old IRIs resolve."""
    result = national_store.query(
        "SELECT ?old ?new WHERE { GRAPH <https://w3id.org/ccg-graph/id/graph/derived/replaced-iris> {"
        " ?old <http://purl.org/dc/terms/isReplacedBy> ?new FILTER (CONTAINS(STR(?old), '/membership/')) } } LIMIT 1"
    )
    assert result.solutions is not None
    (row,) = list(result.solutions)
    old = ld_client.get(row["old"].value.removeprefix("https://w3id.org/ccg-graph"), follow_redirects=False)
    assert old.status_code == 301
    assert old.headers["location"].endswith(row["new"].value.removeprefix("https://w3id.org/ccg-graph"))
    new = ld_client.get(old.headers["location"], headers={"Accept": "text/turtle"})
    assert new.status_code == 200 and "Membership" in new.text


def test_pages_and_json_ld_show_the_basis_beside_the_facts(ld_client: TestClient) -> None:
    page = ld_client.get("/id/ccg/00C/governing-body/post/registered-nurse", headers={"Accept": BROWSER})
    assert page.status_code == 200
    assert "required by statute" in page.text and "holder not recorded" in page.text
    document = ld_client.get("/id/ccg/00C", headers={"Accept": "application/ld+json"})
    assert document.status_code == 200
    assert "statedIn" in document.text and "SourceRecord" in document.text


def test_ccg_page_shows_money_and_support_and_providers_show_commissioners(
    ld_client: TestClient, national_store: EmbeddedStore
) -> None:
    [row] = national_store.query(
        "PREFIX ccg: <https://w3id.org/ccg-graph/def#> SELECT ?ccg ?trust ?csu WHERE { "
        "?r ccg:purchaser ?ccg ; ccg:provider ?trust ; ccg:relationBasis ccg:PaymentEvidence . "
        "?ccg ccg:supportedBy ?csu . ?a ccg:allocatedTo ?ccg } LIMIT 1"
    ).solutions
    page = ld_client.get(row["ccg"].value[len(ID_BASE) - 4 :], headers={"accept": BROWSER})
    assert page.status_code == 200
    money = page.text[page.text.index('id="h-money"') : page.text.index('id="h-sources"')]
    assert "<svg" in money and "Allocations" in money and "Largest payees" in money
    assert 'id="h-support"' in money and row["csu"].value[len(ID_BASE) :] in money
    for provider in (row["trust"].value, row["csu"].value):
        other = ld_client.get(provider[len(ID_BASE) - 4 :], headers={"accept": BROWSER})
        assert other.status_code == 200
        assert 'id="h-commissioners"' in other.text and row["ccg"].value[len(ID_BASE) :] in other.text
