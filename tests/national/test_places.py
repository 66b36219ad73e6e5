"""Places in the national graph: boundaries per edition, GeoSPARQL functions, locate, and the search index.

Expected values come from the boundary files themselves (read here with json and shapely), never copied.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
import shapely
from shapely.geometry import Point, shape

from ccg_graph.core.config import Settings
from ccg_graph.national.boundaries import EDITIONS
from ccg_graph.national.build import BuildSummary
from ccg_graph.places.atlas import Atlas
from ccg_graph.places.geometry import geodesic_area_km2
from ccg_graph.places.search import SearchIndex, abbreviation, index_path, words
from ccg_graph.sparql.saved_queries import QueryCatalogue
from ccg_graph.store import EmbeddedStore

from ..conftest import sparql_values

REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference-data"
BOUNDARIES = REFERENCE / "ons-boundaries"
PREFIX = """PREFIX ccg: <https://w3id.org/ccg-graph/def#> PREFIX geo: <http://www.opengis.net/ont/geosparql#>
PREFIX geof: <http://www.opengis.net/def/function/geosparql/> PREFIX time: <http://www.w3.org/2006/time#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX id: <https://w3id.org/ccg-graph/id/>
PREFIX uom: <http://www.opengis.net/def/uom/OGC/1.0/>
"""
#: Towns and days before and after their CCG's mergers (lon, lat).
TOWNS = {
    "Corby": (-0.7013, 52.4888),  # NHS Corby CCG until 2020-03-31, then NHS Northamptonshire CCG
    "Gateshead": (-1.6033, 54.9527),  # NHS Gateshead CCG until 2015-03-31, then Newcastle Gateshead
    "Bury St Edmunds": (0.7112, 52.2463),  # West Suffolk until 2020-03-31, then Suffolk and North East Essex
    "Harrogate": (-1.5373, 53.9921),  # Harrogate and Rural District until 2020-03-31, then North Yorkshire
}
DAYS = (date(2014, 6, 1), date(2016, 6, 1), date(2017, 6, 1), date(2018, 6, 1), date(2019, 6, 1), date(2020, 6, 1),
        date(2021, 6, 1), date(2022, 8, 1))  # fmt: skip


def layer(file: str) -> dict:
    return json.loads((BOUNDARIES / file).read_text(encoding="utf-8"))


def edition_on(day: date, kind: str = "ccg") -> object:
    return next(e for e in EDITIONS if e.kind == kind and e.start <= day and (e.end is None or day <= e.end))


def feature_at(file: str, lon: float, lat: float) -> dict:
    """The one feature of a boundary file whose geometry holds the point (computed from the file)."""
    point = Point(lon, lat)
    found = [f for f in layer(file)["features"] if shapely.make_valid(shape(f["geometry"])).intersects(point)]
    assert len(found) == 1, f"{len(found)} features of {file} hold {lon},{lat}"
    return found[0]


@pytest.fixture(scope="module")
def atlas(national_store: EmbeddedStore) -> Atlas:
    return Atlas.from_store(national_store)


def test_one_geometry_per_feature_per_edition(national_store: EmbeddedStore) -> None:
    rows = sparql_values(
        national_store,
        PREFIX + "SELECT ?edition (COUNT(DISTINCT ?g) AS ?n) WHERE { ?o geo:hasGeometry ?g . "
        "?g a geo:Geometry ; ccg:boundaryEdition ?edition ; geo:asWKT ?wkt ; ccg:validDuring ?i ; "
        "ccg:areaSquareKilometres ?km2 . } GROUP BY ?edition",
    )
    counts = {r["edition"]: int(r["n"]) for r in rows}
    for edition in EDITIONS:
        features = layer(edition.file)["features"]
        if edition.kind == "local-authority":
            features = [f for f in features if f["properties"]["ltla20_code"].startswith("E")]
        assert counts[edition.slug] == len(features), edition.slug


def test_ccgs_drawn_are_the_ccgs_open_on_each_editions_first_day(national_store: EmbeddedStore) -> None:
    for edition in [e for e in EDITIONS if e.kind == "ccg"]:
        open_then = {
            r["c"]
            for r in sparql_values(
                national_store,
                PREFIX + "SELECT ?c WHERE { ?c a ccg:ClinicalCommissioningGroup ; ccg:openDate ?o ; ccg:closeDate ?e"
                f' FILTER (?o <= "{edition.start}"^^<http://www.w3.org/2001/XMLSchema#date> && '
                f'?e >= "{edition.start}"^^<http://www.w3.org/2001/XMLSchema#date>) }}',
            )
        }
        drawn = {
            r["c"]
            for r in sparql_values(
                national_store,
                PREFIX + f'SELECT ?c WHERE {{ ?c geo:hasGeometry ?g . ?g ccg:boundaryEdition "{edition.slug}" }}',
            )
        }
        assert drawn == open_then, edition.slug


def test_every_geometry_is_valid_crs84_and_the_repaired_ones_are_the_invalid_source_rings(
    national_store: EmbeddedStore,
) -> None:
    invalid_in_files = set()
    for edition in EDITIONS:
        for number, feature in enumerate(layer(edition.file)["features"], start=1):
            if not shape(feature["geometry"]).is_valid:
                invalid_in_files.add(f"{edition.file} feature {number}")
    assert len(invalid_in_files) == 2  # the README's two self-intersecting rings, found by the test, not a list
    rows = sparql_values(
        national_store,
        PREFIX + "SELECT ?g ?wkt ?repaired ?note ?graph WHERE { GRAPH ?graph { ?g geo:asWKT ?wkt } "
        "OPTIONAL { ?g ccg:geometryRepaired ?repaired ; ccg:repairNote ?note } }",
    )
    notes = set()
    for row in rows:
        crs, _, text = row["wkt"].partition("> ")
        assert crs == "<http://www.opengis.net/def/crs/OGC/1.3/CRS84"
        geometry = shapely.from_wkt(text)
        assert geometry.is_valid and geometry.geom_type in ("Polygon", "MultiPolygon"), row["g"]
        minx, miny, maxx, maxy = geometry.bounds
        assert -7 < minx < maxx < 2 and 49.8 < miny < maxy < 55.9, f"{row['g']} is not lon/lat in England"
        if row["repaired"]:
            assert row["graph"].endswith("/graph/derived/repaired-boundaries")
            notes.add(row["note"].split(":")[0])
        else:
            assert "/graph/ons-boundaries/" in row["graph"] or row["graph"].endswith("/derived/dissolved-boundaries")
    assert notes == invalid_in_files


def test_boundary_graphs_state_their_basis(national_store: EmbeddedStore) -> None:
    rows = sparql_values(
        national_store,
        PREFIX + "SELECT ?graph ?basis WHERE { GRAPH ?graph { ?g geo:asWKT ?wkt } "
        "GRAPH <https://w3id.org/ccg-graph/id/graph/provenance> { ?graph ccg:basis ?basis } } GROUP BY ?graph ?basis",
    )
    basis = {r["graph"].rsplit("/graph/", 1)[1]: r["basis"].rsplit("#", 1)[1] for r in rows}
    assert basis.pop("derived/repaired-boundaries") == "DerivedByRule"
    assert basis.pop("derived/dissolved-boundaries") == "DerivedByRule"
    assert set(basis.values()) == {"SourceRecord"} and len(basis) == len(EDITIONS)


def test_regions_of_other_years_are_dissolved_from_their_ccgs(national_store: EmbeddedStore, atlas: Atlas) -> None:
    day = date(2016, 6, 1)
    regions = [b for b in atlas.boundaries if b.kind == "NHS England region" and b.holds_on(day)]
    assert {b.edition for b in regions} == {"ccg15-dissolved"} and len(regions) == 4
    ccgs = atlas.on(day, "CCG")
    answered = {
        r["ccg"]: r["region"]
        for r in sparql_values(
            national_store,
            PREFIX
            + """SELECT ?ccg ?region WHERE { ?a ccg:accountableOrganisation ?ccg ; ccg:accountableToBody ?region ;
              ccg:validDuring ?i . ?region a ccg:NHSEnglandRegion . ?i time:hasBeginning/time:inXSDDate ?from ;
              time:hasEnd/time:inXSDDate ?to . FILTER (?from <= "2016-06-01"^^<http://www.w3.org/2001/XMLSchema#date>
              && ?to >= "2016-06-01"^^<http://www.w3.org/2001/XMLSchema#date>) }""",
        )
    }
    for ccg in ccgs:
        inside = [r.organisation for r in regions if r.shape.contains(ccg.shape.representative_point())]
        assert inside == [answered[ccg.organisation]], ccg.code
    total = sum(geodesic_area_km2(r.shape) for r in regions)
    assert abs(total / sum(geodesic_area_km2(c.shape) for c in ccgs) - 1) < 0.001
    # In 2020 the ONS region boundaries are used, not a dissolve.
    assert {b.edition for b in atlas.boundaries if b.kind == "NHS England region" and b.holds_on(date(2020, 6, 1))} == {
        "nhser20"
    }


