"""``chainmap`` command line (Typer). Each command is one transaction and calls services only."""

from __future__ import annotations

import getpass
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from sqlalchemy.orm import Session

from chainmap import enterprises, services
from chainmap.chains import get_chain, load_chain_library
from chainmap.demo_data import load_demo_leads
from chainmap.domain import STATUS_LABELS, Chain
from chainmap.errors import ChainmapError
from chainmap.freshness import is_stale, utcnow
from chainmap.io.enterprise_rows import ENTERPRISE_COLUMNS, error_report_xlsx
from chainmap.io.lead_rows import LEAD_COLUMNS
from chainmap.io.tables import ColumnSpec
from chainmap.lead_import import import_leads
from chainmap.registry import ImportRejected, ImportReport, import_enterprises
from chainmap.settings import Settings, get_settings
from chainmap.store import audit, db, repo

app = typer.Typer(
    help="chainmap 产业链招商地图 — industrial-chain lead matching.", no_args_is_help=True
)
db_app = typer.Typer(help="数据库迁移 / database migrations", no_args_is_help=True)
chains_app = typer.Typer(help="产业链库 / chain library", no_args_is_help=True)
demo_app = typer.Typer(help="演示数据 / demo data", no_args_is_help=True)
import_app = typer.Typer(help="导入 / import spreadsheets", no_args_is_help=True)
report_app = typer.Typer(help="报表 / reports", no_args_is_help=True)
users_app = typer.Typer(help="用户与 API 密钥 / users and API keys", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(db_app, name="db")
app.add_typer(import_app, name="import")
app.add_typer(report_app, name="report")
app.add_typer(chains_app, name="chains")
app.add_typer(demo_app, name="demo")

P = ParamSpec("P")
R = TypeVar("R")


def reports_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn domain errors into a bilingual message on stderr and exit code 1."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except ChainmapError as exc:
            typer.echo(f"错误：{exc.message_zh}\nerror: {exc.message_en}", err=True)
            raise typer.Exit(1) from None

    return wrapper


@contextmanager
def transaction(settings: Settings, *, check: bool = True) -> Iterator[Session]:
    """One transaction for the command; refuses an unmigrated database."""
    engine = db.make_engine(settings.database_url)
    try:
        if check:
            db.ensure_migrated(engine)
        factory = audit.install(db.make_session_factory(engine))
        with db.session_scope(factory) as session:
            audit.set_actor(
                session,
                f"命令行 {getpass.getuser()}",
                request=" ".join(["chainmap", *sys.argv[1:]]),
            )
            yield session
    finally:
        engine.dispose()


def _command_line(args: Sequence[str]) -> str:
    """The command for the audit trail, with any ``--password`` value masked."""
    shown, hide_next = ["chainmap"], False
    for arg in args:
        if hide_next:
            shown.append("***")
            hide_next = False
        elif arg.startswith("--password="):
            shown.append("--password=***")
        else:
            shown.append(arg)
            hide_next = arg == "--password"
    return " ".join(shown)


def _library(settings: Settings) -> dict[str, Chain]:
    return load_chain_library(settings.chains_dir)


@db_app.command("upgrade")
@reports_errors
def db_upgrade(revision: str = "head") -> None:
    """迁移数据库到最新结构 / migrate the database to the latest schema."""
    settings = get_settings()
    db.upgrade(settings.database_url, revision)
    typer.echo(
        f"数据库已迁移到 {revision} / database migrated ({_safe_url(settings.database_url)})"
    )


@db_app.command("current")
@reports_errors
def db_current() -> None:
    """显示当前数据库版本 / show the current revision."""
    engine = db.make_engine(get_settings().database_url)
    try:
        typer.echo(f"current: {db.current_revision(engine)}  head: {db.head_revision()}")
    finally:
        engine.dispose()


@chains_app.command("validate")
@reports_errors
def chains_validate(
    directory: Annotated[Path | None, typer.Argument(help="产业链目录 / chains folder")] = None,
) -> None:
    """校验产业链定义文件 / validate chain files."""
    lib = load_chain_library(directory or get_settings().chains_dir)
    for chain in lib.values():
        typer.echo(
            f"✓ {chain.id:16} {chain.name}  {len(chain.segments)} 环节 / {len(chain.links)} 连线"
        )


@chains_app.command("list")
@reports_errors
def chains_list() -> None:
    """产业链及缺环概况 / chains with their gaps."""
    settings = get_settings()
    lib = _library(settings)
    with transaction(settings) as session:
        for chain in lib.values():
            state = services.chain_state(session, chain, settings)
            typer.echo(f"{chain.id:16} {chain.name}  缺环/短板 {len(state.gaps)}")


@app.command("classify")
@reports_errors
def classify() -> None:
    """对全部企业重新归类到产业链环节 / re-run segment classification for all enterprises."""
    settings = get_settings()
    lib = _library(settings)
    with transaction(settings) as session:
        n = services.classify_enterprises(session, lib, settings)
    typer.echo(f"已生成 {n} 条环节归属 / {n} assignments")


def _load_demo_carriers(settings: Settings) -> None:
    """Parks, factories and land for the demo city, once (skipped when parks exist)."""
    from chainmap.demo_carriers import DEMO_CARRIER_SOURCE, generate_demo_carriers
    from chainmap.store.carriers_repo import count_parks, insert_carriers

    with transaction(settings) as session:
        if count_parks(session):
            return
        parks, factories, parcels = generate_demo_carriers(today=utcnow().date())
        n_f, n_l = insert_carriers(session, parks, factories, parcels, source=DEMO_CARRIER_SOURCE)
    typer.echo(
        f"已载入 {len(parks)} 个园区、{n_f} 处厂房、{n_l} 宗地块 / "
        f"{len(parks)} parks, {n_f} factories and {n_l} parcels loaded"
    )


@demo_app.command("load")
@reports_errors
def demo_load(
    reset: Annotated[bool, typer.Option(help="先清空企业数据 / delete enterprises first")] = False,
) -> None:
    """载入演示城市数据（已有数据时跳过）/ load the demo city (skipped when data exists)."""
    from chainmap.demo import generate_demo_enterprises

    settings = get_settings()
    lib = _library(settings)
    _load_demo_carriers(settings)
    with transaction(settings) as session:
        if reset:
            if repo.count_leads(session):
                raise ChainmapError(
                    "已有招商线索，其历史只能追加不能删除；如需重置演示数据，请删除数据库文件后重新运行",
                    "leads exist and their history is append-only; to reset the demo, delete "
                    "the database file and run again",
                )
            repo.delete_all_enterprises(session)
        elif repo.count_enterprises(session):
            typer.echo(
                "数据库已有企业数据，跳过演示数据（用 --reset 重新载入）/ data present, skipped"
            )
            return
        enterprises = generate_demo_enterprises(lib, settings.jurisdiction)
        with typer.progressbar(length=len(enterprises), label="载入企业 / loading") as bar:
            step = 500
            for i in range(0, len(enterprises), step):
                services.add_enterprises(session, lib, settings, enterprises[i : i + step])
                bar.update(len(enterprises[i : i + step]))
        n_leads = load_demo_leads(session, lib, today=utcnow().date())
        n_users = _load_demo_users(session, lib)
    if n_users:
        typer.echo(
            f"已建 {n_users} 个演示用户（密码 {DEMO_PASSWORD}，见 README）/ demo users created"
        )
    typer.echo(
        f"已载入 {len(enterprises)} 家演示企业、{n_leads} 条招商线索 / "
        f"{len(enterprises)} demo enterprises and {n_leads} leads loaded"
    )


@app.command("gaps")
@reports_errors
def gaps(chain_id: str) -> None:
    """列出缺环与短板 / list a chain's gaps."""
    settings = get_settings()
    chain = get_chain(_library(settings), chain_id)
    with transaction(settings) as session:
        state = services.chain_state(session, chain, settings)
    for g in state.gaps:
        seg = chain.segment(g.segment_id)
        typer.echo(f"{g.priority:.3f}  {STATUS_LABELS[g.status]}  {seg.name} ({seg.id})")


@app.command("targets")
@reports_errors
def targets(
    chain_id: str,
    segment: Annotated[str | None, typer.Option(help="只看该环节 / one segment")] = None,
    limit: Annotated[int, typer.Option(min=1, max=500)] = 20,
    xlsx: Annotated[
        Path | None,
        typer.Option(
            "--xlsx", dir_okay=False, help="写出招商地图工作簿 / write the target map workbook"
        ),
    ] = None,
) -> None:
    """目标企业清单 / ranked, explained targets; --xlsx writes the 招商地图 workbook."""
    from chainmap.matcher_cache import MatcherCache
    from chainmap.report.target_map_xlsx import target_map_xlsx
    from chainmap.target_map import build_target_map

    settings = get_settings()
    chain = get_chain(_library(settings), chain_id)
    cache = MatcherCache()
    with transaction(settings) as session:
        canonical = enterprises.ResolverCache().canonical(session)
        page = services.targets_page(
            session,
            chain,
            settings,
            segment_id=segment,
            limit=limit,
            canonical=canonical,
            cache=cache,
        )
        tmap = (
            build_target_map(
                session,
                chain,
                settings,
                per_gap=min(limit, 100),
                segment_id=segment,
                canonical=canonical,
                cache=cache,
            )
            if xlsx is not None
            else None
        )
    now = utcnow()
    for i, t in enumerate(page.items, 1):
        stale = is_stale(
            t.enterprise.last_verified_at,
            now=now,
            max_age_days=settings.enterprise_stale_after_days,
        )
        mark = "  [信息过期 stale]" if stale else ""
        seg_name = chain.segment(t.segment_id).name
        typer.echo(f"{i:3}. {t.score:.3f}  {t.enterprise.name}  [{seg_name}]{mark}")
        typer.echo(f"      {t.reason}")
    typer.echo(f"共 {page.total} 家 / {page.total} targets")
    if xlsx is not None and tmap is not None:
        xlsx.write_bytes(target_map_xlsx(tmap))
        typer.echo(f"招商地图 / target map: {xlsx}（{len(tmap.gaps)} 个缺环 / gaps）")


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


class ProgressBar:
    """A progress bar whose length is learnt from the first ``(done, total)`` report."""

    def __init__(self, label: str) -> None:
        self.label = label
        self._bar: Any = None
        self._done = 0

    def __enter__(self) -> ProgressBar:
        return self

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            self._bar = typer.progressbar(length=total, label=self.label).__enter__()
        self._bar.update(done - self._done)
        self._done = done

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)


