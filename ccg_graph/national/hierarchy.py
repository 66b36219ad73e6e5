"""NHS England's hierarchy over time (regions, area teams, local offices), STPs/ICSs, and which of them
each CCG answered to or partnered with on any date.

Each source is an *observation* of the hierarchy on its reference date. An observation holds from the date
of the reorganisation it reflects until the day before the next observation that lists the CCG, clipped to the
CCG's life (a CCG a release omits keeps the links of the last release that listed it):

=====================================================  ==========  ==========================================
observation                                            holds from  why that date
=====================================================  ==========  ==========================================
ONS CCG13 -> area team -> region                       2013-04-01  NHS England took up its functions
ODS eccg 2016-02 (local office, region)                2015-04-01  local offices Q72-Q82 opened (ODS eauth)
ONS CCG17 -> local office -> region                    2016-04-01  Q83/Q84 opened (ODS eauth)
ONS CCG18 -> local office -> region                    2018-04-01  South split into Y58/Y59 (ODS eauth)
ODS epraccur 2019-10 (practices' region/local office)  2019-04-01  the seven regions (ONS NHSER19)
NHS Digital practice map 2020-09 (region)              2020-04-01  the 2020 merger wave (ODS succ)
NHS Digital practice map 2022-01 (region)              2021-04-01  the 2021 merger wave (ODS succ)
=====================================================  ==========  ==========================================

STP partnerships: ONS CCG17..CCG20 -> STP lookups from 1 April of their year, the 2022-01 practice map from
2021-04-01. STPs are keyed by ODS code where any source gives one for their ONS code, else by the E54 code.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from ccg_graph.core.namespaces import (
    CCG,
    NHS_ENGLAND,
    accountability_iri,
    area_team_iri,
    ccg_iri,
    local_office_iri,
    membership_iri,
    region_iri,
    stp_iri,
)
from ccg_graph.core.namespaces import ORG_NS as ORG
from ccg_graph.core.namespaces import RDFS_NS as RDFS
from ccg_graph.core.namespaces import SKOS_NS as SKOS
from ccg_graph.ingest.ods import read_eauth, read_eccg, read_epraccur
from ccg_graph.ingest.ons import read_ccg_lookup, read_ons_list
from ccg_graph.ingest.registrations import read_practice_map
from ccg_graph.national.context import CCG_ERA_END, BuildContext
from ccg_graph.national.emit import GraphWriter
from ccg_graph.national.integrated_care_systems import build_integrated_care_systems

EAUTH = "ods-ccg/eauth_2018-11.csv"
ECCG16 = "ods-ccg/eccg_2016-02.csv"
AT13 = "ons-geography/ccg13_to_nhsat13_to_nhscr13_2013-04.csv"
AT13_ODS = "ons-geography/nhsat13_ons_ods_codes_2013.csv"
LO17 = "ons-geography/ccg17_to_nhsrlo17_to_nhser17_2017-04.csv"
LO18 = "ons-geography/ccg18_to_nhsrlo18_to_nhser18_2018-04.csv"
NHSER19 = "ons-geography/nhser19_names_codes_2019-04.csv"
EPRACCUR19 = "ods-gp-practices/epraccur_2019-10.csv"
MAP20 = "nhs-digital-gp-registrations/gp-reg-pat-prac-map_2020-09.csv"
MAP22 = "nhs-digital-gp-registrations/gp-reg-pat-prac-map_2022-01.csv"
STP_LOOKUPS = (
    ("ons-geography/ccg17_to_stp17_2017-04.csv", date(2017, 4, 1)),
    ("ons-geography/ccg18_to_stp18_2018-04.csv", date(2018, 4, 1)),
    ("ons-geography/ccg19_to_stp19_2019-04.csv", date(2019, 4, 1)),
    ("ons-geography/ccg20_to_stp20_2020-04.csv", date(2020, 4, 1)),
)
STP20_NAMES = "ons-geography/stp20_names_codes_2020-04.csv"

UNIT_KINDS = {"region": region_iri, "area-team": area_team_iri, "local-office": local_office_iri}


@dataclass
class Observation:
    """Which units each CCG answered to, as one source saw it."""

    start: date
    out: GraphWriter
    links: dict[str, set[tuple[str, str]]] = field(default_factory=lambda: defaultdict(set))


def build_hierarchy(ctx: BuildContext) -> None:
    ctx.progress("NHS England regions, area teams and local offices")
    e40_to_region = _write_regions(ctx)
    e39_to_unit = _write_area_teams_and_local_offices(ctx, e40_to_region)
    ctx.progress("which NHS England team each CCG answered to")
    observations = _observations(ctx, e40_to_region, e39_to_unit)
    _write_accountabilities(ctx, observations)
    ctx.progress("STPs and integrated care systems")
    _write_stps(ctx)


def _region_by_majority(ctx: BuildContext, pairs: list[tuple[str, str]]) -> dict[str, str]:
    """E40 code -> ODS region code, by the ODS region most of the E40 region's CCGs had in ODS 2016-02."""
    ods_region = {r.code: r.national_grouping for r in read_eccg(ctx.open(ECCG16)) if r.is_ccg}
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for e38, e40 in pairs:
        code = ctx.ccg_by_ons.get(e38)
        if code and ods_region.get(code):
            votes[e40][ods_region[code]] += 1
    return {e40: counter.most_common(1)[0][0] for e40, counter in votes.items()}


