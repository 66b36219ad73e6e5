"""``/docs``: the interactive OpenAPI page, with Swagger UI served from this server (never from a CDN), so it
works offline like the rest of the service. The assets come from the npm registry through `make assets`."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)


@router.get("/docs")
def swagger_ui(request: Request) -> HTMLResponse:
    root = request.scope.get("root_path", "").rstrip("/")
    return get_swagger_ui_html(
        openapi_url=f"{root}{request.app.openapi_url}",
        title="ccg-graph API",
        swagger_js_url=f"{root}/static/docs/vendor/swagger-ui-bundle.js",
        swagger_css_url=f"{root}/static/docs/vendor/swagger-ui.css",
        swagger_favicon_url=f"{root}/static/docs/vendor/favicon-32x32.png",
    )
