"""What the web routes need from places, per release: the atlas, the search index, and the maps they draw.

The atlas and the index are made once per store fingerprint (`api.representations.per_build`), so a write
that publishes a new release gets a new atlas and, on first use, its own search index.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from ccg_graph.places.atlas import LOCATE_KINDS, Atlas, Boundary
from ccg_graph.places.maps import NO_DATA, Area, LegendEntry, colour_by, svg_map
from ccg_graph.places.search import SearchIndex, build_index, ensure_index
from ccg_graph.store import Store

CCG_KIND = LOCATE_KINDS["ClinicalCommissioningGroup"]
SICBL_KIND = LOCATE_KINDS["SubICBLocation"]
ICB_KIND = LOCATE_KINDS["IntegratedCareBoard"]
ICB_START = date(2022, 7, 1)
LAYERS = ("ccg", "icb")
COLOURINGS = ("region", "ended")


def store_location(store: Store) -> Path | None:
    """The directory of the store generation being served, when the store is on this machine."""
    return store.local_directory()


def search_index(store: Store) -> SearchIndex:
    """The index of the served release: beside the store on disk, else built into a temporary file."""
    location = store_location(store)
    if location is not None:
        return ensure_index(location)
    target = Path(tempfile.mkdtemp(prefix="ccg-graph-search-")) / "index.sqlite"
    build_index(store, target)
    return SearchIndex(target)


def layer_kind(day: date, layer: str) -> str:
    """Which kind of area a map of `day` shows: CCGs to 30 June 2022, then sub-ICB locations (or ICBs)."""
    if layer == "icb":
        return ICB_KIND
    return CCG_KIND if day < ICB_START else SICBL_KIND


_REGIONS = """
PREFIX ccg: <https://w3id.org/ccg-graph/def#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX time: <http://www.w3.org/2006/time#>
SELECT ?ccg ?name WHERE {
  ?a a ccg:Accountability ; ccg:accountableOrganisation ?ccg ; ccg:accountableToBody ?region ; ccg:validDuring ?i .
  ?region a ccg:NHSEnglandRegion ; skos:prefLabel ?name .
  ?i time:hasBeginning/time:inXSDDate ?from ; time:hasEnd/time:inXSDDate ?to .
  FILTER (?from <= ?day && ?to >= ?day)
}
"""


def regions_on(store: Store, day: date) -> dict[str, str]:
    """CCG IRI -> the name of the NHS England region it answered to on `day`."""
    import pyoxigraph as ox

    term = ox.Literal(day.isoformat(), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date"))
    result = store.query(_REGIONS, bindings={"day": term})
    assert result.solutions is not None
    return {row["ccg"].value: row["name"].value for row in result.solutions}


@dataclass(frozen=True)
class CountryMap:
    svg: str
    areas: int
    kind: str
    legend: list[LegendEntry]


def country_map(
    atlas: Atlas,
    index: SearchIndex,
    regions: dict[str, str],
    day: date,
    colour: str,
    layer: str,
    url_of: Callable[[str], str],
) -> CountryMap:
    """England on `day`: one linked area per organisation of the layer, coloured by region or by end year."""
    kind = layer_kind(day, layer)
    boundaries = atlas.on(day, kind)

    def ended(boundary: Boundary) -> str | None:
        organisation = index.organisation(boundary.organisation)
        if organisation is None:
            return None
        return str(organisation.closed.year) if organisation.closed else "still open"

    def region(boundary: Boundary) -> str | None:
        return regions.get(boundary.organisation)

    group_of = ended if colour == "ended" else region
    colours, legend = colour_by(boundaries, group_of)
    areas = [Area(b, url_of(b.organisation), colours.get(group_of(b) or "", NO_DATA)) for b in boundaries]
    title = f"{len(areas)} {kind} areas on {day.isoformat()}, coloured by " + (
        "the year each ended" if colour == "ended" else "NHS England region"
    )
    return CountryMap(svg_map(areas, title, legend), len(areas), kind, legend)


_LINEAGE = """
PREFIX ccg: <https://w3id.org/ccg-graph/def#>
SELECT ?before ?after WHERE {
  { ?before ccg:successor ?this } UNION { ?this ccg:successor ?after }
}
"""


def predecessors_and_successors(store: Store, iri: str) -> tuple[list[str], list[str]]:
    """The organisations a CCG succeeded and those that succeeded it (ccg:successor both ways)."""
    import pyoxigraph as ox

    result = store.query(_LINEAGE, bindings={"this": ox.NamedNode(iri)})
    assert result.solutions is not None
    before, after = [], []
    for row in result.solutions:
        if row["before"] is not None:
            before.append(row["before"].value)
        if row["after"] is not None:
            after.append(row["after"].value)
    return sorted(before), sorted(after)


@dataclass(frozen=True)
class CcgMaps:
    """The maps of one CCG page: its area with its neighbours, its predecessors, its successor."""

    day: date
    area: str
    predecessors: str | None
    successor: str | None


def ccg_maps(
    atlas: Atlas,
    iri: str,
    opened: date | None,
    closed: date | None,
    as_of: date | None,
    predecessors: list[str],
    successors: list[str],
    url_of: Callable[[str], str],
) -> CcgMaps | None:
    """The CCG on `as_of` (or its last day) among its neighbours, and the areas before and after it."""
    own = atlas.of(iri)
    if not own:
        return None
    last = closed or own[-1].end or own[-1].start
    day = as_of if as_of and opened and opened <= as_of <= last else last
    current = [b for b in own if b.holds_on(day)] or own[-1:]
    shown_on = day if current[0].holds_on(day) else current[0].start
    neighbours = [b for b in atlas.touching(current[0].shape, shown_on, CCG_KIND) if b.organisation != iri]
    areas = [Area(b, url_of(b.organisation), "#d9e7f5", "neighbour") for b in neighbours]
    areas.append(Area(current[0], url_of(iri), "#fde0dd", "this CCG", highlight=True))
    area_svg = svg_map(areas, f"{current[0].name} and its neighbours on {day.isoformat()}")
    before = None
    if predecessors and opened:
        earlier = opened - timedelta(days=1)
        drawn = [b for p in predecessors for b in atlas.of(p) if b.holds_on(earlier)]
        if drawn:
            before = svg_map(
                [Area(b, url_of(b.organisation), "#fdd49e", "predecessor") for b in drawn],
                f"Its predecessors on {earlier.isoformat()}",
            )
    after = None
    if successors and closed:
        later = closed + timedelta(days=1)
        drawn = [b for s in successors for b in atlas.of(s) if b.holds_on(later)]
        if drawn:
            after = svg_map(
                [Area(b, url_of(b.organisation), "#c7e9c0", "successor") for b in drawn],
                f"Its successor on {later.isoformat()}",
            )
    return CcgMaps(day, area_svg, before, after)
