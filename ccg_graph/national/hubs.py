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
from ccg_graph.national.organisations import write_ods_organisation


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
        write_ods_organisation(out, iri, CCG.CommissioningHub, code, record.name, record.open_date, record.close_date)
