"""The CLI end to end on a real SQLite file: migrate, load the demo city, ask for gaps and targets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainmap.cli import app
from chainmap.settings import get_settings
from tests.conftest import CHAINS_DIR

runner = CliRunner()


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    db_file = tmp_path / "cli.db"
    monkeypatch.setenv("CHAINMAP_DATABASE_URL", f"sqlite:///{db_file}")
    monkeypatch.setenv("CHAINMAP_CHAINS_DIR", str(CHAINS_DIR))
    get_settings.cache_clear()
    yield db_file
    get_settings.cache_clear()


def test_commands_refuse_an_unmigrated_database(cli_env: Path) -> None:
    result = runner.invoke(app, ["targets", "nev-battery"])
    assert result.exit_code == 1
    assert "chainmap db upgrade" in result.output


def test_upgrade_demo_gaps_and_targets(cli_env: Path) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    loaded = runner.invoke(app, ["demo", "load"])
    assert loaded.exit_code == 0, loaded.output
    again = runner.invoke(app, ["demo", "load"])
    assert again.exit_code == 0 and "跳过" in again.output  # never loads twice

    gaps = runner.invoke(app, ["gaps", "nev-battery"])
    assert gaps.exit_code == 0 and "缺" in gaps.output and "弱" in gaps.output

    targets = runner.invoke(app, ["targets", "nev-battery", "--limit", "5"])
    assert targets.exit_code == 0, targets.output
    assert targets.output.count("可补链") + targets.output.count("可强链") == 5

    listing = runner.invoke(app, ["chains", "list"])
    assert "nev-battery" in listing.output and "hydrogen" in listing.output


def test_unknown_chain_exits_non_zero_with_bilingual_message(cli_env: Path) -> None:
    runner.invoke(app, ["db", "upgrade"])
    result = runner.invoke(app, ["targets", "no-such-chain"])
    assert result.exit_code == 1
    assert "未找到产业链" in result.output and "not found" in result.output


def test_validate_reports_a_broken_file(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(
        "id: bad\nname: 坏\nsegments: []\nlinks: []\n", encoding="utf-8"
    )
    result = runner.invoke(app, ["chains", "validate", str(tmp_path)])
    assert result.exit_code == 1 and "bad.yaml" in result.output


def test_validate_accepts_the_bundled_library() -> None:
    result = runner.invoke(app, ["chains", "validate", str(CHAINS_DIR)])
    assert result.exit_code == 0 and "nev-battery" in result.output


def _export(path: Path, rows: list[list[object]]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["企业名称", "统一社会信用代码", "所属省份", "所属城市", "注册资本", "主营产品"])
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_import_enterprises_writes_a_report_beside_the_file(cli_env: Path, tmp_path: Path) -> None:
    from chainmap.credit_code import credit_code_check_char

    first17 = "91320412MA1000001"
    good = [
        [
            "常州甲隔膜有限公司",
            first17 + credit_code_check_char(first17),
            "江苏省",
            "常州市",
            "5000万",
            "湿法隔膜",
        ]
    ]
    bad = [*good, ["常州乙有限公司", None, "江苏省", "常州市", "很多", "隔膜"]]
    runner.invoke(app, ["db", "upgrade"])

    rejected = runner.invoke(
        app, ["import", "enterprises", str(_export(tmp_path / "bad.xlsx", bad))]
    )
    assert rejected.exit_code == 1 and "注册资本" in rejected.output
    assert (tmp_path / "bad.xlsx.report.json").exists() and (tmp_path / "bad.errors.xlsx").exists()
    assert "很多" in (tmp_path / "bad.xlsx.report.json").read_text(encoding="utf-8")

    skipped = runner.invoke(
        app, ["import", "enterprises", str(tmp_path / "bad.xlsx"), "--skip-invalid"]
    )
    assert (
        skipped.exit_code == 0 and "inserted 1" in skipped.output and "rejected 1" in skipped.output
    )

    again = runner.invoke(
        app, ["import", "enterprises", str(_export(tmp_path / "good.xlsx", good))]
    )
    assert again.exit_code == 0 and "unchanged 1" in again.output

    resolved = runner.invoke(app, ["resolve", "常州甲隔膜"])
    assert resolved.exit_code == 0 and "常州甲隔膜有限公司" in resolved.output
    dupes = runner.invoke(app, ["duplicates"])
    assert dupes.exit_code == 0 and "0 clusters" in dupes.output


def test_import_rejects_an_unreadable_file_with_non_zero_exit(
    cli_env: Path, tmp_path: Path
) -> None:
    runner.invoke(app, ["db", "upgrade"])
    (tmp_path / "x.xls").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 64)
    result = runner.invoke(app, ["import", "enterprises", str(tmp_path / "x.xls")])
    assert result.exit_code == 1 and "error:" in result.output