def _write_report(
    path: Path,
    report: ImportReport,
    data: bytes,
    columns: Sequence[ColumnSpec] = ENTERPRISE_COLUMNS,
) -> tuple[Path, Path | None]:
    """Write FILE.report.json, and FILE.errors.xlsx when there are bad rows, beside the file."""
    json_path = path.with_name(path.name + ".report.json")
    payload = {
        "filename": report.filename,
        "sheet": report.sheet,
        "applied": report.applied,
        "total_rows": report.total_rows,
        "inserted": report.inserted,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "rejected": report.rejected,
        "unknown_columns": list(report.unknown_columns),
        "errors": [e.as_dict() for e in report.errors],
    }
    json_path.write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
    if not report.errors:
        return json_path, None
    xlsx_path = path.with_name(path.stem + ".errors.xlsx")
    xlsx_path.write_bytes(
        error_report_xlsx(data, report.errors, filename=path.name, columns=columns)
    )
    return json_path, xlsx_path


def _import_file(
    file: Path,
    columns: Sequence[ColumnSpec],
    run: Callable[[Session, bytes, ProgressBar], ImportReport],
    summary: Callable[[ImportReport], str],
) -> None:
    """One import command: a transaction, a progress bar, the report beside the file, and
    exit 1 (nothing written) when the file is rejected."""
    settings = get_settings()
    data = file.read_bytes()
    typer.echo(f"读取 {file.name} … / reading")
    try:
        with transaction(settings) as session, ProgressBar("写入 / writing") as progress:
            report = run(session, data, progress)
    except ImportRejected as exc:
        json_path, xlsx_path = _write_report(file, exc.report, data, columns)
        typer.echo(f"错误：{exc.message_zh}\nerror: {exc.message_en}", err=True)
        extra = f", {xlsx_path}" if xlsx_path else ""
        typer.echo(f"报告 / report: {json_path}{extra}", err=True)
        raise typer.Exit(1) from None
    json_path, xlsx_path = _write_report(file, report, data, columns)
    typer.echo(summary(report))
    typer.echo(f"报告 / report: {json_path}" + (f", {xlsx_path}" if xlsx_path else ""))


