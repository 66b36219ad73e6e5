"""gzip for the linked-data answers (pages, descriptions, the dataset), not for the SPARQL protocol routes,
whose large answers stream from worker processes and are better left as they are."""

from __future__ import annotations

from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

#: Path prefixes whose answers are compressed for clients that accept gzip.
COMPRESSED_PREFIXES = ("/id/", "/def", "/shapes/", "/context.jsonld", "/dataset", "/.well-known/void", "/search")


class LinkedDataGZip:
    """Starlette's GZipMiddleware, applied only to the linked-data paths (and the home page)."""

    def __init__(self, app: ASGIApp, minimum_size: int = 1000) -> None:
        self.app = app
        self.gzip = GZipMiddleware(app, minimum_size=minimum_size)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path == "/" or path.startswith(COMPRESSED_PREFIXES):
            await self.gzip(scope, receive, send)
        else:
            await self.app(scope, receive, send)
