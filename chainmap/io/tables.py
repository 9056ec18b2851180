"""A tolerant reader for the spreadsheets people actually send: xlsx and csv, any layout.

Enterprise exports, factory and land ledgers and lead lists all arrive as one table with a
header row somewhere near the top. This module finds that header (title rows above it are
skipped; a two-row header under a merged cell such as 国标行业 / 门类 … is combined), maps
its columns to the caller's :class:`ColumnSpec` keys through aliases, and yields the data
rows with their row number as the user sees it in Excel. It knows nothing about what the
columns mean; the ``*_rows`` modules do.

Merged cells: openpyxl's read-only (streaming) mode does not expose them, and the normal mode
holds the whole sheet in memory (several GB for 100,000 rows). So the sheet's XML part is
scanned separately, in one streaming pass over the decompressed bytes, for its
``<mergeCells>`` element (written after the rows); every cell of a merged range then takes
the range's top-left value, both in the header and in the data (a 所属省份 merged down
several rows fills down).
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from openpyxl import load_workbook  # type: ignore[import-untyped]

from chainmap.errors import ChainmapError
from chainmap.io.units import CellValue

Source = str | os.PathLike[str] | bytes
"""A file path, or the file's bytes (an upload)."""

FileKind = Literal["xlsx", "csv"]
Merge = tuple[int, int, int, int]
"""A merged range as 1-based (first row, first column, last row, last column)."""

HEADER_SCAN_ROWS = 20


class TableError(ChainmapError):
    """The file cannot be read as a table; the message says why and what to do."""

    code = "table_invalid"


class UnsupportedFileType(TableError):
    code = "table_unsupported_type"


class FileTooLarge(TableError):
    code = "table_too_large"


class TableUnreadable(TableError):
    """Empty, truncated, corrupt or undecodable."""

    code = "table_unreadable"


class MissingColumns(TableError):
    """A required column is not in the header (or no header was found at all)."""

    code = "table_missing_columns"

    def __init__(
        self, missing: Sequence[ColumnSpec], *, header_row: int | None, scanned_rows: int
    ) -> None:
        names_zh = "、".join(f"「{c.label}」" for c in missing)
        names_en = ", ".join(repr(c.label) for c in missing)
        accepted = "；".join(f"{c.label}: {' / '.join(c.aliases)}" for c in missing)
        if header_row is None:
            where_zh = f"前 {scanned_rows} 行中没有找到表头"
            where_en = f"no header row found in the first {scanned_rows} rows"
        else:
            where_zh = f"第 {header_row} 行表头中没有该列"
            where_en = f"the header on row {header_row} does not have it"
        super().__init__(
            f"缺少必填列{names_zh}：{where_zh}（可用的列名 {accepted}）",
            f"missing required column {names_en}: {where_en} (accepted names {accepted})",
            field=missing[0].key if missing else None,
        )
        self.missing = tuple(c.key for c in missing)
        self.header_row = header_row


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """A column the caller wants: its key, the header texts that mean it, whether required.

    Aliases are compared after normalising both sides (NFKC, case, blanks, brackets and
    asterisks removed); a header with a bracketed note such as 注册资本（万元） also matches
    注册资本. ``label`` (default: the first alias) names the column in messages.
    """

    key: str
    aliases: tuple[str, ...]
    required: bool = False
    label: str = ""

    def __post_init__(self) -> None:
        if not self.label:
            object.__setattr__(self, "label", self.aliases[0] if self.aliases else self.key)


@dataclass(frozen=True, slots=True)
class RawRow:
    """One data row: its 1-based row number as seen in Excel, and the mapped cell values."""

    row_number: int
    values: dict[str, CellValue]


@dataclass(frozen=True, slots=True)
class RowError:
    """A problem with one cell (or row) of an imported table, for the user to fix.

    ``column`` is the header text as written in the file; ``value`` the cell as text.
    """

    row_number: int
    column: str
    value: str | None
    message_zh: str
    message_en: str

    @property
    def full_zh(self) -> str:
        return f"第 {self.row_number} 行「{self.column}」：{self.message_zh}"

    @property
    def full_en(self) -> str:
        return f"row {self.row_number}, column '{self.column}': {self.message_en}"

    def as_dict(self) -> dict[str, str | int | None]:
        """The JSON form the error report lists."""
        return {
            "row": self.row_number,
            "column": self.column,
            "value": self.value,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }


