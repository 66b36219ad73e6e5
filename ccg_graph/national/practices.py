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
4. Every clip and cut that contradicts what a row says is recorded as a conflict with the rows involved
   (`record_membership_conflicts`, `national.conflicts`): the resolved spells are never passed off as a
   source's.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from rdflib import URIRef

from ccg_graph.core.namespaces import CCG, ccg_iri, membership_iri, pcn_iri, practice_iri, sub_icb_location_iri
from ccg_graph.core.namespaces import DCT_NS as DCT
from ccg_graph.core.namespaces import ORG_NS as ORG
from ccg_graph.ingest.epcmem import read_epcmem
from ccg_graph.ingest.list_sizes import read_list_sizes
from ccg_graph.ingest.ods import PracticeRecord, read_epraccur
from ccg_graph.ingest.registrations import read_practice_map
from ccg_graph.national.conflicts import Side
from ccg_graph.national.context import CCG_ERA_END, ICB_START, BuildContext
from ccg_graph.national.organisations import write_ods_organisation
from ccg_graph.national.provenance import release_date
from ccg_graph.national.replaced import record_replacements

EPCMEM = "ods-gp-practices/epcmem_2019-10.csv"
ECCG = "ods-ccg/eccg_2024-25.csv"
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
    line: int = 0  # the row of the single source a raw spell was read from
    stated_end: date | None = None  # the left date the source gives, if any


def _observed_until(spell: Spell) -> date:
    """The last day a raw spell's source speaks for: its left date, or the release's own date (a snapshot
    says nothing about days after it was taken)."""
    if spell.stated_end is not None:
        return spell.stated_end
    (source,) = spell.sources
    return min(release_date(source) or spell.end, spell.end)


def _side(code: str, spell: Spell) -> Side:
    (source,) = spell.sources
    until = f"to {spell.stated_end.isoformat()}" if spell.stated_end else "with no left date"
    return Side(source, spell.line, f"{code} member of {spell.organisation} from {spell.start.isoformat()} {until}")


def record_membership_conflicts(ctx: BuildContext, raw: dict[str, list[Spell]]) -> None:
    """Record the spells the membership rules cut or clipped, with every side (see `national.conflicts`)."""
    for code in sorted(raw):
        spells = [s for s in raw[code] if s.kind == "ccg"]
        for spell in spells:
            life = ctx.ccgs[spell.organisation]
            before = spell.start < life.open_date
            # A CCG open at the abolition kept its ODS code as a sub-ICB location: a later left date is the
            # sub-ICB location's (rule 2), not a disagreement.
            closed_early = life.close_date < CCG_ERA_END
            after = spell.stated_end is not None and spell.stated_end > life.close_date and closed_early
            if before or after:
                window = life.clip(spell.start, spell.end)
                kept = f"kept from {window[0]} to {window[1]}" if window else "dropped: no day of it is inside"
                ctx.conflicts.add(
                    "membership-outside-ccg-life",
                    practice_iri(code),
                    [
                        _side(code, spell),
                        Side(ECCG, life.line, f"{life.code} open {life.open_date} to {life.close_date}"),
                    ],
                    f"The membership is clipped to the CCG's life (rule 10): {kept}.",
                )
        pairs: dict[tuple[str, str], list[Spell]] = defaultdict(list)
        for index, first in enumerate(spells):
            for second in spells[index + 1 :]:
                if first.organisation == second.organisation:
                    continue
                if first.start <= _observed_until(second) and second.start <= _observed_until(first):
                    earlier, later = sorted((first, second), key=lambda s: (s.start, s.organisation))
                    pairs[(earlier.organisation, later.organisation)] += [earlier, later]
        for (earlier_org, later_org), involved in sorted(pairs.items()):
            later_start = min(s.start for s in involved if s.organisation == later_org)
            earlier_start = min(s.start for s in involved if s.organisation == earlier_org)
            if later_start > earlier_start:
                outcome = f"the membership of {earlier_org} ends on {later_start - timedelta(days=1)}"
            else:  # both start on one day: the rule orders them by code, and the first gives way entirely
                outcome = f"both start on {later_start}; the membership of {earlier_org} from then is dropped"
            ctx.conflicts.add(
                "overlapping-membership",
                practice_iri(code),
                [_side(code, s) for s in involved],
                f"A practice belongs to one CCG on any day: the later-starting spell wins (rule 10), so {outcome} "
                f"and that of {later_org} runs from {later_start}.",
            )


