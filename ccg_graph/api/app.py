"""`create_app(settings)`: the FastAPI application. Nothing is created at import time."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from ccg_graph import __version__
from ccg_graph.api.compression import LinkedDataGZip
from ccg_graph.api.errors import install_error_handlers
from ccg_graph.api.headers import SecurityHeaders
from ccg_graph.api.openapi import COMMON_ERRORS
from ccg_graph.api.routes import (
    dataset,
    docs,
    graph_store,
    health,
    pages,
    queries,
    query_page,
    resources,
    sparql,
    submissions,
    validate,
)
from ccg_graph.core.config import Settings
from ccg_graph.execution.pool import ProcessQueryExecutor, QueryExecutor, ThreadQueryExecutor
from ccg_graph.sparql.saved_queries import QueryCatalogue
from ccg_graph.store import Store
from ccg_graph.store.select import configured_store
from ccg_graph.writes.steward import Steward


def make_executor(settings: Settings, store: Store) -> QueryExecutor:
    """Worker processes when the store can be opened read-only by them (so a runaway query can be stopped);
    threads otherwise."""
    workers, queue_limit, timeout = settings.query_workers, settings.query_queue_limit, settings.query_timeout
    if store.opens_read_only:
        return ProcessQueryExecutor(store.read_only_path, workers=workers, queue_limit=queue_limit, timeout=timeout)
    return ThreadQueryExecutor(lambda: store, workers=workers, queue_limit=queue_limit, timeout=timeout)


#: Templates' static files (CSS, scripts, the query page's vendored editor), served at /static.
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


async def warm_validation(settings: Settings, store: Store) -> None:
    """Load the shapes and compile their reach plan in the background, so the first write does not wait for
    it (a few seconds); failures here are left for the first write to report."""
    from ccg_graph.validation.incremental import validate_change

    with contextlib.suppress(Exception):
        await anyio.to_thread.run_sync(lambda: validate_change(store, [], [], settings=settings))


def create_app(settings: Settings, store: Store | None = None) -> FastAPI:
    """Build the app; it opens the store `settings` name (`configured_store`) unless a `store` is given."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = store is None
        app.state.store = store if store is not None else configured_store(settings)
        app.state.executor = make_executor(settings, app.state.store)
        app.state.steward = Steward.for_store(app.state.store, settings)
        if isinstance(app.state.executor, ProcessQueryExecutor):
            await app.state.executor.start()
        warming = asyncio.create_task(warm_validation(settings, app.state.store)) if settings.update_token else None
        try:
            yield
        finally:
            if warming is not None:
                warming.cancel()
            app.state.executor.close()
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
    app.include_router(pages.router, responses=COMMON_ERRORS)
    app.include_router(resources.router, responses=COMMON_ERRORS)
    app.include_router(dataset.router, responses=COMMON_ERRORS)
    app.add_middleware(LinkedDataGZip)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
