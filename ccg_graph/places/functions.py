"""Extension functions for SPARQL on the embedded store: the GeoSPARQL 1.1 functions the queries need.

pyoxigraph evaluates custom functions row by row, in Python, so these are meant for filtering a few hundred
boundaries already narrowed by date or kind; a point query over every boundary belongs in `places.atlas`,
which puts an STRtree in front of SPARQL. A function given something that is not a ``geo:wktLiteral`` (or a
unit it does not know) returns no value, which SPARQL treats as an error: the row is filtered out or the
variable left unbound, as the GeoSPARQL specification says.
"""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox
from shapely.geometry.base import BaseGeometry

from ccg_graph.places.geometry import (
    GEOF,
    UOM,
    WKT_LITERAL,
    geodesic_area_km2,
    geodesic_distance_m,
    parse_wkt_literal,
)

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
XSD = "http://www.w3.org/2001/XMLSchema#"
_TRUE = ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))
_FALSE = ox.Literal("false", datatype=ox.NamedNode(XSD + "boolean"))
#: Length units (metres per unit) and area units (square metres per unit), by their OGC IRIs.
LENGTH_UNITS = {UOM + "metre": 1.0, UOM + "kilometre": 1000.0}
AREA_UNITS = {UOM + "squareMetre": 1.0, UOM + "squareKilometre": 1e6}


def _geometry(term: Term) -> BaseGeometry | None:
    if not isinstance(term, ox.Literal) or term.datatype.value != WKT_LITERAL:
        return None
    try:
        return parse_wkt_literal(term.value)
    except Exception:
        return None


def _boolean(value: bool) -> ox.Literal:
    return _TRUE if value else _FALSE


def _double(value: float) -> ox.Literal:
    return ox.Literal(repr(float(value)), datatype=ox.NamedNode(XSD + "double"))


def _relation(test: Callable[[BaseGeometry, BaseGeometry], bool]) -> Callable[[Term, Term], ox.Literal | None]:
    def function(a: Term, b: Term) -> ox.Literal | None:
        first, second = _geometry(a), _geometry(b)
        if first is None or second is None:
            return None
        return _boolean(test(first, second))

    return function


def _unit(term: Term | None, units: dict[str, float], default: str) -> float | None:
    if term is None:
        return units[default]
    return units.get(term.value) if isinstance(term, ox.NamedNode) else None


def area(geometry: Term, unit: Term | None = None) -> ox.Literal | None:
    """geof:area(geom [, unit]): geodesic area, in square metres unless an OGC area unit is given."""
    shape, factor = _geometry(geometry), _unit(unit, AREA_UNITS, UOM + "squareMetre")
    if shape is None or factor is None:
        return None
    return _double(geodesic_area_km2(shape) * 1e6 / factor)


def distance(a: Term, b: Term, unit: Term | None = None) -> ox.Literal | None:
    """geof:distance(a, b [, unit]): geodesic distance between the nearest points, in metres by default."""
    first, second, factor = _geometry(a), _geometry(b), _unit(unit, LENGTH_UNITS, UOM + "metre")
    if first is None or second is None or factor is None:
        return None
    return _double(geodesic_distance_m(first, second) / factor)


GEOSPARQL_FUNCTIONS: dict[str, Callable[..., ox.Literal | None]] = {
    "sfContains": _relation(lambda a, b: bool(a.contains(b))),
    "sfIntersects": _relation(lambda a, b: bool(a.intersects(b))),
    "sfWithin": _relation(lambda a, b: bool(a.within(b))),
    "sfTouches": _relation(lambda a, b: bool(a.touches(b))),
    "sfOverlaps": _relation(lambda a, b: bool(a.overlaps(b))),
    "sfDisjoint": _relation(lambda a, b: bool(a.disjoint(b))),
    "area": area,
    "distance": distance,
}


def geosparql_functions() -> dict[ox.NamedNode, Callable[..., ox.Literal | None]]:
    """The GeoSPARQL functions keyed by their ``geof:`` IRIs, as `pyoxigraph.Store.query` takes them."""
    return {ox.NamedNode(GEOF + name): function for name, function in GEOSPARQL_FUNCTIONS.items()}
