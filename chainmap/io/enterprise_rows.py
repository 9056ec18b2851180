"""Enterprise exports (企查查/天眼查-style business data) → :class:`EnterpriseRecord`, and the
downloadable error report.

:data:`ENTERPRISE_COLUMNS` tells :func:`chainmap.io.tables.read_table` which headers mean
what; :func:`parse_enterprise_row` turns one row into a record or into :class:`RowError` s,
each naming the column as the file wrote it; :func:`error_report_xlsx` writes the original
table back with the errors in added columns.

A row with any error yields no record: importing half an enterprise (say, without its
credit code because the code was mistyped) would create a duplicate on the next import.
登记状态 such as 注销 or 吊销 is not an error; it is kept for the importer to decide.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]
from openpyxl.styles import Font, PatternFill  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from chainmap.credit_code import credit_code_problem, normalize_credit_code
from chainmap.domain import Tag
from chainmap.io.tables import ColumnSpec, RawRow, RowError, Source, open_sheet, open_table
from chainmap.io.units import (
    BLANK_TEXTS,
    CellValue,
    ValueParseError,
    parse_amount_wan,
    parse_date,
    parse_int,
    unit_hint,
)


def _col(key: str, *aliases: str, required: bool = False) -> ColumnSpec:
    return ColumnSpec(key, aliases, required=required)


ENTERPRISE_COLUMNS: tuple[ColumnSpec, ...] = (
    _col("name", "企业名称", "公司名称", "名称", "企业名", "单位名称", "市场主体名称",
         "企业(机构)名称", "name", "company name", "company", "enterprise name",
         required=True),
    _col("credit_code", "统一社会信用代码", "信用代码", "社会信用代码", "统一信用代码",
         "USCC", "credit code", "unified social credit code", "social credit code"),
    _col("legal_representative", "法定代表人", "法人代表", "法人", "负责人",
         "legal representative", "legal person"),
    _col("registration_status", "登记状态", "经营状态", "企业状态", "营业状态", "状态",
         "registration status", "status"),
    _col("established_on", "成立日期", "成立时间", "注册日期", "注册时间", "设立日期",
         "established", "established on", "date of establishment", "founded"),
    _col("registered_capital", "注册资本", "注册资金", "registered capital"),
    _col("paid_in_capital", "实缴资本", "实缴资金", "实收资本", "paid-in capital",
         "paid in capital"),
    _col("province", "所属省份", "省份", "省", "所在省份", "所属省", "province"),
    _col("city", "所属城市", "城市", "市", "所在城市", "所属地市", "地市", "city"),
    _col("district", "所属区县", "区县", "区", "县区", "所在区县", "区/县", "district",
         "county"),
    _col("industry_section", "国标行业门类", "行业门类", "门类", "industry section"),
    _col("industry_division", "国标行业大类", "行业大类", "大类", "industry division"),
    _col("industry_group", "国标行业中类", "行业中类", "中类", "industry group"),
    _col("industry_class", "国标行业小类", "行业小类", "小类", "industry class"),
    _col("industry_code", "行业代码", "国标行业代码", "国民经济行业代码", "行业分类代码",
         "industry code"),
    _col("industry", "所属行业", "国标行业", "行业", "国民经济行业", "行业名称", "industry"),
    _col("enterprise_type", "企业类型", "企业(机构)类型", "公司类型", "市场主体类型", "类型",
         "enterprise type", "company type", "entity type"),
    _col("employees", "参保人数", "员工人数", "从业人数", "职工人数", "社保人数", "员工数",
         "人数", "employees", "number of employees", "headcount"),
    _col("business_scope", "经营范围", "业务范围", "business scope", "scope"),
    _col("address", "企业地址", "注册地址", "地址", "通信地址", "住所", "经营地址",
         "address", "registered address"),
    _col("stock_code", "股票代码", "证券代码", "上市代码", "stock code", "ticker"),
    _col("listing_status", "上市状态", "是否上市", "上市情况", "listing status", "listed"),
    _col("tags", "企业标签", "标签", "企业资质", "资质", "tags", "labels"),
    _col("main_products", "主营产品", "主要产品", "产品", "main products", "products"),
)  # fmt: skip
"""The enterprise columns and the header texts (Chinese and English) that mean them."""

LABELS: dict[str, str] = {c.key: c.label for c in ENTERPRISE_COLUMNS}


@dataclass(frozen=True, slots=True)
class EnterpriseRecord:
    """One imported enterprise, everything the registry needs. Amounts in 万元."""

    name: str
    credit_code: str | None = None
    legal_representative: str | None = None
    registration_status: str | None = None
    established_on: date | None = None
    registered_capital_wan: float | None = None
    paid_in_capital_wan: float | None = None
    province: str | None = None
    city: str | None = None
    district: str | None = None
    industry_code: str | None = None
    industry_name: str | None = None
    enterprise_type: str | None = None
    employees: int | None = None
    business_scope: str = ""
    address: str | None = None
    stock_code: str | None = None
    listed: bool = False
    tags: tuple[Tag, ...] = ()
    main_products: tuple[str, ...] = ()
    source: str = ""
    other_tags: tuple[str, ...] = ()  # tags in the file that map to no Tag, kept for display


def parse_enterprise_row(
    raw: RawRow,
    *,
    rates: Mapping[str, float],
    source: str,
    headers: Mapping[str, str] | None = None,
) -> tuple[EnterpriseRecord | None, list[RowError]]:
    """One table row → a record, or None and the reasons (one :class:`RowError` per bad cell).

    ``headers`` (``Table.headers``) names columns in errors as the file wrote them and gives
    unit hints such as 注册资本（元）; without it the standard Chinese label is used.

    >>> from chainmap.io.units import DEFAULT_CURRENCY_RATES as R
    >>> values = {"name": "甲公司", "registered_capital": "300万美元", "tags": "高新技术企业"}
    >>> row = RawRow(5, values)
    >>> rec, errs = parse_enterprise_row(row, rates=R, source="qcc")
    >>> rec.registered_capital_wan, rec.tags, errs
    (2130.0, (<Tag.high_tech: 'high_tech'>,), [])
    """
    heads = headers or {}
    v = raw.values
    errors: list[RowError] = []

    def err(key: str, zh: str, en: str) -> None:
        errors.append(
            RowError(raw.row_number, heads.get(key, LABELS[key]), _shown(v.get(key)), zh, en)
        )

    def amount(key: str) -> float | None:
        hint = unit_hint(heads.get(key, ""))
        unit = hint if hint and _is_amount_unit(hint, rates) else "万元"
        try:
            return parse_amount_wan(v.get(key), rates=rates, default_unit=unit)
        except ValueParseError as exc:
            err(key, exc.message_zh, exc.message_en)
            return None

    name = _text(v.get("name"))
    if name is None:
        err("name", "企业名称为空", "enterprise name is empty")
    credit_code = _text(v.get("credit_code"))
    if credit_code is not None:
        credit_code = normalize_credit_code(credit_code)
        problem = credit_code_problem(credit_code)
        if problem is not None:
            err("credit_code", f"统一社会信用代码{problem[0]}", f"credit code {problem[1]}")
    established_on = None
    try:
        established_on = parse_date(v.get("established_on"))
    except ValueParseError as exc:
        err("established_on", exc.message_zh, exc.message_en)
    registered = amount("registered_capital")
    paid_in = amount("paid_in_capital")
    employees = None
    try:
        employees = parse_int(v.get("employees"), what_zh="参保人数", what_en="employee count")
    except ValueParseError as exc:
        err("employees", exc.message_zh, exc.message_en)
    if errors or name is None:
        return None, errors

    code, industry_name = industry_from_row(v)
    stock_code = _stock_code(v.get("stock_code"))
    tags, other_tags = parse_tags(_text(v.get("tags")) or "")
    return (
        EnterpriseRecord(
            name=name,
            credit_code=credit_code,
            legal_representative=_text(v.get("legal_representative")),
            registration_status=_text(v.get("registration_status")),
            established_on=established_on,
            registered_capital_wan=registered,
            paid_in_capital_wan=paid_in,
            province=_text(v.get("province")),
            city=_text(v.get("city")),
            district=_text(v.get("district")),
            industry_code=code,
            industry_name=industry_name,
            enterprise_type=_text(v.get("enterprise_type")),
            employees=employees,
            business_scope=_text(v.get("business_scope")) or "",
            address=_text(v.get("address")),
            stock_code=stock_code,
            listed=is_listed(_text(v.get("listing_status")), stock_code),
            tags=tags,
            main_products=split_products(_text(v.get("main_products")) or ""),
            source=source,
            other_tags=other_tags,
        ),
        [],
    )


def parse_enterprise_rows(
    rows: Iterable[RawRow],
    *,
    rates: Mapping[str, float],
    source: str,
    headers: Mapping[str, str] | None = None,
) -> tuple[list[EnterpriseRecord], list[RowError]]:
    """Every row parsed, plus a file-level check: a credit code seen on an earlier row is an
    error on the later one (an export that overlaps itself)."""
    records: list[EnterpriseRecord] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    column = (headers or {}).get("credit_code", LABELS["credit_code"])
    for raw in rows:
        record, row_errors = parse_enterprise_row(raw, rates=rates, source=source, headers=headers)
        if record is not None and record.credit_code is not None:
            first = seen.setdefault(record.credit_code, raw.row_number)
            if first != raw.row_number:
                row_errors.append(
                    RowError(
                        raw.row_number,
                        column,
                        record.credit_code,
                        f"与第 {first} 行的统一社会信用代码重复",
                        f"duplicates the credit code on row {first}",
                    )
                )
                record = None
        errors.extend(row_errors)
        if record is not None:
            records.append(record)
    return records, errors


# --- field helpers -------------------------------------------------------------------------


def _text(value: CellValue) -> str | None:
    """A cell as text; numbers without a spurious ``.0``; blank markers (``-``, ``--``) as None."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(str(value).split())
    return None if text.lower() in BLANK_TEXTS else text


