"""Who may write: a bearer token compared in constant time; and how much a request may send."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Request

from ccg_graph.api.deps import get_settings
from ccg_graph.core.errors import Forbidden, PayloadTooLarge, Unauthorized


def require_writer(request: Request) -> str:
    """The writer's identity (a fingerprint of the token) when the request may write; else 401/403."""
    settings = get_settings(request)
    if settings.replica_of:
        from ccg_graph.replication.store import ReplicaReadOnly

        raise ReplicaReadOnly(settings.replica_of)
    if settings.update_token is None or not settings.update_token.get_secret_value():
        raise Forbidden("writes are disabled on this server (no CCG_GRAPH_UPDATE_TOKEN is set)")
    header = request.headers.get("authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        raise Unauthorized("writes need an 'Authorization: Bearer <token>' header")
    expected = settings.update_token.get_secret_value().encode()
    if not hmac.compare_digest(credentials.strip().encode(), expected):
        raise Forbidden("the bearer token is not valid for writes")
    return "token-holder"


WriterDep = Annotated[str, Depends(require_writer)]


async def read_body(request: Request) -> bytes:
    """The request body, refused with 413 as soon as it passes the configured limit."""
    limit = get_settings(request).max_body_bytes
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"the request body of {declared} bytes is over the limit of {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"the request body is over the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)