FileArg = Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="xlsx / csv")]
SkipInvalid = Annotated[
    bool, typer.Option("--skip-invalid", help="跳过错误行 / land valid rows only")
]


@import_app.command("enterprises")
@reports_errors
def import_enterprises_cmd(file: FileArg, skip_invalid: SkipInvalid = False) -> None:
    """导入企业名录（默认全部成功才写入）/ import an enterprise export, all-or-nothing."""
    settings = get_settings()
    lib = _library(settings)
    _import_file(
        file,
        ENTERPRISE_COLUMNS,
        lambda session, data, progress: import_enterprises(
            session,
            lib,
            settings,
            source=data,
            filename=file.name,
            skip_invalid=skip_invalid,
            actor="cli",
            progress=progress,
        ),
        lambda r: (
            f"新增 {r.inserted}，更新 {r.updated}，未变 {r.unchanged}，错误行 {r.rejected} / "
            f"inserted {r.inserted}, updated {r.updated}, unchanged {r.unchanged}, "
            f"rejected {r.rejected}"
        ),
    )


@import_app.command("leads")
@reports_errors
def import_leads_cmd(file: FileArg, skip_invalid: SkipInvalid = False) -> None:
    """导入招商项目台账（默认全部成功才写入）/ import a lead ledger, all-or-nothing."""
    settings = get_settings()
    lib = _library(settings)
    _import_file(
        file,
        LEAD_COLUMNS,
        lambda session, data, _progress: import_leads(
            session,
            lib,
            settings,
            source=data,
            filename=file.name,
            today=utcnow().date(),
            skip_invalid=skip_invalid,
            actor="cli",
        ),
        lambda r: (
            f"新增线索 {r.inserted}，已存在 {r.unchanged}，错误行 {r.rejected} / "
            f"inserted {r.inserted}, unchanged {r.unchanged}, rejected {r.rejected}"
        ),
    )