@dataclass(frozen=True, slots=True)
class TableLayout:
    """What was found: the sheet, the header row and how its columns map to keys."""

    kind: FileKind
    sheet_name: str | None
    encoding: str | None
    header_row: int  # 1-based; the lower row of a two-row header
    headers: dict[str, str]  # key → header text as written in the file
    column_index: dict[str, int]  # key → 0-based column
    unknown_columns: tuple[str, ...]  # header texts matching no spec (or a duplicate)


@dataclass(frozen=True, slots=True)
class Table:
    """A whole table in memory; see :func:`open_table` to stream instead."""

    layout: TableLayout
    rows: list[RawRow]

    @property
    def headers(self) -> dict[str, str]:
        return self.layout.headers

    @property
    def sheet_name(self) -> str | None:
        return self.layout.sheet_name

    @property
    def unknown_columns(self) -> tuple[str, ...]:
        return self.layout.unknown_columns


@dataclass(slots=True)
class TableStream:
    """The layout and an iterator over the data rows, valid inside :func:`open_table`."""

    layout: TableLayout
    rows: Iterator[RawRow]


@dataclass(slots=True)
class Sheet:
    """One sheet's raw content: every row (blank ones too) as the file holds it."""

    kind: FileKind
    name: str | None
    encoding: str | None
    merges: tuple[Merge, ...]
    _rows: Callable[[], Iterator[Sequence[Any]]] = field(repr=False)

    def rows(self) -> Iterator[tuple[int, Sequence[Any]]]:
        """``(row_number, values)`` from row 1, values unnormalised (for writing back)."""
        try:
            yield from enumerate(self._rows(), start=1)
        except TableError:
            raise
        except Exception as exc:  # openpyxl/zlib/XML errors surface while streaming
            raise _corrupt(exc) from exc


def read_table(
    source: Source,
    *,
    columns: Sequence[ColumnSpec],
    filename: str | None = None,
    max_rows: int | None = None,
    max_bytes: int | None = None,
    sheet_name: str | None = None,
    header_scan_rows: int = HEADER_SCAN_ROWS,
) -> Table:
    """Read a whole xlsx or csv table into memory.

    >>> data = "企业名录\\n公司名称,信用代码\\n甲公司,91320500MA1MXE3T1X\\n".encode("gb18030")
    >>> spec = ColumnSpec("name", ("企业名称", "公司名称"), required=True)
    >>> t = read_table(data, filename="x.csv", columns=[spec])
    >>> t.rows[0], t.unknown_columns
    (RawRow(row_number=3, values={'name': '甲公司'}), ('信用代码',))

    Raises:
        TableError: wrong file type, too large, empty or corrupt, or a required column missing.
    """
    with open_table(
        source,
        columns=columns,
        filename=filename,
        max_rows=max_rows,
        max_bytes=max_bytes,
        sheet_name=sheet_name,
        header_scan_rows=header_scan_rows,
    ) as stream:
        return Table(layout=stream.layout, rows=list(stream.rows))


@contextmanager
def open_table(
    source: Source,
    *,
    columns: Sequence[ColumnSpec],
    filename: str | None = None,
    max_rows: int | None = None,
    max_bytes: int | None = None,
    sheet_name: str | None = None,
    header_scan_rows: int = HEADER_SCAN_ROWS,
) -> Iterator[TableStream]:
    """Like :func:`read_table`, but stream the rows (constant memory for any row count).

    ``max_rows`` counts data rows; exceeding it raises :class:`FileTooLarge` while iterating.
    ``sheet_name`` None picks the sheet whose header matches ``columns`` best.
    """
    with open_sheet(
        source, filename=filename, max_bytes=max_bytes, sheet_name=sheet_name, prefer=columns
    ) as sheet:
        rows = _filled(sheet.rows(), sheet.merges)
        head = [r for _, r in zip(range(header_scan_rows), rows, strict=False)]
        layout, first_data = _find_header(sheet, head, columns, header_scan_rows)
        rest = (r for r in head if r[0] >= first_data)
        yield TableStream(layout, _data_rows(rest, rows, layout, max_rows))


