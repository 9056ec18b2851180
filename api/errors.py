"""The one place that maps domain errors to HTTP: status code, machine code, and a message
in Chinese and English naming the field. No stack trace or SQL ever reaches a response."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.auth import RouteWithoutRule
from chainmap.auth.model import Forbidden, InvalidUser, NotAuthenticated, TooManyAttempts
from chainmap.carrier_reservations import ReservationNotFound
from chainmap.carrier_service import CarrierNotFound
from chainmap.carriers import (
    CarrierTaken,
    CarrierUnverified,
    InvalidCarrier,
    InvalidReservation,
    ParkNotFound,
)
from chainmap.enterprises import CreditCodeTaken, EnterpriseHasLeads, EnterpriseNotFound
from chainmap.errors import ChainmapError, ChainNotFound, SegmentNotFound
from chainmap.io.tables import FileTooLarge, TableError, UnsupportedFileType
from chainmap.io.units import ValueParseError
from chainmap.leads import LeadNotFound, LeadOwnedElsewhere
from chainmap.pipeline import PipelineError
from chainmap.registry import ImportRejected
from chainmap.services import InvalidInput

log = logging.getLogger("chainmap.api")

# Checked in order: the first class the error is an instance of decides (subclasses first).
STATUS_BY_ERROR: dict[type[ChainmapError], int] = {
    NotAuthenticated: 401,
    Forbidden: 403,
    RouteWithoutRule: 403,
    TooManyAttempts: 429,
    InvalidUser: 422,
    ChainNotFound: 404,
    SegmentNotFound: 404,
    EnterpriseNotFound: 404,
    LeadNotFound: 404,
    LeadOwnedElsewhere: 409,
    CreditCodeTaken: 409,
    EnterpriseHasLeads: 409,
    InvalidInput: 422,
    UnsupportedFileType: 415,
    FileTooLarge: 413,
    TableError: 422,
    ValueParseError: 422,
    ImportRejected: 422,
    PipelineError: 422,
    CarrierNotFound: 404,
    ReservationNotFound: 404,
    ParkNotFound: 404,
    CarrierTaken: 409,
    CarrierUnverified: 409,
    InvalidCarrier: 422,
    InvalidReservation: 422,
}

# Chinese wording for pydantic's error types; the English is pydantic's own message.
_ZH_BY_TYPE: dict[str, str] = {
    "missing": "缺少必填字段",
    "string_too_short": "不能为空",
    "string_too_long": "过长",
    "less_than_equal": "不能大于 {le}",
    "less_than": "必须小于 {lt}",
    "greater_than_equal": "不能小于 {ge}",
    "greater_than": "必须大于 {gt}",
    "int_parsing": "必须是整数",
    "float_parsing": "必须是数字",
    "bool_parsing": "必须是布尔值",
    "enum": "取值必须是 {expected} 之一",
    "literal_error": "取值必须是 {expected} 之一",
    "json_invalid": "请求体不是合法的 JSON",
    "model_attributes_type": "请求体必须是 JSON 对象",
    "dict_type": "必须是 JSON 对象",
    "extra_forbidden": "不允许的字段",
    "string_type": "必须是字符串",
}


def _field_name(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or str(loc[0] if loc else "request")


def _zh(err: dict[str, Any]) -> str:
    template = _ZH_BY_TYPE.get(err.get("type", ""), "取值不合法")
    try:
        return template.format(**(err.get("ctx") or {}))
    except (KeyError, IndexError):
        return template


def error_body(
    code: str, message_zh: str, message_en: str, field: str | None, **extra: Any
) -> dict[str, Any]:
    return {
        "code": code,
        "message_zh": message_zh,
        "message_en": message_en,
        "field": field,
        **extra,
    }


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ChainmapError)
    async def _domain(_: Request, exc: ChainmapError) -> JSONResponse:
        status = next((s for t, s in STATUS_BY_ERROR.items() if isinstance(exc, t)), 400)
        headers = {}
        if isinstance(exc, NotAuthenticated):
            headers["WWW-Authenticate"] = "Bearer"
        if isinstance(exc, TooManyAttempts):
            headers["Retry-After"] = str(exc.retry_after)
        return JSONResponse(
            error_body(exc.code, exc.message_zh, exc.message_en, exc.field),
            status_code=status,
            headers=headers,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors: list[dict[str, str]] = []
        for err in exc.errors():
            field = _field_name(tuple(err.get("loc", ())))
            errors.append(
                {
                    "field": field,
                    "message_zh": f"{field}：{_zh(err)}",
                    "message_en": f"{field}: {err.get('msg', '')}",
                }
            )
        first = (
            errors[0]
            if errors
            else {"field": "", "message_zh": "请求不合法", "message_en": "invalid request"}
        )
        return JSONResponse(
            error_body(
                "validation_error",
                first["message_zh"],
                first["message_en"],
                first["field"] or None,
                errors=errors,
            ),
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        zh = {404: "未找到该地址", 405: "不支持该请求方法"}.get(exc.status_code, "请求错误")
        return JSONResponse(
            error_body(f"http_{exc.status_code}", zh, str(exc.detail), None),
            status_code=exc.status_code,
        )

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return JSONResponse(
            error_body(
                "internal_error", "服务器内部错误，已记录", "internal server error (logged)", None
            ),
            status_code=500,
        )