def test_areas_agree_with_the_ons_files_own_areas(national_store: EmbeddedStore) -> None:
    features = layer("ccg15_ons_bsc_2015-07.geojson")["features"]
    stated = {f["properties"]["ccg15cd"]: f["properties"]["st_areasha"] / 1e6 for f in features}
    rows = sparql_values(
        national_store,
        PREFIX + "SELECT ?ons ?km2 ?m2 WHERE { ?c geo:hasGeometry ?g ; ccg:onsCode ?ons . "
        '?g ccg:boundaryEdition "ccg15" ; ccg:areaSquareKilometres ?km2 ; geo:hasMetricArea ?m2 }',
    )
    matched = [r for r in rows if r["ons"] in stated]
    assert len(matched) == len(stated)
    for row in matched:
        # British National Grid areas (the file's) and ellipsoidal areas (ours) differ by the grid's scale.
        assert abs(float(row["km2"]) / stated[row["ons"]] - 1) < 0.01, row
        assert abs(float(row["m2"]) / 1e6 - float(row["km2"])) < 0.001


@pytest.mark.parametrize("town", sorted(TOWNS))
def test_locate_answers_the_ccg_the_boundary_files_draw_before_and_after_mergers(
    national_store: EmbeddedStore, national_settings: Settings, atlas: Atlas, town: str
) -> None:
    lon, lat = TOWNS[town]
    saved = QueryCatalogue(national_settings.queries_dir).get("locate")
    answers = set()
    for day in DAYS:
        kind = "ccg" if day < date(2022, 7, 1) else "sub-icb-location"
        edition = edition_on(day, kind)
        feature = feature_at(edition.file, lon, lat)
        code = str(feature["properties"][edition.code_attribute])
        result = national_store.query(
            saved.text, bindings=saved.bind({"lat": str(lat), "lon": str(lon), "as_of": str(day)})
        )
        assert result.solutions is not None
        rows = [
            {v.value: s[v.value].value for v in result.solutions.variables if s[v.value] is not None}
            for s in result.solutions
        ]
        local = [r for r in rows if r["kind"] in ("CCG", "sub-ICB location")]
        assert len(local) == 1, (town, day, rows)
        found = local[0]
        assert found["edition"] == edition.slug
        ons_codes = {
            r["code"]
            for r in sparql_values(
                national_store, PREFIX + f"SELECT ?code WHERE {{ <{found['organisation']}> ccg:onsCode ?code }}"
            )
        }
        # The file names the area by ODS code, E38 code or (sub-ICB locations) "name - ODS code".
        assert code == found["code"] or code in ons_codes or code.endswith(f" - {found['code']}"), (
            town,
            day,
            code,
            found,
        )
        indexed = [(b.organisation, b.edition) for b in atlas.locate(lon, lat, day)]
        assert (found["organisation"], found["edition"]) in indexed
        assert atlas.locate(lon, lat, day) == atlas.test_every_polygon(lon, lat, day)
        answers.add(found["organisation"])
    assert len(answers) >= 2, f"{town}: the answer should change with the mergers"


