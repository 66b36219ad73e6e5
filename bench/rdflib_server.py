"""rdflib-endpoint serving an N-Quads file from an rdflib ``Dataset``: the Python peer ccg-graph is compared with.

Run as ``python -m bench.rdflib_server --data FILE.nq --port N --report FILE.json``. The parse time is
written to the report before the server starts, so the harness gets rdflib's parser figure from the same load.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import uvicorn
from rdflib import Dataset
from rdflib_endpoint import SparqlEndpoint


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--report", type=Path, required=True)
    args = parser.parse_args()
    started = time.perf_counter()
    dataset = Dataset(default_union=True)
    dataset.parse(args.data, format="nquads")
    seconds = time.perf_counter() - started
    args.report.write_text(json.dumps({"triples_in_union": len(dataset), "seconds": seconds}))
    app = SparqlEndpoint(graph=dataset, title="rdflib-endpoint (bench)", cors_enabled=False)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
