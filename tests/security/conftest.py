"""A real server on a writable core build with tight limits, a loopback canary, and the store-unchanged check.

The canary is a tiny HTTP server on 127.0.0.1 that records every request it receives: a hostile input that
names it (SERVICE, LOAD, a JSON-LD context, an XML entity, owl:imports) proves nothing was fetched when the
canary's log stays empty.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from ccg_graph.core.config import Settings
from ccg_graph.national.build import build
from tests.faults.conftest import launch
from tests.stub_http import reply

TOKEN = "hostile-input-token-7c1d"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
QUERY_TIMEOUT = 3.0
MAX_BODY = 256 * 1024
#: The longest literal the hostile server reads (under MAX_BODY, so a body can carry one longer).
MAX_LITERAL = 32 * 1024
ROW_CAP = 100


@dataclass
class Canary:
    url: str
    requests: list[str] = field(default_factory=list)


@pytest.fixture(scope="package")
def canary() -> Iterator[Canary]:
    seen: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def _record(self) -> None:
            seen.append(f"{self.command} {self.path}")
            body = b"<http://example.org/s> <http://example.org/p> <http://example.org/o> .\n"
            reply(self, 200, body, "application/n-triples")

        do_GET = do_POST = do_HEAD = _record

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Canary(f"http://127.0.0.1:{server.server_address[1]}", seen)
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="package")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    build_dir: Path = tmp_path_factory.mktemp("hostile") / "build"
    build(Settings(build_dir=build_dir), national=False)
    server = launch(
        build_dir,
        token=TOKEN,
        query_workers="2",
        query_timeout=str(QUERY_TIMEOUT),
        max_body_bytes=str(MAX_BODY),
        max_rdf_literal_bytes=str(MAX_LITERAL),
        max_result_rows=str(ROW_CAP),
    )
    yield server.url
    server.stop()


@pytest.fixture(scope="package")
def client(hostile_server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=hostile_server, timeout=60) as http:
        yield http


def store_state(client: httpx.Client) -> tuple[int, str]:
    """(quad count, published release) from /healthz."""
    health = client.get("/healthz").json()
    return health["quads"], health["release"]


@pytest.fixture
def unchanged(client: httpx.Client, canary: Canary) -> Iterator[None]:
    """Asserts after the test that the store is as it was and that the canary was never contacted."""
    before = store_state(client)
    canary.requests.clear()
    yield
    assert store_state(client) == before, "the hostile input changed the store"
    assert canary.requests == [], f"the server fetched a URL named by the input: {canary.requests}"


def assert_clear_4xx(response: httpx.Response, *statuses: int) -> None:
    """A 4xx (one of `statuses` when given) with a JSON message that says what was wrong, and no trace."""
    allowed = statuses or tuple(range(400, 500))
    assert response.status_code in allowed, f"{response.status_code} (wanted {allowed}): {response.text[:300]}"
    body = response.json()
    message = body.get("message") or body.get("detail")
    assert message, f"no message in the {response.status_code}: {response.text[:300]}"
    text = response.text
    assert "Traceback" not in text and "/site-packages/" not in text and "/ccg_graph/" not in text, text[:500]


def put_graph(client: httpx.Client, graph: str, body: bytes, media: str, *, token: bool = True) -> httpx.Response:
    """PUT ``body`` (of type ``media``) as graph ``graph`` through the Graph Store Protocol, with the write
    token unless ``token`` is False."""
    headers = {"content-type": media, **(AUTH if token else {})}
    return client.put("/store", params={"graph": graph}, content=body, headers=headers)


def post_update(client: httpx.Client, update: str | bytes) -> httpx.Response:
    """POST a SPARQL update (text is sent as UTF-8) to ``/sparql/update`` with the write token."""
    body = update.encode() if isinstance(update, str) else update
    return client.post("/sparql/update", content=body, headers={"content-type": "application/sparql-update", **AUTH})