def test_locate_with_and_without_the_index_agree_on_a_grid(atlas: Atlas) -> None:
    checked = 0
    for day in (date(2013, 6, 1), date(2019, 6, 1), date(2022, 8, 1)):
        for lon in [x / 4 for x in range(-22, 8)]:
            for lat in [50 + y / 4 for y in range(0, 22)]:
                assert atlas.locate(lon, lat, day) == atlas.test_every_polygon(lon, lat, day)
                checked += 1
    assert checked > 1500


def test_geosparql_functions_in_sparql(national_store: EmbeddedStore) -> None:
    row = sparql_values(
        national_store,
        PREFIX
        + """SELECT ?contains ?within ?intersects ?touching ?apart ?area ?km2 ?near WHERE {
          <https://w3id.org/ccg-graph/id/geometry/ccg/03V/ccg15> geo:asWKT ?corby ; ccg:areaSquareKilometres ?km2 .
          <https://w3id.org/ccg-graph/id/geometry/ccg/04G/ccg15> geo:asWKT ?nene .
          <https://w3id.org/ccg-graph/id/geometry/ccg/00C/ccg15> geo:asWKT ?darlington .
          BIND (STRDT("POINT(-0.7013 52.4888)", geo:wktLiteral) AS ?town)
          BIND (geof:sfContains(?corby, ?town) AS ?contains)
          BIND (geof:sfWithin(?town, ?corby) AS ?within)
          BIND (geof:sfIntersects(?corby, ?nene) AS ?intersects)
          BIND (geof:distance(?corby, ?nene) AS ?touching)
          BIND (geof:distance(?corby, ?darlington, uom:kilometre) AS ?apart)
          BIND (geof:area(?corby, uom:squareKilometre) AS ?area)
          BIND (geof:sfContains(?corby, "not a geometry") AS ?near)
        }""",
    )[0]
    assert row["contains"] == "true" and row["within"] == "true" and row["intersects"] == "true"
    assert float(row["touching"]) == 0.0
    assert 180 < float(row["apart"]) < 300  # Corby to Darlington's nearest edge
    assert abs(float(row["area"]) - float(row["km2"])) < 0.01
    assert row["near"] is None, "a non-geometry argument is an error: the variable stays unbound"


