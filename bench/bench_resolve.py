"""Entity resolution at registry scale: build, resolve one name, find duplicate clusters.

Figures from the issue: resolve p95 ≤ 20 ms and duplicate clusters ≤ 120 s on 1,000,000
records; precision ≥ 0.98 and recall ≥ 0.95 on ``tests/data/name_pairs.csv``.

``BENCH_RESOLVE_N`` sets the registry size (default 1,000,000), ``BENCH_RESOLVE_QUERIES`` the
number of queries (default 1,000). Synthetic names are region + brand + industry + legal form;
brands of two or three characters come from a pool of ~280 字号 characters, and a brand is
reused only where the result is a different enterprise (another city, unrelated industry),
so every cluster found beyond the injected duplicates is a false merge.
"""

from __future__ import annotations

import collections
import itertools
import os
import random
import resource
import time
from collections.abc import Callable

import opencc

from bench.common import machine, summary
from chainmap.matching.resolve import MATCH_THRESHOLD, NameIndex, find_duplicate_clusters
from tests.data.make_name_pairs import evaluate, generate, load

POOL = (
    "安邦宝博彩昌辰诚驰崇春纯聪达德鼎笃恩帆方芳飞丰峰锋凤福富刚高歌冠贵桂瀚豪浩禾合和恒弘宏鸿厚"
    "虎华欢辉惠汇慧佳嘉坚健杰捷锦晋劲景敬静久钧骏凯康可克坤朗乐雷磊力立利联良亮霖灵凌领龙隆路伦"
    "迈茂美萌盟梦明铭鸣木沐纳楠诺欧鹏品平屏普奇琪启谦乾钦勤青秋荣容融锐瑞润若森尚韶申升胜盛世仕"
    "顺硕思松泰腾天田通同彤图拓威为伟维卫文稳沃希曦熙祥翔骁晓欣馨信星行旭轩炫雪勋扬尧耀业怡益逸"
    "毅懿英盈颖永勇优友佑宇羽玉煜誉元苑悦跃越云运韵泽展兆哲振正政之志智致卓孜梓紫宗尊"
)
CITIES = {
    "江苏": "南京 无锡 徐州 常州 苏州 南通 扬州 镇江 泰州 盐城",
    "浙江": "杭州 宁波 温州 嘉兴 湖州 绍兴 金华 台州",
    "广东": "广州 深圳 珠海 汕头 佛山 东莞 中山 惠州 江门",
    "福建": "福州 厦门 泉州 漳州 宁德 莆田",
    "山东": "济南 青岛 烟台 潍坊 淄博 临沂",
    "河南": "郑州 洛阳 新乡 许昌",
    "湖北": "武汉 襄阳 宜昌",
    "湖南": "长沙 株洲 湘潭 岳阳",
    "安徽": "合肥 芜湖 蚌埠 滁州",
    "四川": "成都 绵阳 德阳 宜宾",
    "陕西": "西安 宝鸡 咸阳",
    "河北": "石家庄 唐山 保定 廊坊",
    "辽宁": "沈阳 大连 鞍山",
    "江西": "南昌 赣州 九江",
}
INDUSTRIES = (
    "新材料 新能源科技 电子科技 精密机械 生物医药 智能装备 化工 食品 光电科技 汽车零部件",
    "电气 环保科技 医疗器械 半导体 锂电科技 包装材料 纺织 建材 物流 信息技术 软件 储能科技",
    "机器人 模具 塑胶制品 贸易 实业 投资 建设工程 供应链管理",
)
LEGAL = ("有限公司", "有限公司", "股份有限公司", "有限责任公司", "集团有限公司")
PLACES = [(p, c) for p, cs in CITIES.items() for c in cs.split()]
INDUSTRY_WORDS = [w for line in INDUSTRIES for w in line.split()]

Company = tuple[str, str, str, str, str, str]  # brand, province, city, industry, legal, style


def name_of(c: Company, *, style: str | None = None, legal: str | None = None) -> str:
    brand, province, city, industry, legal_form, own_style = c
    style = style or own_style
    legal = legal_form if legal is None else legal
    body = brand + industry
    return {
        "city": city + body + legal,
        "city_suffix": city + "市" + body + legal,
        "province_city": f"{province}省{city}市{body}{legal}",
        "bracket": f"{body}({city}){legal}",
        "none": body + legal,
    }[style]


