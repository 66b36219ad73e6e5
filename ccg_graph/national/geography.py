"""Local authorities, health and wellbeing boards, and how each CCG's area overlapped them at each ONS release.

Reconciliation rules (also in docs/data-derivation.md):
1. Local authority districts (E06/E07/E08/E09) come from the LSOA lookups; their preferred name is the newest.
2. Upper-tier authorities: counties (E10) from the 2020 district-to-county lookup; unitary authorities,
   metropolitan districts and London boroughs are their own upper tier. Districts abolished before 2020 are in
   no county lookup; `national.local_government` links those it can by rule and dates every authority.
3. Every upper-tier authority has a health and wellbeing board (Health and Social Care Act 2012 s.194).
4. Overlaps are counted in 2011 LSOAs per (CCG or sub-ICB location, district) pair, per release; shares are
   the pair's LSOAs over all the CCG's, and over all the district's, rounded to six decimals.
"""

from __future__ import annotations

from collections import Counter

from ccg_graph.core.namespaces import (
    CCG,
    ccg_iri,
    health_and_wellbeing_board_iri,
    local_authority_iri,
    overlap_iri,
    sub_icb_location_iri,
)
from ccg_graph.core.namespaces import ORG_NS as ORG
from ccg_graph.ingest.ons import read_lsoa_lookup, read_ons_list
from ccg_graph.national.ccgs import STATUTES
from ccg_graph.national.context import BuildContext
from ccg_graph.national.provenance import release_date

LSOA_LOOKUPS = (
    "ons-geography/lsoa11_to_ccg16_to_lad16_2016-04.csv",
    "ons-geography/lsoa11_to_ccg17_to_lad17_2017-04.csv",
    "ons-geography/lsoa11_to_ccg18_to_lad18_2018-04.csv",
    "ons-geography/lsoa11_to_ccg19_to_lad19_2019-04.csv",
    "ons-geography/lsoa11_to_ccg20_to_lad20_2020-04.csv",
    "ons-geography/lsoa11_to_ccg21_to_lad21_2021-04.csv",
    "ons-geography/lsoa11_to_sicbl22_to_icb22_to_lad22_2022-07.csv",
)
LAD_TO_COUNTY = "ons-geography/lad20_to_cty20_2020-04.csv"
SINGLE_TIER_PREFIXES = ("E06", "E08", "E09")


def build_geography(ctx: BuildContext) -> None:
    ctx.progress("local authorities and health and wellbeing boards")
    district_names = _write_overlaps(ctx)
    _write_authorities(ctx, district_names)


def _write_overlaps(ctx: BuildContext) -> dict[str, str]:
    names: dict[str, str] = {}
    for path in LSOA_LOOKUPS:
        ctx.progress(f"overlaps of CCGs and districts: {path.rsplit('/', 1)[-1]}")
        pairs: Counter[tuple[str, str]] = Counter()
        by_org: Counter[str] = Counter()
        by_district: Counter[str] = Counter()
        for link in read_lsoa_lookup(ctx.open(path)):
            pairs[(link.ccg_ods, link.lad_code)] += 1
            by_org[link.ccg_ods] += 1
            by_district[link.lad_code] += 1
            names[link.lad_code] = link.lad_name
        day = release_date(path)
        assert day is not None
        kind = "sub-icb-location" if "sicbl" in path else "ccg"
        mint = sub_icb_location_iri if kind == "sub-icb-location" else ccg_iri
        out = ctx.graph(path)
        for (code, district), count in sorted(pairs.items()):
            overlap = overlap_iri(day.year, kind, code, district)
            organisation = mint(code)
            out.add(organisation, CCG.areaOverlap, overlap)
            out.type(overlap, CCG.AreaOverlap)
            out.add(overlap, CCG.overlapOrganisation, organisation)
            out.add(overlap, CCG.overlapAuthority, local_authority_iri(district))
            out.add(overlap, CCG.lsoaCount, count)
            out.add(overlap, CCG.shareOfOrganisation, round(count / by_org[code], 6))
            out.add(overlap, CCG.shareOfAuthority, round(count / by_district[district], 6))
            out.add(overlap, CCG.referenceDate, day)
        for district in sorted(by_district):
            authority = local_authority_iri(district)
            out.type(authority, CCG.LocalAuthorityDistrict)
            out.add(authority, CCG.onsCode, district)
    return names


def _write_authorities(ctx: BuildContext, district_names: dict[str, str]) -> None:
    counties = ctx.graph(LAD_TO_COUNTY)
    county_names: dict[str, str] = {}
    for district, county in zip(
        read_ons_list(ctx.open(LAD_TO_COUNTY), "LAD"), read_ons_list(ctx.open(LAD_TO_COUNTY), "CTY"), strict=True
    ):
        if county.ons_code.startswith("E10"):
            county_names[county.ons_code] = county.name
            district_iri, county_iri = local_authority_iri(district.ons_code), local_authority_iri(county.ons_code)
            counties.add(district_iri, CCG.upperTierAuthority, county_iri)
    for county, name in sorted(county_names.items()):
        iri = local_authority_iri(county)
        counties.type(iri, CCG.UpperTierLocalAuthority)
        counties.add(iri, CCG.onsCode, county)
        counties.name(iri, name)
    derived = ctx.derived(
        "local-authorities",
        "Local authority names, tiers and health and wellbeing boards",
        [*LSOA_LOOKUPS, LAD_TO_COUNTY, ctx.provenance_iri(STATUTES["hsca2012"])],
        "District names are the newest ONS spelling; unitary authorities, metropolitan districts and London "
        "boroughs are their own upper tier; every upper-tier authority has a health and wellbeing board "
        "(Health and Social Care Act 2012 s.194).",
    )
    upper = dict(county_names)
    for district, name in sorted(district_names.items()):
        iri = local_authority_iri(district)
        derived.name(iri, name)
        if district.startswith(SINGLE_TIER_PREFIXES):
            derived.type(iri, CCG.UpperTierLocalAuthority)
            derived.add(iri, CCG.upperTierAuthority, iri)
            upper[district] = name
    for code, name in sorted(upper.items()):
        authority = local_authority_iri(code)
        board = health_and_wellbeing_board_iri(code)
        derived.type(board, CCG.HealthAndWellbeingBoard)
        derived.name(board, f"{name} Health and Wellbeing Board")
        derived.add(board, ORG + "unitOf", authority)
        derived.add(authority, CCG.healthAndWellbeingBoard, board)
        derived.add(authority, ORG + "hasUnit", board)
