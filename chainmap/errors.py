"""Domain errors. They carry a machine code and bilingual messages, never an HTTP status:
``api/errors.py`` alone maps them to responses."""

from __future__ import annotations


class ChainmapError(Exception):
    """Base of every error chainmap reports to a user."""

    code = "chainmap_error"

    def __init__(self, message_zh: str, message_en: str, *, field: str | None = None) -> None:
        super().__init__(message_en)
        self.message_zh = message_zh
        self.message_en = message_en
        self.field = field


class ChainNotFound(ChainmapError):
    code = "chain_not_found"

    def __init__(self, chain_id: str) -> None:
        super().__init__(
            f"未找到产业链「{chain_id}」", f"chain '{chain_id}' not found", field="chain_id"
        )
        self.chain_id = chain_id


class SegmentNotFound(ChainmapError):
    code = "segment_not_found"

    def __init__(self, chain_id: str, segment_id: str) -> None:
        super().__init__(
            f"产业链「{chain_id}」中没有环节「{segment_id}」",
            f"segment '{segment_id}' not found in chain '{chain_id}'",
            field="segment_id",
        )
        self.chain_id = chain_id
        self.segment_id = segment_id


class ChainDefinitionError(ChainmapError):
    """A chain file is malformed: names the file, the segment (if any) and the problem."""

    code = "chain_definition_invalid"

    def __init__(self, path: str, problem_en: str, problem_zh: str, segment: str | None = None):
        where = f"{path}" + (f" [segment {segment}]" if segment else "")
        where_zh = f"{path}" + (f"［环节 {segment}］" if segment else "")
        super().__init__(f"{where_zh}：{problem_zh}", f"{where}: {problem_en}", field=segment)
        self.path = path
        self.segment = segment
        self.problem_en = problem_en


class DatabaseNotMigrated(ChainmapError):
    code = "database_not_migrated"

    def __init__(self, current: str | None, head: str | None) -> None:
        super().__init__(
            f"数据库结构不是最新（当前 {current or '空'}，应为 {head}）。"
            "请先运行：chainmap db upgrade",
            f"database schema is not up to date (at {current or 'empty'}, head is {head}). "
            "Run: chainmap db upgrade",
        )
