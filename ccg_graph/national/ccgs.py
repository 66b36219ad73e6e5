"""CCGs: identity, life-spans, names in every release, ONS codes with their periods, and the 1 July 2022
hand-over to ICBs and sub-ICB locations; what the law required of every CCG is in `national.statute`.

Reconciliation rules (also in docs/data-derivation.md):
1. The 248 CCGs are the rows of ODS ``eccg_2024-25`` whose role is a CCG role; their ODS code is their key.
2. Open date: ODS's, except that a CCG created by a merger opens on the merger's effective date (ODS
   recorded 13T as opening 2014-11-26, months before its predecessors closed on 2015-03-31); ODS's date is
   kept as ``ccg:odsOpenDate`` where it differs.
3. Close date: ODS's; a CCG still open in ODS closed on 2022-06-30 by the Health and Care Act 2022.
4. Preferred name: the newest ONS name list that has the code (ONS 2013 names lack the "CCG" suffix, which
   is added); every release's spelling is kept as a ``ccg:NameRecord``.
5. ONS codes: each code held is dated from the release it first appears in (or the open date, for the first
   code) to the day before the next code's first release (or the close date).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from ccg_graph.core.namespaces import (
    CCG,
    NHS_ENGLAND,
    ccg_iri,
    event_iri,
    icb_iri,
    name_record_iri,
    ons_code_assignment_iri,
    sub_icb_location_iri,
)
from ccg_graph.core.namespaces import ORG_NS as ORG
from ccg_graph.core.namespaces import RDFS_NS as RDFS
from ccg_graph.core.namespaces import SKOS_NS as SKOS
from ccg_graph.ingest.ods import CcgRecord, read_eccg
from ccg_graph.ingest.ons import read_ccg_names, read_lsoa_lookup, read_ons_list
from ccg_graph.ingest.successors import SuccessorRecord, read_successors
from ccg_graph.national.context import CCG_ERA_END, ICB_START, BuildContext, CcgLife
from ccg_graph.national.emit import GraphWriter
from ccg_graph.national.organisations import write_change_event, write_original
from ccg_graph.national.provenance import release_date, release_key
from ccg_graph.national.replaced import write_replaced_statutory_iris
from ccg_graph.national.statute import build_statutory_requirements

ECCG = "ods-ccg/eccg_2024-25.csv"
SUCC = "ods-ccg/succ_2026.csv"
SICBL_LOOKUP = "ons-geography/lsoa11_to_sicbl22_to_icb22_to_lad22_2022-07.csv"
ICB_NAMES = "ons-geography/icb24_names_codes_2024.csv"

#: ONS name lists, oldest first; each gives codes and the names CCGs bore on its reference date.
ONS_NAME_RELEASES = (
    "ons-geography/ccg13_names_codes_2013-04.csv",
    "ons-geography/ccg17_names_codes_2017-04.csv",
    "ons-geography/ccg18_to_stp18_2018-04.csv",
    "ons-geography/ccg19_names_codes_2019-04.csv",
    "ons-geography/ccg20_names_codes_2020-04.csv",
    "ons-geography/ccg21_names_codes_2021-04.csv",
)
ODS_NAME_RELEASES = ("ods-ccg/eccg_2016-02.csv", "ods-ccg/eccg_2018-11.csv", ECCG)
#: Releases that carry E38 codes with ODS codes but no separate name list (used for code periods only).
ONS_CODE_ONLY_RELEASES = ("ons-geography/lsoa11_to_ccg16_to_lad16_2016-04.csv",)

STATUTES = {
    "hsca2012": "https://www.legislation.gov.uk/ukpga/2012/7/contents",
    "nhsa2006": "https://www.legislation.gov.uk/ukpga/2006/41/contents",
    "ccg_regs": "https://www.legislation.gov.uk/uksi/2012/1631/contents/made",
    "hca2022": "https://www.legislation.gov.uk/ukpga/2022/31/contents",
}


def with_ccg_suffix(name: str) -> str:
    return name if name.upper().endswith("CCG") else f"{name} CCG"


def build_ccgs(ctx: BuildContext) -> None:
    ctx.progress("CCGs: identity and life-spans")
    records = [r for r in read_eccg(ctx.open(ECCG)) if r.is_ccg]
    successors = [s for s in read_successors(ctx.open(SUCC)) if s.predecessor in {r.code for r in records}]
    ctx.ccg_successors = successors
    merger_dates = _merger_dates(successors)
    names = _ons_names(ctx)
    _register(ctx, records, merger_dates, names)
    _write_identity(ctx, records, merger_dates)
    _write_names(ctx, names)
    _write_ons_codes(ctx)
    build_statutory_requirements(ctx)
    write_replaced_statutory_iris(ctx)
    ctx.progress("CCGs: the 2022 hand-over to ICBs")
    _write_abolition(ctx)


def _merger_dates(successors: list[SuccessorRecord]) -> dict[str, date]:
    """The effective date of the merger that created each successor CCG."""
    created: dict[str, date] = {}
    for record in successors:
        created[record.successor] = min(created.get(record.successor, record.effective_date), record.effective_date)
    return created


def _ons_names(ctx: BuildContext) -> dict[str, list[tuple[str, str, str]]]:
    """ODS code -> [(release file, ONS code, name)] in release order, from the ONS name lists."""
    e38_to_ods: dict[str, str] = {}
    by_code: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for release in ONS_NAME_RELEASES:
        for row in read_ccg_names(ctx.open(release)):
            ods = row.ods_code or e38_to_ods.get(row.ons_code)
            if ods is None:
                continue
            e38_to_ods[row.ons_code] = ods
            by_code[ods].append((release, row.ons_code, row.name.strip()))
    return by_code


def _register(
    ctx: BuildContext,
    records: list[CcgRecord],
    merger_dates: dict[str, date],
    names: dict[str, list[tuple[str, str, str]]],
) -> None:
    for record in records:
        opened = merger_dates.get(record.code, record.open_date)
        closed = record.close_date or CCG_ERA_END
        listed = names.get(record.code)
        name = with_ccg_suffix(listed[-1][2]) if listed else record.name
        life = CcgLife(record.code, opened, closed, name, line=record.line)
        for release, ons_code, _ in listed or []:
            life.ons_codes.setdefault(ons_code, release_date(release) or opened)
        ctx.ccgs[record.code] = life
    for release in ONS_CODE_ONLY_RELEASES:
        for link in read_lsoa_lookup(ctx.open(release)):
            life = ctx.ccgs.get(link.ccg_ods)
            if life is not None:
                seen = release_date(release) or life.open_date
                if link.ccg_ons not in life.ons_codes or life.ons_codes[link.ccg_ons] > seen:
                    life.ons_codes[link.ccg_ons] = seen
    for life in ctx.ccgs.values():
        for ons_code in life.ons_codes:
            ctx.ccg_by_ons[ons_code] = life.code


def _write_identity(ctx: BuildContext, records: list[CcgRecord], merger_dates: dict[str, date]) -> None:
    ods = ctx.graph(ECCG)
    reconciled = ctx.derived(
        "ccg-dates",
        "CCG dates reconciled between ODS and the statute",
        [ECCG, SUCC, ctx.provenance_iri(STATUTES["hca2022"])],
        "Open date of a CCG created by a merger = the merger's effective date (succ file); close date of every "
        "CCG still open in ODS = 2022-06-30 (Health and Care Act 2022 abolished CCGs on 1 July 2022).",
    )
    for record in records:
        iri = ccg_iri(record.code)
        life = ctx.ccgs[record.code]
        ods.type(iri, CCG.ClinicalCommissioningGroup)
        ods.add(iri, CCG.odsCode, record.code)
        if record.code in merger_dates and merger_dates[record.code] != record.open_date:
            reconciled.add(iri, CCG.openDate, life.open_date)
            ods.add(iri, CCG.odsOpenDate, record.open_date)
        else:
            ods.add(iri, CCG.openDate, record.open_date)
        if record.close_date is not None:
            ods.add(iri, CCG.closeDate, record.close_date)
        else:
            reconciled.add(iri, CCG.closeDate, CCG_ERA_END)


def _write_names(ctx: BuildContext, names: dict[str, list[tuple[str, str, str]]]) -> None:
    preferred = ctx.derived(
        "ccg-names",
        "Preferred names of CCGs",
        [*ONS_NAME_RELEASES, ECCG],
        "skos:prefLabel = the name in the newest ONS CCG list holding the code ('CCG' added to 2013 names); "
        "skos:altLabel = every other ONS spelling. ODS upper-case names are kept only as name records.",
    )
    for code, life in ctx.ccgs.items():
        iri = ccg_iri(code)
        preferred.label(iri, SKOS + "prefLabel", life.name)
        preferred.label(iri, RDFS + "label", life.name)
        for _, _, name in names.get(code, []):
            alternative = with_ccg_suffix(name)
            if alternative != life.name:
                preferred.label(iri, SKOS + "altLabel", alternative)
    for release in ONS_NAME_RELEASES:
        out = ctx.graph(release)
        key, day = release_key(release), release_date(release)
        for code, entries in names.items():
            for entry_release, _, name in entries:
                if entry_release == release and code in ctx.ccgs:
                    _name_record(out, "ccg", code, key, name, day)
    for release in ODS_NAME_RELEASES:
        out = ctx.graph(release)
        key, day = release_key(release), release_date(release)
        for record in read_eccg(ctx.open(release)):
            # In 2024-25 the open codes carry their sub-ICB location names; those belong to the SICBL.
            if record.is_ccg and record.code in ctx.ccgs and (release != ECCG or record.close_date is not None):
                _name_record(out, "ccg", record.code, key, record.name, day)


def _name_record(out: GraphWriter, kind: str, code: str, release_key_: str, name: str, day: date | None) -> None:
    record = name_record_iri(kind, code, release_key_)
    subject = ccg_iri(code) if kind == "ccg" else sub_icb_location_iri(code)
    out.add(subject, CCG.nameRecord, record)
    out.type(record, CCG.NameRecord)
    out.add(record, CCG.recordedName, name)
    out.add(record, CCG.referenceDate, day)


def _write_ons_codes(ctx: BuildContext) -> None:
    out = ctx.derived(
        "ccg-ons-codes",
        "ONS codes of CCGs and the periods they held them",
        list(ONS_NAME_RELEASES) + list(ONS_CODE_ONLY_RELEASES),
        "Each E38 code runs from the first release that lists it (the open date for the first code) to the day "
        "before the next code's first release, or the close date.",
    )
    for code, life in sorted(ctx.ccgs.items()):
        iri = ccg_iri(code)
        ordered = sorted(life.ons_codes.items(), key=lambda kv: kv[1])
        for index, (ons_code, first_seen) in enumerate(ordered):
            start = life.open_date if index == 0 else max(first_seen, life.open_date)
            end = ordered[index + 1][1] - timedelta(days=1) if index + 1 < len(ordered) else life.close_date
            assignment = ons_code_assignment_iri("ccg", code, ons_code)
            out.add(iri, CCG.onsCode, ons_code)
            out.add(iri, CCG.onsCodeAssignment, assignment)
            out.type(assignment, CCG.OnsCodeAssignment)
            out.add(assignment, CCG.code, ons_code)
            out.add(assignment, CCG.validDuring, ctx.time.interval(start, end))


def _write_abolition(ctx: BuildContext) -> None:
    """ICBs, sub-ICB locations and the abolition events of 1 July 2022."""
    sicbl_to_icb: dict[str, tuple[str, str, str]] = {}
    sicbl_names: dict[str, tuple[str, str]] = {}
    for link in read_lsoa_lookup(ctx.open(SICBL_LOOKUP)):
        sicbl_to_icb[link.ccg_ods] = (link.icb_ods or "", link.icb_ons or "", link.icb_name or "")
        sicbl_names[link.ccg_ods] = (link.ccg_ons, link.ccg_name)
    ons = ctx.graph(SICBL_LOOKUP)
    key, day = release_key(SICBL_LOOKUP), release_date(SICBL_LOOKUP)
    icbs: dict[str, list[str]] = defaultdict(list)
    for sicbl, (icb_code, icb_ons, icb_name) in sorted(sicbl_to_icb.items()):
        icbs[icb_code].append(sicbl)
        sub = sub_icb_location_iri(sicbl)
        icb = icb_iri(icb_code)
        sicbl_ons, sicbl_name = sicbl_names[sicbl]
        ons.type(sub, CCG.SubICBLocation)
        ons.add(sub, CCG.odsCode, sicbl)
        ons.add(sub, CCG.onsCode, sicbl_ons)
        ons.label(sub, SKOS + "prefLabel", sicbl_name)
        ons.label(sub, RDFS + "label", sicbl_name)
        ons.add(sub, CCG.openDate, ICB_START)
        ons.add(sub, ORG + "subOrganizationOf", icb)
        ons.add(icb, ORG + "hasSubOrganization", sub)
        _name_record(ons, "sub-icb-location", sicbl, key, sicbl_name, day)
        ons.type(icb, CCG.IntegratedCareBoard)
        ons.add(icb, CCG.odsCode, icb_code)
        ons.add(icb, CCG.onsCode, icb_ons)
        ons.label(icb, SKOS + "prefLabel", icb_name)
        ons.label(icb, RDFS + "label", icb_name)
        ons.add(icb, CCG.openDate, ICB_START)
    later = ctx.graph(ICB_NAMES)
    for entry in read_ons_list(ctx.open(ICB_NAMES), "ICB"):
        if entry.ods_code:
            later.add(icb_iri(entry.ods_code), CCG.onsCode, entry.ons_code)
            later.label(icb_iri(entry.ods_code), SKOS + "altLabel", entry.name)
    events = ctx.derived(
        "abolition-2022",
        "The abolition of CCGs on 1 July 2022",
        [SICBL_LOOKUP, ECCG, ctx.provenance_iri(STATUTES["hca2022"])],
        "Each CCG open on 30 June 2022 was succeeded by the ICB of the sub-ICB location that kept its ODS code "
        "(ONS July 2022 lookup), and became that sub-ICB location.",
    )
    for icb_code, sicbls in sorted(icbs.items()):
        icb = icb_iri(icb_code)
        events.add(icb, CCG.accountableTo, NHS_ENGLAND)
        event = event_iri("abolition", f"{ICB_START.isoformat()}/{icb_code}")
        label = f"CCGs replaced by {icb_code} on 1 July 2022"
        write_change_event(events, event, CCG.AbolitionEvent, label, ICB_START, icb)
        for sicbl in sicbls:
            if sicbl not in ctx.ccgs:
                continue
            predecessor = ccg_iri(sicbl)
            write_original(events, event, predecessor)
            events.add(predecessor, CCG.successor, icb)
            events.add(icb, CCG.predecessor, predecessor)
            events.add(predecessor, CCG.becameSubICBLocation, sub_icb_location_iri(sicbl))
