"""Every media type ccg-graph reads or writes, in one table.

RDF syntaxes and SPARQL result syntaxes are each listed once, with what the rest of the package needs to
know about them: the `format=` short name, pyoxigraph's format, the file extensions, the other names
clients send for them, and the name the SPARQL Service Description gives them. Content negotiation
(`ccg_graph.rdf.negotiation`), the Graph Store protocol, the service description, the linked-data pages, the remote
store and submissions read their lookups from here instead of spelling media types out again.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

# -- RDF syntaxes -------------------------------------------------------------------------------------------
TURTLE = "text/turtle"
N_TRIPLES = "application/n-triples"
N_QUADS = "application/n-quads"
TRIG = "application/trig"
JSON_LD = "application/ld+json"
RDF_XML = "application/rdf+xml"
N3 = "text/n3"

# -- SPARQL results and protocol bodies ---------------------------------------------------------------------
SPARQL_RESULTS_JSON = "application/sparql-results+json"
SPARQL_RESULTS_XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
FORM = "application/x-www-form-urlencoded"
MULTIPART_FORM = "multipart/form-data"

# -- everything else the service answers with -------------------------------------------------------------
HTML = "text/html"
XHTML = "application/xhtml+xml"
JSON = "application/json"
XML = "application/xml"
PLAIN_TEXT = "text/plain"
RDF_PATCH = "application/rdf-patch"
GZIP = "application/gzip"


@dataclass(frozen=True)
class RdfSyntax:
    """One RDF syntax: its media type, the names it goes by, and how pyoxigraph reads and writes it."""

    media_type: str
    short: str  # the value of the `format=` override
    rdf_format: ox.RdfFormat
    extensions: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()  # other media types clients send for it (read as this syntax)
    service_description: str | None = None  # its name in the W3C formats namespace, when we serve it
    served: bool = True  # written by the server (N3 is only read)


@dataclass(frozen=True)
class ResultSyntax:
    """One SPARQL results syntax (SELECT and ASK answers)."""

    media_type: str
    short: str
    results_format: ox.QueryResultsFormat
    aliases: tuple[str, ...] = ()
    service_description: str = ""


RDF_SYNTAXES: tuple[RdfSyntax, ...] = (
    RdfSyntax(TURTLE, "turtle", ox.RdfFormat.TURTLE, (".ttl",), ("application/x-turtle",), "Turtle"),
    RdfSyntax(N_TRIPLES, "ntriples", ox.RdfFormat.N_TRIPLES, (".nt",), (PLAIN_TEXT,), "N-Triples"),
    RdfSyntax(JSON_LD, "jsonld", ox.RdfFormat.JSON_LD, (".jsonld", ".json"), (JSON,), "JSON-LD"),
    RdfSyntax(RDF_XML, "rdfxml", ox.RdfFormat.RDF_XML, (".rdf", ".owl", ".xml"), (), "RDF_XML"),
    RdfSyntax(TRIG, "trig", ox.RdfFormat.TRIG, (".trig",), (), "TriG"),
    RdfSyntax(N_QUADS, "nquads", ox.RdfFormat.N_QUADS, (".nq",), (), "N-Quads"),
    RdfSyntax(N3, "n3", ox.RdfFormat.N3, (".n3",), (), None, served=False),
)

RESULT_SYNTAXES: tuple[ResultSyntax, ...] = (
    ResultSyntax(SPARQL_RESULTS_JSON, "json", ox.QueryResultsFormat.JSON, (JSON,), "SPARQL_Results_JSON"),
    ResultSyntax(SPARQL_RESULTS_XML, "xml", ox.QueryResultsFormat.XML, (XML,), "SPARQL_Results_XML"),
    ResultSyntax(CSV, "csv", ox.QueryResultsFormat.CSV, (), "SPARQL_Results_CSV"),
    ResultSyntax(TSV, "tsv", ox.QueryResultsFormat.TSV, (), "SPARQL_Results_TSV"),
)

#: The syntaxes the server writes, by media type.
SERVED_RDF: dict[str, RdfSyntax] = {s.media_type: s for s in RDF_SYNTAXES if s.served}
#: Every media type (aliases included) an RDF body may be sent as, with pyoxigraph's format for it.
READABLE_RDF: dict[str, ox.RdfFormat] = {
    media: s.rdf_format for s in RDF_SYNTAXES for media in (s.media_type, *s.aliases) if media != JSON
}
RESULTS: dict[str, ResultSyntax] = {s.media_type: s for s in RESULT_SYNTAXES}


def rdf_media_type_for_file(name: str) -> str | None:
    """The RDF media type a file name's extension says (``.ttl`` -> Turtle; ``.gz`` looked through)."""
    lowered = name.lower().removesuffix(".gz")
    for syntax in RDF_SYNTAXES:
        if any(lowered.endswith(extension) for extension in syntax.extensions):
            return syntax.media_type
    return None


def bare(content_type: str | None) -> str:
    """A Content-Type header without its parameters, lower-cased (``text/turtle; charset=utf-8`` -> ``text/turtle``)."""
    return (content_type or "").split(";", 1)[0].strip().lower()
