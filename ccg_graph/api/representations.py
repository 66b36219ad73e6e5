"""Turning descriptions into HTTP answers: RDF serialisations, HTML pages, and per-build caches.

Shared by the linked-data routers so each of them only parses the request and picks what to show.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox
from fastapi import Request, Response
from fastapi.templating import Jinja2Templates

from ccg_graph import __version__
from ccg_graph.api.caching import fingerprint
from ccg_graph.core.config import Settings
from ccg_graph.core.namespaces import PREFIXES
from ccg_graph.linked_data.context import Term, build_terms
from ccg_graph.linked_data.iris import local_path
from ccg_graph.linked_data.jsonld import to_jsonld
from ccg_graph.linked_data.negotiation import HTML, JSONLD, RESOURCE_FORMATS, alternates
from ccg_graph.rdf.results import write_triples
from ccg_graph.store import Store

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
T = TypeVar("T")
#: Prefixes for serialised descriptions. Not ``id:``: its local names hold slashes, which Turtle must escape
#: (``id:ccg\/03V``), so full IRIs read better.
SERIALISATION_PREFIXES = {prefix: namespace for prefix, namespace in PREFIXES.items() if prefix != "id"}
_cache_lock = threading.Lock()


@lru_cache(maxsize=1)
def templates() -> Jinja2Templates:
    engine = Jinja2Templates(directory=str(TEMPLATES_DIR))
    engine.env.globals["version"] = __version__
    engine.env.trim_blocks = True
    engine.env.lstrip_blocks = True
    return engine


def per_build(request: Request, store: Store, key: str, compute: Callable[[], T]) -> T:
    """`compute()` once per store fingerprint (a rebuild or write makes it again)."""
    tag = fingerprint(request, store).tag
    state = request.app.state
    with _cache_lock:
        cache = getattr(state, "linked_data_cache", None)
        if cache is None or cache.get("__tag__") != tag:
            cache = state.linked_data_cache = {"__tag__": tag}
        if key in cache:
            return cache[key]
    value = compute()
    with _cache_lock:
        cache[key] = value
    return value


def context_terms(request: Request, store: Store) -> dict[str, Term]:
    return per_build(request, store, "terms", lambda: build_terms(store))


def public_base(request: Request) -> str:
    """Where links in pages point: the configured public URL, else relative to this host."""
    settings: Settings = request.app.state.settings
    return settings.public_base_url.rstrip("/")


def absolute_base(request: Request) -> str:
    """The absolute URL of this service (for the dataset description's endpoint and download URLs)."""
    settings: Settings = request.app.state.settings
    return settings.public_base_url.rstrip("/") or str(request.base_url).rstrip("/")


def serialise(triples: list[ox.Triple], media: str, terms: dict[str, Term], main: str | None) -> bytes:
    if media == JSONLD:
        return to_jsonld(triples, terms, main)
    _, rdf_format = RESOURCE_FORMATS[media]
    assert rdf_format is not None
    return write_triples(rdf_format, triples, SERIALISATION_PREFIXES)


def content_type(media: str) -> str:
    return media + "; charset=utf-8"


def rdf_response(triples: list[ox.Triple], media: str, terms: dict[str, Term], main: str | None) -> Response:
    return Response(serialise(triples, media, terms, main), media_type=content_type(media))


def alternate_links(path: str) -> str:
    """A ``Link`` header naming every other representation of the resource at `path`."""
    parts = [f'<{path}.{ext}>; rel="alternate"; type="{media}"' for media, ext in alternates()]
    return ", ".join(parts)


def html_response(request: Request, template: str, status: int = 200, **context: object) -> Response:
    context.setdefault("base", public_base(request))
    context.setdefault("local_path", local_path)
    return templates().TemplateResponse(request, template, context, status_code=status, media_type=HTML)
