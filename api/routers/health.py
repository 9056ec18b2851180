"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

from api.deps import LibraryDep, SessionDep
from api.schemas import HealthRead

router = APIRouter(tags=["health"])


@router.get("/health", response_model=HealthRead)
def health(session: SessionDep, library: LibraryDep) -> HealthRead:
    """服务与数据库状态 / service and database status."""
    session.execute(text("SELECT 1"))
    return HealthRead(status="ok", database="ok", chains=len(library))
