"""Security headers: ``nosniff`` on every answer, and a content security policy and framing rules on HTML.

A pure ASGI middleware (not Starlette's ``BaseHTTPMiddleware``) so streamed SPARQL results pass through
untouched. Pages are served from this origin only; the interactive API docs (``/docs``, Swagger UI from this
server's static files) run one inline script that starts Swagger UI, so that page alone allows inline script.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
DOCS_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'; worker-src 'self' blob:; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
DOCS_PATHS = ("/docs",)

HTML_HEADERS = {
    b"referrer-policy": b"strict-origin-when-cross-origin",
    b"x-frame-options": b"DENY",
}


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                extra = {b"x-content-type-options": b"nosniff"}
                if content_type.lower().startswith(b"text/html"):
                    policy = DOCS_POLICY if path.startswith(DOCS_PATHS) else PAGE_POLICY
                    extra |= {**HTML_HEADERS, b"content-security-policy": policy.encode()}
                headers += [(name, value) for name, value in extra.items() if name not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
