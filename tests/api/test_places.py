"""Places over HTTP on a real server: /map, /map.geojson, /locate, /search and /search/suggest, CCG page maps."""

from __future__ import annotations

import re

import httpx
import pytest

ID = "https://w3id.org/ccg-graph/id/"
GEOJSON = "application/geo+json"


def get(server_url: str, path: str, **kwargs: object) -> httpx.Response:
    return httpx.get(f"{server_url}{path}", timeout=60, **kwargs)  # type: ignore[arg-type]


def saved(server_url: str, name: str, **params: str) -> list[dict[str, str]]:
    body = get(server_url, f"/queries/{name}", params=params, headers={"accept": "application/sparql-results+json"})
    assert body.status_code == 200, body.text
    return [{k: v["value"] for k, v in b.items()} for b in body.json()["results"]["bindings"]]


@pytest.mark.parametrize(("day", "areas"), [("2015-07-01", 209), ("2021-06-01", 106)])
def test_map_draws_every_ccg_open_that_day_each_a_link(server_url: str, day: str, areas: int) -> None:
    page = get(server_url, "/map", params={"as_of": day})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    links = re.findall(r'<a href="(/id/ccg/[A-Z0-9]+)" class="area"', page.text)
    assert len(links) == len(set(links)) == areas
    listed = saved(server_url, "ccgs-open-on", as_of=day)
    open_then = {row["ccg"].removeprefix(ID) for row in listed}
    assert {link.removeprefix("/id/") for link in links} == open_then
    assert 'type="date"' in page.text and "<caption>Legend</caption>" in page.text
    assert "<script" not in page.text and "http://" not in page.text.split("<svg", 1)[1].split("</svg>")[0].replace(
        "http://www.w3.org/2000/svg", ""
    ), "self-contained: no scripts, nothing fetched from elsewhere"
    ended = get(server_url, "/map", params={"as_of": day, "colour": "ended"})
    legend = ended.text.split("<caption>Legend</caption>")[1].split("</table>")[0]
    assert ended.status_code == 200
    assert set(re.findall(r"<td>(\d{4})</td>", legend)) == {row["closed"][:4] for row in listed}


@pytest.mark.parametrize(
    ("day", "layer", "kind", "count"),
    [
        ("2016-06-01", "ccg", "CCG", None),
        ("2022-08-01", "ccg", "sub-ICB location", 106),
        ("2022-08-01", "icb", "ICB", 42),
    ],
)
def test_geojson_has_one_feature_per_organisation_open_that_day(
    server_url: str, day: str, layer: str, kind: str, count: int | None
) -> None:
    answer = get(server_url, "/map.geojson", params={"as_of": day, "layer": layer})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith(GEOJSON)
    features = answer.json()["features"]
    organisations = [f["properties"]["organisation"] for f in features]
    assert len(organisations) == len(set(organisations))
    assert {f["properties"]["kind"] for f in features} == {kind}
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in features)
    if count is None:
        count = len(saved(server_url, "ccgs-open-on", as_of=day))
    assert len(features) == count
    negotiated = get(server_url, "/map", params={"as_of": day, "layer": layer}, headers={"accept": GEOJSON})
    assert negotiated.headers["content-type"].startswith(GEOJSON) and negotiated.json() == answer.json()


def test_geojson_before_the_ccgs_is_empty_and_bad_dates_are_422(server_url: str) -> None:
    assert get(server_url, "/map.geojson", params={"as_of": "2012-01-01"}).json()["features"] == []
    assert get(server_url, "/map", params={"as_of": "2012-01-01"}).status_code == 200
    for params in ({"as_of": "not-a-date"}, {"layer": "pct"}, {"colour": "rainbow"}):
        answer = get(server_url, "/map", params=params)
        assert answer.status_code == 422 and answer.json()["message"]


@pytest.mark.parametrize("day", ["2016-06-01", "2021-06-01", "2022-08-01"])
def test_locate_answers_as_the_saved_query_does(server_url: str, day: str) -> None:
    corby = {"lat": "52.4888", "lon": "-0.7013", "as_of": day}
    answer = get(server_url, "/locate", params=corby)
    assert answer.status_code == 200
    body = answer.json()
    assert body["as_of"] == day and body["results"]
    fast = sorted((r["organisation"], r["kind"], r["edition"]) for r in body["results"])
    slow = sorted((r["organisation"], r["kind"], r["edition"]) for r in saved(server_url, "locate", **corby))
    assert fast == slow
    expected = {"2016-06-01": "ccg/03V", "2021-06-01": "ccg/78H", "2022-08-01": "sub-icb-location/78H"}[day]
    assert ID + expected in {r["organisation"] for r in body["results"]}


def test_locate_refuses_bad_coordinates_and_finds_nothing_at_sea(server_url: str) -> None:
    for params in ({"lat": "91", "lon": "0"}, {"lat": "x", "lon": "0"}, {"lon": "0"}):
        answer = get(server_url, "/locate", params=params)
        assert answer.status_code == 422 and answer.json()["message"]
    assert get(server_url, "/locate", params={"lat": "50", "lon": "-20", "as_of": "2016-01-01"}).json()["results"] == []


def test_search_keeps_its_shape_and_ranks_a_former_name_and_a_code_first(server_url: str) -> None:
    by_code = get(server_url, "/search", params={"q": "E38000001", "format": "json", "as_of": "2016-01-01"}).json()
    assert set(by_code) == {"query", "page", "results", "next"}
    first = by_code["results"][0]
    assert first["id"] == ID + "ccg/02N" and first["matchedAs"] == "code"
    assert {"id", "url", "name", "code", "type", "openDate", "closeDate"} <= set(first)
    # ONS 2013 names lack "CCG"; ODS spells names in capitals: both find the CCG.
    former = get(server_url, "/search", params={"q": "NHS AIREDALE, WHARFEDALE AND CRAVEN CCG", "format": "json"})
    assert former.json()["results"][0]["id"] == ID + "ccg/02N"
    page = get(server_url, "/search", params={"q": "Corby"}, headers={"accept": "text/html"})
    assert '<a href="/id/ccg/03V">NHS Corby CCG</a>' in page.text


def test_suggest_completes_a_prefix(server_url: str) -> None:
    answer = get(server_url, "/search/suggest", params={"q": "newcastle gat"})
    assert answer.status_code == 200
    assert answer.json()[0]["id"] == ID + "ccg/13T" and answer.json()[0]["url"] == "/id/ccg/13T"
    assert get(server_url, "/search/suggest", params={"q": ""}).json() == []
    assert get(server_url, "/search/suggest", params={"q": "x" * 201}).status_code == 422


def test_a_ccg_page_maps_it_with_its_neighbours_predecessors_and_successor(server_url: str) -> None:
    page = get(server_url, "/id/ccg/78H", headers={"accept": "text/html"}).text
    section = page.split('id="h-map"', 1)[1].split("</section>", 1)[0]
    links = set(re.findall(r'<a href="(/id/[a-z-]+/[A-Z0-9]+)" class="area"', section))
    assert {"/id/ccg/78H", "/id/ccg/03V", "/id/ccg/04G", "/id/icb/QPM"} <= links
    assert len(links) > 6, "its neighbours are drawn too"
