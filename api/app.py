"""FastAPI application factory. Nothing is created at import time: call :func:`create_app`."""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from api.auth import authorize
from api.errors import install_error_handlers
from api.routers import auth, carriers, chains, enterprises, health, leads, meetings, relations
from api.security import SecurityHeadersMiddleware
from api.web import docs, pages
from chainmap.auth.credentials import LoginLimiter
from chainmap.carrier_candidates import CandidateCache
from chainmap.chains import load_chain_library
from chainmap.enterprises import ResolverCache
from chainmap.errors import DatabaseNotMigrated
from chainmap.matcher_cache import MatcherCache
from chainmap.settings import Settings, get_settings
from chainmap.store import audit
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
        app.state.session_factory = audit.install(make_session_factory(engine))
        if cfg.secret_key is None:
            log.warning(
                "未设置 CHAINMAP_SECRET_KEY：本次启动随机生成令牌密钥，重启后需重新登录 / "
                "CHAINMAP_SECRET_KEY is not set: tokens are signed with a random key until restart"
            )
        app.state.secret_key = (
            cfg.secret_key.get_secret_value() if cfg.secret_key else secrets.token_urlsafe(32)
        )
        app.state.password_slots = threading.BoundedSemaphore(2)  # Argon2 at a time
        app.state.login_limiter = LoginLimiter(
            attempts=cfg.login_max_attempts, window=cfg.login_window_seconds
        )
        app.state.library = load_chain_library(cfg.chains_dir)
        app.state.resolver = ResolverCache()
        app.state.matcher = MatcherCache(recheck_seconds=cfg.matcher_recheck_seconds)
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
        docs_url=None,  # served offline by api.web.docs
        redoc_url=None,
        dependencies=[Depends(authorize)],
    )
    install_error_handlers(app)

    @app.middleware("http")
    async def _writes_invalidate_the_matcher(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            matcher = getattr(request.app.state, "matcher", None)
            if matcher is not None:
                matcher.invalidate()
        return response

    app.add_middleware(SecurityHeadersMiddleware)
    cors = (settings or get_settings()).cors_origins
    if cors:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=cors,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            allow_headers=["Authorization", "X-API-Key", "Content-Type"],
        )
    app.include_router(health.router)
    app.include_router(auth.router)
    app.include_router(chains.router)
    app.include_router(enterprises.router)
    app.include_router(leads.router)
    app.include_router(meetings.router)
    app.include_router(relations.router)
    app.include_router(carriers.router)
    app.include_router(pages.router)
    app.include_router(docs.router)
    app.mount("/static", StaticFiles(directory=pages.STATIC_DIR), name="static")
    app.mount(docs.ASSETS, StaticFiles(directory=docs.SWAGGER_DIR), name="swagger")
    return app