def _shown(value: CellValue) -> str | None:
    return None if value is None else _text(value) or str(value)


def _is_amount_unit(unit: str, rates: Mapping[str, float]) -> bool:
    try:
        return parse_amount_wan("1" + unit, rates=rates) is not None
    except ValueParseError:
        return False


def _stock_code(value: CellValue) -> str | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        return str(int(value)).zfill(6)  # Excel turned 002371 into 2371
    text = _text(value)
    return None if text is None else text.upper()


_NOT_LISTED = (
    "未上市",
    "非上市",
    "不上市",
    "退市",
    "终止上市",
    "新三板",
    "挂牌",
    "否",
    "no",
    "false",
)
_LISTED = ("上市", "a股", "b股", "h股", "港股", "美股", "科创板", "创业板", "主板", "北交所")
_LISTED_EXACT = ("是", "yes", "true", "listed", "y")


def is_listed(status: str | None, stock_code: str | None) -> bool:
    """Listed on a stock exchange: the status column decides when present (新三板 挂牌 is not
    a listing); otherwise a stock code means listed.

    >>> is_listed("已上市", None), is_listed("未上市", "600584"), is_listed(None, "600584")
    (True, False, True)
    """
    if status is None:
        return stock_code is not None
    s = status.lower()
    if any(n in s for n in _NOT_LISTED):
        return False
    return s in _LISTED_EXACT or any(p in s for p in _LISTED)


