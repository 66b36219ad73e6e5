"""Media types for SPARQL results and RDF, and content negotiation between them.

pyoxigraph serialises every format here itself, so the server never holds a whole result in Python objects.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ccg_graph.errors import CCGGraphError


class NotAcceptable(CCGGraphError):
    """No format we can produce matches the client's Accept header."""

    http_status = 406


@dataclass(frozen=True)
class Format:
    media_type: str
    short: str  # the value of the `format=` override


RESULT_FORMATS: dict[str, tuple[Format, ox.QueryResultsFormat]] = {
    "application/sparql-results+json": (Format("application/sparql-results+json", "json"), ox.QueryResultsFormat.JSON),
    "application/sparql-results+xml": (Format("application/sparql-results+xml", "xml"), ox.QueryResultsFormat.XML),
    "text/csv": (Format("text/csv", "csv"), ox.QueryResultsFormat.CSV),
    "text/tab-separated-values": (Format("text/tab-separated-values", "tsv"), ox.QueryResultsFormat.TSV),
}
RESULT_ALIASES = {
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
}

GRAPH_FORMATS: dict[str, tuple[Format, ox.RdfFormat]] = {
    "text/turtle": (Format("text/turtle", "turtle"), ox.RdfFormat.TURTLE),
    "application/n-triples": (Format("application/n-triples", "ntriples"), ox.RdfFormat.N_TRIPLES),
    "application/ld+json": (Format("application/ld+json", "jsonld"), ox.RdfFormat.JSON_LD),
    "application/rdf+xml": (Format("application/rdf+xml", "rdfxml"), ox.RdfFormat.RDF_XML),
    "application/trig": (Format("application/trig", "trig"), ox.RdfFormat.TRIG),
    "application/n-quads": (Format("application/n-quads", "nquads"), ox.RdfFormat.N_QUADS),
}
GRAPH_ALIASES = {
    "application/x-turtle": "text/turtle",
    "text/plain": "application/n-triples",
    "application/json": "application/ld+json",
    # the `format=` values real clients send for a graph (SPARQLWrapper's XML, RDF, RDFXML, N3, JSON, JSONLD);
    # Turtle is N3 without N3's extensions, so an N3 client reads it
    "xml": "application/rdf+xml",
    "rdf": "application/rdf+xml",
    "rdf+xml": "application/rdf+xml",
    "application/xml": "application/rdf+xml",
    "n3": "text/turtle",
    "text/n3": "text/turtle",
    "ttl": "text/turtle",
    "json": "application/ld+json",
    "json-ld": "application/ld+json",
}


def _parse_accept(accept: str) -> list[tuple[str, float]]:
    ranges = []
    for position, part in enumerate(accept.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        quality = 1.0
        for param in pieces[1:]:
            if param.startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        ranges.append((media, quality - position * 1e-6))
    return sorted(ranges, key=lambda r: -r[1])


def negotiate(accept: str | None, override: str | None, offered: dict, aliases: dict[str, str], default: str) -> str:
    """The media type to answer with: the `format=` override, else the best Accept match, else 406."""
    if override:
        wanted = override.lower()
        for media, (fmt, _) in offered.items():
            if wanted in (fmt.short, media):
                return media
        if wanted in aliases:
            return aliases[wanted]
        choices = ", ".join(fmt.short for fmt, _ in offered.values())
        raise NotAcceptable(f"format {override!r} is not available here (choose one of {choices})")
    if not accept:
        return default
    for media, quality in _parse_accept(accept):
        if quality <= 0:
            continue
        if media in ("*/*", "application/*", "text/*") and (media == "*/*" or default.startswith(media[:-1])):
            return default
        if media in offered:
            return media
        if media in aliases:
            return aliases[media]
        if media.endswith("/*"):
            for candidate in offered:
                if candidate.startswith(media[:-1]):
                    return candidate
    offered_list = ", ".join(offered)
    raise NotAcceptable(f"cannot answer in any of the accepted types ({accept}); available: {offered_list}")