@contextmanager
def open_sheet(
    source: Source,
    *,
    filename: str | None = None,
    max_bytes: int | None = None,
    sheet_name: str | None = None,
    prefer: Sequence[ColumnSpec] = (),
) -> Iterator[Sheet]:
    """Open one sheet of an xlsx (or the csv) for raw streaming; used by writers too.

    With ``sheet_name`` None, an xlsx's sheet whose first rows best match ``prefer`` is
    chosen (the first sheet on a tie), so a leading 说明 sheet does not get in the way.
    """
    name = filename or (None if isinstance(source, bytes) else Path(source).name) or ""
    data, path = _load(source, max_bytes)
    kind = _detect_kind(name, data[:8] if data is not None else _head(path))
    if kind == "csv":
        if data is None:
            data = Path(path).read_bytes()
        yield _csv_sheet(data)
        return
    with _xlsx_sheet(data, path, sheet_name, prefer) as sheet:
        yield sheet


# --- loading and file type -------------------------------------------------------------


_OLE2 = b"\xd0\xcf\x11\xe0"
_ZIP = b"PK\x03\x04"


def _load(source: Source, max_bytes: int | None) -> tuple[bytes | None, str]:
    try:
        size = len(source) if isinstance(source, bytes) else os.path.getsize(source)
    except OSError as exc:
        raise TableUnreadable(
            f"无法打开文件「{source!s}」：{exc.strerror}", f"cannot open {source!s}: {exc.strerror}"
        ) from exc
    if max_bytes is not None and size > max_bytes:
        raise FileTooLarge(
            f"文件大小 {size / 1e6:.1f} MB，超过上限 {max_bytes / 1e6:.1f} MB",
            f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.1f} MB limit",
        )
    if size == 0:
        raise TableUnreadable("文件为空", "the file is empty")
    if isinstance(source, bytes):
        return source, ""
    return None, os.fspath(source)