_QUOTES = str.maketrans("", "", "\"'“”‘’「」『』")
_TAG_SPLIT = re.compile(r"[、,;/|\s]+")
_LITTLE_GIANT = re.compile(r"专精特新\s*(?:企业)?\s*小巨人")


def parse_tags(text: str) -> tuple[tuple[Tag, ...], tuple[str, ...]]:
    """The :class:`Tag` s a tag cell names, and its other tags as written.

    专精特新"小巨人" is ``little_giant`` only (not also ``specialised``).

    >>> parse_tags('专精特新"小巨人"；高新技术企业、科技型中小企业')
    ((<Tag.little_giant: 'little_giant'>, <Tag.high_tech: 'high_tech'>), ('科技型中小企业',))
    """
    text = _LITTLE_GIANT.sub("小巨人", unicodedata.normalize("NFKC", text).translate(_QUOTES))
    tags: list[Tag] = []
    other: list[str] = []
    for token in filter(None, _TAG_SPLIT.split(text)):
        found = _tags_in(token)
        for tag in found:
            if tag not in tags:
                tags.append(tag)
        if not found and token not in other:
            other.append(token)
    return tuple(tags), tuple(other)


def _tags_in(token: str) -> list[Tag]:
    found: list[Tag] = []
    if "小巨人" in token:
        found.append(Tag.little_giant)
    elif "专精特新" in token:
        found.append(Tag.specialised)
    if "单项冠军" in token:
        found.append(Tag.single_champion)
    if "龙头" in token:
        found.append(Tag.leading)
    if "高新技术企业" in token or "高新企业" in token or token in ("高企", "高新技术"):
        found.append(Tag.high_tech)
    if token.lower() in Tag.__members__:
        found.append(Tag(token.lower()))
    return found