def _carrier_import(kind: str, file: Path, skip_invalid: bool) -> None:
    from chainmap.carrier_import import import_factories, import_land
    from chainmap.io.carrier_rows import FACTORY_COLUMNS, LAND_COLUMNS

    settings = get_settings()
    importer = import_factories if kind == "factories" else import_land
    _import_file(
        file,
        FACTORY_COLUMNS if kind == "factories" else LAND_COLUMNS,
        lambda session, data, progress: importer(
            session,
            settings,
            source=data,
            filename=file.name,
            today=utcnow().date(),
            skip_invalid=skip_invalid,
            actor="cli",
            progress=progress,
        ),
        lambda r: (
            f"新增 {r.inserted}，更新 {r.updated}，未变 {r.unchanged}，错误行 {r.rejected} / "
            f"inserted {r.inserted}, updated {r.updated}, unchanged {r.unchanged}, "
            f"rejected {r.rejected}"
        ),
    )


@import_app.command("factories")
@reports_errors
def import_factories_cmd(file: FileArg, skip_invalid: SkipInvalid = False) -> None:
    """导入闲置厂房台账（默认全部成功才写入；园区须已登记）/ import a factory ledger."""
    _carrier_import("factories", file, skip_invalid)


@import_app.command("land")
@reports_errors
def import_land_cmd(file: FileArg, skip_invalid: SkipInvalid = False) -> None:
    """导入收储用地台账（默认全部成功才写入；园区须已登记）/ import a land-reserve ledger."""
    _carrier_import("land", file, skip_invalid)


