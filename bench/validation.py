"""Validation: full SHACL validation with ``ccg-graph validate`` and with stock pySHACL at each size, and
incremental validation of a one-CCG submission (from ``bench.incremental_validation``, when the code has it).

Both full validators read the same flattened N-Triples file and the same shapes and ontology, each in its
own process, timed from start to exit, with its peak memory from the kernel (``wait4``). A size whose
pySHACL run would not fit in the memory the machine has free is not attempted, and the reason recorded.
"""

from __future__ import annotations

import importlib
import inspect
import os
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pyoxigraph as ox

from bench.procs import BenchError, FeatureMissing, tree_peak_rss
from ccg_graph.core.config import Settings
from ccg_graph.validate import load_ontology, load_shapes


def flatten(nquads: Path, target: Path) -> int:
    """The triples of an N-Quads file as N-Triples (named graphs dropped), as both validators read it."""
    count = 0
    with target.open("w", encoding="utf-8") as out:
        for quad in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS):
            out.write(f"{quad.subject} {quad.predicate} {quad.object} .\n")
            count += 1
    return count


def write_artefacts(settings: Settings, work_dir: Path) -> tuple[Path, Path]:
    """The shapes and the ontology, each as one Turtle file (pySHACL's command line takes one file of each)."""
    shapes = work_dir / "shapes.ttl"
    ontology = work_dir / "ontology.ttl"
    load_shapes(settings.shapes_dir).serialize(shapes, format="turtle")
    load_ontology(settings.ontology_dir).serialize(ontology, format="turtle")
    return shapes, ontology


def timed_process(command: list[str], log: Path, env: dict[str, str] | None = None) -> dict:
    """Run `command` to its end: exit code, wall seconds and peak resident memory.

    The peak is the kernel's high-water mark (VmHWM) read every 50 ms while the process runs: ``wait4``'s
    ``ru_maxrss`` would count the harness's own memory, which the child inherits between fork and exec.
    """
    started = time.perf_counter()
    peak = 0
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})})
        while process.poll() is None:
            try:
                peak = max(peak, tree_peak_rss(process.pid))
            except BenchError:
                break
            time.sleep(0.05)
        process.wait()
    seconds = time.perf_counter() - started
    return {"exit": process.returncode, "seconds": round(seconds, 3), "peak_rss_bytes": peak}


def full_validation(
    data: Path, triples: int, shapes: Path, ontology: Path, work_dir: Path, settings: Settings, scale: int
) -> dict:
    """``ccg-graph validate`` and ``pyshacl`` on the same file; exit 0 conforms, 1 does not, else an error."""
    results: dict = {"triples": triples}
    ours = timed_process(
        [sys.executable, "-m", "ccg_graph.cli", "validate", str(data), "--format", "json"],
        work_dir / f"validate-ccg-graph-x{scale}.log",
        env={"CCG_GRAPH_SHAPES_DIR": str(settings.shapes_dir), "CCG_GRAPH_ONTOLOGY_DIR": str(settings.ontology_dir)},
    )
    if ours["exit"] not in (0, 1):
        raise BenchError(f"ccg-graph validate failed with exit {ours['exit']} (see {work_dir})")
    ours["conforms"] = ours["exit"] == 0
    results["ccg_graph"] = ours
    pyshacl = Path(sys.executable).with_name("pyshacl")
    stock = timed_process(
        [str(pyshacl), "-s", str(shapes), "-e", str(ontology), "-i", "none", "-a", "-w", "-df", "nt", str(data)],
        work_dir / f"validate-pyshacl-x{scale}.log",
    )
    if stock["exit"] not in (0, 1):
        raise BenchError(f"pyshacl failed with exit {stock['exit']} (see {work_dir})")
    stock["conforms"] = stock["exit"] == 0
    results["pyshacl"] = stock
    return results


def extrapolate(memory_at: dict[int, int], scale: int) -> float:
    """Memory at `scale`, on the line through the two largest sizes measured (proportional from one)."""
    sizes = sorted(memory_at)
    if len(sizes) == 1:
        return memory_at[sizes[0]] * scale / sizes[0]
    a, b = sizes[-2], sizes[-1]
    slope = (memory_at[b] - memory_at[a]) / (b - a)
    return memory_at[b] + max(slope, 0) * (scale - b)


def fits_in_memory(expected_bytes: float) -> tuple[bool, str]:
    available = psutil.virtual_memory().available
    if expected_bytes > 0.75 * available:
        return False, (
            f"would need about {expected_bytes / 2**30:.1f} GiB (extrapolated from the sizes measured), "
            f"more than 3/4 of the {available / 2**30:.1f} GiB free"
        )
    return True, ""


def incremental_validation(settings: Settings, *, with_full: bool) -> dict:
    """The incremental-validation measurement, if the merged code provides it; never a number made up here.

    `with_full` asks it for its own in-process full validation of the same graph too (minutes on the national
    graph: the quick profile leaves it out, and the ratio to full validation is then not measured).
    """
    validate = importlib.import_module("ccg_graph.validate")
    if not hasattr(validate, "validate_change"):
        raise FeatureMissing(
            "ccg_graph.validate has no validate_change(store, added, removed): incremental validation is not "
            "in this tree yet, so there is nothing to measure"
        )
    try:
        module = importlib.import_module("bench.incremental_validation")
    except ModuleNotFoundError as err:
        raise FeatureMissing(
            "bench/incremental_validation.py (its run(settings) -> dict) is not in this tree: the incremental "
            "validation measurement comes with that feature"
        ) from err
    accepted = inspect.signature(module.run).parameters
    options = {"full": with_full} if "full" in accepted else {}
    if "repeats" in accepted:
        options["repeats"] = 3
    outcome = module.run(settings, **options)
    if not isinstance(outcome, dict):
        raise BenchError(f"bench.incremental_validation.run returned {type(outcome).__name__}, not a dict")
    return outcome
