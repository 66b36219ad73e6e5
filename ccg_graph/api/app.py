"""`create_app(settings)`: the FastAPI application. Nothing is created at import time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from ccg_graph import __version__
from ccg_graph.api.errors import install_error_handlers
from ccg_graph.api.routes import health, query_page, sparql
from ccg_graph.config import Settings
from ccg_graph.store import Store, open_store

#: Templates' static files (CSS, scripts, the query page's vendored editor), served at /static.
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


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
    app.include_router(query_page.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app