@app.command("resolve")
@reports_errors
def resolve_cmd(name: str, limit: Annotated[int, typer.Option(min=1, max=50)] = 5) -> None:
    """名称识别 / which registry records a name refers to."""
    settings = get_settings()
    with transaction(settings) as session:
        matches = enterprises.resolve(session, enterprises.ResolverCache(), name, limit=limit)
    for m in matches:
        typer.echo(f"{m.score:.3f}  {m.id:6}  {m.name}  （{m.reason}）")
    if not matches:
        typer.echo("未找到 / no match")


@app.command("duplicates")
@reports_errors
def duplicates_cmd() -> None:
    """疑似重复企业 / clusters of duplicate records."""
    settings = get_settings()
    with transaction(settings) as session:
        cache = enterprises.ResolverCache()
        index = cache.get(session)
        clusters = enterprises.duplicates(session, cache)
    for cluster in clusters:
        typer.echo(" | ".join(f"{i} {index.record_names.get(i, '')}" for i in cluster))
    typer.echo(f"共 {len(clusters)} 组 / {len(clusters)} clusters")


@report_app.command("bimonthly")
@reports_errors
def report_bimonthly(
    period: Annotated[str, typer.Option(help="首月 YYYY-MM，如 2026-09 / first month")],
    out: Annotated[Path, typer.Option(help="输出文件 .xlsx / .html / .json")],
    today: Annotated[
        str | None, typer.Option(help="红黄牌评估日 YYYY-MM-DD，默认今天 / flags as of")
    ] = None,
) -> None:
    """双月调度会材料：进度表、成绩单、红黄牌 / the bimonthly meeting pack."""
    from chainmap.meetings import (
        bimonthly_html,
        bimonthly_pack,
        bimonthly_xlsx,
        cyclic_gc_paused,
    )
    from chainmap.pipeline import parse_period
    from chainmap.report.pack import pack_to_dict

    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ".html", ".json"):
        raise ChainmapError(
            "输出文件须为 .xlsx、.html 或 .json",
            "--out must end in .xlsx, .html or .json",
            field="out",
        )
    as_of = _parse_day(today) if today else utcnow().date()
    settings = get_settings()
    library = _library(settings)
    with transaction(settings) as session:
        if suffix == ".xlsx":
            body = bimonthly_xlsx(session, library, settings, period=period, today=as_of)
        elif suffix == ".html":
            body = bimonthly_html(session, library, settings, period=period, today=as_of).encode()
        else:
            with cyclic_gc_paused():
                pack = bimonthly_pack(
                    session, library, settings, period=period, today=as_of, with_moves=False
                )
                data = pack_to_dict(pack)
            body = json.dumps(data, ensure_ascii=False, indent=2, default=str).encode()
    out.write_bytes(body)
    typer.echo(f"已生成 {out}（{parse_period(period).label_zh}）/ written")


def _parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ChainmapError(
            f"日期格式应为 YYYY-MM-DD：{text}", f"date must be YYYY-MM-DD: {text}", field="today"
        ) from None


@app.command("backup")
@reports_errors
def backup_cmd(
    file: Annotated[Path, typer.Argument(help="备份文件 .zip / backup file")],
) -> None:
    """备份整个数据库（SQLite 与 PostgreSQL 通用）/ back up the whole database."""
    from chainmap.store.backup import backup

    settings = get_settings()
    engine = db.make_engine(settings.database_url)
    try:
        with _TableProgress("备份 / backing up") as progress:
            summary = backup(engine, file, progress=progress)
    finally:
        engine.dispose()
    typer.echo(
        f"已备份 {len(summary.tables)} 张表、{summary.total_rows:,} 行到 {file}"
        f"（数据库版本 {summary.revision}）/ backed up"
    )