def make_registry(n: int, rng: random.Random) -> list[Company]:
    """``n`` companies; a brand is reused only for another city or an unrelated industry.

    Two-character brands (30 %) follow a Zipf law, so popular ones (华泰, 恒达 …) reach the
    hundreds of names; three-character brands are drawn uniformly.
    """
    styles = ["city"] * 45 + ["city_suffix"] * 25 + ["province_city"] * 15 + ["bracket"] * 5
    styles += ["none"] * 10
    pairs = [a + b for a in POOL for b in POOL if a != b]
    rng.shuffle(pairs)
    cum_weights = list(itertools.accumulate(1 / (rank + 10) for rank in range(len(pairs))))
    uses: dict[str, list[tuple[str | None, str]]] = {}
    out: list[Company] = []
    while len(out) < n:
        if rng.random() < 0.3:
            brand = rng.choices(pairs, cum_weights=cum_weights)[0]
        else:
            brand = "".join(rng.choices(POOL, k=3))
        province, city = rng.choice(PLACES)
        industry, style = rng.choice(INDUSTRY_WORDS), rng.choice(styles)
        place = None if style == "none" else city
        seen = uses.setdefault(brand, [])
        if any(_related(place, industry, p, i) for p, i in seen):
            continue
        seen.append((place, industry))
        out.append((brand, province, city, industry, rng.choice(LEGAL), style))
    return out


def _related(c1: str | None, i1: str, c2: str | None, i2: str) -> bool:
    same_place = c1 is None or c2 is None or c1 == c2
    return same_place and (i1 in i2 or i2 in i1)


def variants(s2t: opencc.OpenCC) -> list[tuple[str, Callable[[Company, random.Random], str]]]:
    def other_legal(c: Company, rng: random.Random) -> str:
        return rng.choice([x for x in LEGAL if x != c[4]])

    return [
        ("繁体", lambda c, rng: s2t.convert(name_of(c))),
        ("法定形式", lambda c, rng: name_of(c, legal=other_legal(c, rng))),
        ("去地区", lambda c, rng: name_of(c, style="none")),
        ("省市前缀", lambda c, rng: name_of(c, style="province_city")),
        ("全角括号", lambda c, rng: name_of(c, style="bracket").translate(_WIDE)),
        ("字号+行业", lambda c, rng: c[0] + c[3]),
        ("字号", lambda c, rng: c[0]),
        ("繁体+去后缀", lambda c, rng: s2t.convert(c[2] + c[0] + c[3])),
    ]