def _head(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read(8)


def _detect_kind(filename: str, head: bytes) -> FileKind:
    ext = os.path.splitext(filename)[1].lower()
    if ext in (".xlsx", ".xlsm"):
        if head.startswith(_ZIP):
            return "xlsx"
        if head.startswith(_OLE2):
            raise UnsupportedFileType(
                "该文件实际是旧版 .xls 或加密的工作簿，请在 Excel 中取消密码并另存为 .xlsx",
                "the file is really an old .xls or an encrypted workbook; "
                "remove the password and save it as .xlsx",
            )
        raise TableUnreadable(
            "不是有效的 xlsx 文件（可能已损坏或未上传完整）",
            "not a valid xlsx file (corrupt or truncated)",
        )
    if ext in (".csv", ".txt", ".tsv"):
        if head.startswith((_ZIP, _OLE2)):
            raise UnsupportedFileType(
                f"文件扩展名为 {ext}，但内容是 Excel 工作簿，请改用 .xlsx 扩展名",
                f"the file is named {ext} but holds an Excel workbook; name it .xlsx",
            )
        return "csv"
    if ext == ".xls":
        raise UnsupportedFileType(
            "不支持旧版 .xls 文件，请在 Excel 中另存为 .xlsx 或 .csv 后上传",
            "old .xls files are not supported; save it as .xlsx or .csv in Excel",
        )
    shown = ext or filename or "?"
    raise UnsupportedFileType(
        f"不支持的文件类型「{shown}」，请上传 .xlsx 或 .csv 文件",
        f"unsupported file type {shown!r}; upload an .xlsx or .csv file",
    )


def _corrupt(exc: BaseException) -> TableUnreadable:
    return TableUnreadable(
        f"xlsx 文件已损坏或不完整，无法读取（{type(exc).__name__}）",
        f"the xlsx file is corrupt or truncated and cannot be read ({type(exc).__name__}: {exc})",
    )


# --- xlsx ----------------------------------------------------------------------------------


@contextmanager
def _xlsx_sheet(
    data: bytes | None, path: str, sheet_name: str | None, prefer: Sequence[ColumnSpec]
) -> Iterator[Sheet]:
    def opener() -> Any:
        return io.BytesIO(data) if data is not None else path

    try:
        wb = load_workbook(opener(), read_only=True, data_only=True, keep_links=False)
    except Exception as exc:
        raise _corrupt(exc) from exc
    try:
        sheets = list(wb.worksheets)
        if not sheets:
            raise TableUnreadable("工作簿中没有工作表", "the workbook has no worksheet")
        if sheet_name is not None:
            matching = [ws for ws in sheets if ws.title == sheet_name]
            if not matching:
                raise TableUnreadable(
                    f"工作簿中没有名为「{sheet_name}」的工作表",
                    f"the workbook has no sheet named {sheet_name!r}",
                )
            ws = matching[0]
        else:
            ws = _best_sheet(sheets, prefer)
        ws.reset_dimensions()  # exporters often write a wrong <dimension>; read every cell
        try:
            with zipfile.ZipFile(opener()) as zf:
                merges = _scan_merges(zf, str(getattr(ws, "_worksheet_path", "")))
        except Exception as exc:
            raise _corrupt(exc) from exc
        yield Sheet(
            "xlsx",
            str(ws.title),
            None,
            merges,
            lambda: iter(ws.iter_rows(min_row=1, values_only=True)),
        )
    finally:
        wb.close()


def _best_sheet(sheets: list[Any], prefer: Sequence[ColumnSpec]) -> Any:
    if len(sheets) == 1 or not prefer:
        return sheets[0]
    index = _alias_index(prefer)
    for ws in sheets:
        ws.reset_dimensions()

    def score(ws: Any) -> int:
        try:
            head = ws.iter_rows(min_row=1, max_row=HEADER_SCAN_ROWS, values_only=True)
            return max((len(_match_row(list(r), index)) for r in head), default=0)
        except Exception:
            return -1  # a broken sheet loses; reading it later reports the error

    scores = [score(ws) for ws in sheets]
    return sheets[scores.index(max(scores))]


_MERGE_REF = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?\"")


_MERGE_START = re.compile(rb"<(?:\w+:)?mergeCells[\s>]")  # a tag: "<" never occurs in text


def _scan_merges(zf: zipfile.ZipFile, member: str) -> tuple[Merge, ...]:
    """The sheet's merged ranges, from one streaming pass over its XML part."""
    member = member.lstrip("/")
    if not member or member not in zf.NameToInfo:
        return ()
    tail, found = b"", bytearray()
    with zf.open(member) as f:
        while chunk := f.read(1 << 20):
            if found:
                found += chunk
                continue
            buf = tail + chunk
            start = _MERGE_START.search(buf)
            if start is not None:
                found += buf[start.start() :]
            tail = buf[-32:]
    merges = []
    for c1, r1, c2, r2 in _MERGE_REF.findall(bytes(found)):
        first = (int(r1), _col_number(c1))
        last = (int(r2), _col_number(c2)) if c2 else first
        if first != last:
            merges.append((first[0], first[1], last[0], last[1]))
    return tuple(merges)


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _filled(
    rows: Iterator[tuple[int, Sequence[Any]]], merges: Sequence[Merge]
) -> Iterator[tuple[int, list[Any], bool]]:
    """Rows with merged ranges filled from their top-left cell, and whether the row itself
    (before filling) was blank."""
    by_start: dict[int, list[Merge]] = {}
    for m in merges:
        by_start.setdefault(m[0], []).append(m)
    active: list[tuple[int, int, int, Any]] = []  # (last row, first col, last col, value)
    for number, raw in rows:
        row = list(raw)
        blank = all(v is None or (isinstance(v, str) and not v.strip()) for v in row)
        for _, c1, r2, c2 in by_start.pop(number, ()):
            active.append((r2, c1, c2, row[c1 - 1] if c1 <= len(row) else None))
        if active:
            for _, c1, c2, value in active:
                if len(row) < c2:
                    row.extend([None] * (c2 - len(row)))
                for c in range(c1, c2 + 1):
                    row[c - 1] = value
            active = [a for a in active if a[0] > number]
        yield number, row, blank


