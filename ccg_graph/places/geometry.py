"""Geometry values shared by the build, the spatial functions, `locate` and the maps.

Every geometry in the graph is a GeoSPARQL ``geo:wktLiteral`` in CRS84 (longitude, latitude on WGS 84),
written from the source's own coordinates at the source's precision (7 decimals at most): nothing is
simplified. Areas are computed on the WGS 84 ellipsoid with pyproj's `Geod` (Karney's geodesic algorithm),
so they do not depend on a projection; the ONS files' own ``st_areashape`` (measured in British National
Grid) agree to well under 1 %.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import shapely
import shapely.ops
from pyproj import Geod
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity, make_valid

GEO = "http://www.opengis.net/ont/geosparql#"
GEOF = "http://www.opengis.net/def/function/geosparql/"
WKT_LITERAL = GEO + "wktLiteral"
CRS84_IRI = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
UOM = "http://www.opengis.net/def/uom/OGC/1.0/"
_WGS84 = Geod(ellps="WGS84")


@dataclass(frozen=True)
class CheckedGeometry:
    """A polygonal geometry after the validity test; `repair` says what was wrong when it had to be made valid."""

    geometry: BaseGeometry
    repair: str | None


def polygonal_parts(geometry: BaseGeometry) -> BaseGeometry:
    """The polygons of a geometry (make_valid can return lines or points beside them) as one (Multi)Polygon."""
    if isinstance(geometry, Polygon | MultiPolygon):
        return geometry
    polygons: list[Polygon] = []
    for part in getattr(geometry, "geoms", []):
        part = polygonal_parts(part)
        if isinstance(part, Polygon):
            polygons.append(part)
        elif isinstance(part, MultiPolygon):
            polygons.extend(part.geoms)
    return MultiPolygon(polygons)


def checked(geojson: Mapping[str, Any]) -> CheckedGeometry:
    """The geometry of a GeoJSON object, tested for validity and repaired (shapely `make_valid`) if it fails."""
    geometry = shape(dict(geojson))
    if geometry.is_valid:
        return CheckedGeometry(geometry, None)
    reason = explain_validity(geometry)
    return CheckedGeometry(polygonal_parts(make_valid(geometry)), reason)


def to_wkt_literal(geometry: BaseGeometry) -> str:
    """The lexical form of a CRS84 ``geo:wktLiteral`` (the CRS IRI first, as GeoSPARQL 1.1 writes it)."""
    return f"<{CRS84_IRI}> {shapely.to_wkt(geometry, rounding_precision=7, trim=True)}"


def geodesic_area_km2(geometry: BaseGeometry) -> float:
    """Area on the WGS 84 ellipsoid, in square kilometres."""
    area, _perimeter = _WGS84.geometry_area_perimeter(geometry)
    return abs(area) / 1e6


def geodesic_distance_m(a: BaseGeometry, b: BaseGeometry) -> float:
    """The geodesic distance between the nearest points of two geometries, in metres (0 if they touch)."""
    if a.intersects(b):
        return 0.0
    near_a, near_b = shapely.ops.nearest_points(a, b)
    _fwd, _back, metres = _WGS84.inv(near_a.x, near_a.y, near_b.x, near_b.y)
    return float(metres)


def parse_wkt_literal(text: str) -> BaseGeometry:
    """A geometry from the lexical form of a ``geo:wktLiteral`` (CRS84; an explicit CRS other than it is refused)."""
    return _parse(text)


@lru_cache(maxsize=2048)  # a query compares the same few boundaries with many others, row after row
def _parse(text: str) -> BaseGeometry:
    body = text.strip()
    if body.startswith("<"):
        iri, _, body = body[1:].partition(">")
        if iri != CRS84_IRI:  # EPSG:4326 would mean latitude first: refused rather than misread
            raise ValueError(f"unsupported coordinate reference system {iri}")
    return shapely.from_wkt(body.strip())
