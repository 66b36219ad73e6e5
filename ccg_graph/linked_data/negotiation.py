"""Which representation of a resource to answer with: ``_mediatype=``, a file extension, or ``Accept``.

Precedence (as Prez does it): the ``_mediatype`` query parameter, then an extension on the path
(``/id/ccg/03V.ttl``), then the Accept header; with none of them a browser-less client gets Turtle.
The RDF media types and their aliases are those of `ccg_graph.rdf.negotiation`, plus HTML.
"""

from __future__ import annotations

import pyoxigraph as ox

from ccg_graph.rdf import media_types
from ccg_graph.rdf.negotiation import GRAPH_ALIASES, GRAPH_FORMATS, Format, NotAcceptable, negotiate

HTML = media_types.HTML
JSONLD = media_types.JSON_LD
TURTLE = media_types.TURTLE
_NT, _XML = media_types.N_TRIPLES, media_types.RDF_XML

#: What a resource can be answered in: the triple formats of `ccg_graph.rdf.negotiation`, and HTML.
RESOURCE_FORMATS: dict[str, tuple[Format, ox.RdfFormat | None]] = {
    TURTLE: GRAPH_FORMATS[TURTLE],
    _NT: GRAPH_FORMATS[_NT],
    JSONLD: GRAPH_FORMATS[JSONLD],
    _XML: GRAPH_FORMATS[_XML],
    HTML: (Format(HTML, "html"), None),
}
RESOURCE_ALIASES = {**GRAPH_ALIASES, media_types.XHTML: HTML, media_types.XML: _XML}

#: Path extensions and the media type each one asks for.
EXTENSIONS = {"ttl": TURTLE, "nt": _NT, "jsonld": JSONLD, "json": JSONLD, "rdf": _XML, "html": HTML}


def split_extension(path: str) -> tuple[str, str | None]:
    """``ccg/03V.ttl`` -> (``ccg/03V``, ``text/turtle``); a path without a known extension is kept whole."""
    stem, dot, extension = path.rpartition(".")
    if dot and "/" not in extension and extension.lower() in EXTENSIONS:
        return stem, EXTENSIONS[extension.lower()]
    return path, None


def choose(accept: str | None, mediatype: str | None = None, extension_type: str | None = None) -> str:
    """The media type to answer with, or `NotAcceptable` (406)."""
    override = mediatype or extension_type
    return negotiate(accept, override, RESOURCE_FORMATS, RESOURCE_ALIASES, TURTLE)


def alternates() -> list[tuple[str, str]]:
    """(media type, extension) of every representation, for ``Link: rel=alternate`` headers."""
    preferred = {media: ext for ext, media in reversed(list(EXTENSIONS.items()))}
    return [(media, preferred[media]) for media in RESOURCE_FORMATS]


__all__ = ["HTML", "JSONLD", "RESOURCE_FORMATS", "TURTLE", "NotAcceptable", "alternates", "choose"]
