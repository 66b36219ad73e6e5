"""FastAPI dependencies: the store and settings the app was created with."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from ccg_graph.config import Settings
from ccg_graph.store import Store


def get_store(request: Request) -> Store:
    return request.app.state.store


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
