"""`create_app(settings)`: the FastAPI application. Nothing is created at import time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware

from ccg_graph import __version__
from ccg_graph.api.errors import install_error_handlers
from ccg_graph.api.routes import dataset, health, pages, resources, sparql
from ccg_graph.config import Settings
from ccg_graph.store import Store, open_store


def create_app(settings: Settings, store: Store | None = None) -> FastAPI:
    """Build the app; it opens the built store at start-up unless a `store` is given."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = store is None
        app.state.store = store if store is not None else open_store(settings.store_dir, read_only=True)
        try:
            yield
        finally:
            if owned:
                app.state.store.close()

    app = FastAPI(
        title="ccg-graph",
        version=__version__,
        description="Linked data and SPARQL over the NHS England commissioning graph (CCGs, 2013-2022).",
        lifespan=lifespan,
    )
    app.state.settings = settings
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(sparql.router)
    # Linked data: dereferenceable IRIs, pages, dataset description and dumps (issue 6).
    app.include_router(pages.router)
    app.include_router(resources.router)
    app.include_router(dataset.router)
    app.mount("/static", StaticFiles(packages=[("ccg_graph", "static")]), name="static")
    app.add_middleware(GZipMiddleware, minimum_size=1000)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
        allow_headers=["Accept", "Content-Type", "If-None-Match", "If-Modified-Since"],
        expose_headers=["ETag", "Last-Modified", "Link", "Vary", "Content-Location"],
    )
    return app
