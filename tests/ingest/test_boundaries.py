"""The GeoJSON boundary reader: shape checks with the feature named, and the declared coordinate system."""

from __future__ import annotations

from pathlib import Path

import pytest

from ccg_graph.core.errors import BadInput, MalformedRow
from ccg_graph.ingest.boundaries import CRS84, read_boundaries

from .helpers import Load, write

SQUARE = '{"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}'


def test_every_layer_is_polygonal_and_the_bng_original_says_so(load: Load) -> None:
    lon_lat = load("ons-boundaries/sicbl22_ons_buc_2022-07.geojson")
    grid = load("ons-boundaries/sicbl22_ons_buc_2022-07_bng.geojson")
    assert {f.crs for f in lon_lat} == {CRS84}
    assert {f.crs for f in grid} == {"EPSG:27700"}
    assert all(f.geometry["type"] in ("Polygon", "MultiPolygon") for f in lon_lat)


def test_a_file_without_crs_member_is_lon_lat(load: Load) -> None:
    assert {f.crs for f in load("ons-boundaries/ccg20_ons_buc_2020-04.geojson")} == {CRS84}


@pytest.mark.parametrize(
    ("text", "error", "reason"),
    [
        ("{not json", BadInput, "not JSON"),
        ('{"type": "Feature"}', BadInput, "not a GeoJSON FeatureCollection"),
        ('{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": '
         '{"type": "LineString", "coordinates": [[0, 0], [1, 1]]}}]}', MalformedRow, "feature 1: geometry"),
        ('{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": ' + SQUARE + '}, '
         '{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[["a", 0]]]}}]}',
         MalformedRow, "feature 2: Polygon coordinates"),
    ],
)  # fmt: skip
def test_bad_files_are_refused_naming_the_feature(
    tmp_path: Path, text: str, error: type[BadInput], reason: str
) -> None:
    path = write(tmp_path, "layer.geojson", text)
    with pytest.raises(error) as caught:
        list(read_boundaries(path))
    assert type(caught.value) is error
    assert caught.value.path == str(path)
    assert reason in caught.value.reason
