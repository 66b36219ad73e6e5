"""Answers worth keeping: saved-query answers cached per release, ETags and 304s on SPARQL answers."""

from __future__ import annotations

from fastapi.testclient import TestClient

from ccg_graph.api.answer_cache import AnswerCache, CachedAnswer
from tests.api.test_writes import _put_context

SAVED = "/queries/ccgs-open-on"
LOOKUP = {"query": "SELECT ?p ?o WHERE { <https://w3id.org/ccg-graph/id/scheme/ods> ?p ?o }"}


def _answer(body: bytes) -> CachedAnswer:
    return CachedAnswer(200, body, "text/plain", ())


def test_the_cache_is_bounded_drops_the_least_recent_and_forgets_old_releases() -> None:
    cache = AnswerCache(max_bytes=80)
    cache.put("r1", "a", _answer(b"x" * 10))
    cache.put("r1", "b", _answer(b"y" * 10))
    assert cache.get("r1", "a") is not None  # "a" is now the most recent
    cache.put("r1", "big", _answer(b"z" * 11))  # more than an eighth of the budget: not kept
    assert cache.get("r1", "big") is None
    for index in range(7):
        cache.put("r1", f"c{index}", _answer(b"w" * 10))
    assert cache.size <= 80
    assert cache.get("r1", "b") is None  # the least recently used went first
    assert cache.get("r1", "a") is not None and cache.get("r1", "c6") is not None
    assert cache.get("r2", "c6") is None and len(cache) == 0  # a new release starts empty


def test_saved_query_answers_are_kept_until_the_next_release(writable_client: TestClient) -> None:
    params = {"as_of": "2020-01-01"}
    first = writable_client.get(SAVED, params=params)
    assert first.status_code == 200, first.text
    assert first.headers["x-cache"] == "miss"
    again = writable_client.get(SAVED, params=params)
    assert again.headers["x-cache"] == "hit"
    assert again.content == first.content
    assert again.headers["content-type"] == first.headers["content-type"]
    assert again.headers["etag"] == first.headers["etag"]
    as_csv = writable_client.get(SAVED, params=params, headers={"Accept": "text/csv"})
    assert as_csv.headers["x-cache"] == "miss" and as_csv.headers["content-type"].startswith("text/csv")

    not_modified = writable_client.get(SAVED, params=params, headers={"If-None-Match": first.headers["etag"]})
    assert not_modified.status_code == 304 and not_modified.content == b""

    _put_context(writable_client)  # a write publishes a new release
    after = writable_client.get(SAVED, params=params)
    assert after.headers["x-cache"] == "miss"
    assert after.headers["etag"] != first.headers["etag"]
    stale = writable_client.get(SAVED, params=params, headers={"If-None-Match": first.headers["etag"]})
    assert stale.status_code == 200


def test_sparql_answers_have_etags_per_request_and_answer_304(writable_client: TestClient) -> None:
    json_answer = writable_client.get("/sparql", params=LOOKUP)
    assert json_answer.status_code == 200, json_answer.text
    etag = json_answer.headers["etag"]
    assert etag.startswith('W/"')
    assert "x-cache" not in json_answer.headers  # ad-hoc queries are not kept, only validated
    xml_answer = writable_client.get("/sparql", params=LOOKUP, headers={"Accept": "application/sparql-results+xml"})
    assert xml_answer.headers["etag"] != etag

    cached = writable_client.get("/sparql", params=LOOKUP, headers={"If-None-Match": etag})
    assert cached.status_code == 304 and cached.headers["etag"] == etag
    other = writable_client.get("/sparql", params=LOOKUP, headers={"If-None-Match": 'W/"something-else"'})
    assert other.status_code == 200 and other.content == json_answer.content

    posted = writable_client.post("/sparql", data=LOOKUP, headers={"If-None-Match": etag})
    assert posted.status_code == 200  # POST answers are not validated


def test_page_answers_are_kept_per_release(writable_client: TestClient) -> None:
    for accept in ("text/html", "text/turtle"):
        first = writable_client.get("/def", headers={"Accept": accept})
        assert first.status_code == 200, first.text
        assert first.headers["x-cache"] == "miss"
        again = writable_client.get("/def", headers={"Accept": accept})
        assert again.headers["x-cache"] == "hit"
        assert again.content == first.content
        assert again.headers["content-type"] == first.headers["content-type"]
        assert again.headers["etag"] == first.headers["etag"]
