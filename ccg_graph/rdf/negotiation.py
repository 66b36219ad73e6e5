"""Content negotiation between the SPARQL result and RDF syntaxes the server writes.

pyoxigraph serialises every format here itself, so the server never holds a whole result in Python objects.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from ccg_graph.core.errors import CCGGraphError
from ccg_graph.rdf import media_types


class NotAcceptable(CCGGraphError):
    """No format we can produce matches the client's Accept header."""

    http_status = 406


@dataclass(frozen=True)
class Format:
    media_type: str
    short: str  # the value of the `format=` override


#: What the SPARQL endpoint answers in (from the one table, `ccg_graph.rdf.media_types`).
RESULT_FORMATS: dict[str, tuple[Format, ox.QueryResultsFormat]] = {
    s.media_type: (Format(s.media_type, s.short), s.results_format) for s in media_types.RESULT_SYNTAXES
}
RESULT_ALIASES = {alias: s.media_type for s in media_types.RESULT_SYNTAXES for alias in s.aliases}

GRAPH_FORMATS: dict[str, tuple[Format, ox.RdfFormat]] = {
    media: (Format(media, s.short), s.rdf_format) for media, s in media_types.SERVED_RDF.items()
}
GRAPH_ALIASES = {
    **{alias: media for media, s in media_types.SERVED_RDF.items() for alias in s.aliases},
    # the `format=` values real clients send for a graph (SPARQLWrapper's XML, RDF, RDFXML, N3, JSON, JSONLD);
    # Turtle is N3 without N3's extensions, so an N3 client reads it
    "xml": media_types.RDF_XML,
    "rdf": media_types.RDF_XML,
    "rdf+xml": media_types.RDF_XML,
    media_types.XML: media_types.RDF_XML,
    "n3": media_types.TURTLE,
    media_types.N3: media_types.TURTLE,
    "ttl": media_types.TURTLE,
    "json": media_types.JSON_LD,
    "json-ld": media_types.JSON_LD,
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
