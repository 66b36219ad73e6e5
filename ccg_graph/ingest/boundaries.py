"""Boundary layers (``ons-boundaries/*.geojson``): one record per GeoJSON feature, in file order.

A GeoJSON file is one JSON document, so there is no physical line per record: each record carries its
1-based position in the ``features`` array (``feature``), which is how an error names it. The reader checks
the shape the build relies on (a ``FeatureCollection`` of ``Feature``s whose geometry is a ``Polygon`` or
``MultiPolygon`` of numeric positions) and reports the coordinate system the file declares: ``CRS84``
when it declares none (RFC 7946) or a lon/lat one, else the name it gives (``EPSG:27700`` for the British
National Grid original of the sub-ICB locations), so a caller can refuse a file that is not lon/lat.
Geometry validity (self-intersecting rings) is not judged here: that is the build's test, with shapely.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ccg_graph.core.errors import BadInput, MalformedRow
from ccg_graph.ingest._common import open_source

#: Names a GeoJSON ``crs`` member may use for WGS 84 longitude/latitude (the only order RFC 7946 allows).
LON_LAT_CRS_NAMES = frozenset({"urn:ogc:def:crs:OGC:1.3:CRS84", "EPSG:4326", "urn:ogc:def:crs:EPSG::4326"})
CRS84 = "CRS84"
POLYGONAL = ("Polygon", "MultiPolygon")


@dataclass(frozen=True, slots=True)
class BoundaryFeature:
    """One area of a boundary layer: its attributes and its geometry as GeoJSON (lon/lat unless `crs` says)."""

    feature: int  # 1-based position in the file's ``features`` array
    properties: Mapping[str, Any]
    geometry: Mapping[str, Any]
    crs: str


def declared_crs(document: Mapping[str, Any]) -> str:
    """``CRS84`` for lon/lat (or no ``crs`` member), else the declared name."""
    crs = document.get("crs")
    if crs is None:
        return CRS84
    name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
    if not isinstance(name, str):
        return repr(crs)
    return CRS84 if name in LON_LAT_CRS_NAMES else name


def _positions_ok(rings: Any, depth: int) -> bool:
    """Whether `rings` nests lists `depth` deep down to [x, y] pairs of numbers."""
    if depth == 0:
        return (
            isinstance(rings, list)
            and len(rings) >= 2
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in rings)
        )
    return isinstance(rings, list) and bool(rings) and all(_positions_ok(r, depth - 1) for r in rings)


def read_boundaries(path: Path) -> Iterator[BoundaryFeature]:
    """Every feature of a GeoJSON boundary file, in file order."""
    with open_source(path) as handle:
        try:
            document = json.load(handle)
        except json.JSONDecodeError as err:
            raise BadInput(f"not JSON: {err.msg}", path=path, line=err.lineno, column=err.colno) from None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise BadInput("not a GeoJSON FeatureCollection", path=path)
    features = document.get("features")
    if not isinstance(features, list):
        raise BadInput("the FeatureCollection has no features array", path=path)
    crs = declared_crs(document)
    return _features(path, features, crs)


def _features(path: Path, features: list[Any], crs: str) -> Iterator[BoundaryFeature]:
    for number, feature in enumerate(features, start=1):
        where = f"feature {number}"
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            raise MalformedRow(f"{where} is not a GeoJSON Feature", path=path)
        geometry = feature.get("geometry")
        if not isinstance(geometry, dict) or geometry.get("type") not in POLYGONAL:
            raise MalformedRow(f"{where}: geometry is not a Polygon or MultiPolygon", path=path)
        depth = 2 if geometry["type"] == "Polygon" else 3
        if not _positions_ok(geometry.get("coordinates"), depth):
            raise MalformedRow(f"{where}: {geometry['type']} coordinates are not nested number pairs", path=path)
        properties = feature.get("properties") or {}
        if not isinstance(properties, dict):
            raise MalformedRow(f"{where}: properties is not an object", path=path)
        yield BoundaryFeature(number, properties, geometry, crs)
