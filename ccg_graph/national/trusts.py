"""NHS trusts from three ODS ``etr`` releases (2015, 2021, 2026) and each trust's host CCG (DataPoint 2022).

A trust is described (type, ODS code, open and close dates, region) in the graph of the newest release that
lists it, because the 2026 release carries the close dates of the trusts that closed; older releases add the
names they gave it as ``skos:altLabel``. The region is the NHS England region the release names (ODS column
3 is the parent at the time of the release, not over time), so it is attached to a per-release listing.
The host CCG is the CCG whose area holds the trust's headquarters, March 2022 (Welsh health boards are left
out: they are not in the graph).
"""

from __future__ import annotations

from dataclasses import dataclass

from ccg_graph.core.namespaces import CCG, ID, ccg_iri, region_iri, trust_iri
from ccg_graph.core.namespaces import SKOS_NS as SKOS
from ccg_graph.ingest.trusts import TrustRecord, read_etr, read_trust_hosts, release_rows
from ccg_graph.national.context import BuildContext
from ccg_graph.national.organisations import write_ods_organisation
from ccg_graph.national.provenance import release_date, release_key

#: Oldest first; a trust is described by the newest release that lists it.
ETR_RELEASES = ("ods-trusts/etr_2015-09.csv", "ods-trusts/etr_2021-09.csv", "ods-trusts/etr_2026-04.csv")
HOSTS = "ods-trusts/trust_geographic_ccg_ods_datapoint_2022-03.csv"


@dataclass
class TrustRegistry:
    """What the money and provider modules need: every trust's names (any release) by ODS code."""

    names: dict[str, set[str]]
    preferred: dict[str, str]


def build_trusts(ctx: BuildContext) -> TrustRegistry:
    ctx.progress("trusts: ODS etr 2015, 2021, 2026 and host CCGs")
    newest: dict[str, tuple[str, TrustRecord]] = {}
    listings: list[tuple[str, TrustRecord]] = []
    for release in ETR_RELEASES:
        for record in release_rows(read_etr(ctx.open(release))):
            newest[record.code] = (release, record)
            listings.append((release, record))
    names: dict[str, set[str]] = {}
    for release, record in listings:
        names.setdefault(record.code, set()).add(record.name)
        out = ctx.graph(release)
        iri = trust_iri(record.code)
        listing = ID[f"trust/{record.code}/listing/{release_key(release)}"]
        out.add(iri, CCG.odsListing, listing)
        out.type(listing, CCG.OdsListing)
        out.add(listing, CCG.recordedName, record.name)
        out.add(listing, CCG.listedOn, release_date(release))
        if record.region:
            out.add(listing, CCG.listedRegion, region_iri(record.region))
        if record.postcode:
            out.add(listing, CCG.postcode, record.postcode)
        if newest[record.code][0] != release and record.name != newest[record.code][1].name:
            out.label(iri, SKOS + "altLabel", record.name)
    for code, (release, record) in sorted(newest.items()):
        out = ctx.graph(release)
        iri = trust_iri(code)
        write_ods_organisation(out, iri, CCG.NHSTrust, code, record.name, record.open_date, record.close_date)
    hosts = ctx.graph(HOSTS)
    for row in read_trust_hosts(ctx.open(HOSTS)):
        if row.host in ctx.ccgs and row.trust in newest:
            hosts.add(trust_iri(row.trust), CCG.hostCcg, ccg_iri(row.host))
    return TrustRegistry(names, {code: record.name for code, (_, record) in newest.items()})
