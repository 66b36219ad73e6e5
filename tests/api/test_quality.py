"""``GET /quality`` and `ccg-graph quality` on the national graph: the same report as `quality_report`."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient

from ccg_graph.core.config import Settings
from ccg_graph.linked_data.quality import quality_report
from ccg_graph.store import EmbeddedStore
from tests.cli.test_cli import cli


def test_quality_over_http_and_the_cli(
    ld_client: TestClient, national_settings: Settings, national_store: EmbeddedStore
) -> None:
    expected = quality_report(national_store)
    answer = ld_client.get("/quality", headers={"Accept": "application/json"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/json")
    assert answer.json() == expected
    page = ld_client.get("/quality", headers={"Accept": "text/html,*/*;q=0.8"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    first = expected["conflicts"][0]["sources"][0]
    assert f"{first['file']}:{first['line']}" in page.text
    assert ld_client.get("/quality", params={"_mediatype": "xml"}).status_code == 400
    result = cli("quality", "--format", "json", "--build-dir", str(national_settings.build_dir))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == expected
