"""The atlas: every boundary in the graph, in memory, behind a spatial index (shapely STRtree).

pyoxigraph runs custom functions row by row, so a SPARQL point-in-polygon query tests every boundary it
reaches. The atlas loads each boundary once per release (one SPARQL query), indexes their bounding boxes
in an STRtree, and answers `locate` by testing only the few polygons whose box holds the point; the maps
draw from it too. `test_every_polygon` is the unindexed way, kept for the benchmark and the tests: every
boundary of the day and kind tested in turn, on plain (unprepared) geometry, as a query without the index does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import shapely
from shapely import STRtree
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from ccg_graph.places.geometry import parse_wkt_literal
from ccg_graph.store.base import Store

#: The kinds `locate` answers (the issue's contract) and their class local names.
LOCATE_KINDS = {
    "ClinicalCommissioningGroup": "CCG",
    "SubICBLocation": "sub-ICB location",
    "IntegratedCareBoard": "ICB",
}
MAP_KINDS = {
    **LOCATE_KINDS,
    "NHSEnglandRegion": "NHS England region",
    "NHSEnglandLocalOffice": "NHS England local office",
    "NHSEnglandAreaTeam": "NHS England area team",
}

BOUNDARIES_QUERY = """
PREFIX ccg: <https://w3id.org/ccg-graph/def#>
PREFIX geo: <http://www.opengis.net/ont/geosparql#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX time: <http://www.w3.org/2006/time#>
SELECT ?organisation ?type ?code ?name ?geometry ?edition ?from ?to ?wkt ?km2 WHERE {
  VALUES ?type { ccg:ClinicalCommissioningGroup ccg:SubICBLocation ccg:IntegratedCareBoard
                 ccg:NHSEnglandRegion ccg:NHSEnglandLocalOffice ccg:NHSEnglandAreaTeam }
  ?organisation a ?type ; geo:hasGeometry ?geometry .
  ?geometry geo:asWKT ?wkt ; ccg:boundaryEdition ?edition ; ccg:validDuring ?period .
  ?period time:hasBeginning/time:inXSDDate ?from .
  OPTIONAL { ?period time:hasEnd/time:inXSDDate ?to }
  OPTIONAL { ?geometry ccg:areaSquareKilometres ?km2 }
  OPTIONAL { ?organisation ccg:odsCode ?code }
  OPTIONAL { ?organisation skos:prefLabel ?name }
}
"""


@dataclass(frozen=True)
class Boundary:
    """One organisation's area in one edition, with the period the edition holds for it."""

    organisation: str
    kind: str  # a value of MAP_KINDS
    code: str
    name: str
    geometry_iri: str
    edition: str
    start: date
    end: date | None
    shape: BaseGeometry
    area_km2: float | None

    def holds_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


class Atlas:
    """All boundaries of one release, with an STRtree over them."""

    def __init__(self, boundaries: Iterable[Boundary]) -> None:
        self.boundaries = sorted(boundaries, key=lambda b: (b.kind, b.code, b.start))
        self._tree = STRtree([b.shape for b in self.boundaries])
        self._plain: list[BaseGeometry] | None = None
        for boundary in self.boundaries:
            shapely.prepare(boundary.shape)  # GEOS indexes the polygon's edges: the exact test on a candidate is fast

    @classmethod
    def from_store(cls, store: Store) -> Atlas:
        result = store.query(BOUNDARIES_QUERY)
        assert result.solutions is not None
        found = []
        for row in result.solutions:
            kind = MAP_KINDS[row["type"].value.rsplit("#", 1)[-1]]
            found.append(
                Boundary(
                    organisation=row["organisation"].value,
                    kind=kind,
                    code=row["code"].value if row["code"] is not None else "",
                    name=row["name"].value if row["name"] is not None else row["organisation"].value,
                    geometry_iri=row["geometry"].value,
                    edition=row["edition"].value,
                    start=date.fromisoformat(row["from"].value),
                    end=date.fromisoformat(row["to"].value) if row["to"] is not None else None,
                    shape=parse_wkt_literal(row["wkt"].value),
                    area_km2=float(row["km2"].value) if row["km2"] is not None else None,
                )
            )
        return cls(found)

    def locate(self, lon: float, lat: float, day: date, kinds: Iterable[str] = LOCATE_KINDS.values()) -> list[Boundary]:
        """The boundaries of `kinds` holding on `day` that contain the point (boundary points count)."""
        wanted = set(kinds)
        point = Point(lon, lat)
        candidates = (self.boundaries[i] for i in self._tree.query(point))  # bounding boxes holding the point
        return sorted(
            (b for b in candidates if b.kind in wanted and b.holds_on(day) and b.shape.intersects(point)),
            key=_locate_order,
        )

    def test_every_polygon(
        self, lon: float, lat: float, day: date, kinds: Iterable[str] = LOCATE_KINDS.values()
    ) -> list[Boundary]:
        """The same answer as `locate`, testing every boundary in turn (no index): the benchmark's anchor."""
        wanted = set(kinds)
        point = Point(lon, lat)
        if self._plain is None:
            self._plain = [shapely.from_wkb(b.shape.wkb) for b in self.boundaries]
        return sorted(
            (
                b
                for b, plain in zip(self.boundaries, self._plain, strict=True)
                if b.kind in wanted and b.holds_on(day) and plain.intersects(point)
            ),
            key=_locate_order,
        )

    def on(self, day: date, kind: str) -> list[Boundary]:
        """Every boundary of `kind` holding on `day`."""
        return [b for b in self.boundaries if b.kind == kind and b.holds_on(day)]

    def of(self, organisation: str) -> list[Boundary]:
        return [b for b in self.boundaries if b.organisation == organisation]

    def touching(self, shape: BaseGeometry, day: date, kind: str) -> list[Boundary]:
        """Boundaries of `kind` holding on `day` that touch or overlap `shape` (neighbours)."""
        return [
            b
            for b in (self.boundaries[i] for i in self._tree.query(shape, predicate="intersects"))
            if b.kind == kind and b.holds_on(day)
        ]


def _locate_order(boundary: Boundary) -> tuple[int, str]:
    order = list(LOCATE_KINDS.values())
    return (order.index(boundary.kind) if boundary.kind in order else len(order), boundary.code)
