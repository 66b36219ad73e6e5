"""Run a SPARQL query on a store and serialise the answer in the negotiated format."""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox
from fastapi import Response

from ccg_graph.formats import GRAPH_ALIASES, GRAPH_FORMATS, RESULT_ALIASES, RESULT_FORMATS, negotiate
from ccg_graph.store import Store


def execute(
    store: Store,
    query: str,
    accept: str | None,
    format_override: str | None,
    default_graph_uris: Sequence[str] | None = None,
    named_graph_uris: Sequence[str] | None = None,
) -> Response:
    """Answer one query: SELECT/ASK as SPARQL results, CONSTRUCT/DESCRIBE as RDF."""
    result = store.query(query, default_graph_uris=default_graph_uris, named_graph_uris=named_graph_uris)
    if result.triples is not None:
        media = negotiate(accept, format_override, GRAPH_FORMATS, GRAPH_ALIASES, "text/turtle")
        _, rdf_format = GRAPH_FORMATS[media]
        payload = ox.serialize(result.triples, format=rdf_format)
    else:
        media = negotiate(accept, format_override, RESULT_FORMATS, RESULT_ALIASES, "application/sparql-results+json")
        _, results_format = RESULT_FORMATS[media]
        answer = result.solutions if result.solutions is not None else result.boolean_answer
        assert answer is not None
        payload = answer.serialize(format=results_format)
    charset = "; charset=utf-8" if media.startswith("text/") or "json" in media or "xml" in media else ""
    return Response(content=payload, media_type=media + charset)