_PRODUCT_SEPARATORS = frozenset("、,;/|\n\t")
_OPEN, _CLOSE = "([{【〔", ")]}】〕"


def split_products(text: str) -> tuple[str, ...]:
    """主营产品 split on 、 ， ； / | (full-width or not) and newlines, not inside brackets; a
    trailing 等 dropped, duplicates removed.

    >>> split_products("锂电池、正极材料(磷酸铁锂、三元)；隔膜等")
    ('锂电池', '正极材料(磷酸铁锂、三元)', '隔膜')
    """
    parts: list[str] = []
    depth, current = 0, list[str]()
    for ch in unicodedata.normalize("NFKC", text):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        if ch in _PRODUCT_SEPARATORS and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    out: list[str] = []
    for part in parts:
        p = part.strip().rstrip("。.")
        for suffix in ("等等", "等产品", "等"):
            p = p.removesuffix(suffix).strip()
        if p and p not in out:
            out.append(p)
    return tuple(out)


# --- industry (GB/T 4754-2017) -------------------------------------------------------------

_SECTION_DIVISIONS = (
    ("A", 1, 5), ("B", 6, 12), ("C", 13, 43), ("D", 44, 46), ("E", 47, 50), ("F", 51, 52),
    ("G", 53, 60), ("H", 61, 62), ("I", 63, 65), ("J", 66, 69), ("K", 70, 70), ("L", 71, 72),
    ("M", 73, 75), ("N", 76, 79), ("O", 80, 82), ("P", 83, 83), ("Q", 84, 85), ("R", 86, 90),
    ("S", 91, 96), ("T", 97, 97),
)  # fmt: skip
"""门类 letter → its 大类 (two-digit division) range."""

_SECTION_NAMES = {
    "农林牧渔业": "A", "采矿业": "B", "制造业": "C", "电力热力燃气及水生产和供应业": "D",
    "建筑业": "E", "批发和零售业": "F", "交通运输仓储和邮政业": "G", "住宿和餐饮业": "H",
    "信息传输软件和信息技术服务业": "I", "金融业": "J", "房地产业": "K",
    "租赁和商务服务业": "L", "科学研究和技术服务业": "M", "水利环境和公共设施管理业": "N",
    "居民服务修理和其他服务业": "O", "教育": "P", "卫生和社会工作": "Q",
    "文化体育和娱乐业": "R", "公共管理社会保障和社会组织": "S", "国际组织": "T",
}  # fmt: skip

_INDUSTRY_CELL = re.compile(
    r"^[\s\[(【]*(?:(?P<letter>[A-Ta-t])(?![A-Za-z]))?\s*(?P<digits>\d{2,4})?(?!\d)"
    r"[\s\])】:.\-]*(?P<name>.*)$"
)
_INDUSTRY_KEYS = (
    "industry_code", "industry_class", "industry_group", "industry_division", "industry",
    "industry_section",
)  # fmt: skip  # most specific name first


def section_of_division(division: int) -> str | None:
    """The 门类 letter of a two-digit 大类: ``38`` → ``"C"``."""
    return next((s for s, lo, hi in _SECTION_DIVISIONS if lo <= division <= hi), None)


def industry_from_row(values: Mapping[str, CellValue]) -> tuple[str | None, str | None]:
    """The most specific GB/T 4754 code the industry columns give, and the most specific name.

    Codes may sit in a 行业代码 column or prefix the 门类/大类/中类/小类 texts (``C 制造业``,
    ``38``, ``[3841]锂离子电池制造``); the letter comes from the digits (38 → C), else from
    the 门类 text. With no digits at all the code is the 门类 letter alone, or None.

    >>> industry_from_row({"industry_section": "制造业", "industry_class": "3841 锂离子电池制造"})
    ('C3841', '锂离子电池制造')
    >>> industry_from_row({"industry": "计算机、通信和其他电子设备制造业"})
    (None, '计算机、通信和其他电子设备制造业')
    """
    letter: str | None = None
    digits, name = "", None
    for key in _INDUSTRY_KEYS:
        text = _text(values.get(key))
        if text is None:
            continue
        m = _INDUSTRY_CELL.match(text)
        if m is None or not (m["letter"] or m["digits"]):
            if letter is None:
                letter = _SECTION_NAMES.get(re.sub(r"[、,，\s]", "", text))
            name = name or text
            continue
        if m["digits"] and len(m["digits"]) > len(digits):
            digits = m["digits"]
        letter = letter or (m["letter"].upper() if m["letter"] else None)
        name = name or (m["name"].strip() or None)
    if digits:
        letter = section_of_division(int(digits[:2]))
        return (letter + digits if letter else None), name
    return letter, name


