"""FastAPI dependencies: the store, settings and write wiring (`Steward`) the app was created with."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from ccg_graph.core.config import Settings
from ccg_graph.store import Store
from ccg_graph.writes.steward import Steward


def get_store(request: Request) -> Store:
    return request.app.state.store


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


# FastAPI runs a plain-function dependency in its thread pool, a hop that costs more than a lookup query;
# these coroutine versions run on the event loop.
async def _store(request: Request) -> Store:
    return get_store(request)


async def _settings(request: Request) -> Settings:
    return get_settings(request)


async def _steward(request: Request) -> Steward:
    steward: Steward = request.app.state.steward
    return steward


StoreDep = Annotated[Store, Depends(_store)]
SettingsDep = Annotated[Settings, Depends(_settings)]
#: Every write route commits through the deployment's `Steward` (store, shapes gate, submission log, history).
StewardDep = Annotated[Steward, Depends(_steward)]
