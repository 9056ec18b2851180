"""Import a 100,000-row enterprise xlsx (issue #3 figure: ≤ 60 s and ≤ 1.5 GB peak memory).

The file mimics a business-data export: a title row, 18 Chinese columns, amounts with units,
mixed date formats, tags and products. The import (read, validate, upsert, classify, commit)
runs in a child process so its peak RSS is its own. Set BENCH_IMPORT_ROWS for a smaller run
and BENCH_DATABASE_URL to import into PostgreSQL instead of a temporary SQLite file.
"""

from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook

from bench.common import machine
from chainmap.credit_code import CHARSET, credit_code_check_char

HEADER = [
    "企业名称",
    "统一社会信用代码",
    "法定代表人",
    "登记状态",
    "成立日期",
    "注册资本",
    "实缴资本",
    "所属省份",
    "所属城市",
    "所属区县",
    "国标行业小类",
    "企业类型",
    "参保人数",
    "经营范围",
    "企业地址",
    "股票代码",
    "企业标签",
    "主营产品",
]
REGIONS = [
    ("江苏省", "常州市"),
    ("广东省", "深圳市"),
    ("浙江省", "宁波市"),
    ("上海市", "上海市"),
    ("安徽省", "合肥市"),
    ("湖北省", "武汉市"),
    ("四川省", "成都市"),
    ("山东省", "青岛市"),
]
PRODUCTS = [
    "湿法隔膜",
    "磷酸铁锂",
    "人造石墨",
    "电解液",
    "动力电池",
    "充电桩",
    "谐波减速器",
    "伺服电机",
    "工业机器人",
    "光刻胶",
    "功率半导体",
    "单克隆抗体",
    "体外诊断试剂",
    "质子交换膜",
    "碳纤维",
    "茶叶",
    "服装",
    "家具",
]
SYLLABLES = "华创新星源恒泰盛达锐博科瑞丰嘉宏远联翔腾飞凯鑫隆安信德高正昌"


def write_file(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("企业名录")
    ws.append(["企业名录导出（基准测试生成，非真实企业）"])
    ws.append(HEADER)
    for i in range(rows):
        province, city = rng.choice(REGIONS)
        brand = "".join(rng.choice(SYLLABLES) for _ in range(3)) + str(i)
        first17 = "91" + "320412" + "".join(rng.choice(CHARSET) for _ in range(9))
        products = rng.sample(PRODUCTS, 2)
        ws.append(
            [
                f"{city[:-1]}{brand}科技有限公司",
                first17 + credit_code_check_char(first17),
                "张三",
                "存续",
                rng.choice(["2019-03-01", "2019/3/1", "2019年3月1日"]),
                rng.choice(["5000万元人民币", "1.2亿", "300万美元", "800万"]),
                "100万",
                province,
                city,
                "高新区",
                "C3841",
                "有限责任公司",
                rng.randint(5, 3000),
                f"一般项目：{products[0]}的研发、生产、销售；技术开发、技术咨询；货物进出口",
                f"{city}高新区创新路{i}号",
                None,
                rng.choice(["专精特新", "高新技术企业", ""]),
                "、".join(products),
            ]
        )
    wb.save(path)


def child(path: str, url: str) -> None:
    from chainmap.chains import load_chain_library
    from chainmap.registry import import_enterprises
    from chainmap.settings import PROJECT_ROOT, Settings
    from chainmap.store import db

    settings = Settings(database_url=url, chains_dir=PROJECT_ROOT / "data" / "industry_chains")
    library = load_chain_library(settings.chains_dir)
    engine = db.make_engine(url)
    t0 = time.perf_counter()
    with db.session_scope(db.make_session_factory(engine)) as session:
        report = import_enterprises(
            session, library, settings, source=Path(path), filename=Path(path).name
        )
    elapsed = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"imported {report.inserted} rows (rejected {report.rejected}) in {elapsed:.1f} s; "
        f"peak RSS {peak_mb:.0f} MB"
    )


def main() -> None:
    rows = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.xlsx"
        t0 = time.perf_counter()
        write_file(path, rows)
        print(f"machine: {machine()}")
        size_mb = path.stat().st_size / 1e6
        print(f"wrote {rows} rows ({size_mb:.1f} MB) in {time.perf_counter() - t0:.0f} s")
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{Path(tmp) / 'bench.db'}"
        from chainmap.store import db

        db.upgrade(url)
        subprocess.run(
            [sys.executable, "-m", "bench.bench_import", "--child", str(path), url], check=True
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], sys.argv[3])
    else:
        main()
