"""Benchmark: the name search index against the old ``/search`` scan, and `locate` against testing every polygon.

Both pairs run in the same process, on the same built graph, in one run, so their ratio is what is worth
comparing on a shared machine (the 1-minute load average is recorded with each):

* search: `linked_data.pages.search` (the SPARQL scan of every label that ``/search`` ran before the index)
  against `places.search.SearchIndex.search`, over names and codes people type (a town, a county, a code, a
  former name). Before timing, each query's answers are compared: every organisation the scan finds must be
  among the index's answers (the index also finds former names, abbreviations and one-typo matches);
* locate: `places.atlas.Atlas.locate` (STRtree, then exact tests on the few candidates) against
  `Atlas.test_every_polygon` (the same exact test on every boundary), at the same seeded random points in
  England on dates across 2013-2022; the two answers must be equal at every point before timing. The saved
  query ``locate`` (SPARQL with geof:sfIntersects, row by row) is timed too, for the record.

    python -m bench.places [--repeats 3] [--points 400]

It prints one JSON object; `run(settings, ...)` returns the same dict for the harness.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from ccg_graph.core.config import Settings
from ccg_graph.linked_data.lookup import Linker
from ccg_graph.linked_data.pages import PAGE_SIZE, search
from ccg_graph.places.atlas import Atlas
from ccg_graph.places.search import SearchIndex, ensure_index
from ccg_graph.sparql.saved_queries import QueryCatalogue
from ccg_graph.store.embedded import EmbeddedStore
from ccg_graph.store.published import published_path

SEARCHES = ("corby", "northamptonshire", "03V", "E38000001", "newcastle", "NHS AIREDALE, WHARFEDALE AND CRAVEN CCG",
            "bedfordshire", "surgery", "leeds", "A81001")  # fmt: skip
DAYS = (date(2014, 6, 1), date(2016, 6, 1), date(2018, 6, 1), date(2019, 6, 1), date(2020, 6, 1), date(2021, 6, 1),
        date(2022, 8, 1))  # fmt: skip
#: Roughly England's bounding box (lon, lat); points at sea simply find nothing, by either method.
WEST, EAST, SOUTH, NORTH = -5.7, 1.8, 50.0, 55.8


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def _timed(call: Callable[[], Any], repeats: int) -> float:
    """The median wall time of `repeats` calls, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _search(store: EmbeddedStore, index: SearchIndex, repeats: int) -> dict[str, Any]:
    linker = Linker(store, "")
    for text in SEARCHES:  # compare the answers first: a fast wrong answer is no answer
        scanned = {hit.link.iri for hit in search(store, linker, text).items}
        indexed = {hit.organisation.iri for hit in index.search(text)}
        if len(scanned) < PAGE_SIZE and not scanned <= indexed:
            raise AssertionError(f"the index misses {sorted(scanned - indexed)[:5]} for {text!r}")
    load = _load()
    scan = _timed(lambda: [search(store, linker, text) for text in SEARCHES], repeats)
    indexed_time = _timed(lambda: [index.search(text) for text in SEARCHES], repeats)
    return {
        "queries": list(SEARCHES),
        "scan_seconds": round(scan, 4),
        "index_seconds": round(indexed_time, 5),
        "ratio_scan_over_index": round(scan / indexed_time, 1),
        "load_1min": load,
    }


def _locate(store: EmbeddedStore, settings: Settings, points: int, repeats: int) -> dict[str, Any]:
    atlas = Atlas.from_store(store)
    chance = random.Random(19)
    sample = [(chance.uniform(WEST, EAST), chance.uniform(SOUTH, NORTH), chance.choice(DAYS)) for _ in range(points)]
    found = 0
    for lon, lat, day in sample:
        fast, slow = atlas.locate(lon, lat, day), atlas.test_every_polygon(lon, lat, day)
        if fast != slow:
            raise AssertionError(f"locate and the full scan disagree at {lon},{lat} on {day}")
        found += bool(fast)
    load = _load()
    indexed = _timed(lambda: [atlas.locate(x, y, d) for x, y, d in sample], repeats)
    every = _timed(lambda: [atlas.test_every_polygon(x, y, d) for x, y, d in sample], repeats)
    saved = QueryCatalogue(settings.queries_dir).get("locate")
    few = sample[:10]
    sparql = _timed(
        lambda: [
            list(store.query(saved.text, bindings=saved.bind({"lat": str(y), "lon": str(x), "as_of": str(d)})).solutions
                 or [])
            for x, y, d in few
        ],
        1,
    )  # fmt: skip
    return {
        "points": points,
        "points_inside_an_area": found,
        "boundaries": len(atlas.boundaries),
        "index_seconds_per_point": indexed / points,
        "every_polygon_seconds_per_point": every / points,
        "saved_query_seconds_per_point": sparql / len(few),
        "ratio_every_polygon_over_index": round(every / indexed, 1),
        "load_1min": load,
    }


def run(settings: Settings, *, repeats: int = 3, points: int = 400) -> dict[str, Any]:
    location = published_path(settings.build_dir)
    store = EmbeddedStore(location, read_only=True)
    try:
        index = ensure_index(location)  # a build dir the harness made without `ccg-graph build` gets one now
        return {"search": _search(store, index, repeats), "locate": _locate(store, settings, points, repeats)}
    finally:
        store.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--points", type=int, default=400)
    parser.add_argument("--build-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    settings = Settings() if args.build_dir is None else Settings(build_dir=args.build_dir)
    print(json.dumps(run(settings, repeats=args.repeats, points=args.points), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
