"""The one way the tests' stand-in HTTP servers (a canary, a busy endpoint, a remote store) answer a request."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler


def reply(handler: BaseHTTPRequestHandler, status: int, body: bytes, media: str) -> None:
    """Send a complete answer: status, Content-Type, a Content-Length that matches, then the body."""
    handler.send_response(status)
    handler.send_header("Content-Type", media)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)
