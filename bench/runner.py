"""``python -m bench``: build, scale, load, serve, load-test, validate; then the results file, report and targets.

Every measurement runs on its own: one that fails records why (``errors``), one whose feature the code does not
have yet records that (``missing``), and the run goes on, so one broken anchor never hides the other figures.
The exit code is 0 when every measurement ran or was recorded as missing, 1 when one failed.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from bench import (
    breakdown,
    dereference,
    load,
    machine,
    memory,
    places,
    profiling,
    ratios,
    remote_store,
    report,
    results,
    soak,
    synthetic,
    targets,
    validation,
    write_load,
)
from bench.http import agreement, measure_paths, measure_server
from bench.procs import BenchError, FeatureMissing, Server
from bench.profile import PROFILES, Profile
from bench.servers import start_ccg_graph, start_oxigraph, start_rdflib_endpoint
from bench.workload import Workload, build_workload
from ccg_graph.core.config import PROJECT_ROOT, Settings
from ccg_graph.core.namespaces import source_graph_iri
from ccg_graph.store import EmbeddedStore

BENCH_DIR = Path(__file__).resolve().parent
CONTEXT_SLICE = PROJECT_ROOT / "tests" / "shapes" / "context.ttl"
BASE_GRAPH = str(source_graph_iri("bench-base"))


class Run:
    """One harness run: its settings, where it works, and the results it accumulates."""

    def __init__(self, profile: Profile, work_dir: Path, base: Path | None, reference_data: Path | None) -> None:
        self.profile = profile
        self.work = work_dir
        self.base = base
        self.reference_data = reference_data
        self.data: dict[str, Any] = {
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
            "profile": profile.as_dict(),
            "base": "national graph" if base is None else str(base),
            "machine": machine.describe(),
            "datasets": {},
            "errors": {},
            "missing": {},
        }
        self.settings = Settings() if reference_data is None else Settings(reference_data_dir=reference_data)

    def log(self, message: str) -> None:
        elapsed = time.perf_counter() - self._t0
        print(f"[bench {elapsed:6.1f}s] {message}", flush=True)

    def attempt(self, key: str, action: Callable[[], Any]) -> Any:
        """Run one measurement; record a missing feature or a failure under `key` instead of stopping."""
        try:
            return action()
        except FeatureMissing as err:
            self.data["missing"][key] = str(err)
            self.log(f"MISSING {key}: {err}")
        except Exception as err:  # any failure of one measurement is recorded, the run goes on
            self.data["errors"][key] = f"{type(err).__name__}: {err}"
            self.log(f"FAILED {key}: {err}")
            traceback.print_exc(file=sys.stderr)
        return None

    # --- steps ------------------------------------------------------------------------------------------------
    def build_base(self) -> tuple[Path, Path, int]:
        """The base dataset as N-Quads, the build directory serving it, and its quad count."""
        base_nq = self.work / "x1.nq"
        if self.base is None:
            build_dir = self.work / "national"
            self.log("ccg-graph build (national graph)")
            self.data["build"] = load.run_build(build_dir, core_only=False, reference_data=self.reference_data)
            quads = load.decompress(build_dir / "ccg-graph.nq.gz", base_nq)
            return base_nq, build_dir, quads
        self.log("ccg-graph build --core-only (a base dataset was given)")
        self.data["build"] = load.run_build(self.work / "core-build", core_only=True, reference_data=None)
        quads = write_as_nquads(self.base, base_nq)
        return base_nq, self.work / "x1", quads

    def prepare_scale(self, scale: int, base_nq: Path) -> tuple[Path, int]:
        if scale == 1:
            return base_nq, sum(1 for _ in base_nq.open(encoding="utf-8"))
        target = self.work / f"x{scale}.nq"
        self.log(f"synthetic dataset x{scale}")
        started = time.perf_counter()
        scaled = synthetic.scale_dataset(base_nq, target, scale)
        self.data["datasets"][str(scale)] = {
            "quads": scaled.quads,
            "counts": scaled.counts,
            "generated_s": round(time.perf_counter() - started, 2),
        }
        return target, scaled.quads

    def run(self) -> int:
        self._t0 = time.perf_counter()
        self.work.mkdir(parents=True, exist_ok=True)
        profile = self.profile
        base_nq, base_build, base_quads = self.build_base()
        self.data["datasets"]["1"] = {"quads": base_quads}
        build_dirs: dict[int, Path] = {}
        loads: dict[str, Any] = {"embedded": {}}
        self.data["load"] = loads
        nq_by_scale: dict[int, Path] = {}
        for scale in profile.scales:
            nq, quads = self.prepare_scale(scale, base_nq)
            nq_by_scale[scale] = nq
            build_dir = self.work / f"x{scale}"
            self.log(f"load x{scale} ({quads:,} quads) into the embedded store")
            loads["embedded"][str(scale)] = load.load_embedded(nq, build_dir / "store", quads)
            if scale == 1 and self.base is None:
                # The national graph is served from its own build, as a user serves it.
                shutil.rmtree(build_dir)
                build_dirs[scale] = base_build
            else:
                # Served as a build leaves a store: compacted (timed apart from the load) and with its dump.
                loads["embedded"][str(scale)]["optimize_s"] = load.optimize(build_dir / "store")
                load.compress(nq, build_dir / "ccg-graph.nq.gz")
                build_dirs[scale] = build_dir
        self.log("anchors: pyoxigraph in-memory bulk load, oxigraph load")
        loads["pyoxigraph_memory"] = self.attempt(
            "load.pyoxigraph_memory", lambda: load.load_pyoxigraph_memory(base_nq, base_quads)
        )
        oxigraph_store = self.work / "oxigraph-x1"
        loads["oxigraph_cli"] = self.attempt(
            "load.oxigraph_cli", lambda: load.load_oxigraph_cli(base_nq, oxigraph_store, base_quads)
        )

        store = EmbeddedStore(build_dirs[1] / "store", read_only=True)
        try:
            workload = build_workload(store, self.settings, profile.per_class)
            self.data["datasets"]["1"]["counts"] = count_classes(store)
        finally:
            store.close()
        self.data["workload"] = workload.summary()
        iris = page_iris(workload)

        http: dict[str, Any] = {}
        self.data["http"] = {"servers": http}
        if loads.get("oxigraph_cli"):
            self.log("HTTP: oxigraph serve")
            http["oxigraph"] = self.attempt(
                "http.oxigraph",
                lambda: self.with_server(
                    lambda: start_oxigraph(oxigraph_store, self.work / "logs"),
                    lambda server: self.oxigraph_session(server, workload),
                ),
            )
        self.log("HTTP: ccg-graph serve")
        http["ccg-graph"] = self.attempt(
            "http.ccg-graph",
            lambda: self.with_server(
                lambda: start_ccg_graph(build_dirs[1], self.work / "logs"),
                lambda server: self.ccg_graph_session(server, workload, iris, build_dirs[1]),
            ),
        )
        self.log("the write path under read load")
        self.data["write_load"] = self.attempt(
            "write_load", lambda: write_load.measure(build_dirs[1], workload, profile, self.work)
        )
        if profile.rdflib_endpoint:
            self.log("HTTP: rdflib-endpoint (loading the dataset into rdflib first)")
            rdflib_report = self.work / "rdflib-load.json"
            http["rdflib-endpoint"] = self.attempt(
                "http.rdflib-endpoint",
                lambda: self.with_server(
                    lambda: start_rdflib_endpoint(base_nq, self.work / "logs", rdflib_report),
                    lambda server: measure_server(server, workload, profile, self.work / "wrk"),
                ),
            )
            if rdflib_report.exists():
                loads["rdflib_parse"] = load.rate_from_report(rdflib_report, base_quads)
        for name in list(http):
            if http[name] is None:
                del http[name]
        self.data["http"]["agreement"] = agreement(http, profile.classes)
        cached = (http.get("ccg-graph") or {}).get("classes", {}).get("as_of_cached")
        anchor = (http.get("oxigraph") or {}).get("classes", {}).get("as_of")
        if cached and anchor:
            rows = {"ccg-graph /queries": cached["first"]["rows"], "oxigraph": anchor.get("first", {}).get("rows")}
            self.data["http"]["agreement"]["as_of_cached"] = {"rows": rows, "agree": len(set(rows.values())) == 1}

        self.log("memory and lookups at every size, side by side")
        self.data["scaling"] = self.attempt(
            "scaling", lambda: memory.measure_sizes(build_dirs, workload, profile, self.work)
        )

        self.data["validation"] = self.attempt("validation.full", lambda: self.full_validation(base_nq, nq_by_scale))
        self.log("incremental validation")
        self.data["incremental_validation"] = self.attempt(
            "validation.incremental",
            lambda: validation.incremental_validation(
                self.settings.model_copy(update={"build_dir": build_dirs[1]}),
                with_full=profile.incremental_with_full,
            ),
        )

        self.log("places: search index and locate")
        self.data["places"] = self.attempt(
            "places", lambda: places.run(self.settings.model_copy(update={"build_dir": build_dirs[1]}))
        )

        self.data["ratios"] = ratios.compute(self.data)
        self.data["targets"] = targets.check(self.data)
        self.data["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
        self.data["elapsed_s"] = round(time.perf_counter() - self._t0, 1)
        return 1 if self.data["errors"] else 0

    def with_server(self, start: Callable[[], Server], session: Callable[[Server], dict]) -> dict:
        server = start()
        try:
            return session(server)
        finally:
            server.stop()

    def oxigraph_session(self, server: Server, workload: Workload) -> dict:
        outcome = measure_server(server, workload, self.profile, self.work / "wrk")
        self.log("the remote store: ccg-graph serve over this oxigraph serve, lookups both ways")
        self.data["remote_store"] = self.attempt(
            "remote_store", lambda: remote_store.measure(server, workload.queries["lookup"], self.profile, self.work)
        )
        return outcome

    def ccg_graph_session(self, server: Server, workload: Workload, iris: list[str], build_dir: Path) -> dict:
        outcome = measure_server(server, workload, self.profile, self.work / "wrk")
        if "as_of" in self.profile.classes and workload.saved_paths.get("as_of"):
            self.log("saved queries by name, from the answer cache once warm")
            cached = self.attempt(
                "http.as_of_cached",
                lambda: measure_paths(
                    server, "as_of_cached", workload.saved_paths["as_of"], self.profile, self.work / "wrk"
                ),
            )
            if cached is not None:
                outcome["classes"]["as_of_cached"] = cached
        self.log(f"lookups soaked for {self.profile.soak_seconds:g} s at concurrency {self.profile.soak_connections}")
        self.data["soak"] = self.attempt(
            "soak",
            lambda: soak.measure(server, build_dir, workload.queries["lookup"], self.profile, self.work / "wrk"),
        )
        self.log("the cost of one lookup, layer by layer")
        self.data["breakdown"] = self.attempt(
            "breakdown",
            lambda: breakdown.lookup_cost(server, build_dir, workload.queries["lookup"][0], self.work / "wrk"),
        )
        self.log("the engine's own cost of each class, in process")
        self.data["engine_per_class"] = self.attempt(
            "engine_per_class", lambda: breakdown.engine_per_class(build_dir, workload.queries)
        )
        self.log("dereferencing: /id/... pages")
        self.data["dereference"] = self.attempt(
            "dereference", lambda: dereference.measure_pages(server, iris, self.profile, self.work / "wrk")
        )
        self.data["profiles"] = self.attempt("profiles", lambda: self.profile_misses(server, workload, outcome))
        return outcome

    def profile_misses(self, server: Server, workload: Workload, ours: dict) -> dict:
        """py-spy on ccg-graph for the lookups and the worst engine-bound class, where they miss oxigraph's pace."""
        theirs = (self.data["http"]["servers"].get("oxigraph") or {}).get("classes", {})
        top = max(self.profile.concurrencies)
        misses = {}
        for name in self.profile.classes:
            minimum = targets.MINIMUM_VS_OXIGRAPH.get(name)
            mine = ours["classes"].get(name, {}).get(f"c{top}", {}).get("requests_per_s")
            anchor = theirs.get(name, {}).get(f"c{top}", {}).get("requests_per_s")
            if minimum and mine and anchor and mine / anchor < minimum:
                misses[name] = mine / anchor
        chosen = [n for n in misses if n == "lookup"]
        engine = [n for n in misses if n != "lookup"]
        if engine:
            chosen.append(min(engine, key=lambda n: misses[n]))
        profiles = {}
        for name in chosen:
            self.log(f"py-spy on ccg-graph under the {name} load (it misses oxigraph's pace)")
            paths = [server.query_get_path(text) for text in workload.queries[name]]
            profiles[name] = profiling.profile_under_load(
                server, paths, max(2.0, self.profile.http_seconds), top, self.work / "wrk", name
            )
        return profiles

    def full_validation(self, base_nq: Path, nq_by_scale: dict[int, Path]) -> dict:
        profile = self.profile
        folder = self.work / "validation"
        folder.mkdir(parents=True, exist_ok=True)
        shapes, ontology = validation.write_artefacts(self.settings, folder)
        if profile.validation_base == "context":
            source = folder / "context-x1.nq"
            write_as_nquads(CONTEXT_SLICE, source)
            what = f"the shapes' context slice ({CONTEXT_SLICE.relative_to(PROJECT_ROOT)})"
        else:
            source = base_nq
            what = "the base dataset"
        outcome: dict[str, Any] = {"on": what, "scales": {}}
        memory_at: dict[int, int] = {}
        for scale in sorted(profile.validation_scales):
            if profile.validation_base == "dataset" and scale in nq_by_scale:
                nq = nq_by_scale[scale]
            elif scale == 1:
                nq = source
            else:
                nq = folder / f"{source.stem}-x{scale}.nq"
                synthetic.scale_dataset(source, nq, scale)
            if memory_at:
                fits, why = validation.fits_in_memory(validation.extrapolate(memory_at, scale))
                if not fits:
                    outcome["scales"][str(scale)] = {"skipped": why}
                    self.log(f"validation x{scale} skipped: {why}")
                    continue
            nt = folder / f"validate-x{scale}.nt"
            triples = validation.flatten(nq, nt)
            self.log(f"full validation x{scale} ({triples:,} triples): ccg-graph validate and pyshacl")
            measured = validation.full_validation(nt, triples, shapes, ontology, folder, self.settings, scale)
            outcome["scales"][str(scale)] = measured
            memory_at[scale] = max(measured["ccg_graph"]["peak_rss_bytes"], measured["pyshacl"]["peak_rss_bytes"])
            nt.unlink(missing_ok=True)
        return outcome


