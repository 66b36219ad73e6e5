"""Dereferencing: ``/id/...`` (instances), ``/def`` and ``/def/{term}`` (the ontology), ``/shapes/{name}``, and
the published JSON-LD context at ``/context.jsonld``.

Each answers by content negotiation (``_mediatype=``, a path extension, then ``Accept``) with the resource's
concise bounded description plus the labels of what it links to, in Turtle, N-Triples, JSON-LD or RDF/XML,
or an HTML page for people. See `ccg_graph.linked_data.iris` for how IRIs map onto these paths.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

import pyoxigraph as ox
from fastapi import APIRouter, Query, Request, Response
from markupsafe import Markup

from ccg_graph.api.caching import conditional_response
from ccg_graph.api.deps import StoreDep
from ccg_graph.api.representations import (
    alternate_links,
    context_terms,
    html_response,
    public_base,
    rdf_response,
)
from ccg_graph.api.routes.places import ccg_page_maps
from ccg_graph.core.errors import NotFound
from ccg_graph.core.namespaces import ONTOLOGY_IRI
from ccg_graph.linked_data.context import context_document
from ccg_graph.linked_data.describe import describe
from ccg_graph.linked_data.iris import iri_for_def_term, iri_for_id_path, iri_for_shape, local_url
from ccg_graph.linked_data.lookup import Linker
from ccg_graph.linked_data.money import commissioners_of, money_section, spend_by_kind_svg
from ccg_graph.linked_data.negotiation import HTML, choose, split_extension
from ccg_graph.linked_data.pages import ccg_page, is_ccg, resource_page
from ccg_graph.linked_data.svg import lineage_svg, timeline_svg
from ccg_graph.store import Store

router = APIRouter(tags=["linked data"])

#: HEAD too, so an app can check an ETag or the alternates without the body.
GET_AND_HEAD = ["GET", "HEAD"]

RDF_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {
        "description": (
            "The resource's concise bounded description plus the labels of the resources it links to. "
            "JSON-LD is compact, with the context of `/context.jsonld` inline: the resource is the top-level "
            "object with `id`, `type` and one key per property (`name`, `odsCode`, `openDate`, `closeDate`, "
            "`successor`, `predecessor`, `accountableTo`, `memberOf` ...); a key holds one value or, when there "
            "are several, an array; a linked resource is `{id, name?, label?}` or its IRI as a string."
        ),
        "content": {
            "application/ld+json": {"schema": {"type": "object"}},
            "text/turtle": {"schema": {"type": "string"}},
            "application/n-triples": {"schema": {"type": "string"}},
            "application/rdf+xml": {"schema": {"type": "string"}},
            "text/html": {"schema": {"type": "string"}},
        },
    },
    304: {"description": "The client's copy (If-None-Match / If-Modified-Since) is current."},
    404: {"description": "The graph says nothing about this IRI."},
    406: {"description": "None of the accepted media types can be produced."},
}

MediaTypeQuery = Annotated[
    str | None,
    Query(alias="_mediatype", description="Override Accept: a media type or turtle, ntriples, jsonld, rdfxml, html"),
]
PageQuery = Annotated[int, Query(ge=1, description="Page of long lists (50 per page)")]
AsOfQuery = Annotated[date | None, Query(description="For a CCG page: the day its member practices are listed for")]


def answer(
    request: Request,
    store: Store,
    iri: str,
    path: str,
    extension_media: str | None,
    mediatype: str | None,
    page: int = 1,
    as_of: date | None = None,
) -> Response:
    """Negotiate, then answer 304, the RDF description, or the HTML page of `iri`; an IRI the graph says only
    was replaced (``dcterms:isReplacedBy``) answers 301 to its replacement (to the first of several, each
    named in a ``successor-version`` Link)."""
    media = choose(request.headers.get("accept"), mediatype, extension_media)
    replacements = replaced_by(store, iri)
    if replacements:
        targets = [local_url(replacement, public_base(request)) for replacement in replacements]
        links = ", ".join(f'<{target}>; rel="successor-version"' for target in targets)
        return Response(status_code=301, headers={"Location": targets[0], "Link": links})

    def make() -> Response:
        if media == HTML:
            response = page_response(request, store, iri, page, as_of)
        else:
            triples = describe(store, iri)
            response = rdf_response(triples, media, context_terms(request, store), iri)
        response.headers["Link"] = ", ".join(
            filter(None, [alternate_links(public_base(request) + path), response.headers.get("Link")])
        )
        return response

    return conditional_response(request, store, (iri, media, str(page), str(as_of)), make)


_REPLACED = """
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?new WHERE {
  ?old dcterms:isReplacedBy ?new .
  FILTER NOT EXISTS { ?old ?p ?o . FILTER (?p != dcterms:isReplacedBy) }
} ORDER BY STR(?new) LIMIT 20
"""


def replaced_by(store: Store, iri: str) -> list[str]:
    """The IRIs that replaced `iri` in IRI order, when the graph says nothing else about it (old IRIs keep
    resolving); several where one resource was split (a graph split in three), none if it was not replaced."""
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        return []
    result = store.query(_REPLACED, bindings={"old": node})
    assert result.solutions is not None
    return [solution["new"].value for solution in result.solutions if isinstance(solution["new"], ox.NamedNode)]


def page_response(request: Request, store: Store, iri: str, page: int, as_of: date | None) -> Response:
    linker = Linker(store, public_base(request))
    try:
        resource = resource_page(store, linker, iri)
    except NotFound as missing:
        return html_response(request, "not_found.html", 404, title="Not found", message=str(missing), iri=iri)
    lineage = Markup(lineage_svg(resource.lineage, f"Lineage of {resource.title}")) if resource.lineage else ""
    if is_ccg(resource):
        story = ccg_page(store, linker, resource, as_of, page)
        timeline = Markup(timeline_svg(story.timeline, f"Timeline of {resource.title}"))
        money = money_section(store, linker, iri)
        spend_svg = Markup(spend_by_kind_svg(money.by_kind, f"Payments of {resource.title} by supplier kind, 2018/19"))
        response = html_response(
            request,
            "ccg.html",
            page=resource,
            ccg=story,
            lineage_svg=lineage,
            timeline_svg=timeline,
            maps=ccg_page_maps(request, store, iri, story.opened, story.closed, as_of),
            money=money,
            spend_svg=spend_svg,
        )
        next_page = story.practices.next_page
    else:
        resource = resource_page(store, linker, iri, page) if page > 1 else resource
        commissioners = commissioners_of(store, linker, iri)
        response = html_response(
            request, "resource.html", page=resource, lineage_svg=lineage, commissioners=commissioners
        )
        next_page = resource.inbound.next_page
    if next_page:
        query = f"?page={next_page}" + (f"&as_of={as_of.isoformat()}" if as_of else "")
        response.headers["Link"] = f'<{request.url.path}{query}>; rel="next"'
    return response


@router.api_route(
    "/id/{path:path}", summary="Dereference an instance IRI", responses=RDF_RESPONSES, methods=GET_AND_HEAD
)
def resource(
    path: str,
    request: Request,
    store: StoreDep,
    mediatype: MediaTypeQuery = None,
    page: PageQuery = 1,
    as_of: AsOfQuery = None,
) -> Response:
    stem, extension_media = split_extension(path)
    if not stem:
        raise NotFound("no IRI given: try /id/ccg/03V")
    return answer(request, store, iri_for_id_path(stem), "/id/" + stem, extension_media, mediatype, page, as_of)


@router.api_route(
    "/def",
    methods=GET_AND_HEAD,
    summary="The ontology",
    responses=RDF_RESPONSES,
)
def ontology(request: Request, store: StoreDep, mediatype: MediaTypeQuery = None, page: PageQuery = 1) -> Response:
    return answer(request, store, ONTOLOGY_IRI, "/def", None, mediatype, page)


@router.api_route(
    "/def/{name}",
    methods=GET_AND_HEAD,
    summary="An ontology term",
    responses=RDF_RESPONSES,
)
def ontology_term(
    name: str, request: Request, store: StoreDep, mediatype: MediaTypeQuery = None, page: PageQuery = 1
) -> Response:
    stem, extension_media = split_extension(name)
    return answer(request, store, iri_for_def_term(stem), "/def/" + stem, extension_media, mediatype, page)


@router.api_route(
    "/shapes/{name}",
    methods=GET_AND_HEAD,
    summary="A SHACL shape",
    responses=RDF_RESPONSES,
)
def shape(
    name: str, request: Request, store: StoreDep, mediatype: MediaTypeQuery = None, page: PageQuery = 1
) -> Response:
    stem, extension_media = split_extension(name)
    return answer(request, store, iri_for_shape(stem), "/shapes/" + stem, extension_media, mediatype, page)


@router.api_route(
    "/context.jsonld",
    methods=GET_AND_HEAD,
    summary="The JSON-LD @context of every JSON-LD answer",
    responses={200: {"content": {"application/ld+json": {}}}},
)
def jsonld_context(request: Request, store: StoreDep) -> Response:
    def make() -> Response:
        document = {"@context": context_document(context_terms(request, store))}
        body = json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8")
        return Response(body, media_type="application/ld+json; charset=utf-8")

    return conditional_response(request, store, ("context",), make, vary_accept=False)
