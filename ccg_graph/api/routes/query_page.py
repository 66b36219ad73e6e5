"""``GET /query``: the query page for browsers (a SPARQL editor over ``/sparql``, and a plain form without it).

`query_page_response` renders the page and is independent of the route, so ``GET /sparql`` can answer a
browser (Accept: text/html, no query) with the same page. Every URL on the page is relative to the page
(``sparql``, ``static/...``), so it works behind any host or path prefix. The editor (YASGUI) is shipped
with the package under ``static/query/vendor/`` (``make assets``); when it is missing or fails to load,
the page says so and the plain HTML form still runs queries. The Content-Security-Policy lets the page
load and call nothing but this server, so no part of it can reach the internet.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from ccg_graph.api.deps import SettingsDep
from ccg_graph.core.config import Settings
from ccg_graph.core.namespaces import PREFIXES
from ccg_graph.sparql.query_examples import query_examples, starter_query

PACKAGE_DIR = Path(__file__).resolve().parent.parent.parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"
STATIC_DIR = PACKAGE_DIR / "static"
VENDOR_DIR = STATIC_DIR / "query" / "vendor"
VENDOR_FILES = ("yasgui.min.js", "yasgui.min.css")

#: Only this server: scripts and styles from /static, requests to /sparql. Inline styles are allowed
#: because the editor (CodeMirror, DataTables) positions elements with style attributes; no inline script
#: runs (the page's data travels in a non-executed application/json block).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'self'"
)

router = APIRouter(tags=["query page"])


@lru_cache(maxsize=1)
def _templates() -> Jinja2Templates:
    return Jinja2Templates(directory=str(TEMPLATES_DIR))


def vendor_assets_present() -> bool:
    """Whether `make assets` has put the editor's files in the package."""
    return all((VENDOR_DIR / name).is_file() for name in VENDOR_FILES)


def query_page_response(
    request: Request, settings: Settings, example: str | None = None, query: str | None = None
) -> HTMLResponse:
    """The query page. Its editor holds `query` (a shared link), else the saved query `example` (404 if there is
    none), else a starter query."""
    examples = query_examples(settings.queries_dir)
    by_name = {e.name: e for e in examples}
    status_code = 200
    message = None
    initial_query = starter_query(PREFIXES)
    if example is not None:
        if example in by_name:
            initial_query = by_name[example].text
        else:
            status_code = 404
            message = f"There is no saved query named {example!r}; the list of saved queries is below."
    if query is not None:
        initial_query = query
    config = {
        "endpoint": "sparql",
        "initialQuery": initial_query,
        "prefixes": PREFIXES,
        "examples": [{"name": e.name, "title": e.title, "purpose": e.purpose, "text": e.text} for e in examples],
    }
    response = _templates().TemplateResponse(
        request,
        "query/page.html",
        {
            "config": config,
            "examples": examples,
            "initial_query": initial_query,
            "selected": example if example in by_name else None,
            "message": message,
            "prefixes": PREFIXES,
            "vendor_present": vendor_assets_present(),
        },
        status_code=status_code,
    )
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@router.get("/query", response_class=HTMLResponse, summary="The query page for browsers")
def query_page(
    request: Request,
    settings: SettingsDep,
    example: Annotated[str | None, Query(description="A saved query's name, to open it in the editor")] = None,
    query: Annotated[str | None, Query(description="A query to open in the editor (the editor's share links)")] = None,
) -> HTMLResponse:
    return query_page_response(request, settings, example, query)