def test_ccg13_area_of_a_repaired_geometry_is_close_to_the_source(national_store: EmbeddedStore) -> None:
    source = next(f for f in layer("ccg13_nhse_bsc_2013-02.geojson")["features"] if f["properties"]["CCGcode"] == "09E")
    expected = geodesic_area_km2(shapely.make_valid(shape(source["geometry"])))
    row = sparql_values(
        national_store,
        PREFIX
        + "SELECT ?km2 WHERE { <https://w3id.org/ccg-graph/id/geometry/ccg/09E/ccg13> ccg:areaSquareKilometres ?km2 }",
    )
    assert abs(float(row[0]["km2"]) - expected) < 0.01


# --- the search index ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def index(national_build: BuildSummary) -> SearchIndex:
    assert national_build.store_dir is not None
    path = index_path(national_build.store_dir)
    assert path.is_file(), "the build writes the search index beside the store"
    return SearchIndex(path)


def test_a_former_name_finds_its_organisation_first(national_store: EmbeddedStore, index: SearchIndex) -> None:
    rows = sparql_values(
        national_store,
        PREFIX
        + """SELECT ?c ?former ?current WHERE {
          ?c a ccg:ClinicalCommissioningGroup ; skos:prefLabel ?current ; ccg:nameRecord/ccg:recordedName ?former .
          FILTER (LCASE(STR(?former)) != LCASE(STR(?current)))
          FILTER NOT EXISTS {  # a name two organisations bore cannot find one of them first
            { ?other skos:prefLabel|skos:altLabel|ccg:nameRecord/ccg:recordedName ?same }
            FILTER (?other != ?c && LCASE(STR(?same)) = LCASE(STR(?former)))
          }
        }""",
    )
    assert len(rows) > 10
    for row in rows:
        hits = index.search(row["former"], date(2016, 1, 1))
        assert hits and hits[0].organisation.iri == row["c"], (row, [h.organisation.iri for h in hits[:3]])
        # Where every word of the former name is in the current one, the current name matches too (and ranks so).
        if not set(words(row["former"])) <= set(words(row["current"])):
            assert hits[0].matched_as == "former name", row


def test_every_code_finds_its_organisation_first(national_store: EmbeddedStore, index: SearchIndex) -> None:
    rows = sparql_values(
        national_store,
        PREFIX + "SELECT ?c ?code ?open WHERE { ?c a ccg:ClinicalCommissioningGroup ; ccg:openDate ?open "
        "{ ?c ccg:odsCode ?code } UNION { ?c ccg:onsCode ?code } }",
    )
    assert len(rows) > 400
    for row in rows:
        # A sub-ICB location kept its CCG's codes: on a day the CCG was open, the CCG comes first.
        hits = index.search(row["code"].lower(), date.fromisoformat(row["open"]))
        assert hits[0].organisation.iri == row["c"] and hits[0].quality == "code", row


def test_one_typo_prefixes_abbreviations_and_open_first(index: SearchIndex) -> None:
    assert abbreviation("NHS Bedfordshire, Luton and Milton Keynes CCG") == "BLMK"
    typo = index.search("Gatesheda")
    assert typo and "Gateshead" in typo[0].organisation.name and typo[0].quality == "one typo"
    blmk = index.search("blmk", date(2021, 6, 1))
    assert blmk[0].matched == "BLMK" and any(h.organisation.iri.endswith("/ccg/M1J4Y") for h in blmk[:3])
    completions = [h.organisation.iri for h in index.suggest("newcastle gat")]
    assert completions[0].endswith("/ccg/13T")
    # On a day when both were open, the open CCG comes before the one that had already closed.
    in_2014 = [h.organisation.iri.rsplit("/", 1)[1] for h in index.search("Newcastle", date(2014, 6, 1))]
    in_2016 = [h.organisation.iri.rsplit("/", 1)[1] for h in index.search("Newcastle", date(2016, 6, 1))]
    assert in_2014.index("00G") < in_2014.index("13T") and in_2016.index("13T") < in_2016.index("00G")


def test_search_in_sparql(national_store: EmbeddedStore) -> None:
    rows = sparql_values(
        national_store,
        PREFIX
        + """SELECT ?c ?rank WHERE { ?c a ccg:ClinicalCommissioningGroup ; skos:prefLabel ?name .
          FILTER (ccg:textMatch(?name, "newcastle gat")) BIND (ccg:searchRank(?c, "Newcastle Gateshead") AS ?rank)
        }""",
    )
    assert [r["c"].rsplit("/", 1)[1] for r in rows] == ["13T"] and rows[0]["rank"] == "1"
