"""Request dependencies: settings, the chain library and one transaction per request."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Path, Query, Request
from sqlalchemy.orm import Session, sessionmaker

from chainmap.chains import get_chain
from chainmap.domain import Chain
from chainmap.settings import Settings
from chainmap.store.db import session_scope


def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_library(request: Request) -> dict[str, Chain]:
    library: dict[str, Chain] = request.app.state.library
    return library


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request: commit when the route returns, roll back if it raises."""
    with session_scope(request.app.state.session_factory) as session:
        yield session


def get_session_factory(request: Request) -> sessionmaker[Session]:
    """The app's session factory, for work that must not join the request's transaction."""
    factory: sessionmaker[Session] = request.app.state.session_factory
    return factory


def get_chain_or_404(
    chain_id: str, library: Annotated[dict[str, Chain], Depends(get_library)]
) -> Chain:
    return get_chain(library, chain_id)


MAX_ID = 2_147_483_647
"""The largest id a table can hold (PostgreSQL ``integer``): a larger one is a bad request, not
a database error."""

SettingsDep = Annotated[Settings, Depends(get_app_settings)]
LibraryDep = Annotated[dict[str, Chain], Depends(get_library)]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
ChainDep = Annotated[Chain, Depends(get_chain_or_404)]

IdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="编号 / id")]
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID, description="编号 / id")]
OffsetQuery = Annotated[int, Query(ge=0, le=MAX_ID, description="跳过条数 / rows to skip")]
"""A page's offset: past MAX_ID no table has rows (and SQLite cannot bind a larger int)."""
SessionFactoryDep = Annotated[sessionmaker[Session], Depends(get_session_factory)]