# --- error report --------------------------------------------------------------------------

_ERROR_FONT = Font(color="C00000")
_HEADER_FONT = Font(bold=True, color="C00000")
_HEADER_FILL = PatternFill("solid", fgColor="FDE9E7")


def error_report_xlsx(
    source: Source,
    errors: Sequence[RowError],
    *,
    filename: str | None = None,
    sheet_name: str | None = None,
    header_row: int | None = None,
    columns: Sequence[ColumnSpec] = ENTERPRISE_COLUMNS,
    only_bad_rows: bool = False,
) -> bytes:
    """The original table as xlsx bytes, with 错误说明 and Error columns added on bad rows.

    Rows keep their numbers (so "row 12" in the JSON report is row 12 here) and merged
    ranges are kept. With ``only_bad_rows`` the rows above the data and the bad rows alone
    are written, with a 原行号 column. ``header_row`` and ``sheet_name`` come from
    ``Table.layout``; when ``header_row`` is None the header is found again using ``columns``.
    Streams through openpyxl's write-only mode, so a 100,000-row file fits in little memory.
    """
    if header_row is None:
        with open_table(source, columns=columns, filename=filename, sheet_name=sheet_name) as t:
            header_row, sheet_name = t.layout.header_row, t.layout.sheet_name
    by_row: dict[int, list[RowError]] = {}
    for e in errors:
        by_row.setdefault(e.row_number, []).append(e)
    wb = Workbook(write_only=True)
    with open_sheet(source, filename=filename, sheet_name=sheet_name) as sheet:
        ws = wb.create_sheet(title=sheet.name or "Sheet1")
        rows = sheet.rows()
        top = [r for _, r in zip(range(header_row), rows, strict=False)]
        width = max((_width(r) for _, r in top), default=0)
        added = ["错误说明", "Error"] + (["原行号", "Row"] if only_bad_rows else [])
        for i, w in enumerate((60, 60, 8, 8)[: len(added)]):
            ws.column_dimensions[get_column_letter(width + 1 + i)].width = w
        for m in sheet.merges:
            if not only_bad_rows or m[2] <= header_row:
                ws.merged_cells.add(
                    f"{get_column_letter(m[1])}{m[0]}:{get_column_letter(m[3])}{m[2]}"
                )
        for number, row in top:
            extra = (
                [_styled(ws, a, _HEADER_FONT, _HEADER_FILL) for a in added]
                if number == header_row
                else []
            )
            ws.append(_out_row(ws, row, width, extra))
        for number, row in rows:
            bad = by_row.get(number)
            if bad is None:
                if not only_bad_rows:
                    ws.append(_out_row(ws, row, width, []))
                continue
            zh = "；".join(f"「{e.column}」{e.message_zh}" for e in bad)
            en = "; ".join(f"{e.column}: {e.message_en}" for e in bad)
            extra = [_styled(ws, zh, _ERROR_FONT), _styled(ws, en, _ERROR_FONT)]
            if only_bad_rows:
                extra += [number, number]
            ws.append(_out_row(ws, row, width, extra))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _width(row: Sequence[object]) -> int:
    n = len(row)
    while n and (row[n - 1] is None or row[n - 1] == ""):
        n -= 1
    return n


def _out_row(ws: object, row: Sequence[object], width: int, extra: list[object]) -> list[object]:
    """The original cells padded to ``width``, the added cells, then any cells the row has
    beyond the header's width (kept, not overwritten)."""
    cells = [_out(ws, v) for v in row]
    if len(cells) < width:
        cells.extend([None] * (width - len(cells)))
    beyond = cells[width : width + _width(row[width:])] if len(row) > width else []
    return cells[:width] + extra + (beyond if beyond else [])


def _out(ws: object, value: object) -> object:
    if not isinstance(value, str):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    if text.startswith("="):  # text that looks like a formula stays text
        cell = WriteOnlyCell(ws, value=text)
        cell.data_type = "s"
        return cell
    return text


def _styled(ws: object, value: str, font: object, fill: object = None) -> object:
    cell = WriteOnlyCell(ws, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.font = font
    if fill is not None:
        cell.fill = fill
    return cell