def write_as_nquads(source: Path, target: Path) -> int:
    """Any RDF file as N-Quads: Turtle and N-Triples go into the bench-base named graph."""
    suffix = source.suffix.lower()
    formats = {
        ".ttl": ox.RdfFormat.TURTLE,
        ".nt": ox.RdfFormat.N_TRIPLES,
        ".nq": ox.RdfFormat.N_QUADS,
        ".trig": ox.RdfFormat.TRIG,
    }
    if suffix not in formats:
        raise BenchError(f"cannot read {source}: expected .ttl, .nt, .nq or .trig")
    graph = ox.NamedNode(BASE_GRAPH)
    count = 0
    with target.open("w", encoding="utf-8") as out:
        for item in ox.parse(path=str(source), format=formats[suffix]):
            if isinstance(item, ox.Triple) or isinstance(item.graph_name, ox.DefaultGraph):
                item = ox.Quad(item.subject, item.predicate, item.object, graph)
            out.write(f"{item.subject} {item.predicate} {item.object} {item.graph_name} .\n")
            count += 1
    return count


def count_classes(store: EmbeddedStore) -> dict[str, int]:
    """CCGs, practices and memberships in a store (the synthetic generator reports the same for its copies)."""
    counts = {}
    for name, cls in synthetic.COUNTED_CLASSES.items():
        result = store.query(f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a <{cls}> }}")
        assert result.solutions is not None
        counts[name] = int(next(iter(result.solutions))[0].value)
    return counts


