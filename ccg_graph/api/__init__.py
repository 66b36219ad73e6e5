"""The HTTP service: a FastAPI app over the store (see `create_app`)."""

from ccg_graph.api.app import create_app

__all__ = ["create_app"]