_WIDE = str.maketrans({"(": "（", ")": "）"})


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    n = int(os.environ.get("BENCH_RESOLVE_N", "1000000"))
    n_queries = int(os.environ.get("BENCH_RESOLVE_QUERIES", "1000"))
    rng = random.Random(42)
    s2t = opencc.OpenCC("s2t")
    print(f"machine: {machine()}; registry {n:,} records")

    t0 = time.perf_counter()
    companies = make_registry(n, rng)
    records: list[tuple[int, str, list[str]]] = [
        (i, name_of(c), []) for i, c in enumerate(companies)
    ]
    kinds = variants(s2t)
    injected: list[tuple[int, int]] = []
    stated_city = [None if c[5] == "none" else c[2] for c in companies]
    for orig in rng.sample(range(n), n // 100):  # ~1 % duplicates, each a variant of a record
        kind, make = rng.choice([k for k in kinds if k[0] != "字号"])  # brand-only: ambiguous
        injected.append((orig, len(records)))
        records.append((len(records), make(companies[orig], rng), []))
        stated_city.append(None if kind in ("去地区", "字号+行业") else companies[orig][2])
    print(f"generated {len(records):,} names ({len(injected):,} injected duplicates) "
          f"in {time.perf_counter() - t0:.1f} s")  # fmt: skip

    t0 = time.perf_counter()
    index = NameIndex(records)
    build = time.perf_counter() - t0
    print(f"build NameIndex: {build:.1f} s, {len(index):,} names; peak RSS {peak_rss_mb():,.0f} MB")

    dup_of = {orig: dup for orig, dup in injected}
    samples: list[float] = []
    fuzzy_samples: list[float] = []
    for c in companies[:3]:  # warm-up, not timed
        index.resolve(name_of(c))
    per_kind: dict[str, list[int]] = {kind: [0, 0, 0, 0] for kind, _ in kinds}
    slowest: list[tuple[float, str, str]] = []
    for q in range(n_queries):
        orig = rng.randrange(n)
        kind, make = kinds[q % len(kinds)]
        query = make(companies[orig], rng)
        wanted = {orig, dup_of.get(orig, -1)}
        t = time.perf_counter()
        found = index.resolve(query)
        samples.append(time.perf_counter() - t)
        slowest = sorted([*slowest, (samples[-1], kind, query)], reverse=True)[:3]
        t = time.perf_counter()
        index.resolve(query, min_score=0.0)
        fuzzy_samples.append(time.perf_counter() - t)
        counts = per_kind[kind]
        counts[0] += 1
        counts[1] += bool(wanted & {m.id for m in found})
        counts[2] += bool(found) and found[0].id in wanted
        counts[3] += len(found) == 5 and found[-1].score == found[0].score  # ≥ 5 tie at the top
    print(f"resolve (min_score={MATCH_THRESHOLD}):  {summary(samples)}")
    print(f"resolve (min_score=0, with 近似 suggestions):  {summary(fuzzy_samples)}")
    hits, top1 = (sum(c[i] for c in per_kind.values()) for i in (1, 2))
    print(f"queries: {n_queries}; expected record among the 5 results {hits / n_queries:.3f}, "
          f"ranked first {top1 / n_queries:.3f}")  # fmt: skip
    print("  by kind (n, in results, first, ≥5 records tied at the top score): " + "; ".join(
        f"{kind} {n} {h / n:.3f} {t / n:.3f} {a / n:.3f}"
        for kind, (n, h, t, a) in per_kind.items() if n
    ))  # fmt: skip
    print("  slowest: " + "; ".join(f"{t * 1000:.1f} ms {k} {q}" for t, k, q in slowest))

    t0 = time.perf_counter()
    clusters = find_duplicate_clusters(index)
    took = time.perf_counter() - t0
    cluster_of = {rid: i for i, c in enumerate(clusters) for rid in c}
    found_pairs = sum(cluster_of.get(a, -1) == cluster_of.get(b, -2) for a, b in injected)
    truth = {frozenset(p) for p in injected}
    beyond = [c for c in clusters if len(c) != 2 or frozenset(c) not in truth]
    bridged = [c for c in beyond if len({stated_city[i] for i in c} - {None}) > 1]
    print(f"duplicate clusters: {took:.1f} s; {len(clusters):,} clusters; injected pairs "
          f"recovered {found_pairs}/{len(injected)} = {found_pairs / max(1, len(injected)):.3f}; "
          f"clusters beyond injected pairs {len(beyond)}, of which {len(bridged)} hold "
          "names of different cities")  # fmt: skip
    missed = [(a, b) for a, b in injected if cluster_of.get(a, -1) != cluster_of.get(b, -2)]
    namesakes = collections.Counter((c[0], c[3]) for c in companies)
    ambiguous = sum(
        stated_city[b] is None and namesakes[companies[a][0], companies[a][3]] > 1
        for a, b in missed
    )
    why = "names without region whose brand and industry exist in other cities too"
    print(f"  injected pairs left apart: {len(missed)}, of which {ambiguous} are {why}")
    for c in [c for c in beyond if c not in bridged][:5]:
        print("  other cluster: " + " | ".join(records[i][1] for i in c))
    print(f"peak RSS {peak_rss_mb():,.0f} MB")

    _, aliases = generate()
    scores = evaluate(load(), aliases, min_score=MATCH_THRESHOLD)
    total = scores.tp + scores.fp + scores.fn + scores.tn
    print(f"name_pairs.csv ({total} pairs, threshold {MATCH_THRESHOLD}): "
          f"precision {scores.precision:.4f} recall {scores.recall:.4f} "
          f"(tp {scores.tp} fp {scores.fp} fn {scores.fn} tn {scores.tn})")  # fmt: skip
