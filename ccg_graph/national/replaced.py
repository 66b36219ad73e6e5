"""IRIs of earlier builds and what replaced them, so that every old IRI keeps resolving.

An old IRI is stated only as ``dcterms:isReplacedBy`` its replacement, in the derived graph
``graph/derived/replaced-iris``; the linked-data routes answer such an IRI with 301 to the replacement. The
graph's method lists every rule that retired IRIs, so the rules are stated once, here.
"""

from __future__ import annotations

from collections.abc import Mapping

from rdflib import URIRef

from ccg_graph.core.namespaces import ID, commissioning_iri, source_graph_iri
from ccg_graph.national.context import BuildContext
from ccg_graph.national.emit import GraphWriter
from ccg_graph.national.statute import (
    ACCOUNTABILITY_SECTION,
    CCG_SERVICES,
    COMMISSIONING_SECTION,
    GOVERNING_BODY_SECTION,
    statutory_duty_iri,
)

DCT = "http://purl.org/dc/terms/"

REPLACEMENT_RULES = (
    "Earlier builds copied each statutory duty onto every CCG as commissioning/{ODS code}/{service}; each such IRI "
    "dcterms:isReplacedBy the duty it copied (duty/ccg/{service}). Their graph graph/derived/ccg-statutory-structure "
    "was split into graph/statute/ccg-accountability, graph/statute/ccg-governing-bodies and "
    "graph/statute/commissioning-duties; it dcterms:isReplacedBy all three (the first in IRI order is the 301's "
    "Location, every one a successor-version Link). Membership and accountability IRIs ended in the start of their "
    "interval after the build clipped it to the lives of the organisations (a rule-clipped date); they now end in "
    "the start the source gives (the spell's first day in the practice sources, the date of the lookup that lists "
    "the CCG), and each old IRI that differs dcterms:isReplacedBy the new one."
)


#: The graph of earlier builds that stated governing bodies, accountability and duties as if they were records;
#: its statements now live in the three statutory graphs.
OLD_STATUTORY_STRUCTURE_GRAPH = ID["graph/derived/ccg-statutory-structure"]
STATUTORY_GRAPHS = ("ccg-accountability", "ccg-governing-bodies", "commissioning-duties")
#: What the replacements are derived from: the provisions the statutory graphs cite, and the graph holding the
#: practice memberships whose IRIs changed.
REPLACEMENT_SOURCES: tuple[URIRef, ...] = (
    COMMISSIONING_SECTION,
    ACCOUNTABILITY_SECTION,
    GOVERNING_BODY_SECTION,
    source_graph_iri("derived/practice-memberships"),
)


def replaced_iris(ctx: BuildContext) -> GraphWriter:
    """The writer of ``graph/derived/replaced-iris``."""
    return ctx.derived(
        "replaced-iris", "IRIs of earlier builds and what replaced them", list(REPLACEMENT_SOURCES), REPLACEMENT_RULES
    )


def write_replaced_statutory_iris(ctx: BuildContext) -> None:
    """The per-CCG duty copies and the statutory-structure graph of earlier builds, and what replaced them."""
    replaced = replaced_iris(ctx)
    for code in sorted(ctx.ccgs):
        for slug in CCG_SERVICES:
            replaced.add(commissioning_iri(code, slug), DCT + "isReplacedBy", statutory_duty_iri("ccg", slug))
    for key in STATUTORY_GRAPHS:
        replaced.add(OLD_STATUTORY_STRUCTURE_GRAPH, DCT + "isReplacedBy", ID[f"graph/statute/{key}"])


def record_replacements(ctx: BuildContext, replacements: Mapping[URIRef, URIRef], current: set[URIRef]) -> None:
    """State each ``old -> new`` whose old IRI is not also a current IRI (a current IRI is never redirected)."""
    out = replaced_iris(ctx)
    for old, new in sorted(replacements.items()):
        if old != new and old not in current:
            out.add(old, DCT + "isReplacedBy", new)