def _write_regions(ctx: BuildContext) -> dict[str, str]:
    """Write every region; return the E40 -> ODS code map."""
    eauth = ctx.graph(EAUTH)
    for record in read_eauth(ctx.open(EAUTH)):
        if record.code.startswith("Y"):
            region = region_iri(record.code)
            eauth.type(region, CCG.NHSEnglandRegion)
            eauth.add(region, CCG.odsCode, record.code)
            eauth.add(region, CCG.openDate, record.open_date)
            eauth.add(region, CCG.closeDate, record.close_date)
            eauth.label(region, SKOS + "altLabel", record.name)
    e40_to_region: dict[str, str] = {}
    names: dict[str, str] = {}
    at13_pairs, lo17_pairs = [], []
    for row in read_ccg_lookup(ctx.open(AT13)):
        region = row.parent("NHSCR")
        at13_pairs.append((row.ccg.ons_code, region.ons_code))
        names.setdefault(region.ons_code, region.name)
    for row in read_ccg_lookup(ctx.open(LO17)):
        region = row.parent("NHSER")
        lo17_pairs.append((row.ccg.ons_code, region.ons_code))
        names.setdefault(region.ons_code, region.name)
    e40_to_region.update(_region_by_majority(ctx, at13_pairs + lo17_pairs))
    for row in read_ccg_lookup(ctx.open(LO18)):
        region = row.parent("NHSER")
        if region.ods_code:
            e40_to_region[region.ons_code] = region.ods_code
            names[region.ons_code] = region.name
    nhser19 = ctx.graph(NHSER19)
    for entry in read_ons_list(ctx.open(NHSER19), "NHSER"):
        if entry.ods_code:
            e40_to_region[entry.ons_code] = entry.ods_code
            names[entry.ons_code] = entry.name
            region = region_iri(entry.ods_code)
            nhser19.type(region, CCG.NHSEnglandRegion)
            nhser19.add(region, CCG.odsCode, entry.ods_code)
    mapped = ctx.derived(
        "nhs-england-regions",
        "NHS England regions: ONS codes, names and place in NHS England",
        [AT13, LO17, LO18, NHSER19, ECCG16, EAUTH],
        "ONS E40 codes are matched to ODS region codes directly (2018, 2019 files) or, for 2013 and 2017, by "
        "the ODS region most of the ONS region's CCGs had in ODS eccg 2016-02. The newest ONS name is preferred.",
    )
    seen: set[str] = set()
    for e40, code in sorted(e40_to_region.items()):
        region = region_iri(code)
        mapped.add(region, CCG.onsCode, e40)
        if code not in seen:
            seen.add(code)
            mapped.label(region, SKOS + "prefLabel", names[e40])
            mapped.label(region, RDFS + "label", names[e40])
            mapped.add(region, ORG + "unitOf", NHS_ENGLAND)
            mapped.add(NHS_ENGLAND, ORG + "hasUnit", region)
            mapped.add(region, CCG.accountableTo, NHS_ENGLAND)
    return e40_to_region