# --- csv -----------------------------------------------------------------------------------


def _csv_sheet(data: bytes) -> Sheet:
    text, encoding = _decode(data)
    delimiter = _sniff_delimiter(text)

    def rows() -> Iterator[Sequence[Any]]:
        try:
            yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        except csv.Error as exc:
            raise TableUnreadable(
                f"CSV 文件格式错误：{exc}", f"the CSV file is malformed: {exc}"
            ) from exc

    return Sheet("csv", None, encoding, (), rows)


def _decode(data: bytes) -> tuple[str, str]:
    """Decode by what the bytes are: a BOM decides; else UTF-8 if valid; else GB18030."""
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16"), "utf-16"
    if b"\x00" in data[:4096]:
        raise UnsupportedFileType(
            "文件内容是二进制数据，不是 CSV 文本", "the file holds binary data, not CSV text"
        )
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            return data[: exc.start].decode("utf-8"), "utf-8"  # cut mid-character at the end
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise TableUnreadable(
            "无法识别 CSV 文件的编码（支持 UTF-8、GB18030/GBK）",
            "cannot decode the CSV file (UTF-8 and GB18030/GBK are supported)",
        ) from None


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise TableUnreadable(
            f"CSV 文件不是有效的 {encoding} 编码", f"the CSV file is not valid {encoding}"
        ) from None


