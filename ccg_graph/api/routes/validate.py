"""``POST /validate``: validate an RDF body against the shapes, on its own or in the context of the graph.

Any RDF media type in (Turtle, N-Triples, N-Quads, TriG, N3, JSON-LD, RDF/XML, by Content-Type), read by the
guarded parser every door shares (`ccg_graph.rdf.parser`: UTF-8, size and nesting limits, well-formed XML
without entities, nothing fetched), off the event loop. Bodies above
`Settings.max_body_bytes` get 413. The report comes back by content negotiation (or ``format=``):
JSON (default; ``{"conforms", "counts", "results": [{focus_node, source_shape, severity, message, path,
value, constraint, defined_at}], "checked_focus_nodes"}``), the standard ``sh:ValidationReport`` in Turtle or
JSON-LD, or the plain-text report a person reads. The status is 200 whether or not the data conforms (the
answer is the report); 400 for a parse error (with line and column), 413, 415 or 406.

``against_graph=true`` validates the body as if added to the published graph, checking only the focus nodes
it can affect (incremental validation); otherwise the body is validated on its own.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from ccg_graph.api.deps import SettingsDep, StoreDep
from ccg_graph.api.openapi import RDF_REQUEST_BODY
from ccg_graph.api.security import read_body
from ccg_graph.rdf import media_types as mt
from ccg_graph.rdf.negotiation import Format, negotiate
from ccg_graph.rdf.parser import RdfLimits, format_for_media_type, parse_body
from ccg_graph.validation import validate_on_its_own
from ccg_graph.validation.outcome import ValidationOutcome

router = APIRouter(tags=["validation"])

#: A SHACL report as JSON (the default), as the standard sh:ValidationReport (Turtle, JSON-LD), or as text.
REPORT_FORMATS: dict[str, tuple[Format, str]] = {
    mt.JSON: (Format(mt.JSON, "json"), "as_json"),
    mt.TURTLE: (Format(mt.TURTLE, "turtle"), "as_turtle"),
    mt.JSON_LD: (Format(mt.JSON_LD, "jsonld"), "as_jsonld"),
    mt.PLAIN_TEXT: (Format(mt.PLAIN_TEXT, "text"), "as_text"),
}
REPORT_ALIASES = {alias: mt.TURTLE for alias in mt.SERVED_RDF[mt.TURTLE].aliases}


@router.post(
    "/validate",
    summary="Validate RDF against the shapes (alone or against the graph)",
    responses={200: {}, 400: {}, 406: {}, 413: {}, 415: {}},
    openapi_extra=RDF_REQUEST_BODY,
)
async def validate(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    against_graph: Annotated[bool, Query(description="Validate as if added to the published graph.")] = False,
    report_format: Annotated[str | None, Query(alias="format", description="json, turtle, jsonld or text")] = None,
) -> Response:
    media = negotiate(request.headers.get("accept"), report_format, REPORT_FORMATS, REPORT_ALIASES, "application/json")
    content_type = request.headers.get("content-type")
    format_for_media_type(content_type)  # 415 before reading a body we could not parse
    body = await read_body(request)

    def run() -> ValidationOutcome:
        parsed = parse_body(body, content_type, limits=RdfLimits.from_settings(settings))
        if against_graph:
            from ccg_graph.validation.incremental import validate_parsed_in_context

            return validate_parsed_in_context(parsed, store, settings)
        return validate_on_its_own(parsed, settings)

    outcome = await run_in_threadpool(run)
    rendered = getattr(outcome, REPORT_FORMATS[media][1])()
    return Response(rendered, media_type=media)
