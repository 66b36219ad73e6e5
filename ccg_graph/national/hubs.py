"""NHS England's commissioning hubs, as ODS lists them beside the CCGs (``eccg`` rows with a hub role).

They are not CCGs, and were dropped by the CCG module; here each hub is an organisation of its own with the
name, code and dates its newest ODS release gives, in that release's graph (a source record).
"""

from __future__ import annotations

from rdflib import URIRef

from ccg_graph.core.namespaces import CCG, ID
from ccg_graph.ingest.ods import CcgRecord, read_eccg
from ccg_graph.national.ccgs import ODS_NAME_RELEASES
from ccg_graph.national.context import BuildContext

SKOS = "http://www.w3.org/2004/02/skos/core#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"


def hub_iri(ods_code: str) -> URIRef:
    return ID[f"commissioning-hub/{ods_code.upper()}"]


def build_hubs(ctx: BuildContext) -> None:
    ctx.progress("NHS England commissioning hubs")
    newest: dict[str, tuple[str, CcgRecord]] = {}
    for release in ODS_NAME_RELEASES:  # oldest first: a newer release overwrites
        for record in read_eccg(ctx.open(release)):
            if record.is_hub:
                newest[record.code] = (release, record)
    for code, (release, record) in sorted(newest.items()):
        out = ctx.graph(release)
        iri = hub_iri(code)
        out.type(iri, CCG.CommissioningHub)
        out.add(iri, CCG.odsCode, code)
        out.label(iri, SKOS + "prefLabel", record.name)
        out.label(iri, RDFS + "label", record.name)
        out.add(iri, CCG.openDate, record.open_date)
        out.add(iri, CCG.closeDate, record.close_date)
