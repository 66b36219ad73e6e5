"""The request that used to kill the server: a 5,000-deep JSON-LD body POSTed to /validate (no token needed).

pyoxigraph's JSON-LD parser overflowed the stack on it and the whole process died (segmentation fault), so
`/healthz` then refused connections. The guarded parser refuses it before pyoxigraph sees it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ccg_graph.core.config import Settings
from ccg_graph.national.build import build
from tests.conftest import start_server, stop_server
from tests.rdf.corpus import nesting_bombs


@pytest.fixture(scope="module")
def plain_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, str]]:
    build_dir: Path = tmp_path_factory.mktemp("validate-crash") / "build"
    build(Settings(build_dir=build_dir), national=False)
    process, url = start_server(build_dir)
    yield process, url
    stop_server(process)


@pytest.mark.parametrize("case", nesting_bombs(), ids=lambda c: c.name)
def test_a_nesting_bomb_on_validate_is_refused_and_the_server_stays_up(plain_server, case) -> None:
    process, url = plain_server
    response = httpx.post(f"{url}/validate", content=case.body, headers={"Content-Type": case.content_type}, timeout=60)
    assert 400 <= response.status_code < 500, response.text[:300]
    assert "nests" in response.json()["message"]
    assert process.poll() is None, "the server process died"  # type: ignore[attr-defined]
    assert httpx.get(f"{url}/healthz", timeout=10).status_code == 200


def test_the_json_ld_bomb_is_the_one_from_the_report() -> None:
    bomb = nesting_bombs()[0].body
    assert bomb.count(b"{") > 5_000 and 150_000 < len(bomb) < 200_000
