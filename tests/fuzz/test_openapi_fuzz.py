"""Schemathesis against the app's own OpenAPI schema: no 5xx, and every response conforms to the schema.

Runs the real app (query worker processes and all) over a throwaway core build with an update token, with a
fixed seed and `CCG_FUZZ_EXAMPLES` examples per operation (a few in `make test`, many under `make fuzz`).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ccg_graph.api import create_app
from ccg_graph.core.config import Settings
from ccg_graph.national.build import build

#: No 5xx, and the response matches the schema. (Not "schema-valid data is accepted": a schema can say a
#: query is a string, not that it must be valid SPARQL, so a 400 for `query=` is right.)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
EXAMPLES = int(os.environ.get("CCG_FUZZ_EXAMPLES", "8"))
TOKEN = "fuzz-token-11aa"

_build_dir = Path(tempfile.mkdtemp(prefix="ccg-fuzz-")) / "build"
build(Settings(build_dir=_build_dir), national=False)
app = create_app(Settings(build_dir=_build_dir, update_token=TOKEN, query_workers=2, query_timeout=5))
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api(case) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {TOKEN}"}, checks=CHECKS)
