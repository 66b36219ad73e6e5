"""Boundaries: one GeoSPARQL ``geo:Geometry`` per organisation per boundary edition (``ons-boundaries/``).

Rules (also in docs/places.md):
1. Each edition holds for the configuration it draws (table `EDITIONS`): from the first day of that
   configuration to the day before the next, clipped to the organisation's life. The 2013, 2018 and 2019
   CCG editions are NHS England / OpenPrescribing files, not ONS ones; they stand in for the missing ONS
   editions and say so in their source description.
2. A feature's code is resolved to the organisation it named then: ODS codes directly, E38 codes through
   every CCG's dated ONS codes, sub-ICB locations by the ODS code after " - " in their name, ICBs and regions
   through the ONS/ODS code pairs of the July 2022 lookup and the 2019 region list.
3. Every geometry is tested with shapely's validity test; one that fails (a self-intersecting ring) is made
   valid with `make_valid`, its polygonal parts kept, and that geometry is written into the derived graph
   ``derived/repaired-boundaries`` with ``ccg:geometryRepaired true`` and the reason the test gave.
4. Areas are computed on the WGS 84 ellipsoid (`places.geometry.geodesic_area_km2`), in their own derived
   graph, since no file states them in km².
5. Local offices (ONS E39, April 2015) are matched to ODS codes by name (ODS eauth); one the eauth file does
   not list is matched to the local office most of its CCGs had in ODS eccg 2016-02 (a CCG is inside when
   its July 2015 boundary's representative point lies in the office's area).
6. Regions and local offices the sources draw for one year only (regions 2020, local offices 2015) are
   outlined for every other CCG edition by dissolving (shapely `union_all`) the boundaries of the CCGs that
   answered to them, per stretch of days over which the membership stayed the same, in the derived graph
   ``derived/dissolved-boundaries``; where an ONS boundary covers a stretch, it is used instead.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pyoxigraph as ox
import shapely
from rdflib import URIRef
from shapely.geometry.base import BaseGeometry

from ccg_graph.core.errors import BadInput
from ccg_graph.core.namespaces import (
    CCG,
    area_team_iri,
    ccg_iri,
    geometry_iri,
    icb_iri,
    local_authority_iri,
    local_office_iri,
    region_iri,
    sub_icb_location_iri,
)
from ccg_graph.core.namespaces import DCT_NS as DCT
from ccg_graph.core.namespaces import PROV_NS as PROV
from ccg_graph.core.namespaces import RDFS_NS as RDFS
from ccg_graph.ingest.boundaries import CRS84, BoundaryFeature, read_boundaries
from ccg_graph.ingest.ods import read_eauth, read_eccg
from ccg_graph.ingest.ons import read_lsoa_lookup, read_ons_list
from ccg_graph.national.context import CCG_ERA_END, ICB_START, BuildContext
from ccg_graph.places.geometry import GEO, WKT_LITERAL, checked, geodesic_area_km2, polygonal_parts, to_wkt_literal

FOLDER = "ons-boundaries/"
SICBL_LOOKUP = "ons-geography/lsoa11_to_sicbl22_to_icb22_to_lad22_2022-07.csv"
NHSER19 = "ons-geography/nhser19_names_codes_2019-04.csv"
EAUTH = "ods-ccg/eauth_2018-11.csv"
ECCG16 = "ods-ccg/eccg_2016-02.csv"

KIND_IRIS: dict[str, Callable[[str], URIRef]] = {
    "ccg": ccg_iri,
    "sub-icb-location": sub_icb_location_iri,
    "icb": icb_iri,
    "region": region_iri,
    "local-office": local_office_iri,
    "area-team": area_team_iri,
    "local-authority": local_authority_iri,
}


@dataclass(frozen=True)
class Edition:
    """One boundary layer: the file to read, what it draws, the attribute holding the code, its period."""

    slug: str
    file: str
    kind: str
    code_attribute: str
    start: date
    end: date | None
    title: str

    @property
    def path(self) -> str:
        return FOLDER + self.file


EDITIONS = (
    Edition("ccg13", "ccg13_nhse_bsc_2013-02.geojson", "ccg", "CCGcode", date(2013, 4, 1), date(2015, 3, 31),
            "NHS England CCG map, February 2013"),
    Edition("ccg15", "ccg15_ons_bsc_2015-07.geojson", "ccg", "ccg15cd", date(2015, 4, 1), date(2017, 3, 31),
            "ONS CCG boundaries, July 2015"),
    Edition("ccg17", "ccg17_ons_buc_2017-04.geojson", "ccg", "ccg17cd", date(2017, 4, 1), date(2018, 3, 31),
            "ONS CCG boundaries, April 2017"),
    Edition("ccg18", "ccg18_openprescribing_2018-04_with_codes.geojson", "ccg", "ods_code", date(2018, 4, 1),
            date(2019, 3, 31), "OpenPrescribing CCG boundaries, April 2018"),
    Edition("ccg19", "ccg19_openprescribing_2019-04.geojson", "ccg", "code", date(2019, 4, 1), date(2020, 3, 31),
            "OpenPrescribing CCG boundaries, April 2019"),
    Edition("ccg20", "ccg20_ons_buc_2020-04.geojson", "ccg", "ccg20cd", date(2020, 4, 1), date(2021, 3, 31),
            "ONS CCG boundaries, April 2020"),
    Edition("ccg21", "ccg21_ons_buc_2021-04.geojson", "ccg", "CCG21CD", date(2021, 4, 1), CCG_ERA_END,
            "ONS CCG boundaries, April 2021"),
    Edition("sicbl22", "sicbl22_ons_buc_2022-07.geojson", "sub-icb-location", "SICBL22NM", ICB_START, None,
            "ONS sub-ICB location boundaries, July 2022"),
    Edition("icb22", "icb22_ons_buc_2022-07.geojson", "icb", "ICB22CD", ICB_START, None,
            "ONS ICB boundaries, July 2022"),
    Edition("nhser20", "nhser20_ons_buc_2020-04.geojson", "region", "nhser20cd", date(2020, 4, 1), date(2021, 3, 31),
            "ONS NHS England region boundaries, April 2020"),
    Edition("nhsrlo15", "nhsrlo15_ons_bsc_2015-04.geojson", "local-office", "nhsrg15cd", date(2015, 4, 1),
            date(2016, 3, 31), "ONS NHS England local office boundaries, April 2015"),
    Edition("lad20", "lad20_ons_buc_uk_2020-12.geojson", "local-authority", "ltla20_code", date(2020, 12, 1), None,
            "ONS local authority district boundaries, December 2020"),
)  # fmt: skip


@dataclass
class Area:
    """One feature resolved to its organisation, with its checked geometry."""

    edition: Edition
    feature: BoundaryFeature
    code: str
    geometry: BaseGeometry
    repair: str | None


def build_boundaries(ctx: BuildContext) -> None:
    ctx.progress("boundaries: one geometry per organisation per edition")
    resolvers = _resolvers(ctx)
    areas: list[Area] = []
    for edition in EDITIONS:
        areas.extend(_read_edition(ctx, edition, resolvers))
    ccg15 = [a for a in areas if a.edition.slug == "ccg15"]
    offices = _local_office_codes(ctx, [a for a in areas if a.edition.kind == "local-office"], ccg15)
    _write(ctx, areas, offices)
    _write_dissolved(ctx, [a for a in areas if a.edition.kind == "ccg"], areas)


def _features(ctx: BuildContext, edition: Edition) -> Iterator[BoundaryFeature]:
    path = ctx.open(edition.path)
    for feature in read_boundaries(path):
        if feature.crs != CRS84:
            raise BadInput(f"boundary file declares {feature.crs}, not lon/lat (CRS84)", path=path)
        yield feature


def _attribute(path: Path, feature: BoundaryFeature, name: str) -> str:
    value = feature.properties.get(name)
    if not isinstance(value, str) or not value.strip():
        raise BadInput(f"feature {feature.feature}: attribute {name!r} is missing or empty", path=path)
    return value.strip()


def _resolvers(ctx: BuildContext) -> dict[str, Callable[[str], str | None]]:
    """How each kind's code attribute becomes the ODS (or ONS, for districts) code its IRI is keyed by."""
    icb_by_ons = {
        link.icb_ons: link.icb_ods for link in read_lsoa_lookup(ctx.open(SICBL_LOOKUP)) if link.icb_ons and link.icb_ods
    }
    region_by_ons = {e.ons_code: e.ods_code for e in read_ons_list(ctx.open(NHSER19), "NHSER") if e.ods_code}

    def ccg(value: str) -> str | None:
        code = ctx.ccg_by_ons.get(value, value)
        return code if code in ctx.ccgs else None

    return {
        "ccg": ccg,
        "sub-icb-location": lambda name: name.rsplit(" - ", 1)[-1] if " - " in name else None,
        "icb": icb_by_ons.get,
        "region": region_by_ons.get,
        "local-office": lambda e39: e39,  # resolved after reading (rule 5)
        "local-authority": lambda code: code if code.startswith("E") else "",
    }