@app.command("restore")
@reports_errors
def restore_cmd(
    file: Annotated[Path, typer.Argument(help="备份文件 .zip / backup file")],
) -> None:
    """从备份恢复到空数据库，并迁移到最新结构 / restore a backup into an empty database."""
    from chainmap.store.backup import restore

    settings = get_settings()
    with _TableProgress("恢复 / restoring") as progress:
        summary = restore(settings.database_url, file, progress=progress)
    typer.echo(
        f"已恢复 {len(summary.tables)} 张表、{summary.total_rows:,} 行"
        f"（备份于 {summary.created_at}，来自 {summary.backend}）/ restored"
    )


class _TableProgress:
    """One line per table with its row count, updated as rows go by (stderr)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self._table: str | None = None

    def __enter__(self) -> _TableProgress:
        return self

    def __call__(self, table: str, rows: int) -> None:
        if table != self._table and self._table is not None:
            typer.echo("", err=True)
        self._table = table
        typer.echo(f"\r{self.label} {table}: {rows:,}", err=True, nl=False)

    def __exit__(self, *exc: object) -> None:
        if self._table is not None:
            typer.echo("", err=True)


DEMO_PASSWORD = "chainmap-demo"
DEMO_USERS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("admin", "系统管理员", "admin", ()),
    ("mishu", "调度会秘书处", "secretariat", ()),
    ("shangwu", "市商务局招商科", "bureau", ()),
    ("lianzhang", "新能源汽车及动力电池链链长", "chain_leader", ("nev-battery",)),
    ("guancha", "只读观察员", "viewer", ()),
)


def _load_demo_users(session: Session, library: dict[str, Chain]) -> int:
    """One user per role for the demo city, only into a database without users."""
    from chainmap.users import create_user, list_users

    if list_users(session):
        return 0
    for username, name, role, chains in DEMO_USERS:
        create_user(
            session,
            library,
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            chains=chains,
            display_name=name,
        )
    return len(DEMO_USERS)


@users_app.command("add")
@reports_errors
def users_add(
    username: Annotated[str, typer.Argument(help="用户名 / username")],
    role: Annotated[str, typer.Option(help="admin / secretariat / bureau / chain_leader / viewer")],
    password: Annotated[
        str,
        typer.Option(
            prompt="密码 / password",
            hide_input=True,
            confirmation_prompt=True,
            help="至少 8 位；省略则提示输入 / prompted when omitted",
        ),
    ],
    chains: Annotated[
        str, typer.Option(help="链长负责的产业链，逗号分隔 / chains, comma-separated")
    ] = "",
    name: Annotated[str, typer.Option(help="显示名称 / display name")] = "",
) -> None:
    """新建用户（首个管理员也用它建）/ create a user, e.g. the first admin."""
    from chainmap.users import create_user

    settings = get_settings()
    with transaction(settings) as session:
        user = create_user(
            session,
            _library(settings),
            username=username,
            password=password,
            role=role,
            chains=[c.strip() for c in chains.split(",") if c.strip()],
            display_name=name,
        )
    typer.echo(f"已建用户 {user.username}（{user.role.value}）/ user created")


@users_app.command("list")
@reports_errors
def users_list() -> None:
    """列出用户 / list users."""
    from chainmap.users import list_users

    settings = get_settings()
    with transaction(settings) as session:
        for u in list_users(session):
            scope = ",".join(u.chains) or "全部"
            state = "" if u.active else "（停用）"
            typer.echo(f"{u.id:4} {u.username:16} {u.role.value:13} {scope}{state}")


@users_app.command("key")
@reports_errors
def users_key(
    username: Annotated[str, typer.Argument(help="用户名 / username")],
    name: Annotated[str, typer.Option(help="用途 / what it is for")] = "integration",
) -> None:
    """为用户签发 API 密钥（只显示一次）/ issue an API key for the user (shown once)."""
    from chainmap.users import create_api_key

    settings = get_settings()
    with transaction(settings) as session:
        key, _ = create_api_key(session, username=username, name=name)
    typer.echo(key)
