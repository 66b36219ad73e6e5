"""Local government over time: when each district, upper-tier authority and health and wellbeing board
existed, and each CCG's boards on any date from April 2016, from the yearly ONS LSOA lookups.

Rules (also in docs/data-derivation.md, "Local government over time"):

1. A district (E06/E07/E08/E09) is in force from the first release listing it to the day before the first
   later release that omits it. A release that adds a district shows it opening on that release's date; a
   district in the first release (April 2016) has no open date (its earlier life is not in the sources),
   and one in the last (July 2022) no close date.
2. Upper tier: a county (E10) from the 2020 district-to-county lookup; unitary, metropolitan and London
   authorities are their own. A district abolished before 2020 is in no county lookup: when all its LSOAs
   lie, in the April 2020 lookup, in districts of one county, it belonged to that county (LSOAs did not
   change, and no district moved county). Districts whose LSOAs lie in a unitary authority formed from an
   abolished county (Dorset, Bournemouth-Christchurch-Poole 2019; Buckinghamshire 2020) belonged to a county
   no file names: they are left without an upper tier, so Dorset and Buckinghamshire County Councils and
   their boards are not stated.
3. A county is in force while any of its districts is; it closes when its last district closes
   (Northamptonshire, 31 March 2021). Each upper-tier authority has one health and wellbeing board, in force
   while the authority is (Health and Social Care Act 2012, s.194).
4. A CCG's boards at each CCG release (2016-2021): the share of the CCG's LSOAs lying in each upper-tier
   authority, valid from the release's date (or the CCG's opening) to the day before the next release (or
   the CCG's close). There is no LSOA population; shares count LSOAs. 2013-2015 are not covered: the earliest
   lookup is April 2016.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

from rdflib import URIRef

from ccg_graph.core.namespaces import CCG, ID, ccg_iri, health_and_wellbeing_board_iri, local_authority_iri
from ccg_graph.ingest.ons import read_lsoa_lookup, read_ons_list
from ccg_graph.national.context import BuildContext
from ccg_graph.national.emit import GraphWriter
from ccg_graph.national.geography import LAD_TO_COUNTY, LSOA_LOOKUPS, SINGLE_TIER_PREFIXES
from ccg_graph.national.provenance import release_date

HSCA_2012_S194 = "https://www.legislation.gov.uk/ukpga/2012/7/section/194"
#: The release whose districts the 2020 county lookup describes.
COUNTY_RELEASE = "ons-geography/lsoa11_to_ccg20_to_lad20_2020-04.csv"


def board_overlap_iri(year: int, ccg_code: str, authority_code: str) -> URIRef:
    return ID[f"board-overlap/{year}/ccg/{ccg_code}/{authority_code}"]


def build_local_government(ctx: BuildContext) -> None:
    ctx.progress("local government over time")
    days: list[date] = []
    districts_by_release: list[set[str]] = []
    lsoas_by_release: list[dict[str, str]] = []  # LSOA -> district
    ccg_lsoas_by_release: list[dict[str, list[str]]] = []  # CCG -> its LSOAs (CCG releases only)
    for path in LSOA_LOOKUPS:
        day = release_date(path)
        assert day is not None
        lsoa_district: dict[str, str] = {}
        ccg_lsoas: dict[str, list[str]] = defaultdict(list)
        for link in read_lsoa_lookup(ctx.open(path)):
            lsoa_district[link.lsoa] = link.lad_code
            if "sicbl" not in path:
                ccg_lsoas[link.ccg_ods].append(link.lsoa)
        days.append(day)
        districts_by_release.append(set(lsoa_district.values()))
        lsoas_by_release.append(lsoa_district)
        ccg_lsoas_by_release.append(ccg_lsoas)

    periods = _periods(days, districts_by_release)
    county_of = {
        district.ons_code: county.ons_code
        for district, county in zip(
            read_ons_list(ctx.open(LAD_TO_COUNTY), "LAD"), read_ons_list(ctx.open(LAD_TO_COUNTY), "CTY"), strict=True
        )
        if county.ons_code.startswith("E10")
    }
    derived_county = _counties_of_abolished_districts(periods, county_of, lsoas_by_release, LSOA_LOOKUPS)
    upper_of = {d: d for d in periods if d.startswith(SINGLE_TIER_PREFIXES)} | county_of | derived_county

    out = ctx.derived(
        "local-government-over-time",
        "When each local authority and health and wellbeing board existed, and each CCG's boards by date",
        [*LSOA_LOOKUPS, LAD_TO_COUNTY, ctx.provenance_iri(HSCA_2012_S194)],
        "Districts are in force from the first yearly ONS LSOA lookup listing them to the day before the first "
        "that omits them (no open date for those in the April 2016 lookup, no close date for those in July "
        "2022). A district abolished before 2020 belongs to the county all its LSOAs lie in in April 2020; "
        "districts of counties abolished before 2020 (Dorset, Buckinghamshire) get no upper tier. A county "
        "closes with its last district; each upper tier has one health and wellbeing board (HSCA 2012 s.194) "
        "for its life. A CCG's boards at each release are the shares of its LSOAs in each upper tier, valid "
        "to the day before the next release; 2013-2015 are not covered.",
    )
    for district, (opened, closed) in sorted(periods.items()):
        iri = local_authority_iri(district)
        out.add(iri, CCG.openDate, opened)
        out.add(iri, CCG.closeDate, closed)
        if district in derived_county:
            out.add(iri, CCG.upperTierAuthority, local_authority_iri(derived_county[district]))
    upper_periods: dict[str, tuple[date | None, date | None]] = {}
    for district, upper in upper_of.items():
        if district not in periods:
            continue
        opened, closed = periods[district]
        if upper == district:
            upper_periods[upper] = (opened, closed)
        else:
            earlier = upper_periods.get(upper, (opened, closed))
            # A county is in force while any district is: its open date only if every district opened later.
            first = None if earlier[0] is None or opened is None else min(earlier[0], opened)
            last = None if earlier[1] is None or closed is None else max(earlier[1], closed)
            upper_periods[upper] = (first, last)
    for upper, (opened, closed) in sorted(upper_periods.items()):
        board = health_and_wellbeing_board_iri(upper)
        out.add(local_authority_iri(upper), CCG.openDate, opened)
        out.add(local_authority_iri(upper), CCG.closeDate, closed)
        out.add(board, CCG.openDate, opened)
        out.add(board, CCG.closeDate, closed)
    _write_board_overlaps(ctx, out, days, lsoas_by_release, ccg_lsoas_by_release, upper_of)


def _periods(days: list[date], districts_by_release: list[set[str]]) -> dict[str, tuple[date | None, date | None]]:
    periods: dict[str, tuple[date | None, date | None]] = {}
    for district in sorted(set().union(*districts_by_release)):
        listed = [i for i, found in enumerate(districts_by_release) if district in found]
        first, last = listed[0], listed[-1]
        opened = days[first] if first > 0 else None
        closed = days[last + 1] - timedelta(days=1) if last + 1 < len(days) else None
        periods[district] = (opened, closed)
    return periods


def _counties_of_abolished_districts(
    periods: dict[str, tuple[date | None, date | None]],
    county_of: dict[str, str],
    lsoas_by_release: list[dict[str, str]],
    releases: tuple[str, ...],
) -> dict[str, str]:
    """Districts abolished before 2020 whose LSOAs all lie, in April 2020, in districts of one county."""
    in_2020 = lsoas_by_release[releases.index(COUNTY_RELEASE)]
    found: dict[str, str] = {}
    listed_2020 = set(in_2020.values())
    for district in periods:
        if district in county_of or district.startswith(SINGLE_TIER_PREFIXES) or district in listed_2020:
            continue
        lsoas = {lsoa for listing in lsoas_by_release for lsoa, lad in listing.items() if lad == district}
        counties = {county_of.get(in_2020.get(lsoa, ""), "") for lsoa in lsoas}
        if len(counties) == 1 and "" not in counties:
            found[district] = counties.pop()
    return found


def _write_board_overlaps(
    ctx: BuildContext,
    out: GraphWriter,
    days: list[date],
    lsoas_by_release: list[dict[str, str]],
    ccg_lsoas_by_release: list[dict[str, list[str]]],
    upper_of: dict[str, str],
) -> None:
    for index, ccg_lsoas in enumerate(ccg_lsoas_by_release):
        if not ccg_lsoas:
            continue
        day = days[index]
        next_day = days[index + 1] if index + 1 < len(days) else None
        by_upper_total: Counter[str] = Counter(
            upper_of[lad] for lad in lsoas_by_release[index].values() if lad in upper_of
        )
        for code, lsoas in sorted(ccg_lsoas.items()):
            life = ctx.ccgs.get(code)
            if life is None:
                continue
            start = max(day, life.open_date)
            end = min(next_day - timedelta(days=1), life.close_date) if next_day else life.close_date
            if end < start:
                continue
            counts = Counter(
                upper_of[lad] for lad in (lsoas_by_release[index][lsoa] for lsoa in lsoas) if lad in upper_of
            )
            for upper, count in sorted(counts.items()):
                overlap = board_overlap_iri(day.year, code, upper)
                out.add(ccg_iri(code), CCG.boardOverlap, overlap)
                out.type(overlap, CCG.BoardOverlap)
                out.add(overlap, CCG.overlapOrganisation, ccg_iri(code))
                out.add(overlap, CCG.overlapAuthority, local_authority_iri(upper))
                out.add(overlap, CCG.overlapBoard, health_and_wellbeing_board_iri(upper))
                out.add(overlap, CCG.lsoaCount, count)
                out.add(overlap, CCG.shareOfOrganisation, round(count / len(lsoas), 6))
                out.add(overlap, CCG.shareOfAuthority, round(count / by_upper_total[upper], 6))
                out.add(overlap, CCG.referenceDate, day)
                out.add(overlap, CCG.validDuring, ctx.time.interval(start, end))