def _read_edition(ctx: BuildContext, edition: Edition, resolvers: dict[str, Callable[[str], str | None]]) -> list[Area]:
    path = ctx.open(edition.path)
    areas = []
    for feature in _features(ctx, edition):
        raw = _attribute(path, feature, edition.code_attribute)
        code = resolvers[edition.kind](raw)
        if code == "":  # a Welsh, Scottish or Northern Irish district in the UK-wide file
            continue
        if code is None:
            raise BadInput(f"feature {feature.feature}: {raw!r} names no known {edition.kind}", path=path)
        geometry = checked(feature.geometry)
        areas.append(Area(edition, feature, code, geometry.geometry, geometry.repair))
    return areas


def _local_office_codes(ctx: BuildContext, offices: list[Area], ccgs: list[Area]) -> dict[str, str]:
    """E39 -> ODS local office code (rule 5)."""
    by_name = {r.name.upper(): r.code for r in read_eauth(ctx.open(EAUTH)) if r.code.startswith("Q")}
    office_of_ccg = {r.code: r.high_level_geography for r in read_eccg(ctx.open(ECCG16)) if r.is_ccg}
    codes: dict[str, str] = {}
    for office in offices:
        name = str(office.feature.properties.get("nhsrg15nm", "")).upper()
        if name in by_name:
            codes[office.code] = by_name[name]
            continue
        votes = Counter(
            office_of_ccg[c.code]
            for c in ccgs
            if office_of_ccg.get(c.code) and office.geometry.contains(c.geometry.representative_point())
        )
        if not votes:
            path = ctx.open(office.edition.path)
            raise BadInput(f"local office {office.code} matches no ODS local office", path=path)
        codes[office.code] = votes.most_common(1)[0][0]
    return codes


