"""HTTP caching for the linked-data routes: ETags, Last-Modified, 304s, Cache-Control and Vary.

An ETag is a hash of the store's fingerprint (its published generation where the store has one, the build
activities recorded in its provenance graph, its named graphs and its size, so a rebuild or a write changes
it) and of the representation (path, query and media type). The fingerprint is re-read when the generation
changes, and otherwise at most every `Settings.etag_refresh_seconds`, because counting the quads of the
national graph takes about 0.1 s.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from fastapi import Request, Response
from fastapi.responses import StreamingResponse

from ccg_graph.api.answer_cache import CACHE_HEADER, CachedAnswer, answer_cache
from ccg_graph.core.config import Settings
from ccg_graph.store import Store

CACHE_CONTROL = "public, max-age=300, must-revalidate"

_BUILDS = """
SELECT ?build WHERE {
  GRAPH <https://w3id.org/ccg-graph/id/graph/provenance> { ?build a <http://www.w3.org/ns/prov#Activity> }
} ORDER BY ?build
"""


@dataclass(frozen=True)
class Fingerprint:
    """What identifies the store's current contents."""

    tag: str
    build_ids: tuple[str, ...]
    last_modified: datetime


class FingerprintCache:
    """The fingerprint of one store, re-read at most every `refresh` seconds."""

    def __init__(self, refresh: float, settings: Settings) -> None:
        self.refresh = refresh
        self.settings = settings
        self.started = datetime.now(UTC).replace(microsecond=0)
        self._lock = threading.Lock()
        self._value: tuple[tuple[int, str], float, Fingerprint] | None = None

    def get(self, store: Store) -> Fingerprint:
        now = time.monotonic()
        key = (id(store), str(getattr(store, "generation", "")))
        with self._lock:
            if self._value and self._value[0] == key and now - self._value[1] < self.refresh:
                return self._value[2]
        value = self._read(store, key[1])
        with self._lock:
            self._value = (key, now, value)
        return value

    def _read(self, store: Store, generation: str) -> Fingerprint:
        result = store.query(_BUILDS)
        assert result.solutions is not None
        builds = tuple(row["build"].value.rsplit("/", 1)[-1] for row in result.solutions)
        graphs = store.named_graphs()
        parts = [generation, *builds, str(len(store)), *graphs]
        digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]
        return Fingerprint(digest, builds, self._modified(store))

    def _modified(self, store: Store) -> datetime:
        served = store.local_directory()
        candidates = [served] if served is not None else [self.settings.store_dir]
        candidates.append(self.settings.dump_path)
        times = [p.stat().st_mtime for p in candidates if p.exists()]
        if not times:
            return self.started
        return datetime.fromtimestamp(int(max(times)), UTC)


def fingerprint(request: Request, store: Store) -> Fingerprint:
    """The fingerprint of the app's store (the cache lives on the app)."""
    state = request.app.state
    cache = getattr(state, "fingerprint_cache", None)
    if cache is None:
        settings: Settings = state.settings
        cache = state.fingerprint_cache = FingerprintCache(settings.etag_refresh_seconds, settings)
    return cache.get(store)


def etag_for(print_: Fingerprint, *parts: str) -> str:
    digest = hashlib.sha256("|".join([print_.tag, *parts]).encode()).hexdigest()[:24]
    return f'"{digest}"'


def _matches(header: str, etag: str) -> bool:
    candidates = [c.strip().removeprefix("W/") for c in header.split(",")]
    return "*" in candidates or etag.removeprefix("W/") in candidates


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Does an ``If-None-Match`` header name `etag` (weak comparison, RFC 9110 section 13.1.2)?"""
    return if_none_match is not None and _matches(if_none_match, etag)


def not_modified(request: Request, etag: str, last_modified: datetime) -> bool:
    """Whether a GET with these validators may be answered 304 (RFC 9110 section 13.2.2)."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        return _matches(if_none_match, etag)
    since = request.headers.get("if-modified-since")
    if since:
        try:
            return last_modified <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


def cache_headers(etag: str, last_modified: datetime, vary_accept: bool = True) -> dict[str, str]:
    headers = {
        "ETag": etag,
        "Last-Modified": format_datetime(last_modified, usegmt=True),
        "Cache-Control": CACHE_CONTROL,
    }
    if vary_accept:
        headers["Vary"] = "Accept"
    return headers


def conditional_response(
    request: Request, store: Store, parts: tuple[str, ...], make: Callable[[], Response], vary_accept: bool = True
) -> Response:
    """Answer 304 if the client's copy is current, else the response `make()` builds, with cache headers."""
    print_ = fingerprint(request, store)
    etag = etag_for(print_, *parts)
    headers = cache_headers(etag, print_.last_modified, vary_accept)
    if not_modified(request, etag, print_.last_modified):
        return Response(status_code=304, headers=headers)
    cache = answer_cache(request)
    key = ("page", *parts)
    hit = cache.get(print_.tag, key) if cache is not None else None
    if hit is not None:
        return Response(hit.body, hit.status, {**dict(hit.headers), CACHE_HEADER: "hit"}, media_type=hit.media_type)
    response: Response = make()
    if response.status_code != 200:
        return response
    for name, value in headers.items():
        if name == "Vary" and "vary" in response.headers:
            continue
        response.headers[name] = value
    if cache is not None and not isinstance(response, StreamingResponse):
        kept = tuple((name, value) for name, value in response.headers.items() if name != "content-length")
        cache.put(print_.tag, key, CachedAnswer(response.status_code, bytes(response.body), None, kept))
        response.headers[CACHE_HEADER] = "miss"
    return response