def build_practices(ctx: BuildContext) -> None:
    ctx.progress("GP practices")
    snapshots = {path: list(read_epraccur(ctx.open(path))) for path in EPRACCUR}
    latest = _latest_records(snapshots)
    settings = _settings(snapshots)
    ctx.progress("GP practice membership spells")
    raw = _raw_spells(ctx, snapshots)
    spells = {code: _reconcile(ctx, code, found, snapshots) for code, found in raw.items()}
    practices = {
        code for code in spells if GP_PRACTICE_CODE.match(code) and (not settings.get(code) or 4 in settings[code])
    }
    record_membership_conflicts(ctx, {code: raw[code] for code in practices})
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


def _raw_spells(ctx: BuildContext, snapshots: dict[str, list[PracticeRecord]]) -> dict[str, list[Spell]]:
    """Every spell as its source states it, one per row (the rules are applied by `_reconcile`)."""
    raw: dict[str, list[Spell]] = defaultdict(list)
    for spell in read_epcmem(ctx.open(EPCMEM)):
        if spell.parent in ctx.ccgs and spell.join_date is not None:
            end = spell.left_date or FAR_FUTURE
            raw[spell.practice].append(
                Spell("ccg", spell.parent, spell.join_date, end, {EPCMEM}, spell.line, spell.left_date)
            )
    for path, records in snapshots.items():
        for record in records:
            if record.commissioner not in ctx.ccgs or record.join_commissioner_date is None:
                continue
            start, end = record.join_commissioner_date, record.left_commissioner_date or FAR_FUTURE
            if start <= CCG_ERA_END:
                raw[record.code].append(
                    Spell(
                        "ccg",
                        record.commissioner,
                        start,
                        min(end, CCG_ERA_END),
                        {path},
                        record.line,
                        record.left_commissioner_date,
                    )
                )
            if end >= ICB_START and path == EPRACCUR[-1]:
                raw[record.code].append(
                    Spell("sub-icb-location", record.commissioner, max(start, ICB_START), end, {path}, record.line)
                )
    return raw


def _reconcile(
    ctx: BuildContext, code: str, spells: list[Spell], snapshots: dict[str, list[PracticeRecord]]
) -> list[Spell]:
    clipped = []
    for spell in spells:
        spell = Spell(spell.kind, spell.organisation, spell.start, spell.end, set(spell.sources))
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
            write_ods_organisation(out, iri, CCG.GPPractice, code, record.name, record.open_date, record.close_date)
            out.add(iri, CCG.postcode, record.postcode or None)
        else:
            epcmem_only.type(iri, CCG.GPPractice)
            epcmem_only.add(iri, CCG.odsCode, code)
            if code in bsa_names:
                path, name = bsa_names[code]
                named = ctx.graph(path)
                named.name(iri, name)


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
        "they touch, and cut where two CCGs overlap (the later spell wins). Each membership names its sources; "
        "each clip or cut that contradicts a row is recorded in graph derived/conflicts.",
    )
    # A membership's IRI ends in the spell's first day as the sources give it, not in the start after the clip
    # to the practice's life (a rule-clipped date); the clipped IRIs of earlier builds are redirected.
    clipped_iris: dict[URIRef, URIRef] = {}
    current: set[URIRef] = set()
    for code in sorted(practices):
        opened, closed = _practice_life(latest[code][1] if code in latest else None)
        for spell in spells[code]:
            start = max(spell.start, opened) if opened else spell.start
            end = min(spell.end, closed) if closed else spell.end
            if end < start:
                continue
            mint = ccg_iri if spell.kind == "ccg" else sub_icb_location_iri
            organisation = mint(spell.organisation)
            membership = membership_iri(code, spell.kind, spell.organisation, spell.start)
            current.add(membership)
            clipped_iris[membership_iri(code, spell.kind, spell.organisation, start)] = membership
            out.type(membership, ORG + "Membership")
            out.add(membership, ORG + "member", practice_iri(code))
            out.add(membership, ORG + "organization", organisation)
            out.add(membership, ORG + "role", CCG.MemberPracticeRole)
            out.add(membership, ORG + "memberDuring", ctx.time.interval(start, None if end == FAR_FUTURE else end))
            for source in sorted(spell.sources):
                out.add(membership, DCT + "source", ctx.source(source))
            out.add(practice_iri(code), ORG + "memberOf", organisation)
            out.add(organisation, ORG + "hasMember", practice_iri(code))
    record_replacements(ctx, clipped_iris, current)


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
            out.name(pcn, row.pcn_name)
            membership = membership_iri(row.practice, "pcn", row.pcn_code, day)
            out.type(membership, ORG + "Membership")
            out.add(membership, ORG + "member", practice_iri(row.practice))
            out.add(membership, ORG + "organization", pcn)
            out.add(membership, ORG + "role", CCG.NetworkMemberRole)
            out.add(membership, CCG.referenceDate, day or release_date(path))