def _sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most rows of one common width."""
    lines = text[:65536].splitlines()[:30]
    best, best_score = ",", (0, 0)
    for delimiter in (",", "\t", ";", "|"):
        try:
            widths = [len(r) for r in csv.reader(lines, delimiter=delimiter) if len(r) > 1]
        except csv.Error:
            continue
        if not widths:
            continue
        mode = max(set(widths), key=widths.count)
        score = (widths.count(mode), mode)
        if score > best_score:
            best, best_score = delimiter, score
    return best


# --- header and rows -----------------------------------------------------------------------


_HEADER_DROP = str.maketrans("", "", "*※:'\"“”‘’`_-")
_BRACKETS = str.maketrans("", "", "()[]{}【】〔〕「」<>《》")
_BRACKETED = re.compile(r"[(\[{【〔「<《][^)\]}】〕」>》]*[)\]}】〕」>》]")


def normalize_header(text: str) -> str:
    """The form headers and aliases are compared in: NFKC, lower case, no blanks, no
    brackets, asterisks or colons. ``"* 统一社会\\n信用代码（必填）"`` → ``"统一社会信用代码必填"``.
    """
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(text.split()).translate(_HEADER_DROP).translate(_BRACKETS)


def _header_forms(text: str) -> tuple[str, str]:
    """The header normalised, and normalised with any bracketed note removed."""
    nfkc = unicodedata.normalize("NFKC", text)
    return normalize_header(nfkc), normalize_header(_BRACKETED.sub("", nfkc))


def _alias_index(columns: Sequence[ColumnSpec]) -> dict[str, str]:
    index: dict[str, str] = {}
    for spec in columns:
        for alias in (*spec.aliases, spec.key):
            index.setdefault(normalize_header(alias), spec.key)
    return index


def _match_header(text: str, index: dict[str, str]) -> str | None:
    full, bare = _header_forms(text)
    return index.get(full) or (index.get(bare) if bare else None)


def _match_row(names: Sequence[Any], index: dict[str, str]) -> dict[str, int]:
    matched: dict[str, int] = {}
    for col, value in enumerate(names):
        if isinstance(value, str) and value.strip():
            key = _match_header(value, index)
            if key is not None and key not in matched:
                matched[key] = col
    return matched


def _combined(parent: Sequence[Any], child: Sequence[Any]) -> list[str]:
    """Names for a two-row header: 国标行业 over 门类 → 国标行业门类; a cell merged down
    over both rows (or blank below) keeps its own name."""
    names = []
    for c in range(max(len(parent), len(child))):
        p = _text(parent[c]) if c < len(parent) else ""
        ch = _text(child[c]) if c < len(child) else ""
        names.append(p if not ch or ch == p else ch if not p else p + ch)
    return names


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _find_header(
    sheet: Sheet,
    head: list[tuple[int, list[Any], bool]],
    columns: Sequence[ColumnSpec],
    scanned: int,
) -> tuple[TableLayout, int]:
    """The header row (or pair of rows) matching the most columns, and the first data row."""
    if all(blank for _, _, blank in head):
        where = f"工作表「{sheet.name}」" if sheet.name else "文件"
        raise TableUnreadable(
            f"{where}前 {scanned} 行没有任何内容",
            f"the first {scanned} rows of the table are empty",
        )
    index = _alias_index(columns)
    required = {c.key for c in columns if c.required}
    best: tuple[tuple[bool, int], int, list[str], dict[str, int]] | None = None
    for i, (number, row, _) in enumerate(head):
        candidates = [(number, [_text(v) for v in row])]
        if i + 1 < len(head):
            candidates.append((head[i + 1][0], _combined(row, head[i + 1][1])))
        for last_row, names in candidates:
            matched = _match_row(names, index)
            score = (required <= matched.keys(), len(matched))
            if matched and (best is None or score > best[0]):
                best = (score, last_row, names, matched)
    if best is None or not best[0][0]:
        found = best[3] if best else {}
        raise MissingColumns(
            [c for c in columns if c.required and c.key not in found],
            header_row=best[1] if best else None,
            scanned_rows=scanned,
        )
    _, header_row, names, matched = best
    unknown = tuple(n for c, n in enumerate(names) if n and c not in matched.values())
    layout = TableLayout(
        kind=sheet.kind,
        sheet_name=sheet.name,
        encoding=sheet.encoding,
        header_row=header_row,
        headers={key: names[col] for key, col in matched.items()},
        column_index=matched,
        unknown_columns=unknown,
    )
    return layout, header_row + 1


def _data_rows(
    head: Iterator[tuple[int, list[Any], bool]],
    rest: Iterator[tuple[int, list[Any], bool]],
    layout: TableLayout,
    max_rows: int | None,
) -> Iterator[RawRow]:
    columns = list(layout.column_index.items())
    count = 0
    for chain in (head, rest):
        for number, row, blank in chain:
            if blank:
                continue
            width = len(row)
            values = {key: clean_cell(row[c]) if c < width else None for key, c in columns}
            if all(v is None for v in values.values()):
                continue
            count += 1
            if max_rows is not None and count > max_rows:
                raise FileTooLarge(
                    f"数据超过 {max_rows} 行上限（第 {number} 行）",
                    f"more than {max_rows} data rows (row {number})",
                )
            yield RawRow(number, values)


def clean_cell(value: Any) -> CellValue:
    """A raw cell value as the parsers want it: text NFKC-normalised (full-width → half-width)
    and trimmed, blank text as None; numbers and dates unchanged.

    >>> clean_cell("  ＡＢＣ１２３　"), clean_cell(" "), clean_cell('="002371"')
    ('ABC123', None, '002371')
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float | date):
        return value
    text = value if isinstance(value, str) else str(value)
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text).replace("\u200b", "").replace("\ufeff", "")
    text = text.strip()
    if len(text) >= 3 and text.startswith('="') and text.endswith('"'):
        text = text[2:-1].strip()  # Excel's "keep as text" CSV idiom for codes like 002371
    return text or None


__all__ = [
    "ColumnSpec",
    "FileTooLarge",
    "MissingColumns",
    "RawRow",
    "RowError",
    "Sheet",
    "Source",
    "Table",
    "TableError",
    "TableLayout",
    "TableStream",
    "TableUnreadable",
    "UnsupportedFileType",
    "clean_cell",
    "normalize_header",
    "open_sheet",
    "open_table",
    "read_table",
]
