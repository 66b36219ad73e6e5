"""Saved queries as an API: listed with their headers, run with typed, injection-safe parameters."""

from __future__ import annotations

import httpx

from ccg_graph.core.config import Settings
from ccg_graph.sparql.saved_queries import QueryCatalogue


def test_list_gives_every_saved_query_with_its_header(server_url: str, national_settings: Settings) -> None:
    listed = httpx.get(f"{server_url}/queries").json()
    assert [q["name"] for q in listed] == QueryCatalogue(national_settings.queries_dir).names()
    open_on = next(q for q in listed if q["name"] == "ccgs-open-on")
    assert open_on["title"] and open_on["purpose"] and open_on["returns"]
    assert open_on["parameters"] == [
        {
            "name": "as_of",
            "type": "xsd:date",
            "default": "2013-04-01",
            "required": False,
            "description": "the day to look at",
        }
    ]
    assert open_on["url"].endswith("/queries/ccgs-open-on")


def test_run_with_as_of_gives_the_count_for_that_day(server_url: str) -> None:
    def count(day: str) -> int:
        response = httpx.get(f"{server_url}/queries/ccgs-open-on", params={"as_of": day}, timeout=30)
        assert response.status_code == 200, response.text
        return len(response.json()["results"]["bindings"])

    assert count("2013-04-01") == 211
    assert count("2022-06-30") == 106


def test_run_in_csv(server_url: str) -> None:
    response = httpx.get(f"{server_url}/queries/ccgs-open-on", params={"as_of": "2021-04-01", "format": "csv"})
    assert response.headers["content-type"].startswith("text/csv")
    assert response.text.splitlines()[0] == "as_of,ccg,code,name,opened,closed"


def test_unknown_parameter_and_wrong_type_are_422_naming_it(server_url: str) -> None:
    unknown = httpx.get(f"{server_url}/queries/ccgs-open-on", params={"when": "2013-04-01"})
    assert unknown.status_code == 422 and "when" in unknown.json()["message"]
    wrong = httpx.get(f"{server_url}/queries/ccgs-open-on", params={"as_of": "yesterday"})
    assert wrong.status_code == 422 and "as_of" in wrong.json()["message"] and "xsd:date" in wrong.json()["message"]


def test_injection_through_a_parameter_is_a_value_not_code(server_url: str) -> None:
    hostile = '00C" } } ; DROP ALL ; SELECT * { ?s ?p ?o'
    listed = httpx.get(f"{server_url}/queries").json()
    by_string = [q for q in listed if any(p["type"] == "xsd:string" for p in q["parameters"])]
    assert by_string, "a saved query with a string parameter is needed for this test"
    query = by_string[0]
    parameter = next(p["name"] for p in query["parameters"] if p["type"] == "xsd:string")
    response = httpx.get(f"{server_url}/queries/{query['name']}", params={parameter: hostile}, timeout=30)
    assert response.status_code == 200
    assert response.json()["results"]["bindings"] == []
    assert httpx.get(f"{server_url}/healthz").json()["quads"] > 500_000


def test_unknown_or_traversing_names_are_404(server_url: str) -> None:
    assert httpx.get(f"{server_url}/queries/no-such-query").status_code == 404
    assert httpx.get(f"{server_url}/queries/..%2F..%2Fetc%2Fpasswd").status_code == 404