def _write(ctx: BuildContext, areas: list[Area], office_codes: dict[str, str]) -> None:
    files = [e.path for e in EDITIONS]
    repaired = ctx.derived(
        "repaired-boundaries",
        "Boundaries made valid (self-intersecting rings repaired)",
        files,
        "Each source geometry failing shapely's validity test (OGC simple-features rules) is made valid with "
        "shapely.make_valid and its polygonal parts kept; ccg:repairNote gives the reason the test reported.",
    )
    measured = ctx.derived(
        "boundary-areas",
        "Areas of the boundaries in square kilometres",
        files,
        "ccg:areaSquareKilometres is the geometry's area on the WGS 84 ellipsoid (pyproj Geod, Karney's "
        "algorithm), rounded to 0.001 km2; geo:hasMetricArea is the same area in square metres.",
    )
    offices = ctx.derived(
        "local-office-boundaries",
        "Which local office each ONS April 2015 boundary draws",
        [FOLDER + "nhsrlo15_ons_bsc_2015-04.geojson", EAUTH, ECCG16],
        "An ONS E39 area is the ODS local office of the same name in ODS eauth; one eauth does not list is the "
        "local office most of its CCGs had in ODS eccg 2016-02 (a CCG counts when the representative point of "
        "its July 2015 boundary lies in the area).",
    )
    for area in areas:
        edition = area.edition
        code = office_codes[area.code] if edition.kind == "local-office" else area.code
        organisation = KIND_IRIS[edition.kind](code)
        geometry = geometry_iri(edition.kind, code, edition.slug)
        out = ctx.graph(edition.path)
        link = offices if edition.kind == "local-office" else out
        link.add(organisation, GEO + "hasGeometry", geometry)
        out.type(geometry, GEO + "Geometry")
        out.label(geometry, RDFS + "label", f"{code}: {edition.title}")
        out.add(geometry, CCG.boundaryEdition, edition.slug)
        out.add(geometry, DCT + "source", ctx.source(edition.path))
        window = _window(ctx, edition, code)
        out.add(geometry, CCG.validDuring, ctx.time.interval(*window))
        wkt = wkt_literal(area.geometry)
        if area.repair is None:
            out.add(geometry, GEO + "asWKT", wkt)
        else:
            repaired.add(geometry, GEO + "asWKT", wkt)
            repaired.add(geometry, CCG.geometryRepaired, True)
            repaired.add(geometry, CCG.repairNote, f"{edition.file} feature {area.feature.feature}: {area.repair}")
        km2 = geodesic_area_km2(area.geometry)
        measured.add(geometry, CCG.areaSquareKilometres, round(km2, 3))
        measured.add(
            geometry,
            GEO + "hasMetricArea",
            ox.Literal(f"{km2 * 1e6:.0f}", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#double")),
        )


def wkt_literal(geometry: BaseGeometry) -> ox.Literal:
    return ox.Literal(to_wkt_literal(geometry), datatype=ox.NamedNode(WKT_LITERAL))


def _window(ctx: BuildContext, edition: Edition, code: str) -> tuple[date | None, date | None]:
    """The edition's period, clipped to the CCG's life (other organisations outlive the data)."""
    if edition.kind != "ccg":
        return edition.start, edition.end
    life = ctx.ccgs[code]
    clipped = life.clip(edition.start, edition.end or CCG_ERA_END)
    if clipped is None:
        raise BadInput(
            f"CCG {code} is drawn in the {edition.slug} edition but was not open between {edition.start} and "
            f"{edition.end}",
            path=ctx.open(edition.path),
        )
    return clipped


def _write_dissolved(ctx: BuildContext, ccg_areas: list[Area], all_areas: list[Area]) -> None:
    """Rule 6: region and local-office outlines dissolved from their CCGs, for the stretches no file draws."""
    drawn = {(a.edition.kind, a.edition.start, a.edition.end) for a in all_areas if a.edition.kind in UNIT_KINDS}
    out = ctx.derived(
        "dissolved-boundaries",
        "Outlines of NHS England regions, area teams and local offices, dissolved from their CCGs",
        [e.path for e in EDITIONS if e.kind == "ccg"] + [FOLDER + "nhser20_ons_buc_2020-04.geojson"],
        "For each CCG boundary edition and each stretch of days over which the CCGs answering to a region, "
        "area team or local office stayed the same (ccg:qualifiedAccountability), the outline is the union (shapely "
        "union_all) of those CCGs' boundaries in that edition; stretches an ONS region (2020) or local office "
        "(2015) boundary file covers are left to it.",
    )
    by_edition: dict[str, list[Area]] = defaultdict(list)
    for area in ccg_areas:
        by_edition[area.edition.slug].append(area)
    for slug, members in by_edition.items():
        edition = members[0].edition
        end = edition.end or CCG_ERA_END
        starts = sorted({edition.start} | {a[3] for a in ctx.accountabilities if edition.start < a[3] <= end})
        shapes = {a.code: a.geometry for a in members}
        for kind in UNIT_KINDS:
            previous: dict[str, tuple[date, frozenset[str]]] = {}
            stretches: list[tuple[str, date, date, frozenset[str]]] = []
            for index, first in enumerate(starts):
                last = starts[index + 1] - timedelta(days=1) if index + 1 < len(starts) else end
                groups = _members_on(ctx, kind, first, shapes)
                for unit, ccgs in groups.items():
                    if unit in previous and previous[unit][1] == ccgs:
                        continue
                    if unit in previous:
                        stretches.append((unit, previous[unit][0], first - timedelta(days=1), previous[unit][1]))
                    previous[unit] = (first, ccgs)
                for unit in [u for u in previous if u not in groups]:
                    stretches.append((unit, previous[unit][0], first - timedelta(days=1), previous.pop(unit)[1]))
            stretches += [(unit, since, end, ccgs) for unit, (since, ccgs) in previous.items()]
            for unit, first, last, ccgs in stretches:
                if any(k == kind and s <= first and (e is None or last <= e) for k, s, e in drawn):
                    continue
                geometry = geometry_iri(kind, unit, f"{slug}-dissolved-{first.isoformat()}")
                outline = polygonal_parts(shapely.union_all([shapes[c] for c in sorted(ccgs)]))
                out.add(KIND_IRIS[kind](unit), GEO + "hasGeometry", geometry)
                out.type(geometry, GEO + "Geometry")
                out.label(geometry, RDFS + "label", f"{unit}: dissolved from its {len(ccgs)} CCGs' {edition.title}")
                out.add(geometry, CCG.boundaryEdition, f"{slug}-dissolved")
                out.add(geometry, CCG.validDuring, ctx.time.interval(first, last))
                out.add(
                    geometry, GEO + "asWKT", ox.Literal(to_wkt_literal(outline), datatype=ox.NamedNode(WKT_LITERAL))
                )
                out.add(geometry, CCG.areaSquareKilometres, round(geodesic_area_km2(outline), 3))
                for code in sorted(ccgs):
                    out.add(geometry, PROV + "wasDerivedFrom", geometry_iri("ccg", code, slug))


UNIT_KINDS = ("region", "area-team", "local-office")


def _members_on(ctx: BuildContext, kind: str, day: date, shapes: dict[str, BaseGeometry]) -> dict[str, frozenset[str]]:
    """Unit ODS code -> the CCGs (drawn in this edition) answering to it on `day`."""
    members: dict[str, set[str]] = defaultdict(set)
    for ccg, unit_kind, unit, first, last in ctx.accountabilities:
        if unit_kind == kind and first <= day <= last and ccg in shapes:
            members[unit].add(ccg)
    return {unit: frozenset(ccgs) for unit, ccgs in members.items()}
