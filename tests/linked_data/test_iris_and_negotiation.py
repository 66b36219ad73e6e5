"""IRI <-> path mapping and the choice of representation."""

from __future__ import annotations

import pytest

from ccg_graph.linked_data.iris import iri_for_def_term, iri_for_id_path, local_path, local_url
from ccg_graph.linked_data.negotiation import HTML, JSONLD, TURTLE, choose, split_extension
from ccg_graph.rdf.negotiation import NotAcceptable

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


@pytest.mark.parametrize(
    ("iri", "path"),
    [
        ("https://w3id.org/ccg-graph/id/ccg/03V", "/id/ccg/03V"),
        ("https://w3id.org/ccg-graph/id/ccg/03V/governing-body/post/chair", "/id/ccg/03V/governing-body/post/chair"),
        ("https://w3id.org/ccg-graph/def", "/def"),
        ("https://w3id.org/ccg-graph/def#successor", "/def/successor"),
        ("https://w3id.org/ccg-graph/shapes#CCGShape", "/shapes/CCGShape"),
        ("https://w3id.org/ccg-graph/dataset", "/dataset"),
        ("http://www.w3.org/ns/org#memberOf", None),
    ],
)
def test_iris_map_onto_local_paths(iri: str, path: str | None) -> None:
    assert local_path(iri) == path


def test_local_urls_use_the_public_base_and_leave_foreign_iris_alone() -> None:
    assert local_url("https://w3id.org/ccg-graph/id/icb/QPM", "https://ccg.example.org/") == (
        "https://ccg.example.org/id/icb/QPM"
    )
    assert local_url("http://www.w3.org/ns/org#memberOf", "https://ccg.example.org") == (
        "http://www.w3.org/ns/org#memberOf"
    )


def test_paths_map_back_to_iris() -> None:
    assert iri_for_id_path("ccg/03V") == "https://w3id.org/ccg-graph/id/ccg/03V"
    assert iri_for_def_term("odsCode") == "https://w3id.org/ccg-graph/def#odsCode"


@pytest.mark.parametrize(
    ("path", "stem", "media"),
    [
        ("ccg/03V.ttl", "ccg/03V", TURTLE),
        ("ccg/03V.jsonld", "ccg/03V", JSONLD),
        ("ccg/03V.json", "ccg/03V", JSONLD),
        ("ccg/03V.nt", "ccg/03V", "application/n-triples"),
        ("ccg/03V.rdf", "ccg/03V", "application/rdf+xml"),
        ("ccg/03V.html", "ccg/03V", HTML),
        ("ccg/03V", "ccg/03V", None),
        ("source/ods-ccg/eccg_2024-25", "source/ods-ccg/eccg_2024-25", None),
        ("graph/x.y/z", "graph/x.y/z", None),
    ],
)
def test_extensions_are_split_off(path: str, stem: str, media: str | None) -> None:
    assert split_extension(path) == (stem, media)


@pytest.mark.parametrize(
    ("accept", "override", "expected"),
    [
        (BROWSER, None, HTML),
        (None, None, TURTLE),
        ("*/*", None, TURTLE),
        ("application/ld+json", None, JSONLD),
        ("application/json", None, JSONLD),
        ("text/plain", None, "application/n-triples"),
        ("application/rdf+xml;q=0.5, text/turtle;q=0.9", None, TURTLE),
        (BROWSER, "jsonld", JSONLD),
        (BROWSER, "text/turtle", TURTLE),
        ("text/turtle", "html", HTML),
    ],
)
def test_negotiation(accept: str | None, override: str | None, expected: str) -> None:
    assert choose(accept, override) == expected


def test_nothing_acceptable_is_406() -> None:
    with pytest.raises(NotAcceptable) as caught:
        choose("image/png")
    assert caught.value.http_status == 406
    with pytest.raises(NotAcceptable):
        choose(None, "yaml")
