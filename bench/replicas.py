"""Read throughput through nginx with 1, 2 and 3 read replicas, and replication lag (``make bench-replicas``).

One primary and three replicas of the same build run side by side on the loopback (every process on its own
port); nginx (configured by ``ccg-graph deploy nginx``) balances over the first one, two or three, and wrk
drives point lookups through it. The rounds go 1, 2, 3 replicas and again, keeping each count's best, so
load from other work on this shared machine falls on every count alike; the ratios against one replica are
the figures worth comparing. Lag is the time from a write's answer on the primary to the moment each
replica's ``/healthz`` names the new release, over a series of writes.

    python -m bench.replicas                        # the national graph (built into the work folder)
    python -m bench.replicas --core --seconds 4     # a quick run on the core-only build

The figures are written to ``bench/results/replicas-<time>.json`` and into the section of bench/README.md
between the ``replicas:`` markers (the rest of that file is the main harness's).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

import httpx
import psutil

from bench import machine
from bench.procs import BenchError, Server, free_port, start_server, wait_for_healthz
from bench.workload import build_workload
from bench.wrk import run_wrk
from ccg_graph.core.config import PROJECT_ROOT, Settings
from ccg_graph.national.build import build
from ccg_graph.store import open_store

TOKEN = "bench-replicas-token"
README = Path(__file__).with_name("README.md")
START, END = "<!-- replicas:start -->", "<!-- replicas:end -->"


def serve(name: str, build_dir: Path, logs: Path, *extra: str, env: dict[str, str] | None = None) -> Server:
    port = free_port()
    command = [sys.executable, "-m", "ccg_graph.cli", "serve", "--port", str(port), "--build-dir", str(build_dir)]
    settings = {"PYTHONPATH": str(PROJECT_ROOT), "CCG_GRAPH_QUERY_WORKERS": "2", **(env or {})}
    return start_server(name, [*command, *extra], "/sparql", port, logs / f"{name}.log", env=settings)


class Nginx:
    """nginx in the foreground over `replicas`, with its own folder for pid, logs and temporary files."""

    def __init__(self, folder: Path, primary: str, replicas: list[str]) -> None:
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(binary).exists():
            raise BenchError("nginx is missing: `make deps-system` installs it (Debian package nginx-light)")
        folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        config = folder / "nginx.conf"
        command = [sys.executable, "-m", "ccg_graph.cli", "deploy", "nginx", "--primary", primary]
        for url in replicas:
            command += ["--replica", url]
        command += ["--listen", f"127.0.0.1:{self.port}", "--prefix", str(folder), "--output", str(config)]
        subprocess.run(command, check=True, capture_output=True, env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)})
        run = [binary, "-p", str(folder), "-c", str(config), "-e", str(folder / "error.log"), "-g", "daemon off;"]
        self.process = subprocess.Popen(run, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if wait_for_healthz(self.url, 30, request_timeout=2):
            return
        self.stop()
        raise BenchError(f"nginx did not answer within 30 s: {(folder / 'error.log').read_text(errors='replace')}")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            self.process.wait(15)


def cpu_seconds(pids: list[int], *, with_children: bool = True) -> float:
    """User plus system CPU time of these processes and (unless told not to) everything under them."""
    total = 0.0
    for pid in pids:
        try:
            root = psutil.Process(pid)
            for process in [root, *(root.children(recursive=True) if with_children else [])]:
                times = process.cpu_times()
                total += times.user + times.system
        except psutil.NoSuchProcess:
            continue
    return total


def measured_run(base_url: str, paths: list[str], args: argparse.Namespace, work: Path, watched: dict) -> dict:
    """One wrk run, with the CPU time each group of processes in `watched` spent per answered request."""
    loops = watched["replicas"]
    before = {name: cpu_seconds(pids) for name, pids in watched.items()}
    loops_before = cpu_seconds(loops, with_children=False)
    figures = run_wrk(
        base_url,
        paths,
        connections=args.connections,
        seconds=args.seconds,
        max_requests=10**9,
        timeout_seconds=30,
        script_path=work / "wrk.lua",
    )
    answered = max(1, figures["requests"])
    figures["event_loop_cpu_ms_per_request"] = round(
        1000 * (cpu_seconds(loops, with_children=False) - loops_before) / answered, 3
    )
    for name, pids in watched.items():
        figures[f"{name}_cpu_ms_per_request"] = round(1000 * (cpu_seconds(pids) - before[name]) / answered, 3)
    return figures


def throughput(work: Path, primary: Server, replicas: list[Server], paths: list[str], args: argparse.Namespace) -> dict:
    """Best requests/s through nginx over 1..N replicas, and straight to one replica (nginx's cost)."""
    best: dict[str, dict] = {}
    for round_number in range(args.rounds):
        for count in range(1, len(replicas) + 1):
            nginx = Nginx(
                work / f"nginx-{count}-{round_number}", primary.base_url, [r.base_url for r in replicas[:count]]
            )
            watched = {"replicas": [r.process.pid for r in replicas[:count]], "nginx": [nginx.process.pid]}
            try:
                figures = measured_run(nginx.url, paths, args, work, watched)
            finally:
                nginx.stop()
            key = f"{count} replica" + ("s" if count > 1 else "")
            if key not in best or figures["requests_per_s"] > best[key]["requests_per_s"]:
                best[key] = figures
        direct = measured_run(replicas[0].base_url, paths, args, work, {"replicas": [replicas[0].process.pid]})
        if "direct" not in best or direct["requests_per_s"] > best["direct"]["requests_per_s"]:
            best["direct"] = direct
    return best


def replication_lag(primary: Server, replicas: list[Server], writes: int) -> dict:
    """Seconds from each write's answer on the primary until each replica serves its release."""
    lags: list[float] = []
    with httpx.Client(timeout=60) as http:
        for number in range(writes):
            subject = f"<https://example.org/bench/replicas#w{number}>"
            update = (
                "INSERT DATA { GRAPH <https://example.org/bench/replicas> { "
                f'{subject} <http://www.w3.org/2000/01/rdf-schema#label> "write {number}" }} }}'
            )
            answer = http.post(
                f"{primary.base_url}/sparql/update",
                content=update,
                headers={"Content-Type": "application/sparql-update", "Authorization": f"Bearer {TOKEN}"},
            )
            written = time.monotonic()
            if answer.status_code != 204:
                raise BenchError(f"the write was refused: {answer.status_code} {answer.text[:300]}")
            release = answer.headers["X-Release"]
            seen: list[float] = []
            lock = threading.Lock()

            def watch(url: str, release: str, written: float, seen: list[float], lock: threading.Lock) -> None:
                with httpx.Client(timeout=10) as watcher:
                    deadline = written + 60
                    while time.monotonic() < deadline:
                        if watcher.get(f"{url}/healthz").json().get("release") == release:
                            with lock:
                                seen.append(time.monotonic() - written)
                            return
                        time.sleep(0.01)

            watchers = [
                threading.Thread(target=watch, args=(r.base_url, release, written, seen, lock)) for r in replicas
            ]
            for thread in watchers:
                thread.start()
            for thread in watchers:
                thread.join(90)
            if len(seen) != len(replicas):
                raise BenchError(f"write {number}: only {len(seen)} of {len(replicas)} replicas applied it in 60 s")
            lags += seen
            time.sleep(0.25)
    ordered = sorted(lags)
    return {
        "writes": writes,
        "samples": len(ordered),
        "p50_s": round(statistics.median(ordered), 3),
        "p95_s": round(ordered[max(0, round(0.95 * len(ordered)) - 1)], 3),
        "max_s": round(ordered[-1], 3),
    }


def section(data: dict) -> str:
    rates = data["throughput"]
    one = rates["1 replica"]["requests_per_s"]
    rows = [
        f"| {name} | {figures['requests_per_s']:,.1f} | {figures['requests_per_s'] / one:.2f} | "
        f"{figures['p50_ms']} | {figures['p99_ms']} | {figures['replicas_cpu_ms_per_request']} "
        f"({figures['event_loop_cpu_ms_per_request']}) | "
        f"{figures.get('nginx_cpu_ms_per_request', '–')} | {sum(figures['errors'].values())} |"
        for name, figures in rates.items()
    ]
    lag = data["lag"]
    load = data["machine"]["load_average_at_start"]
    return "\n".join(
        [
            START,
            "## Read replicas behind nginx (`make bench-replicas`, `bench/replicas.py`)",
            "",
            f"Taken {data['taken']} on the {data['graph']} graph ({data['quads']:,} quads), "
            f"{data['machine']['cores']} cores (1-minute load average {load[0]} at the start), wrk with "
            f"{data['connections']} connections for {data['seconds']:g} s per run, best of {data['rounds']} rounds, "
            "point lookups (`SELECT ?p ?o WHERE "
            "{ <iri> ?p ?o }`) through nginx; each replica has 2 query workers.",
            "",
            "| reads go to | requests/s | vs 1 replica | p50 ms | p99 ms | replica CPU ms/request (event loop) "
            "| nginx CPU ms/request | errors |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
            *rows,
            "",
            where_it_flattens(data),
            "",
            f"Replication lag (write answered on the primary to release served by the replica, {lag['writes']} "
            f"writes x {len(data['replicas'])} replicas, polling every {data['poll_seconds']:g} s): "
            f"p50 {lag['p50_s']} s, p95 {lag['p95_s']} s, max {lag['max_s']} s.",
            END,
        ]
    )


def where_it_flattens(data: dict) -> str:
    """The paragraph reading the throughput table: the CPU ceiling of the cores and what one replica can reach."""
    rates, cores = data["throughput"], data["machine"]["cores"]
    one = rates["1 replica"]
    cpu_ms = one["replicas_cpu_ms_per_request"] + one["nginx_cpu_ms_per_request"]
    loop_ms = one["event_loop_cpu_ms_per_request"]
    ceiling = 1000 * cores / cpu_ms if cpu_ms else 0.0
    one_replica = 1000 / loop_ms if loop_ms else 0.0
    text = (
        f"Where the curve flattens: a read costs the replica (event loop and query workers) and nginx about "
        f"{cpu_ms:.1f} ms of CPU, so {cores} cores answer at most about {ceiling:,.0f} reads/s however many "
        f"replicas share them (less what wrk itself takes). {loop_ms:.2f} ms of it is the replica's event loop, "
        f"one thread, which caps one replica at about {one_replica:,.0f} reads/s. "
    )
    if one_replica >= ceiling:
        text += (
            f"That is above the cores' ceiling, so by these CPU figures (inferred: there is no idle machine here "
            f"to measure it on) one replica with its query workers can already use both of {cores} idle cores: "
            "the curve is flat from the first replica, and more replicas on "
            "the same cores add failover, not throughput; they add throughput when they have cores of their own. "
        )
    else:
        text += (
            f"That is {one_replica / ceiling:.0%} of the cores' ceiling, so by these CPU figures (inferred, not "
            f"measured on an idle machine) the curve flattens at {math.ceil(ceiling / one_replica)} replicas on "
            f"{cores} cores. "
        )
    return text + (
        "This machine was shared (the load average above): other sessions' processes held most of the CPU, and "
        "each added server process wins a larger share of it from them, so the ratios past one replica measure "
        "that share as much as anything. The CPU cost per read does not depend on the share, which is why the "
        "capacity estimate in docs/deployment.md is made from it."
    )


def update_readme(text: str) -> None:
    current = README.read_text(encoding="utf-8")
    if START in current and END in current:
        before, rest = current.split(START, 1)
        current = before + text + rest.split(END, 1)[1]
    else:
        current = current.rstrip("\n") + "\n\n" + text + "\n"
    README.write_text(current, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", type=Path, help="An existing build to serve (default: build one)")
    parser.add_argument("--core", action="store_true", help="Build the core-only graph (a quick run)")
    parser.add_argument("--work-dir", type=Path, default=Path(tempfile.gettempdir()) / "ccg-graph-bench-replicas")
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--writes", type=int, default=30)
    parser.add_argument("--replicas", type=int, default=3)
    parser.add_argument("--no-readme", action="store_true", help="Do not rewrite the section in bench/README.md")
    parser.add_argument("--render", type=Path, help="Only rewrite the README section from this results file")
    args = parser.parse_args(argv)
    if args.render is not None:
        update_readme(section(json.loads(args.render.read_text(encoding="utf-8"))))
        return 0

    work = args.work_dir
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    logs = work / "logs"
    build_dir = args.build_dir
    if build_dir is None:
        build_dir = work / "primary"
        print("building the graph ...", flush=True)
        build(Settings(build_dir=build_dir), national=not args.core)
    settings = Settings(build_dir=build_dir)
    store = open_store(settings.store_dir, read_only=True)
    quads = len(store)
    try:
        lookups = build_workload(store, settings).queries["lookup"]
    except ValueError:  # a core-only build has no CCGs: look up what it has
        found = store.query("SELECT DISTINCT ?s WHERE { ?s a ?type FILTER isIRI(?s) } ORDER BY ?s LIMIT 24")
        assert found.solutions is not None
        lookups = [f"SELECT ?p ?o WHERE {{ <{row[0].value}> ?p ?o }}" for row in found.solutions]
    store.close()
    paths = [f"/sparql?query={quote(text, safe='')}" for text in lookups]

    servers: list[Server] = []
    try:
        primary = serve("primary", build_dir, logs, env={"CCG_GRAPH_UPDATE_TOKEN": TOKEN})
        servers.append(primary)
        poll = 0.5
        replicas = []
        for number in range(1, args.replicas + 1):
            print(f"booting replica {number} from the primary's snapshot ...", flush=True)
            started = time.monotonic()
            replica = serve(
                f"replica-{number}",
                work / f"replica-{number}",
                logs,
                "--replica-of",
                primary.base_url,
                env={"CCG_GRAPH_REPLICA_POLL_SECONDS": str(poll)},
            )
            replica.extra["boot_s"] = round(time.monotonic() - started, 1)
            replicas.append(replica)
            servers.append(replica)
        print("measuring throughput ...", flush=True)
        data = {
            "taken": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "machine": machine.describe(),
            "graph": "core-only" if args.core else "national",
            "quads": quads,
            "connections": args.connections,
            "seconds": args.seconds,
            "rounds": args.rounds,
            "poll_seconds": poll,
            "replicas": [{"url": r.base_url, "boot_s": r.extra["boot_s"]} for r in replicas],
        }
        data["throughput"] = throughput(work, primary, replicas, paths, args)
        print("measuring replication lag ...", flush=True)
        data["lag"] = replication_lag(primary, replicas, args.writes)
    finally:
        for server in reversed(servers):
            server.stop()
    results = PROJECT_ROOT / "bench" / "results" / f"replicas-{time.strftime('%Y-%m-%d-%H%M%S', time.gmtime())}.json"
    results.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    text = section(data)
    if not args.no_readme:
        update_readme(text)
    print(text)
    print(f"results: {results}")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
