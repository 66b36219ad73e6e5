"""`create_app(settings)`: the FastAPI application. Nothing is created at import time."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from ccg_graph import __version__
from ccg_graph.api.answer_cache import AnswerCache
from ccg_graph.api.compression import LinkedDataGZip
from ccg_graph.api.errors import install_error_handlers
from ccg_graph.api.fair_use import FairUse
from ccg_graph.api.fast_path import SparqlQueryFastPath
from ccg_graph.api.headers import SecurityHeaders
from ccg_graph.api.openapi import COMMON_ERRORS
from ccg_graph.api.routes import (
    dataset,
    docs,
    graph_store,
    health,
    pages,
    places,
    quality,
    queries,
    query_page,
    resources,
    sparql,
    submissions,
    validate,
)
from ccg_graph.core.config import Settings
from ccg_graph.execution.pool import ProcessQueryExecutor, QueryExecutor, ThreadQueryExecutor
from ccg_graph.replication import routes as replication
from ccg_graph.replication.follower import deployment_store, follow_primary
from ccg_graph.sparql.saved_queries import QueryCatalogue
from ccg_graph.store import Store
from ccg_graph.writes.steward import Steward


def make_executor(settings: Settings, store: Store) -> QueryExecutor:
    """Worker processes when the store can be opened read-only by them (so a runaway query can be stopped);
    threads otherwise."""
    workers, queue_limit, timeout = settings.query_workers, settings.query_queue_limit, settings.query_timeout
    if store.opens_read_only:
        return ProcessQueryExecutor(
            store.read_only_path,
            workers=workers,
            queue_limit=queue_limit,
            timeout=timeout,
            niceness=settings.query_worker_niceness,
            bounded_store=store if store.native is not None else None,
            bounded_rows=settings.bounded_query_rows,
        )
    return ThreadQueryExecutor(lambda: store, workers=workers, queue_limit=queue_limit, timeout=timeout)


#: Templates' static files (CSS, scripts, the query page's vendored editor), served at /static.
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


async def prepare_write_gate(settings: Settings) -> None:
    """Load the shapes and compile their reach plan and focused validator before the server answers, when
    writes are enabled, so that no write waits for it (a few seconds; under load, the first write of the soak
    waited 24 s for it when it ran in the background) and the server is up only once it can do all it offers.
    Failures here are left for the first write to report. The preparation is the same lock-protected
    initialisation every validation of a change uses (`validation.incremental.prepare`)."""
    from ccg_graph.validation.incremental import prepare

    with contextlib.suppress(Exception):
        await anyio.to_thread.run_sync(lambda: prepare(settings))


def create_app(settings: Settings, store: Store | None = None) -> FastAPI:
    """Build the app; it opens the store `settings` name (`deployment_store`: a replica's, or `configured_store`)
    unless a `store` is given."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = store is None
        app.state.store = store if store is not None else deployment_store(settings)
        app.state.executor = make_executor(settings, app.state.store)
        app.state.steward = Steward.for_store(app.state.store, settings)  # a replica's keeps no history
        app.state.replica = follow_primary(settings, app.state.store)
        if isinstance(app.state.executor, ProcessQueryExecutor):
            await app.state.executor.start()
        if settings.update_token and not settings.replica_of:
            await prepare_write_gate(settings)
        try:
            yield
        finally:
            app.state.executor.close()
            if app.state.replica is not None:
                app.state.replica.stop()
            if owned:
                app.state.store.close()

    app = FastAPI(
        docs_url=None,  # served by routes.docs from local assets
        redoc_url=None,
        title="ccg-graph",
        version=__version__,
        description=(
            "Linked data and SPARQL over the NHS England commissioning graph (CCGs, 2013-2022): the SPARQL 1.1 "
            "Query, Update and Graph Store protocols, saved queries, and validated writes."
        ),
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.catalogue = QueryCatalogue(settings.queries_dir)
    app.state.cache = {}
    app.state.fair_use = FairUse(settings)
    app.state.answer_cache = AnswerCache(settings.answer_cache_bytes) if settings.answer_cache_bytes else None
    app.add_middleware(SparqlQueryFastPath)  # innermost: CORS and the security headers wrap its answers too
    if settings.cors_origin_list:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origin_list,
            allow_methods=["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type", "Accept", "If-None-Match", "If-Modified-Since"],
            expose_headers=[
                "X-Result-Truncated",
                "X-Result-Rows",
                "X-Release",
                "Location",
                "ETag",
                "Last-Modified",
                "Link",
                "X-Cache",
                "Retry-After",
            ],
        )
    app.add_middleware(SecurityHeaders)
    install_error_handlers(app)
    app.include_router(health.router, responses=COMMON_ERRORS)
    app.include_router(docs.router, responses=COMMON_ERRORS)
    app.include_router(sparql.router, responses=COMMON_ERRORS)
    app.include_router(queries.router, responses=COMMON_ERRORS)
    app.include_router(graph_store.router, responses=COMMON_ERRORS)
    app.include_router(submissions.router, responses=COMMON_ERRORS)
    app.include_router(validate.router, responses=COMMON_ERRORS)
    app.include_router(query_page.router, responses=COMMON_ERRORS)
    # Linked data: dereferenceable IRIs, pages, dataset description and dumps (issue 6).
    app.include_router(places.router, responses=COMMON_ERRORS)
    app.include_router(pages.router, responses=COMMON_ERRORS)
    app.include_router(resources.router, responses=COMMON_ERRORS)
    app.include_router(dataset.router, responses=COMMON_ERRORS)
    app.include_router(replication.router, responses=COMMON_ERRORS)
    app.include_router(quality.router, responses=COMMON_ERRORS)
    app.add_middleware(LinkedDataGZip)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


def app_from_environment() -> FastAPI:
    """The app of one of several server processes (`Settings.server_processes`), configured from the environment."""
    return create_app(Settings())
