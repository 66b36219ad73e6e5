"""Places: ``/locate`` (who covered a point on a date), ``/search/suggest`` (completion), ``/map`` and
``/map.geojson`` (England on any date). See docs/places.md."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from markupsafe import Markup
from pydantic import BaseModel

from ccg_graph.api.caching import conditional_response
from ccg_graph.api.deps import StoreDep
from ccg_graph.api.representations import html_response, per_build, public_base
from ccg_graph.linked_data.iris import local_url
from ccg_graph.places.atlas import Atlas, Boundary
from ccg_graph.places.maps import geojson
from ccg_graph.places.search import SearchIndex
from ccg_graph.places.service import (
    CcgMaps,
    ccg_maps,
    country_map,
    layer_kind,
    predecessors_and_successors,
    regions_on,
    search_index,
)
from ccg_graph.store import Store

router = APIRouter(tags=["places"])
GEOJSON = "application/geo+json"
CCG_ERA_START = date(2013, 4, 1)

AsOf = Annotated[date | None, Query(description="The day (YYYY-MM-DD); today if omitted")]
Layer = Annotated[Literal["ccg", "icb"], Query(description="ccg: CCGs, or sub-ICB locations from July 2022; icb")]


def atlas_of(request: Request, store: Store) -> Atlas:
    """The boundaries of the served release, loaded once per release."""
    return per_build(request, store, "places-atlas", lambda: Atlas.from_store(store))


def index_of(request: Request, store: Store) -> SearchIndex:
    """The search index of the served release."""
    return per_build(request, store, "places-search-index", lambda: search_index(store))


def ccg_page_maps(
    request: Request, store: Store, iri: str, opened: date | None, closed: date | None, as_of: date | None
) -> CcgMaps | None:
    """The maps of a CCG's page (its area and neighbours, predecessors, successor), as SVG markup."""
    before, after = predecessors_and_successors(store, iri)
    base = public_base(request)
    maps = ccg_maps(atlas_of(request, store), iri, opened, closed, as_of, before, after, lambda i: local_url(i, base))
    if maps is None:
        return None
    return CcgMaps(
        maps.day,
        Markup(maps.area),
        Markup(maps.predecessors) if maps.predecessors else None,
        Markup(maps.successor) if maps.successor else None,
    )


class Located(BaseModel):
    """One organisation whose boundary contains the point on the day."""

    organisation: str
    url: str
    code: str
    name: str
    kind: str
    edition: str
    geometry: str


class LocateAnswer(BaseModel):
    lat: float
    lon: float
    as_of: date
    results: list[Located]


@router.get(
    "/locate", summary="Which CCG, sub-ICB location or ICB covered a point on a date", response_model=LocateAnswer
)
def locate(
    request: Request,
    store: StoreDep,
    lat: Annotated[float, Query(ge=-90, le=90, description="Latitude, WGS 84")],
    lon: Annotated[float, Query(ge=-180, le=180, description="Longitude, WGS 84")],
    as_of: AsOf = None,
) -> Response:
    day = as_of or date.today()
    base = public_base(request)

    def make() -> Response:
        found = atlas_of(request, store).locate(lon, lat, day)
        results = [
            Located(
                organisation=b.organisation,
                url=local_url(b.organisation, base),
                code=b.code,
                name=b.name,
                kind=b.kind,
                edition=b.edition,
                geometry=b.geometry_iri,
            )
            for b in found
        ]
        return JSONResponse(LocateAnswer(lat=lat, lon=lon, as_of=day, results=results).model_dump(mode="json"))

    return conditional_response(request, store, ("locate", str(lat), str(lon), day.isoformat()), make)


class Suggestion(BaseModel):
    id: str
    url: str
    name: str
    code: str
    type: str
    matched: str
    matchedAs: str


@router.get("/search/suggest", summary="Completions for the search box (every word so far, the last as a prefix)")
def suggest(
    request: Request,
    store: StoreDep,
    q: Annotated[str, Query(max_length=200, description="What has been typed")] = "",
    as_of: AsOf = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> list[Suggestion]:
    base = public_base(request)
    hits = index_of(request, store).suggest(q, as_of, limit)
    return [
        Suggestion(
            id=h.organisation.iri,
            url=local_url(h.organisation.iri, base),
            name=h.organisation.name,
            code=h.organisation.code,
            type=h.organisation.kind,
            matched=h.matched,
            matchedAs=h.matched_as,
        )
        for h in hits
    ]


def _boundaries_for(request: Request, store: Store, day: date, layer: str) -> list[Boundary]:
    return atlas_of(request, store).on(day, layer_kind(day, layer)) if day >= CCG_ERA_START else []


def _geojson_response(request: Request, store: Store, day: date, layer: str) -> Response:
    base = public_base(request)

    def make() -> Response:
        body = geojson(_boundaries_for(request, store, day, layer), lambda iri: local_url(iri, base))
        return Response(body, media_type=GEOJSON)

    return conditional_response(request, store, ("map.geojson", day.isoformat(), layer), make)


@router.get(
    "/map.geojson",
    summary="The areas open on a date as GeoJSON (CCGs; sub-ICB locations from July 2022; layer=icb for ICBs)",
    responses={200: {"content": {GEOJSON: {}}}},
)
def map_geojson(request: Request, store: StoreDep, as_of: AsOf = None, layer: Layer = "ccg") -> Response:
    return _geojson_response(request, store, as_of or date.today(), layer)


@router.get(
    "/map",
    summary="England on a date: every area a link, coloured by region or by the year it ended",
    responses={200: {"content": {"text/html": {}, GEOJSON: {}}}},
)
def country(
    request: Request,
    store: StoreDep,
    as_of: AsOf = None,
    colour: Annotated[
        Literal["region", "ended"], Query(description="region, or ended: the year each ended")
    ] = "region",
    layer: Layer = "ccg",
) -> Response:
    day = as_of or date.today()
    if GEOJSON in (request.headers.get("accept") or ""):
        return _geojson_response(request, store, day, layer)
    base = public_base(request)

    def make() -> Response:
        atlas = atlas_of(request, store) if day >= CCG_ERA_START else Atlas([])
        regions = per_build(request, store, f"places-regions-{day.isoformat()}", lambda: regions_on(store, day))
        drawn = country_map(
            atlas, index_of(request, store), regions, day, colour, layer, lambda iri: local_url(iri, base)
        )
        return html_response(
            request,
            "map.html",
            title=f"Map of {day.isoformat()}",
            as_of=day,
            colour=colour,
            layer=layer,
            drawn=drawn,
            map_svg=Markup(drawn.svg),
        )

    return conditional_response(request, store, ("map", day.isoformat(), colour, layer), make)
