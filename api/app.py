"""FastAPI application factory. Nothing is created at import time: call :func:`create_app`."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.errors import install_error_handlers
from api.routers import carriers, chains, enterprises, health, leads, meetings, relations
from chainmap.carrier_candidates import CandidateCache
from chainmap.chains import load_chain_library
from chainmap.enterprises import ResolverCache
from chainmap.errors import DatabaseNotMigrated
from chainmap.matcher_cache import MatcherCache
from chainmap.settings import Settings, get_settings
from chainmap.store.db import ensure_migrated, make_engine, make_session_factory

log = logging.getLogger("chainmap")

DESCRIPTION = """
**chainmap** 产业链招商地图服务：产业链图谱、缺环分析、目标企业清单（每一行都说明理由）。

Industrial-chain lead matching for investment promotion: chain graphs with local status,
gap analysis, and explained target lists.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app. The database must be migrated (``chainmap db upgrade``) or startup fails."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        cfg = settings or get_settings()
        engine = make_engine(cfg.database_url)
        try:
            ensure_migrated(engine)
        except DatabaseNotMigrated as exc:
            log.error("%s / %s", exc.message_zh, exc.message_en)
            engine.dispose()
            raise
        app.state.settings = cfg
        app.state.engine = engine
        app.state.session_factory = make_session_factory(engine)
        app.state.library = load_chain_library(cfg.chains_dir)
        app.state.resolver = ResolverCache()
        app.state.matcher = MatcherCache()
        app.state.carrier_candidates = CandidateCache()
        try:
            yield
        finally:
            engine.dispose()

    app = FastAPI(
        title="chainmap 产业链招商地图",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(chains.router)
    app.include_router(enterprises.router)
    app.include_router(leads.router)
    app.include_router(meetings.router)
    app.include_router(relations.router)
    app.include_router(carriers.router)
    return app