def _write_area_teams_and_local_offices(ctx: BuildContext, e40_to_region: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Write area teams (2013) and local offices; return E39 -> (kind, ODS code)."""
    e39: dict[str, tuple[str, str]] = {}
    teams = ctx.graph(AT13_ODS)
    for entry in read_ons_list(ctx.open(AT13_ODS), "NHSAT"):
        team = area_team_iri(entry.ods_code or "")
        teams.type(team, CCG.NHSEnglandAreaTeam)
        teams.add(team, CCG.odsCode, entry.ods_code)
        teams.add(team, CCG.onsCode, entry.ons_code)
        teams.label(team, SKOS + "prefLabel", f"NHS England {entry.name} area team")
        teams.label(team, RDFS + "label", f"NHS England {entry.name} area team")
        e39[entry.ons_code] = ("area-team", entry.ods_code or "")
    parents = ctx.graph(AT13)
    for row in read_ccg_lookup(ctx.open(AT13)):
        team = e39[row.parent("NHSAT").ons_code][1]
        region = e40_to_region[row.parent("NHSCR").ons_code]
        parents.add(area_team_iri(team), ORG + "unitOf", region_iri(region))
        parents.add(area_team_iri(team), CCG.accountableTo, region_iri(region))
    team_period = ctx.derived(
        "nhs-england-area-teams",
        "Life of NHS England's area teams",
        [AT13_ODS, EAUTH],
        "Area teams served from 2013-04-01 until local offices replaced them on 2015-04-01 (ODS eauth open dates "
        "of local offices Q72-Q82).",
    )
    for _kind, code in e39.values():
        team_period.add(area_team_iri(code), CCG.openDate, date(2013, 4, 1))
        team_period.add(area_team_iri(code), CCG.closeDate, date(2015, 3, 31))

    offices = ctx.graph(EAUTH)
    upper_names: dict[str, str] = {}
    for record in read_eauth(ctx.open(EAUTH)):
        if record.code.startswith("Q"):
            office = local_office_iri(record.code)
            offices.type(office, CCG.NHSEnglandLocalOffice)
            offices.add(office, CCG.odsCode, record.code)
            offices.label(office, SKOS + "prefLabel", record.name.title().replace("Nhs ", "NHS "))
            offices.label(office, RDFS + "label", record.name.title().replace("Nhs ", "NHS "))
            offices.add(office, CCG.openDate, record.open_date)
            offices.add(office, CCG.closeDate, record.close_date)
            if record.parent:
                offices.add(office, ORG + "unitOf", region_iri(record.parent))
                offices.add(office, CCG.accountableTo, region_iri(record.parent))
            upper_names[record.name.upper()] = record.code
    lo18 = ctx.graph(LO18)
    for row in read_ccg_lookup(ctx.open(LO18)):
        office = row.parent("NHSRLO")
        if office.ods_code:
            e39[office.ons_code] = ("local-office", office.ods_code)
            lo18.add(local_office_iri(office.ods_code), CCG.onsCode, office.ons_code)
    lo17 = ctx.graph(LO17)
    for row in read_ccg_lookup(ctx.open(LO17)):
        office = row.parent("NHSRLO")
        if office.ons_code not in e39 and office.name.upper() in upper_names:
            e39[office.ons_code] = ("local-office", upper_names[office.name.upper()])
            lo17.add(local_office_iri(upper_names[office.name.upper()]), CCG.onsCode, office.ons_code)
    return e39


def _observations(
    ctx: BuildContext, e40_to_region: dict[str, str], e39: dict[str, tuple[str, str]]
) -> list[Observation]:
    observations = []

    at13 = Observation(date(2013, 4, 1), ctx.graph(AT13))
    for row in read_ccg_lookup(ctx.open(AT13)):
        code = ctx.ccg_by_ons.get(row.ccg.ons_code)
        if code:
            at13.links[code].add(e39[row.parent("NHSAT").ons_code])
            at13.links[code].add(("region", e40_to_region[row.parent("NHSCR").ons_code]))
    observations.append(at13)

    eccg16 = Observation(date(2015, 4, 1), ctx.graph(ECCG16))
    offices = ctx.graph(ECCG16)
    for record in read_eccg(ctx.open(ECCG16)):
        if record.is_ccg and record.code in ctx.ccgs and record.close_date is None:
            eccg16.links[record.code].add(("region", record.national_grouping))
            if record.high_level_geography:
                eccg16.links[record.code].add(("local-office", record.high_level_geography))
                office = local_office_iri(record.high_level_geography)
                offices.type(office, CCG.NHSEnglandLocalOffice)
                offices.add(office, CCG.odsCode, record.high_level_geography)
                offices.add(office, ORG + "unitOf", region_iri(record.national_grouping))
                offices.add(office, CCG.accountableTo, region_iri(record.national_grouping))
    observations.append(eccg16)

    for path, start in ((LO17, date(2016, 4, 1)), (LO18, date(2018, 4, 1))):
        seen = Observation(start, ctx.graph(path))
        for row in read_ccg_lookup(ctx.open(path)):
            code = row.ccg.ods_code or ctx.ccg_by_ons.get(row.ccg.ons_code)
            office = e39.get(row.parent("NHSRLO").ons_code)
            if code:
                seen.links[code].add(("region", e40_to_region[row.parent("NHSER").ons_code]))
                if office:
                    seen.links[code].add(office)
        observations.append(seen)

    practices = ctx.derived(
        "nhs-england-oversight-2019",
        "Region and local office of each CCG in 2019-20",
        [EPRACCUR19],
        "The region (column 3) and local office (column 4) most of the CCG's active GP practices carry in ODS "
        "epraccur 2019-10.",
    )
    votes: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)
    for record in read_epraccur(ctx.open(EPRACCUR19)):
        if record.is_active_gp_practice and record.is_english and record.commissioner in ctx.ccgs:
            votes[record.commissioner][(record.region or "", record.high_level_geography or "")] += 1
    y19 = Observation(date(2019, 4, 1), practices)
    for code, counter in votes.items():
        region, office = counter.most_common(1)[0][0]
        y19.links[code].add(("region", region))
        if office.startswith("Q"):
            y19.links[code].add(("local-office", office))
    observations.append(y19)

    for path, start in ((MAP20, date(2020, 4, 1)), (MAP22, date(2021, 4, 1))):
        seen = Observation(start, ctx.graph(path))
        for row in read_practice_map(ctx.open(path)):
            if row.ccg in ctx.ccgs:
                seen.links[row.ccg].add(("region", row.region))
        observations.append(seen)
    return observations


def _write_accountabilities(ctx: BuildContext, observations: list[Observation]) -> None:
    """Each CCG's links hold from an observation that lists it until the next one that lists it.

    A CCG missing from a release (the 2017 lookup omits the CCGs that closed on 2017-03-31) keeps the
    links of the last release that listed it until it closes.
    """
    observations.sort(key=lambda o: o.start)
    for code in sorted({c for o in observations for c in o.links}):
        listing = [o for o in observations if code in o.links]
        for index, observation in enumerate(listing):
            end = listing[index + 1].start - timedelta(days=1) if index + 1 < len(listing) else CCG_ERA_END
            life = ctx.ccgs.get(code)
            window = life.clip(observation.start, end) if life else None
            if window is None:
                continue
            for kind, unit_code in sorted(observation.links[code]):
                unit = UNIT_KINDS[kind](unit_code)
                record = accountability_iri(code, kind, unit_code, window[0])
                ctx.accountabilities.append((code, kind, unit_code, window[0], window[1]))
                out = observation.out
                out.add(ccg_iri(code), CCG.accountableTo, unit)
                out.add(ccg_iri(code), CCG.qualifiedAccountability, record)
                out.type(record, CCG.Accountability)
                out.add(record, CCG.accountableOrganisation, ccg_iri(code))
                out.add(record, CCG.accountableToBody, unit)
                out.add(record, CCG.validDuring, ctx.time.interval(*window))


def _stp_codes(ctx: BuildContext) -> dict[str, str]:
    """E54 -> ODS code, from every source that gives both."""
    codes: dict[str, str] = {}
    for entry in read_ons_list(ctx.open(STP20_NAMES), "STP"):
        if entry.ods_code:
            codes[entry.ons_code] = entry.ods_code
    for path in (MAP20, MAP22):
        for row in read_practice_map(ctx.open(path)):
            codes.setdefault(row.stp_ons, row.stp)
    return codes


def _write_stps(ctx: BuildContext) -> None:
    codes = _stp_codes(ctx)
    spans: list[tuple[date, str, dict[str, tuple[str, str, str]]]] = []  # start, file, ccg -> (key, e54, name)
    for path, start in STP_LOOKUPS:
        links = {}
        for row in read_ccg_lookup(ctx.open(path)):
            code = row.ccg.ods_code or ctx.ccg_by_ons.get(row.ccg.ons_code)
            stp = row.parent("STP")
            if code:
                links[code] = (stp.ods_code or codes.get(stp.ons_code) or stp.ons_code, stp.ons_code, stp.name)
        spans.append((start, path, links))
    latest = {}
    for row in read_practice_map(ctx.open(MAP22)):
        if row.ccg in ctx.ccgs:
            latest[row.ccg] = (row.stp, row.stp_ons, row.stp_name)
    spans.append((date(2021, 4, 1), MAP22, latest))
    for index, (start, path, links) in enumerate(spans):
        end = spans[index + 1][0] - timedelta(days=1) if index + 1 < len(spans) else CCG_ERA_END
        out = ctx.graph(path)
        for code, (key, e54, name) in sorted(links.items()):
            stp = stp_iri(key)
            out.type(stp, CCG.SustainabilityAndTransformationPartnership)
            out.add(stp, CCG.onsCode, e54)
            if key != e54:
                out.add(stp, CCG.odsCode, key)
            out.label(stp, SKOS + "altLabel", name)
            window = ctx.ccgs[code].clip(start, end) if code in ctx.ccgs else None
            if window is None:
                continue
            membership = membership_iri(code, "stp", key, window[0])
            out.type(membership, ORG + "Membership")
            out.add(membership, ORG + "member", ccg_iri(code))
            out.add(membership, ORG + "organization", stp)
            out.add(membership, ORG + "role", CCG.PartnerRole)
            out.add(membership, ORG + "memberDuring", ctx.time.interval(*window))
            out.add(ccg_iri(code), ORG + "memberOf", stp)
    names = ctx.derived(
        "stp-names",
        "Preferred names of STPs",
        [path for path, _ in STP_LOOKUPS] + [MAP22],
        "skos:prefLabel = the name in the newest release that lists the STP.",
    )
    newest: dict[str, str] = {}
    for _, _, links in spans:
        for key, _, name in links.values():
            newest[key] = name
    for key, name in sorted(newest.items()):
        names.label(stp_iri(key), SKOS + "prefLabel", name)
        names.label(stp_iri(key), RDFS + "label", name)
    build_integrated_care_systems(ctx)