def page_iris(workload: Workload) -> list[str]:
    """The IRIs the lookups ask about: the pages dereferenced."""
    iris = []
    for text in workload.queries["lookup"]:
        start = text.index("<") + 1
        iris.append(text[start : text.index(">", start)])
    return iris


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="The quick profile (8-10 minutes on 2 shared cores).")
    parser.add_argument("--profile", choices=sorted(PROFILES), help="quick, full (default) or tiny (the test's).")
    parser.add_argument("--base", type=Path, help="Scale this RDF file instead of building the national graph.")
    parser.add_argument("--reference-data", type=Path, help="The ODS/ONS reference data (default: from settings).")
    parser.add_argument("--work-dir", type=Path, default=PROJECT_ROOT / "build" / "bench", help="Scratch space.")
    parser.add_argument("--results-dir", type=Path, default=BENCH_DIR / "results", help="Where results go.")
    parser.add_argument("--readme", type=Path, default=BENCH_DIR / "README.md", help="The report to update.")
    parser.add_argument("--keep-work", action="store_true", help="Keep the scratch space afterwards.")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    profile = PROFILES[args.profile or ("quick" if args.quick else "full")]
    if args.base is not None and not args.base.is_file():
        print(f"error: no such base file: {args.base}", file=sys.stderr)
        return 2
    if args.work_dir.exists():
        shutil.rmtree(args.work_dir)
    run = Run(profile, args.work_dir, args.base, args.reference_data)
    code = run.run()
    path = results.write(run.data, args.results_dir)
    run.log(f"results: {path}")
    report.update_readme(run.data, args.readme, path)
    run.log(f"report: {args.readme}")
    print(report.console_summary(run.data), flush=True)
    if not args.keep_work:
        shutil.rmtree(args.work_dir, ignore_errors=True)
    return code
