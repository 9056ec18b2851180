"""Shared handling of spreadsheet uploads: the size limit, and the import report as JSON or as
the original sheet with an added error column."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal
from urllib.parse import quote

from fastapi import Response, UploadFile
from fastapi.responses import JSONResponse

from api.errors import error_body
from api.schemas_enterprises import ImportReportRead
from chainmap.io.enterprise_rows import error_report_xlsx
from chainmap.io.tables import ColumnSpec, FileTooLarge
from chainmap.registry import ImportRejected, ImportReport

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ReportFormat = Literal["json", "xlsx"]


def read_upload(file: UploadFile, max_bytes: int) -> bytes:
    """The uploaded bytes, refusing (413) anything over the limit without reading it all."""
    data = file.file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise FileTooLarge(
            f"文件超过大小上限 {max_bytes} 字节",
            f"file exceeds the size limit of {max_bytes} bytes",
            field="file",
        )
    return data


def run_import(
    data: bytes,
    filename: str,
    importer: Callable[[], ImportReport],
    *,
    report_format: ReportFormat,
    columns: Sequence[ColumnSpec],
) -> Response:
    """Run an import and answer with its report: 200 when applied, 422 when rejected (nothing
    written), or the xlsx report (always 200, ``X-Import-Applied`` says which)."""
    rejection: ImportRejected | None = None
    try:
        report = importer()
    except ImportRejected as exc:
        report, rejection = exc.report, exc
    if report_format == "xlsx":
        stem = filename.rsplit(".", 1)[0]
        return Response(
            error_report_xlsx(data, report.errors, filename=filename, columns=columns),
            media_type=XLSX,
            headers={
                "Content-Disposition": f"attachment; filename*=UTF-8''{quote(stem)}-report.xlsx",
                "X-Import-Applied": str(report.applied).lower(),
            },
        )
    read = ImportReportRead.build(report).model_dump(mode="json")
    if rejection is None:
        return JSONResponse(read)
    return JSONResponse(
        error_body(
            rejection.code,
            rejection.message_zh,
            rejection.message_en,
            rejection.field,
            report=read,
        ),
        status_code=422,
    )
