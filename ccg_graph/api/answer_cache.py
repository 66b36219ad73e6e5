"""Answers worth keeping: saved-query and page answers of the release being served, bounded in memory.

A saved query with the same parameters, or a page of the same resource, answers the same bytes until the
next release, and many clients ask for the same few (a dashboard, a CCG's page). Keeping them turns the
worker round trip and the engine into a dictionary look-up. Entries belong to one release: the first
look-up under a new release empties the cache, so nothing from an earlier release is ever served. The
cache holds at most `max_bytes` of bodies, dropping the least recently used first, and never keeps one
answer larger than an eighth of that, so one big answer cannot flush everything else.

`release_of` names the release an answer belongs to: the published generation of the store on disk (or the
revision of a store in memory), which changes with every write; for a remote SPARQL server, which can change
behind our back, the fingerprint of `caching` (re-read at most every `Settings.etag_refresh_seconds`).
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

import anyio
from fastapi import Request

from ccg_graph.store import Store

CACHE_HEADER = "X-Cache"


@dataclass(frozen=True)
class CachedAnswer:
    status: int
    body: bytes
    media_type: str | None
    headers: tuple[tuple[str, str], ...]


class AnswerCache:
    """Answers of one release, least recently used dropped first, at most `max_bytes` of bodies."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Hashable, CachedAnswer] = OrderedDict()
        self._size = 0
        self._release: str | None = None
        self._lock = threading.Lock()  # pages are built in FastAPI's threads

    def _switch(self, release: str) -> None:
        if release != self._release:
            self._entries.clear()
            self._size = 0
            self._release = release

    def get(self, release: str, key: Hashable) -> CachedAnswer | None:
        with self._lock:
            self._switch(release)
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, release: str, key: Hashable, answer: CachedAnswer) -> None:
        if len(answer.body) * 8 > self.max_bytes:
            return
        with self._lock:
            self._switch(release)
            previous = self._entries.pop(key, None)
            if previous is not None:
                self._size -= len(previous.body)
            self._entries[key] = answer
            self._size += len(answer.body)
            while self._size > self.max_bytes:
                _, dropped = self._entries.popitem(last=False)
                self._size -= len(dropped.body)

    @property
    def size(self) -> int:
        """Bytes of bodies held."""
        return self._size

    def __len__(self) -> int:
        return len(self._entries)


def answer_cache(request: Request) -> AnswerCache | None:
    """The app's cache, or None when `Settings.answer_cache_bytes` is 0."""
    cache: AnswerCache | None = request.app.state.answer_cache
    return cache


def exact_release(store: Store) -> str | None:
    """The store's release when the store itself knows it exactly (on disk or in this process)."""
    if store.generation_is_exact:
        return store.generation
    return None


async def release_of(request: Request, store: Store) -> str:
    """The name of the release answers are computed from (see the module's docstring)."""
    exact = exact_release(store)
    if exact is not None:
        return exact
    from ccg_graph.api.caching import fingerprint  # caching keeps pages here: imported late, not circularly

    return (await anyio.to_thread.run_sync(fingerprint, request, store)).tag


def weak_etag(release: str, *parts: str) -> str:
    """A weak validator: the same request on the same release gives an equivalent answer.

    Weak because the engine does not promise the same row order for a query without ORDER BY, so the bytes
    may differ even when the answer does not.
    """
    digest = hashlib.sha256("\x1f".join([release, *parts]).encode()).hexdigest()[:24]
    return f'W/"{digest}"'
