"""Build and load: triples per second for ``ccg-graph build``, the embedded store's load of the dump, and the
anchors (pyoxigraph's bulk loader into memory, ``oxigraph load``, rdflib's N-Quads parser)."""

from __future__ import annotations

import gzip
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from bench.procs import BenchError
from bench.servers import oxigraph_binary
from ccg_graph.store import EmbeddedStore

_QUADS_LINE = re.compile(r"([\d,]+) quads ->")


def _rate(quads: int, seconds: float) -> dict:
    return {"quads": quads, "seconds": round(seconds, 3), "triples_per_s": round(quads / seconds) if seconds else None}


def run_build(build_dir: Path, *, core_only: bool, reference_data: Path | None) -> dict:
    """``ccg-graph build`` as a user runs it, timed from start to exit."""
    command = [sys.executable, "-m", "ccg_graph.cli", "build", "--build-dir", str(build_dir)]
    if core_only:
        command.append("--core-only")
    if reference_data is not None:
        command += ["--reference-data", str(reference_data)]
    started = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        raise BenchError(f"ccg-graph build failed ({completed.returncode}): {completed.stderr[-1500:]}")
    match = _QUADS_LINE.search(completed.stdout.replace("\n", " "))
    if match is None:
        raise BenchError("ccg-graph build did not say how many quads it wrote")
    result = _rate(int(match.group(1).replace(",", "")), seconds)
    result["what"] = "ccg-graph build --core-only" if core_only else "ccg-graph build (national graph)"
    return result


def decompress(dump: Path, target: Path) -> int:
    """Write the gzipped dump out as plain N-Quads (the loaders' input); return the number of quads."""
    count = 0
    with gzip.open(dump, "rb") as source, target.open("wb") as out:
        for line in source:
            if line.strip() and not line.startswith(b"#"):
                count += 1
            out.write(line)
    return count


def compress(source: Path, dump: Path) -> None:
    """The gzipped dump a build directory holds beside its store (fast compression: it is not measured)."""
    with source.open("rb") as plain, gzip.open(dump, "wb", compresslevel=1) as out:
        shutil.copyfileobj(plain, out, 1 << 20)


def load_embedded(nquads: Path, store_dir: Path, quads: int) -> dict:
    """The package's own path: `EmbeddedStore.load_file` into a fresh on-disk store, flushed."""
    if store_dir.exists():
        shutil.rmtree(store_dir)
    store_dir.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    store = EmbeddedStore(store_dir)
    store.load_file(nquads, ox.RdfFormat.N_QUADS)
    store.close()
    return _rate(quads, time.perf_counter() - started)


def optimize(store_dir: Path) -> float:
    """Compact a loaded store as `ccg-graph build` does before it swaps a store in; return the seconds."""
    started = time.perf_counter()
    store = EmbeddedStore(store_dir)
    store.native.optimize()
    store.close()
    return round(time.perf_counter() - started, 3)


def load_pyoxigraph_memory(nquads: Path, quads: int) -> dict:
    """pyoxigraph's bulk loader into an in-memory store: the engine with nothing of ours around it."""
    started = time.perf_counter()
    store = ox.Store()
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    seconds = time.perf_counter() - started
    loaded = len(store)
    del store
    result = _rate(quads, seconds)
    result["loaded"] = loaded
    return result


def load_oxigraph_cli(nquads: Path, store_dir: Path, quads: int) -> dict:
    """``oxigraph load`` into a fresh directory (the store `oxigraph serve` then serves)."""
    if store_dir.exists():
        shutil.rmtree(store_dir)
    command = [oxigraph_binary(), "load", "--location", str(store_dir), "--file", str(nquads)]
    started = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if completed.returncode != 0:
        raise BenchError(f"oxigraph load failed ({completed.returncode}): {completed.stderr[-1500:]}")
    return _rate(quads, seconds)


def rate_from_report(report: Path, quads: int) -> dict:
    """rdflib's parse of the dataset, as timed inside the rdflib-endpoint process before it served."""
    import json

    measured = json.loads(report.read_text())
    result = _rate(quads, measured["seconds"])
    result["triples_in_union"] = measured["triples_in_union"]
    return result
