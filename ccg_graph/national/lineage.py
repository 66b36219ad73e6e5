"""Lineage: CCG mergers (ODS successor file), the 2013 hand-over from PCTs to CCGs (derived from practice
membership), and the PCTs and strategic health authorities of 2012.

Reconciliation rules (also in docs/data-derivation.md):
1. Mergers: the succ-file rows whose predecessor is one of the 248 CCGs; one `ccg:MergerEvent` per
   (successor, effective date), named by the successor.
2. PCT -> CCG (no official table exists): practices whose PCT/care-trust spell ended on 2013-03-31 and
   whose spell in a CCG of the ONS 2013 list began on 2013-04-01 (epcmem), counted per (PCT, CCG) pair and
   weighted by their April-June 2013 NHSBSA list sizes.
3. PCTs and SHAs closed on 2013-03-31 (Health and Social Care Act 2012); a PCT straddling two SHAs is linked
   to both, as ONS lists it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from ccg_graph.core.namespaces import (
    CCG,
    DEPARTMENT_OF_HEALTH,
    SECRETARY_OF_STATE,
    ccg_iri,
    event_iri,
    pct_iri,
    sha_iri,
    share_iri,
)
from ccg_graph.core.namespaces import ORG_NS as ORG
from ccg_graph.core.namespaces import PROV_NS as PROV
from ccg_graph.core.namespaces import RDFS_NS as RDFS
from ccg_graph.core.namespaces import SKOS_NS as SKOS
from ccg_graph.ingest.epcmem import read_epcmem
from ccg_graph.ingest.list_sizes import read_list_sizes
from ccg_graph.ingest.ons import read_ccg_names, read_ons_list
from ccg_graph.national.ccgs import STATUTES
from ccg_graph.national.context import CCG_ERA_START, BuildContext, midnight

SUCC = "ods-ccg/succ_2026.csv"
EPCMEM = "ods-gp-practices/epcmem_2019-10.csv"
CCG13 = "ons-geography/ccg13_names_codes_2013-04.csv"
PCO12 = "ons-geography/pco12_names_codes_2012.csv"
PCO_SHA = "ons-geography/pco12_to_sha12_2012.csv"
SHA12 = "ons-geography/sha12_names_codes_2012.csv"
LIST_SIZES_2013 = "nhsbsa-gp-list-sizes/Patient_List_Size_2013_04-06.csv"

PCT_ERA_END = date(2013, 3, 31)


def is_pct_code(code: str) -> bool:
    """PCT and care-trust ODS codes: ``5..`` or ``T..``, three characters."""
    return len(code) == 3 and code[0] in "5T"


def build_lineage(ctx: BuildContext) -> None:
    ctx.progress("lineage: CCG mergers")
    _write_mergers(ctx)
    ctx.progress("lineage: PCTs, SHAs and the 2013 hand-over")
    _write_pcts_and_shas(ctx)
    _write_establishment(ctx)


def _write_mergers(ctx: BuildContext) -> None:
    out = ctx.graph(SUCC)
    events: dict[tuple[str, date], list[str]] = defaultdict(list)
    for record in ctx.ccg_successors:
        if record.successor not in ctx.ccgs:
            continue
        events[(record.successor, record.effective_date)].append(record.predecessor)
        out.add(ccg_iri(record.predecessor), CCG.successor, ccg_iri(record.successor))
        out.add(ccg_iri(record.successor), CCG.predecessor, ccg_iri(record.predecessor))
    for (successor, effective), predecessors in sorted(events.items()):
        event = event_iri("merger", f"{effective.isoformat()}/{successor}")
        out.type(event, CCG.MergerEvent)
        names = ", ".join(sorted(predecessors))
        out.label(event, RDFS + "label", f"Merger of {names} into {successor} on {effective.isoformat()}")
        out.add(event, CCG.effectiveDate, effective)
        out.add(event, PROV + "atTime", midnight(effective))
        out.add(event, PROV + "startedAtTime", midnight(effective))
        out.add(event, PROV + "endedAtTime", midnight(effective))
        out.add(event, ORG + "resultingOrganization", ccg_iri(successor))
        out.add(ccg_iri(successor), ORG + "resultedFrom", event)
        for predecessor in sorted(predecessors):
            out.add(event, ORG + "originalOrganization", ccg_iri(predecessor))
            out.add(ccg_iri(predecessor), ORG + "changedBy", event)


def _write_pcts_and_shas(ctx: BuildContext) -> None:
    names = ctx.graph(PCO12)
    for entry in read_ons_list(ctx.open(PCO12), "PCO"):
        if not entry.ods_code:
            continue
        pct = pct_iri(entry.ods_code)
        names.type(pct, CCG.PrimaryCareTrust)
        names.add(pct, CCG.odsCode, entry.ods_code)
        names.add(pct, CCG.onsCode, entry.ons_code)
        names.label(pct, SKOS + "prefLabel", entry.name)
        names.label(pct, RDFS + "label", entry.name)
    shas = ctx.graph(SHA12)
    for entry in read_ons_list(ctx.open(SHA12), "SHA"):
        if not entry.ods_code:
            continue
        sha = sha_iri(entry.ods_code)
        shas.type(sha, CCG.StrategicHealthAuthority)
        shas.add(sha, CCG.odsCode, entry.ods_code)
        shas.add(sha, CCG.onsCode, entry.ons_code)
        shas.label(sha, SKOS + "prefLabel", f"{entry.name} Strategic Health Authority")
        shas.label(sha, RDFS + "label", f"{entry.name} Strategic Health Authority")
    links = ctx.graph(PCO_SHA)
    for row in _pct_sha_rows(ctx):
        pct, sha = pct_iri(row[0]), sha_iri(row[1])
        links.add(pct, ORG + "subOrganizationOf", sha)
        links.add(pct, CCG.accountableTo, sha)
    abolished = ctx.derived(
        "abolition-2013",
        "The abolition of PCTs and SHAs on 31 March 2013",
        [PCO12, SHA12, ctx.provenance_iri(STATUTES["hsca2012"])],
        "The Health and Social Care Act 2012 abolished primary care trusts and strategic health authorities; "
        "their last day was 31 March 2013. SHAs answered to the Secretary of State through the Department.",
    )
    for entry in read_ons_list(ctx.open(PCO12), "PCO"):
        if entry.ods_code:
            abolished.add(pct_iri(entry.ods_code), CCG.closeDate, PCT_ERA_END)
    for entry in read_ons_list(ctx.open(SHA12), "SHA"):
        if entry.ods_code:
            abolished.add(sha_iri(entry.ods_code), CCG.closeDate, PCT_ERA_END)
            abolished.add(sha_iri(entry.ods_code), CCG.accountableTo, SECRETARY_OF_STATE)
            abolished.add(sha_iri(entry.ods_code), ORG + "linkedTo", DEPARTMENT_OF_HEALTH)


def _pct_sha_rows(ctx: BuildContext) -> list[tuple[str, str]]:
    pairs = set()
    pcts = {e.ons_code: e.ods_code for e in read_ons_list(ctx.open(PCO_SHA), "PCO") if e.ods_code}
    for pct_entry, sha_entry in zip(
        read_ons_list(ctx.open(PCO_SHA), "PCO"), read_ons_list(ctx.open(PCO_SHA), "SHA"), strict=True
    ):
        if pct_entry.ods_code and sha_entry.ods_code:
            pairs.add((pcts[pct_entry.ons_code], sha_entry.ods_code))
    return sorted(pairs)


def pct_to_ccg_pairs(ctx: BuildContext) -> dict[tuple[str, str], list[str]]:
    """(PCT, CCG) -> the practices that moved from that PCT to that CCG on 1 April 2013."""
    ccgs_2013 = {row.ods_code for row in read_ccg_names(ctx.open(CCG13)) if row.ods_code}
    left_pct: dict[str, set[str]] = defaultdict(set)
    joined_ccg: dict[str, set[str]] = defaultdict(set)
    for spell in read_epcmem(ctx.open(EPCMEM)):
        if is_pct_code(spell.parent) and spell.left_date == PCT_ERA_END:
            left_pct[spell.practice].add(spell.parent)
        elif spell.parent in ccgs_2013 and spell.join_date == CCG_ERA_START:
            joined_ccg[spell.practice].add(spell.parent)
    # A practice can have left two PCT spells or joined two CCG spells on the day; every pairing counts.
    pairs: dict[tuple[str, str], list[str]] = defaultdict(list)
    for practice in sorted(left_pct.keys() & joined_ccg.keys()):
        for pct in left_pct[practice]:
            for ccg in joined_ccg[practice]:
                pairs[(pct, ccg)].append(practice)
    return pairs


def _write_establishment(ctx: BuildContext) -> None:
    pairs = pct_to_ccg_pairs(ctx)
    list_size = {row.practice: row.patients for row in read_list_sizes(ctx.open(LIST_SIZES_2013))}
    out = ctx.derived(
        "pct-to-ccg-2013",
        "The hand-over from primary care trusts to CCGs on 1 April 2013",
        [EPCMEM, CCG13, LIST_SIZES_2013, ctx.provenance_iri(STATUTES["hsca2012"])],
        "Practices whose PCT spell ended on 2013-03-31 and whose CCG spell (a CCG of the ONS 2013 list) began "
        "on 2013-04-01, counted per (PCT, CCG) pair and weighted by NHSBSA list sizes of April-June 2013.",
    )
    by_ccg: dict[str, list[str]] = defaultdict(list)
    for pct, ccg in pairs:
        by_ccg[ccg].append(pct)
    for ccg, pcts in sorted(by_ccg.items()):
        event = event_iri("establishment", f"{CCG_ERA_START.isoformat()}/{ccg}")
        out.type(event, CCG.EstablishmentEvent)
        out.label(event, RDFS + "label", f"Establishment of {ccg} on 1 April 2013")
        out.add(event, CCG.effectiveDate, CCG_ERA_START)
        out.add(event, PROV + "atTime", midnight(CCG_ERA_START))
        out.add(event, PROV + "startedAtTime", midnight(CCG_ERA_START))
        out.add(event, PROV + "endedAtTime", midnight(CCG_ERA_START))
        out.add(event, ORG + "resultingOrganization", ccg_iri(ccg))
        out.add(ccg_iri(ccg), ORG + "resultedFrom", event)
        for pct in sorted(pcts):
            practices = pairs[(pct, ccg)]
            share = share_iri(event, pct, ccg)
            out.add(event, ORG + "originalOrganization", pct_iri(pct))
            out.add(pct_iri(pct), ORG + "changedBy", event)
            out.add(pct_iri(pct), CCG.successor, ccg_iri(ccg))
            out.add(ccg_iri(ccg), CCG.predecessor, pct_iri(pct))
            out.add(event, CCG.share, share)
            out.type(share, CCG.Share)
            out.add(share, CCG.fromOrganisation, pct_iri(pct))
            out.add(share, CCG.toOrganisation, ccg_iri(ccg))
            out.add(share, CCG.practiceCount, len(practices))
            out.add(share, CCG.listSize, sum(list_size.get(p, 0) for p in practices))
