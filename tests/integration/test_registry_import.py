"""Enterprise import into a real database: all-or-nothing, skip-invalid, idempotent re-import,
upsert by credit code and by name + city, classification of what was imported."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chainmap.credit_code import credit_code_check_char
from chainmap.domain import Chain
from chainmap.io.tables import MissingColumns, UnsupportedFileType
from chainmap.registry import ImportRejected, import_enterprises
from chainmap.settings import Settings
from chainmap.store.models import EnterpriseRow, ImportRunRow, SegmentAssignmentRow
from tests.builders import make_enterprise

HEADER = [
    "企业名称",
    "统一社会信用代码",
    "所属省份",
    "所属城市",
    "注册资本",
    "成立日期",
    "主营产品",
    "企业标签",
]


def code(n: int) -> str:
    first17 = f"91320412MA{n:07d}"
    return first17 + credit_code_check_char(first17)


def xlsx(path: Path, rows: list[list[object]], *, title: str | None = "企业名录（导出）") -> Path:
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


ROWS: list[list[object]] = [
    [
        "常州星隔膜科技有限公司",
        code(1),
        "江苏省",
        "常州市",
        "5000万元人民币",
        "2019/3/1",
        "湿法隔膜、涂覆隔膜",
        "专精特新",
    ],
    [
        "苏州锐电芯新能源有限公司",
        code(2),
        "江苏省",
        "苏州市",
        "1.2亿",
        "2019年3月1日",
        "动力电池",
        "高新技术企业",
    ],
    [
        "深圳无码精密有限公司",
        None,
        "广东省",
        "深圳市",
        "300万美元",
        "2020-05-06",
        "谐波减速器",
        None,
    ],
]


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(EnterpriseRow)) or 0


def test_import_lands_every_row_and_classifies_it(
    session: Session, library: dict[str, Chain], settings: Settings, tmp_path: Path
) -> None:
    path = xlsx(tmp_path / "a.xlsx", ROWS)
    report = import_enterprises(session, library, settings, source=path, filename="a.xlsx")
    assert (report.inserted, report.updated, report.unchanged, report.rejected) == (3, 0, 0, 0)
    row = session.scalars(select(EnterpriseRow).where(EnterpriseRow.credit_code == code(2))).one()
    assert row.registered_capital_wan == pytest.approx(12_000)
    assert row.established_on is not None and row.established_on.isoformat() == "2019-03-01"
    assert row.tags == ["high_tech"] and row.source == "a.xlsx" and row.last_verified_at is not None
    usd = session.scalars(
        select(EnterpriseRow).where(EnterpriseRow.name == "深圳无码精密有限公司")
    ).one()
    assert usd.registered_capital_wan == pytest.approx(300 * settings.currency_rates["美元"])
    segs = set(
        session.scalars(
            select(SegmentAssignmentRow.segment_id).where(
                SegmentAssignmentRow.enterprise_id == row.id
            )
        )
    )
    assert "cell" in segs
    run = session.get(ImportRunRow, report.import_run_id)
    assert run is not None and run.inserted == 3 and run.filename == "a.xlsx"


def test_reimporting_the_same_file_changes_nothing(
    session: Session, library: dict[str, Chain], settings: Settings, tmp_path: Path
) -> None:
    path = xlsx(tmp_path / "a.xlsx", ROWS)
    import_enterprises(session, library, settings, source=path, filename="a.xlsx")
    before = {
        r.id: (r.updated_at, r.last_verified_at) for r in session.scalars(select(EnterpriseRow))
    }
    again = import_enterprises(session, library, settings, source=path, filename="a.xlsx")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 3)
    after = {
        r.id: (r.updated_at, r.last_verified_at) for r in session.scalars(select(EnterpriseRow))
    }
    assert after == before


def test_upsert_by_credit_code_and_by_name_plus_city(
    session: Session, library: dict[str, Chain], settings: Settings, tmp_path: Path
) -> None:
    import_enterprises(
        session, library, settings, source=xlsx(tmp_path / "a.xlsx", ROWS), filename="a.xlsx"
    )
    changed = [
        [
            "常州星隔膜科技股份有限公司",
            code(1),
            "江苏省",
            "常州市",
            "8000万",
            "2019/3/1",
            "湿法隔膜",
            "专精特新",
        ],
        # no credit code, same company written in full-width brackets with its region prefix
        [
            "深圳无码精密有限公司",
            None,
            "广东省",
            "深圳市",
            "500万美元",
            "2020-05-06",
            "谐波减速器",
            None,
        ],
        [
            "深圳无码精密有限公司",
            None,
            "广东省",
            "东莞市",
            "100万",
            "2021-01-01",
            "谐波减速器",
            None,
        ],
    ]
    report = import_enterprises(
        session, library, settings, source=xlsx(tmp_path / "b.xlsx", changed), filename="b.xlsx"
    )
    assert (report.inserted, report.updated, report.unchanged) == (1, 2, 0)
    assert _count(session) == 4
    renamed = session.scalars(
        select(EnterpriseRow).where(EnterpriseRow.credit_code == code(1))
    ).one()
    assert renamed.name == "常州星隔膜科技股份有限公司" and renamed.registered_capital_wan == 8000


def test_a_bad_row_rejects_the_whole_file_and_writes_nothing(
    session: Session, library: dict[str, Chain], settings: Settings, tmp_path: Path
) -> None:
    bad = [
        *ROWS,
        [
            "坏代码有限公司",
            code(9)[:-1] + ("0" if code(9)[-1] != "0" else "1"),
            "江苏省",
            "常州市",
            "很多钱",
            "2019-01-01",
            "隔膜",
            None,
        ],
    ]
    before = _count(session)
    with pytest.raises(ImportRejected) as info:
        import_enterprises(
            session, library, settings, source=xlsx(tmp_path / "bad.xlsx", bad), filename="bad.xlsx"
        )
    report = info.value.report
    assert _count(session) == before and not report.applied
    bad_row = 2 + len(ROWS) + 1  # title row, header row, then data
    assert {e.row_number for e in report.errors} == {bad_row}
    assert {e.column for e in report.errors} == {"统一社会信用代码", "注册资本"}
    assert all(e.message_zh and e.message_en for e in report.errors)
    assert session.scalar(select(func.count()).select_from(ImportRunRow)) == 0


def test_skip_invalid_lands_the_valid_rows_and_reports_the_rest(
    session: Session, library: dict[str, Chain], settings: Settings, tmp_path: Path
) -> None:
    bad = [
        *ROWS,
        ["坏金额有限公司", code(7), "江苏省", "常州市", "很多钱", "2019-01-01", "隔膜", None],
    ]
    report = import_enterprises(
        session,
        library,
        settings,
        source=xlsx(tmp_path / "bad.xlsx", bad),
        filename="bad.xlsx",
        skip_invalid=True,
    )
    assert report.applied and report.inserted == 3 and report.rejected == 1
    assert report.errors[0].column == "注册资本" and report.errors[0].value == "很多钱"


def test_unreadable_files_raise_table_errors_before_writing(
    session: Session, library: dict[str, Chain], settings: Settings, tmp_path: Path
) -> None:
    with pytest.raises(UnsupportedFileType):
        import_enterprises(
            session, library, settings, source=b"\xd0\xcf\x11\xe0junk", filename="old.xls"
        )
    wb = Workbook()
    wb.active.append(["统一社会信用代码", "所属城市"])
    wb.active.append([code(3), "常州市"])
    wb.save(tmp_path / "noname.xlsx")
    with pytest.raises(MissingColumns) as info:
        import_enterprises(
            session, library, settings, source=tmp_path / "noname.xlsx", filename="noname.xlsx"
        )
    assert "企业名称" in info.value.message_zh
    assert _count(session) == 0


def test_replacing_assignments_of_more_ids_than_one_statement_can_bind(session: Session) -> None:
    """PostgreSQL binds at most 65,535 parameters per statement; large imports pass more ids."""
    from chainmap.domain import Assignment
    from chainmap.store import repo

    (eid,) = repo.add_enterprises(session, [make_enterprise()])
    repo.replace_assignments(
        session, [Assignment(eid, "nev-battery", "cell", 0.9, ())], enterprise_ids=[eid]
    )
    repo.replace_assignments(session, [], enterprise_ids=[eid, *range(10**7, 10**7 + 70_000)])
    assert session.scalar(select(func.count()).select_from(SegmentAssignmentRow)) == 0
