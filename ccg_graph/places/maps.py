"""Maps drawn from the atlas: self-contained SVG (no tiles, no scripts) and GeoJSON for apps.

The SVG uses an equirectangular projection scaled by the cosine of the map's middle latitude, which keeps
England's shapes true to within a few per cent, and outlines simplified for drawing only (to a quarter of a
pixel at the map's scale, keeping topology per area, as the caption says); the GeoJSON carries the
geometry exactly as the graph holds it. Every area is a link to its organisation's page.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from shapely.geometry import MultiPolygon, Polygon, mapping
from shapely.geometry.base import BaseGeometry

from ccg_graph.places.atlas import Boundary

#: Colours that stay apart for the colour-blind (Okabe-Ito, then Tol's muted scheme).
PALETTE = (
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
    "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255", "#AA4499",
)  # fmt: skip
NO_DATA = "#dddddd"


@dataclass(frozen=True)
class Area:
    """One area to draw: its boundary, where it links to, its fill and what its tooltip says."""

    boundary: Boundary
    url: str
    fill: str
    note: str = ""
    highlight: bool = False


@dataclass(frozen=True)
class LegendEntry:
    colour: str
    label: str


class Projection:
    """lon/lat -> SVG pixels for the bounding box of some shapes, `width` pixels wide."""

    def __init__(self, shapes: Iterable[BaseGeometry], width: float = 640.0, margin: float = 6.0) -> None:
        boxes = [s.bounds for s in shapes]
        self.west = min(b[0] for b in boxes)
        self.south = min(b[1] for b in boxes)
        self.east = max(b[2] for b in boxes)
        self.north = max(b[3] for b in boxes)
        self.kx = math.cos(math.radians((self.south + self.north) / 2))
        span = max((self.east - self.west) * self.kx, 1e-9)
        self.scale = (width - 2 * margin) / span
        self.margin = margin
        self.width = width
        self.height = (self.north - self.south) * self.scale + 2 * margin

    @property
    def degrees_per_pixel(self) -> float:
        return 1.0 / self.scale

    def point(self, lon: float, lat: float) -> tuple[float, float]:
        return (
            self.margin + (lon - self.west) * self.kx * self.scale,
            self.margin + (self.north - lat) * self.scale,
        )

    def path(self, shape: BaseGeometry) -> str:
        polygons = shape.geoms if isinstance(shape, MultiPolygon) else [shape] if isinstance(shape, Polygon) else []
        parts = []
        for polygon in polygons:
            for ring in (polygon.exterior, *polygon.interiors):
                points = [self.point(x, y) for x, y in ring.coords]
                if len(points) < 3:
                    continue
                parts.append("M" + " ".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z")
        return "".join(parts)


def svg_map(areas: Sequence[Area], title: str, legend: Sequence[LegendEntry] = (), width: float = 640.0) -> str:
    """An SVG map of `areas`, each a link with a tooltip, with a legend below."""
    if not areas:
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width:.0f} 40">'
            f'<title>{escape(title)}</title><text x="8" y="24" font-size="14">No boundaries for this date.</text></svg>'
        )
    projection = Projection((a.boundary.shape for a in areas), width)
    tolerance = projection.degrees_per_pixel / 4
    legend_height = 22 * math.ceil(len(legend) / 3) + (8 if legend else 0)
    height = projection.height + legend_height
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="map-title" class="map" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="100%" preserveAspectRatio="xMidYMin meet">',
        f'<title id="map-title">{escape(title)}</title>',
    ]
    for area in sorted(areas, key=lambda a: a.highlight):  # the highlighted area last, so its border is on top
        boundary = area.boundary
        shape = boundary.shape.simplify(tolerance, preserve_topology=True)
        tip = f"{boundary.name} ({boundary.code}), {boundary.kind}, {boundary.edition} edition"
        if area.note:
            tip += f": {area.note}"
        stroke = ' stroke="#c00" stroke-width="2.5"' if area.highlight else ' stroke="#fff" stroke-width="0.5"'
        out.append(
            f'<a href="{escape(area.url)}" class="area" data-code="{escape(boundary.code)}">'
            f'<path d="{projection.path(shape)}" fill="{area.fill}"{stroke} fill-rule="evenodd">'
            f"<title>{escape(tip)}</title></path></a>"
        )
    top = projection.height + 8
    for index, entry in enumerate(legend):
        x, y = 8 + (index % 3) * (width - 16) / 3, top + 22 * (index // 3)
        out.append(
            f'<rect x="{x:.0f}" y="{y:.0f}" width="14" height="14" fill="{entry.colour}" stroke="#555" '
            f'stroke-width="0.5"/><text x="{x + 20:.0f}" y="{y + 12:.0f}" font-size="12">{escape(entry.label)}</text>'
        )
    out.append("</svg>")
    return "".join(out)


def colour_by(
    boundaries: Sequence[Boundary], group_of: Callable[[Boundary], str | None], order: Sequence[str] | None = None
) -> tuple[dict[str, str], list[LegendEntry]]:
    """A colour per group (in `order`, else sorted) and the legend; boundaries with no group are grey."""
    groups = list(order) if order is not None else sorted({g for b in boundaries if (g := group_of(b))})
    colours = {group: PALETTE[i % len(PALETTE)] for i, group in enumerate(groups)}
    legend = [LegendEntry(colours[g], g) for g in groups]
    if any(group_of(b) is None for b in boundaries):
        legend.append(LegendEntry(NO_DATA, "not known"))
    return colours, legend


def geojson(boundaries: Iterable[Boundary], url_of: Callable[[str], str]) -> bytes:
    """A GeoJSON FeatureCollection (RFC 7946, lon/lat), one feature per boundary, geometry unsimplified."""
    features = [
        {
            "type": "Feature",
            "id": b.geometry_iri,
            "properties": {
                "organisation": b.organisation,
                "url": url_of(b.organisation),
                "code": b.code,
                "name": b.name,
                "kind": b.kind,
                "edition": b.edition,
                "validFrom": b.start.isoformat(),
                "validTo": b.end.isoformat() if b.end else None,
                "areaKm2": b.area_km2,
            },
            "geometry": mapping(b.shape),
        }
        for b in boundaries
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":")).encode()


def merger_years(closed: dict[str, date | None], boundaries: Sequence[Boundary]) -> dict[str, str]:
    """Organisation IRI -> the year it ended ("open" for one that lasted to the end of the CCG era)."""
    out = {}
    for boundary in boundaries:
        end = closed.get(boundary.organisation)
        out[boundary.organisation] = str(end.year) if end and end < date(2022, 6, 30) else "to 2022"
    return out
