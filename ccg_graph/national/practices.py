"""GP practices, their membership of CCGs (and, from 1 July 2022, sub-ICB locations), and their PCNs.

Reconciliation rules (also in docs/data-derivation.md):
1. A GP practice is a code of the form ``A99999`` that is a member of a CCG in ``epcmem`` or a CCG-era
   ``epraccur`` snapshot, unless every snapshot that lists it gives a prescribing setting other than 4
   (those are walk-in centres, out-of-hours services and other non-practice cost centres).
2. Spells come from ``epcmem`` (join/left dates, back to 2013) and from every ``epraccur`` snapshot
   (commissioner with join/left dates). A spell with no left date ends when its CCG or the practice closed.
   ODS kept CCG codes for the sub-ICB locations, so a 2023 spell that began before 1 July 2022 is split:
   the CCG part ends on 2022-06-30 and the sub-ICB-location part starts on 2022-07-01.
3. Spells are clipped to the life of both the practice and the CCG. Spells of one practice in one CCG that
   overlap or touch are merged; where spells in two CCGs overlap, the later-starting one wins and the earlier
   one ends the day before, so that a practice belongs to at most one CCG on any day.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from ccg_graph.core.namespaces import CCG, ccg_iri, membership_iri, pcn_iri, practice_iri, sub_icb_location_iri
from ccg_graph.core.namespaces import DCT_NS as DCT
from ccg_graph.core.namespaces import ORG_NS as ORG
from ccg_graph.core.namespaces import RDFS_NS as RDFS
from ccg_graph.core.namespaces import SKOS_NS as SKOS
from ccg_graph.ingest.epcmem import read_epcmem
from ccg_graph.ingest.list_sizes import read_list_sizes
from ccg_graph.ingest.ods import PracticeRecord, read_epraccur
from ccg_graph.ingest.registrations import read_practice_map
from ccg_graph.national.context import CCG_ERA_END, ICB_START, BuildContext
from ccg_graph.national.provenance import release_date

EPCMEM = "ods-gp-practices/epcmem_2019-10.csv"
EPRACCUR = (
    "ods-gp-practices/epraccur_2016-02.csv",
    "ods-gp-practices/epraccur_2018-06.csv",
    "ods-gp-practices/epraccur_2019-10.csv",
    "ods-gp-practices/epraccur_2021-11.csv",
    "ods-gp-practices/epraccur_2023-02.csv",
)
PRACTICE_MAPS = (
    "nhs-digital-gp-registrations/gp-reg-pat-prac-map_2020-09.csv",
    "nhs-digital-gp-registrations/gp-reg-pat-prac-map_2022-01.csv",
)
LIST_SIZE_FILES = (
    "nhsbsa-gp-list-sizes/Patient_List_Size_2013_04-06.csv",
    "nhsbsa-gp-list-sizes/Patient_List_Size_2014_04-06.csv",
    "nhsbsa-gp-list-sizes/Patient_List_Size_2015_04-06.csv",
    "nhsbsa-gp-list-sizes/Patient_List_Size_2016_01-03.csv",
)
GP_PRACTICE_CODE = re.compile(r"^[A-Z][0-9]{5}$")
FAR_FUTURE = date(9999, 12, 31)


@dataclass
class Spell:
    kind: str  # "ccg" or "sub-icb-location"
    organisation: str
    start: date
    end: date
    sources: set[str]


def build_practices(ctx: BuildContext) -> None:
    ctx.progress("GP practices")
    snapshots = {path: list(read_epraccur(ctx.open(path))) for path in EPRACCUR}
    latest = _latest_records(snapshots)
    settings = _settings(snapshots)
    ctx.progress("GP practice membership spells")
    spells = _spells(ctx, snapshots)
    practices = {
        code for code in spells if GP_PRACTICE_CODE.match(code) and (not settings.get(code) or 4 in settings[code])
    }
    _write_practices(ctx, practices, latest)
    _write_memberships(ctx, practices, spells, latest)
    ctx.progress("primary care networks")
    _write_networks(ctx, practices)
    ctx.practices = practices


def _latest_records(snapshots: dict[str, list[PracticeRecord]]) -> dict[str, tuple[str, PracticeRecord]]:
    latest: dict[str, tuple[str, PracticeRecord]] = {}
    for path in EPRACCUR:  # oldest first, so newer snapshots overwrite
        for record in snapshots[path]:
            latest[record.code] = (path, record)
    return latest


def _settings(snapshots: dict[str, list[PracticeRecord]]) -> dict[str, set[int]]:
    settings: dict[str, set[int]] = defaultdict(set)
    for records in snapshots.values():
        for record in records:
            if record.prescribing_setting is not None:
                settings[record.code].add(record.prescribing_setting)
    return settings


def _spells(ctx: BuildContext, snapshots: dict[str, list[PracticeRecord]]) -> dict[str, list[Spell]]:
    raw: dict[str, list[Spell]] = defaultdict(list)
    for spell in read_epcmem(ctx.open(EPCMEM)):
        if spell.parent in ctx.ccgs and spell.join_date is not None:
            end = spell.left_date or FAR_FUTURE
            raw[spell.practice].append(Spell("ccg", spell.parent, spell.join_date, end, {EPCMEM}))
    for path, records in snapshots.items():
        for record in records:
            if record.commissioner not in ctx.ccgs or record.join_commissioner_date is None:
                continue
            start, end = record.join_commissioner_date, record.left_commissioner_date or FAR_FUTURE
            if start <= CCG_ERA_END:
                raw[record.code].append(Spell("ccg", record.commissioner, start, min(end, CCG_ERA_END), {path}))
            if end >= ICB_START and path == EPRACCUR[-1]:
                raw[record.code].append(
                    Spell("sub-icb-location", record.commissioner, max(start, ICB_START), end, {path})
                )
    return {code: _reconcile(ctx, code, spells, snapshots) for code, spells in raw.items()}


def _reconcile(
    ctx: BuildContext, code: str, spells: list[Spell], snapshots: dict[str, list[PracticeRecord]]
) -> list[Spell]:
    clipped = []
    for spell in spells:
        if spell.kind == "ccg":
            window = ctx.ccgs[spell.organisation].clip(spell.start, spell.end)
            if window is None:
                continue
            spell = Spell(spell.kind, spell.organisation, window[0], window[1], spell.sources)
        clipped.append(spell)
    clipped.sort(key=lambda s: (s.kind, s.start, s.organisation))
    merged: list[Spell] = []
    for spell in clipped:
        previous = merged[-1] if merged else None
        same = previous and previous.kind == spell.kind and previous.organisation == spell.organisation
        if previous and same and spell.start <= previous.end + timedelta(days=1):
            previous.end = max(previous.end, spell.end)
            previous.sources |= spell.sources
            continue
        if previous and previous.kind == spell.kind and spell.start <= previous.end:
            previous.end = spell.start - timedelta(days=1)
            if previous.end < previous.start:
                merged.pop()
        merged.append(spell)
    return merged


def _practice_life(record: PracticeRecord | None) -> tuple[date | None, date | None]:
    if record is None:
        return None, None
    return record.open_date, record.close_date


def _write_practices(ctx: BuildContext, practices: set[str], latest: dict[str, tuple[str, PracticeRecord]]) -> None:
    bsa_names: dict[str, tuple[str, str]] = {}
    for path in LIST_SIZE_FILES:
        for row in read_list_sizes(ctx.open(path)):
            if row.practice in practices and row.practice not in latest:
                bsa_names[row.practice] = (path, row.practice_name)
    epcmem_only = ctx.graph(EPCMEM)
    for code in sorted(practices):
        iri = practice_iri(code)
        if code in latest:
            path, record = latest[code]
            out = ctx.graph(path)
            out.type(iri, CCG.GPPractice)
            out.add(iri, CCG.odsCode, code)
            out.label(iri, SKOS + "prefLabel", record.name)
            out.label(iri, RDFS + "label", record.name)
            out.add(iri, CCG.openDate, record.open_date)
            out.add(iri, CCG.closeDate, record.close_date)
        else:
            epcmem_only.type(iri, CCG.GPPractice)
            epcmem_only.add(iri, CCG.odsCode, code)
            if code in bsa_names:
                path, name = bsa_names[code]
                named = ctx.graph(path)
                named.label(iri, SKOS + "prefLabel", name)
                named.label(iri, RDFS + "label", name)


def _write_memberships(
    ctx: BuildContext,
    practices: set[str],
    spells: dict[str, list[Spell]],
    latest: dict[str, tuple[str, PracticeRecord]],
) -> None:
    out = ctx.derived(
        "practice-memberships",
        "Membership of GP practices in CCGs and sub-ICB locations",
        [EPCMEM, *EPRACCUR],
        "Spells from epcmem and every epraccur snapshot, clipped to the lives of practice and CCG, merged when "
        "they touch, and cut where two CCGs overlap (the later spell wins). Each membership names its sources.",
    )
    for code in sorted(practices):
        opened, closed = _practice_life(latest[code][1] if code in latest else None)
        for spell in spells[code]:
            start = max(spell.start, opened) if opened else spell.start
            end = min(spell.end, closed) if closed else spell.end
            if end < start:
                continue
            mint = ccg_iri if spell.kind == "ccg" else sub_icb_location_iri
            organisation = mint(spell.organisation)
            membership = membership_iri(code, spell.kind, spell.organisation, start)
            out.type(membership, ORG + "Membership")
            out.add(membership, ORG + "member", practice_iri(code))
            out.add(membership, ORG + "organization", organisation)
            out.add(membership, ORG + "role", CCG.MemberPracticeRole)
            out.add(membership, ORG + "memberDuring", ctx.time.interval(start, None if end == FAR_FUTURE else end))
            for source in sorted(spell.sources):
                out.add(membership, DCT + "source", ctx.source(source))
            out.add(practice_iri(code), ORG + "memberOf", organisation)
            out.add(organisation, ORG + "hasMember", practice_iri(code))


def _write_networks(ctx: BuildContext, practices: set[str]) -> None:
    for path in PRACTICE_MAPS:
        out = ctx.graph(path)
        for row in read_practice_map(ctx.open(path)):
            if not row.has_pcn or row.practice not in practices:
                continue
            day = row.extract_date
            pcn = pcn_iri(row.pcn_code)
            out.type(pcn, CCG.PrimaryCareNetwork)
            out.add(pcn, CCG.odsCode, row.pcn_code)
            out.label(pcn, SKOS + "prefLabel", row.pcn_name)
            out.label(pcn, RDFS + "label", row.pcn_name)
            membership = membership_iri(row.practice, "pcn", row.pcn_code, day)
            out.type(membership, ORG + "Membership")
            out.add(membership, ORG + "member", practice_iri(row.practice))
            out.add(membership, ORG + "organization", pcn)
            out.add(membership, ORG + "role", CCG.NetworkMemberRole)
            out.add(membership, CCG.referenceDate, day or release_date(path))
