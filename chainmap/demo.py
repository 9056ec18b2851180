"""Demo data: a fictional city (示范市) and enterprises across China, made from the chain library.

Everything here is pure and deterministic: the same library and seed give the same list.
Nothing is read or written; randomness comes only from ``random.Random(seed)``.

The generator first *plans* every chain: which segments the demo city is strong in, weak in
and missing (:func:`demo_plan`). It then creates local enterprises that realise that plan
under the default :class:`~chainmap.gaps.StatusThresholds` — checking each one with the real
classifier so it never lands in a segment planned as missing — and non-local candidates spread
over every segment of every chain, so every gap has someone to invite. A short table of real
listed companies (public facts only: name, headquarters, stock code, main products) is
appended, labelled :data:`PUBLIC_SOURCE`; every generated enterprise is labelled
:data:`GENERATED_SOURCE` and is not a real company.

Example::

    >>> lib = load_chain_library(Path("data/industry_chains"))
    >>> ents = generate_demo_enterprises(lib)
    >>> ents[0].id, ents[0].source == GENERATED_SOURCE
    (1, True)
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from chainmap.credit_code import CHARSET, credit_code_check_char
from chainmap.domain import Chain, Enterprise, Jurisdiction, Segment, Status, Tag
from chainmap.gaps import StatusThresholds
from chainmap.matching.classify import classify_enterprise
from chainmap.strength import enterprise_strength

DEMO_JURISDICTION = Jurisdiction(province="江西省", city="示范市", district=None)
GENERATED_SOURCE = "演示数据（生成，非真实企业）"
PUBLIC_SOURCE = "公开信息（名称、总部、上市、主营产品）"

# GB 32100-2015 统一社会信用代码 and the GB 11714 organisation code inside it.
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

MIN_CANDIDATES_PER_SEGMENT = 6
PLAN_ATTEMPTS = 400  # random role draws tried …
PLAN_CHOICES = 25  # … until this many feasible ones, of which the best is kept
STRONG_STRENGTH_MARGIN = 1.2  # strong segments reach 1.2 × the threshold's summed strength
WEAK_STRENGTH_MARGIN = 0.95  # … and weak ones with enough firms stay below 0.95 × it
_THRESHOLDS = StatusThresholds()
_LOCAL_DISTRICTS = ("高新区", "经开区", "示范区", "临港新区", "城东区", "城南区")
_DISTRICT_WEIGHTS = (30, 30, 15, 10, 8, 7)

SegKey = tuple[str, str]  # (chain id, segment id)

# province, short name, GB/T 2260 code, sampling weight, cities (name without 市 + 2-digit code).
_REGION_TABLE = """
广东省 广东 44 14 广州01 深圳03 珠海04 汕头05 佛山06 江门07 肇庆12 惠州13 东莞19 中山20
江苏省 江苏 32 14 南京01 无锡02 徐州03 常州04 苏州05 南通06 连云港07 盐城09 扬州10 镇江11 泰州12
浙江省 浙江 33 11 杭州01 宁波02 温州03 嘉兴04 湖州05 绍兴06 金华07 台州10
上海市 上海 31 8 上海01
北京市 北京 11 6 北京01
山东省 山东 37 7 济南01 青岛02 淄博03 烟台06 潍坊07 济宁08 威海10 临沂13
福建省 福建 35 5 福州01 厦门02 泉州05 漳州06 龙岩08 宁德09
湖北省 湖北 42 5 武汉01 黄石02 十堰03 宜昌05 襄阳06 荆门08 荆州10
四川省 四川 51 5 成都01 自贡03 德阳06 绵阳07 遂宁09 宜宾15
安徽省 安徽 34 5 合肥01 芜湖02 蚌埠03 马鞍山05 安庆08 滁州11
天津市 天津 12 2 天津01
重庆市 重庆 50 2 重庆01
河北省 河北 13 2 石家庄01 唐山02 保定06 廊坊10
河南省 河南 41 2 郑州01 洛阳03 新乡07 许昌10
湖南省 湖南 43 2 长沙01 株洲02 湘潭03 衡阳04 岳阳06 常德07
江西省 江西 36 2 南昌01 景德镇02 九江04 新余05 鹰潭06 赣州07 宜春09 上饶11
陕西省 陕西 61 2 西安01 宝鸡03 咸阳04 渭南05 榆林08
辽宁省 辽宁 21 1 沈阳01 大连02 鞍山03 营口08
吉林省 吉林 22 1 长春01 吉林02
黑龙江省 黑龙江 23 1 哈尔滨01 大庆06
山西省 山西 14 1 太原01 大同02 长治04 晋城05
内蒙古自治区 内蒙古 15 1 呼和浩特01 包头02 鄂尔多斯06
广西壮族自治区 广西 45 1 南宁01 柳州02 桂林03
海南省 海南 46 1 海口01 三亚02
贵州省 贵州 52 1 贵阳01 遵义03
云南省 云南 53 1 昆明01 曲靖03 玉溪04
甘肃省 甘肃 62 1 兰州01 金昌03 白银04
青海省 青海 63 1 西宁01
宁夏回族自治区 宁夏 64 1 银川01 石嘴山02
新疆维吾尔自治区 新疆 65 1 乌鲁木齐01 克拉玛依02
"""


@dataclass(frozen=True, slots=True)
class _Region:
    province: str
    short: str
    code: str
    weight: int
    cities: tuple[tuple[str, str], ...]  # (city name with 市, 2-digit code)


def _parse_region(line: str) -> _Region:
    province, short, code, weight, *cities = line.split()
    named = tuple((c[:-2] + "市", c[-2:]) for c in cities)
    return _Region(province, short, code, int(weight), named)


_REGIONS = tuple(_parse_region(line) for line in _REGION_TABLE.strip().splitlines())

_BRAND_CHARS = "华瑞恒鑫源泰博创盛宏远正安昊锐力达智汇联航星海云驰晟弘德睿凯隆腾辉嘉信通天捷峰"
# (words in a segment or chain name, industry words a company name may use)
_INDUSTRY_WORDS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("检测", "认证", "测试"), ("检测技术", "检测认证", "质量技术服务")),
    (("机器人", "减速", "伺服", "控制", "传感"), ("智能科技", "自动化科技", "机器人科技")),
    (("药", "生物", "医", "疫苗", "试剂", "诊断"), ("生物医药", "医药科技", "生物科技")),
    (("氢", "燃料电池"), ("氢能科技", "氢能源", "能源科技")),
    (("电池", "锂", "储能", "充电", "换电"), ("新能源科技", "锂能科技", "能源科技")),
    (
        ("芯片", "半导体", "集成电路", "晶圆", "封装", "封测", "电子", "显示"),
        ("半导体", "微电子科技", "电子科技"),
    ),
    (("设备", "装备", "机床", "激光"), ("智能装备", "装备制造", "机械科技")),
    (
        ("材料", "膜", "箔", "纤维", "树脂", "稀土", "合金", "石墨"),
        ("新材料科技", "材料科技", "新材料"),
    ),
    (("汽车", "车", "电机", "驱动", "座舱"), ("汽车科技", "汽车零部件", "动力科技")),
    (("回收", "再生", "循环"), ("资源循环科技", "环保科技", "再生资源")),
)
_FALLBACK_INDUSTRY_WORDS = ("科技", "实业", "技术")
# Local firms outside every chain: (industry word, GB/T 4754 code, products).
_OFF_CHAIN: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("食品", "C1353", ("肉制品", "熟食制品", "腌腊肉制品")),
    ("调味食品", "C1462", ("酱油", "食醋", "复合调味料")),
    ("服饰", "C1819", ("机织服装", "职业装", "休闲服装")),
    ("家具", "C2110", ("实木家具", "板式家具", "办公家具")),
    ("建材", "C3021", ("水泥制品", "混凝土预制构件", "商品混凝土")),
    ("包装", "C2231", ("瓦楞纸箱", "纸包装制品", "彩印纸盒")),
)
_SCOPE_VERBS = (
    "的研发、生产和销售",
    "研发、制造及销售",
    "的技术研发、生产与销售",
    "的设计、生产、销售",
)
_SCOPE_GENERAL_CLAUSE = "（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）"
_SCOPE_LICENCE_CLAUSE = "（依法须经批准的项目，经相关部门批准后方可开展经营活动）"
_SCOPE_GENERIC = (
    "技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广",
    "货物进出口",
    "技术进出口",
    "企业管理咨询",
    "非居住房地产租赁",
    "信息咨询服务（不含许可类信息咨询服务）",
    "会议及展览服务",
)

# Real listed companies, public facts only: registered name, headquarters province and city,
# stock code, GB/T 4754 class where obvious (- if not), main products (/-separated).
# No revenue, tags or credit codes.
_REAL_TABLE = """
宁德时代新能源科技股份有限公司 福建省 宁德市 300750 C3841 动力电池/储能电池/储能系统
比亚迪股份有限公司 广东省 深圳市 002594 C3612 新能源汽车/动力电池/刀片电池
惠州亿纬锂能股份有限公司 广东省 惠州市 300014 C3841 锂离子电池/储能电池/圆柱电池
国轩高科股份有限公司 安徽省 合肥市 002074 C3841 动力电池/储能电池
云南恩捷新材料股份有限公司 云南省 玉溪市 002812 C2921 锂电池隔膜/湿法隔膜/涂覆隔膜
江西赣锋锂业集团股份有限公司 江西省 新余市 002460 - 碳酸锂/氢氧化锂/锂离子电池
深圳市德方纳米科技股份有限公司 广东省 深圳市 300769 - 磷酸铁锂/正极材料
广州天赐高新材料股份有限公司 广东省 广州市 002709 C2669 电解液/六氟磷酸锂
浙江华友钴业股份有限公司 浙江省 嘉兴市 603799 - 钴盐/三元前驱体/硫酸镍
格林美股份有限公司 广东省 深圳市 002340 - 电池回收/三元前驱体/再生利用
无锡先导智能装备股份有限公司 江苏省 无锡市 300450 C3569 锂电设备/卷绕机/涂布机
深圳市汇川技术股份有限公司 广东省 深圳市 300124 - 伺服系统/可编程控制器/电机控制器
浙江三花智能控制股份有限公司 浙江省 绍兴市 002050 - 电子膨胀阀/热管理
青岛特锐德电气股份有限公司 山东省 青岛市 300001 - 充电桩/充电运营/箱式变电站
江苏恒瑞医药股份有限公司 江苏省 连云港市 600276 C2720 化学制剂/注射剂/片剂
无锡药明康德新药开发股份有限公司 江苏省 无锡市 603259 - CRO/CDMO/临床前研究
深圳迈瑞生物医疗电子股份有限公司 广东省 深圳市 300760 C3581 监护仪/彩超/化学发光/生化分析仪
重庆智飞生物制品股份有限公司 重庆市 重庆市 300122 C2762 疫苗
漳州片仔癀药业股份有限公司 福建省 漳州市 600436 C2740 中成药
上海东富龙科技股份有限公司 上海市 上海市 300171 C3544 冻干机/制药装备
广州金域医学检验集团股份有限公司 广东省 广州市 603882 - 第三方医学检验/医学检验实验室
南京埃斯顿自动化股份有限公司 江苏省 南京市 002747 C3491 工业机器人/伺服系统/运动控制器
苏州绿的谐波传动科技股份有限公司 江苏省 苏州市 688017 C3453 谐波减速器/机器人关节
沈阳新松机器人自动化股份有限公司 辽宁省 沈阳市 300024 C3491 工业机器人/移动机器人/AGV
科沃斯机器人股份有限公司 江苏省 苏州市 603486 - 扫地机器人/服务机器人
大族激光科技产业集团股份有限公司 广东省 深圳市 002008 - 激光切割机/激光焊接机/激光打标机
西安铂力特增材技术股份有限公司 陕西省 西安市 688333 C3493 金属3D打印/增材制造
宁波海天精工股份有限公司 浙江省 宁波市 601882 C3421 加工中心/数控机床
北方华创科技集团股份有限公司 北京市 北京市 002371 C3562 半导体设备/刻蚀机/薄膜沉积
中微半导体设备（上海）股份有限公司 上海市 上海市 688012 C3562 半导体设备/刻蚀机
江苏长电科技股份有限公司 江苏省 无锡市 600584 C3973 封装测试/先进封装/系统级封装
兆易创新科技集团股份有限公司 北京市 北京市 603986 - 存储芯片/MCU
上海硅产业集团股份有限公司 上海市 上海市 688126 - 半导体硅片/大硅片/SOI硅片
京东方科技集团股份有限公司 北京市 北京市 000725 C3974 显示面板/OLED/柔性显示
嘉兴斯达半导体股份有限公司 浙江省 嘉兴市 603290 C3972 IGBT/功率模块
中复神鹰碳纤维股份有限公司 江苏省 连云港市 688295 - 碳纤维
威海光威复合材料股份有限公司 山东省 威海市 300699 - 碳纤维/预浸料
中国北方稀土（集团）高科技股份有限公司 内蒙古自治区 包头市 600111 - 稀土氧化物/稀土金属
北京中科三环高技术股份有限公司 北京市 北京市 000970 - 钕铁硼/稀土永磁
西部超导材料科技股份有限公司 陕西省 西安市 688122 - 钛合金/高温合金/超导材料
金发科技股份有限公司 广东省 广州市 600143 - 生物降解塑料/特种工程塑料
中材科技股份有限公司 江苏省 南京市 002080 - 玻璃纤维/风电叶片/锂电池隔膜/储氢瓶
北京亿华通科技股份有限公司 北京市 北京市 688339 - 燃料电池系统/燃料电池发动机
潍柴动力股份有限公司 山东省 潍坊市 000338 - 发动机/燃料电池发动机
隆基绿能科技股份有限公司 陕西省 西安市 601012 - 光伏组件/碱性电解槽/制氢设备
山西美锦能源股份有限公司 山西省 太原市 000723 - 焦炭/加氢站/燃料电池客车
"""


# --- credit codes ---------------------------------------------------------------------------


def _org_code(rng: random.Random) -> str:
    """A 9-character GB 11714 organisation code (8 body characters and their check)."""
    pool = CHARSET
    body = "MA" if rng.random() < 0.6 else rng.choice(pool[1:10])
    body += "".join(rng.choice(pool) for _ in range(8 - len(body)))
    total = sum(int(ch, 36) * w for ch, w in zip(body, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def _random_credit_code(rng: random.Random, province: str, city: str) -> str:
    region = next((r for r in _REGIONS if r.province == province), None)
    prov_code = region.code if region else "36"
    cities = dict(region.cities) if region else {}
    city_code = cities.get(city, "90")  # a fictional city gets a fixed code of its own
    division = prov_code + city_code + f"{rng.randint(1, 15):02d}"
    first17 = "91" + division + _org_code(rng)
    return first17 + credit_code_check_char(first17)


# --- plan -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _SegmentPlan:
    chain: Chain
    segment: Segment
    status: Status
    products: tuple[str, ...]  # keywords a local may list without landing anywhere forbidden
    codes: tuple[str, ...]  # industry codes likewise


def _hits(probe: Enterprise, library: Mapping[str, Chain]) -> frozenset[SegKey]:
    """Segments the classifier puts an enterprise in at presence-level confidence."""
    return frozenset(
        (cid, a.segment_id)
        for cid in sorted(library)
        for a in classify_enterprise(probe, library[cid], min_confidence=_THRESHOLDS.min_confidence)
    )


def _product_ok(keyword: str) -> bool:
    """Chinese keywords and upper-case acronyms read as products; English phrases do not."""
    return any("\u4e00" <= ch <= "\u9fff" for ch in keyword) or keyword == keyword.upper()


def _draw_roles(library: Mapping[str, Chain], rng: random.Random) -> dict[SegKey, Status]:
    roles: dict[SegKey, Status] = {}
    for cid in sorted(library):
        ids = list(library[cid].segment_ids)
        rng.shuffle(ids)
        n = len(ids)
        n_missing = min(max(2, round(n * rng.uniform(0.2, 0.3))), max(0, n - 3))
        n_strong = min(max(1, round(n * rng.uniform(0.2, 0.32))), max(1, n - n_missing - 2))
        for i, sid in enumerate(ids):
            status = (
                Status.strong
                if i < n_strong
                else Status.missing
                if i < n_strong + n_missing
                else Status.weak
            )
            roles[(cid, sid)] = status
    return roles


def _plan(library: Mapping[str, Chain], rng: random.Random) -> list[_SegmentPlan]:
    kw_hits: dict[str, frozenset[SegKey]] = {}
    code_hits: dict[str, frozenset[SegKey]] = {}
    for cid in sorted(library):
        for seg in library[cid].segments:
            for kw in seg.keywords:
                probe = Enterprise(0, "probe", main_products=(kw,))
                kw_hits.setdefault(kw, _hits(probe, library))
            for code in seg.industry_codes:
                probe = Enterprise(0, "probe", industry_code=code)
                code_hits.setdefault(code, _hits(probe, library))
    best: tuple[int, list[_SegmentPlan]] | None = None
    feasible = 0
    for _attempt in range(PLAN_ATTEMPTS):
        roles = _draw_roles(library, rng)
        strong = frozenset(k for k, s in roles.items() if s is Status.strong)
        present = frozenset(k for k, s in roles.items() if s is not Status.missing)
        plans: list[_SegmentPlan] = []
        for cid in sorted(library):
            for seg in library[cid].segments:
                key, status = (cid, seg.id), roles[(cid, seg.id)]
                # Products of strong firms may land only in strong segments; everything else
                # anywhere but a missing segment (spill into weak ones is checked as firms are
                # made, so that no weak segment is promoted).
                strict = strong | {key} if status is Status.strong else present
                products = tuple(
                    k for k in seg.keywords if key in kw_hits[k] and kw_hits[k] <= strict
                )
                codes = tuple(c for c in seg.industry_codes if code_hits[c] <= present)
                plans.append(_SegmentPlan(library[cid], seg, status, products, codes))
        if all(p.products for p in plans if p.status is not Status.missing):
            # Keep the feasible plan where most present segments have a code their firms can
            # use without landing elsewhere (strong firms: only in other strong segments).
            score = sum(
                1
                for p in plans
                if p.status is not Status.missing
                and any(
                    code_hits[c]
                    <= (
                        strong | {(p.chain.id, p.segment.id)}
                        if p.status is Status.strong
                        else present
                    )
                    for c in p.codes
                )
            )
            if best is None or score > best[0]:
                best = (score, plans)
            feasible += 1
            if feasible == PLAN_CHOICES:
                break
    if best is None:
        raise ValueError("cannot plan demo chains: segment keywords overlap too much")
    return best[1]


def demo_plan(
    library: Mapping[str, Chain], *, seed: int = 20261123
) -> dict[str, dict[str, Status]]:
    """The planned status of every segment, as generate_demo_enterprises(seed=seed) realises it."""
    out: dict[str, dict[str, Status]] = {}
    for p in _plan(library, random.Random(seed)):
        out.setdefault(p.chain.id, {})[p.segment.id] = p.status
    return out


# --- enterprises ----------------------------------------------------------------------------


def _industry_word(rng: random.Random, segment: Segment, chain: Chain) -> str:
    for text in (segment.name, chain.name):
        for needles, words in _INDUSTRY_WORDS:
            if any(n in text for n in needles):
                return rng.choice(words)
    return rng.choice(_FALLBACK_INDUSTRY_WORDS)


def _short_province(province: str) -> str:
    return next((r.short for r in _REGIONS if r.province == province), province.removesuffix("省"))


def _name(
    rng: random.Random, province: str, city: str, industry: str, listed: bool, used: set[str]
) -> str:
    """Region word + brand word + industry word + legal suffix, unique within ``used``."""
    for attempt in range(1000):
        region = rng.choices(
            (city.removesuffix("市"), city, _short_province(province)), weights=(5, 2, 3)
        )[0]
        brand = "".join(rng.sample(_BRAND_CHARS, 2 + attempt // 50))
        suffix = (
            "股份有限公司"
            if listed
            else rng.choices(("有限公司", "股份有限公司", "有限责任公司"), weights=(80, 15, 5))[0]
        )
        name = f"{region}{brand}{industry}{suffix}"
        if name not in used:
            used.add(name)
            return name
    raise RuntimeError("cannot find a unique company name")


def _scope(rng: random.Random, items: Sequence[str]) -> str:
    """A 经营范围 sentence: the products plus the usual generic phrases."""
    parts = ["、".join(items) + rng.choice(_SCOPE_VERBS)]
    parts += rng.sample(_SCOPE_GENERIC, rng.randint(2, 4))
    text = "一般项目：" + "；".join(parts) + _SCOPE_GENERAL_CLAUSE
    if rng.random() < 0.15:
        text += "许可项目：道路货物运输（不含危险货物）" + _SCOPE_LICENCE_CLAUSE
    return text


def _maybe(rng: random.Random, p: float, *tags: Tag) -> set[Tag]:
    return set(tags) if rng.random() < p else set()


def _profile(rng: random.Random, kind: str) -> tuple[bool, tuple[str, ...], float]:
    """(listed, tags, revenue in 万元) for a kind of firm.

    Kinds: ``anchor`` / ``listed-anchor`` (a strong segment's 龙头), ``medium``, ``small``
    (a weak segment's firms), ``candidate`` (non-local, at the brief's rates), ``other``.
    """
    listed = kind == "listed-anchor"
    if kind in ("anchor", "listed-anchor"):
        listed = listed or rng.random() < 0.5
        tags = {Tag.leading, Tag.high_tech} | _maybe(rng, 0.3, Tag.single_champion)
        log_rev = rng.uniform(5.3, 6.4)
    elif kind == "medium":
        tags = _maybe(rng, 0.7, Tag.high_tech) | _maybe(rng, 0.5, Tag.specialised)
        tags |= _maybe(rng, 0.25, Tag.little_giant, Tag.specialised)
        log_rev = rng.uniform(4.0, 5.3)
    elif kind == "small":
        tags = _maybe(rng, 0.25, Tag.high_tech)
        log_rev = rng.uniform(2.7, 3.9)
    elif kind == "candidate":
        listed = rng.random() < 0.10
        tags = _maybe(rng, 0.04, Tag.leading) | _maybe(rng, 0.03, Tag.single_champion)
        tags |= _maybe(rng, 0.08, Tag.little_giant, Tag.specialised, Tag.high_tech)
        tags |= _maybe(rng, 0.13, Tag.specialised) | _maybe(rng, 0.36, Tag.high_tech)
        log_rev = rng.gauss(4.2, 0.7) + 0.9 * listed + 0.8 * (Tag.leading in tags)
        log_rev += 0.4 * (Tag.single_champion in tags) + 0.2 * (Tag.little_giant in tags)
    else:
        tags = _maybe(rng, 0.1, Tag.high_tech)
        log_rev = rng.uniform(3.0, 4.8)
    revenue = 10 ** min(max(log_rev, math.log10(500)), math.log10(5_000_000))
    return listed, tuple(t.value for t in Tag if t in tags), round(revenue, 1)


def _enterprise(
    rng: random.Random,
    *,
    name_industry: str,
    province: str,
    city: str,
    district: str | None,
    kind: str,
    products: Sequence[str],
    code: str | None,
    used: set[str],
) -> Enterprise:
    listed, tags, revenue = _profile(rng, kind)
    capital = revenue * 10 ** rng.uniform(-1.5, -0.3)
    capital = max(50.0, round(capital, 1 - math.floor(math.log10(capital))))
    return Enterprise(
        id=0,
        name=_name(rng, province, city, name_industry, listed, used),
        province=province,
        city=city,
        district=district,
        credit_code=_random_credit_code(rng, province, city),
        listed=listed,
        tags=tags,
        revenue_wan=revenue,
        registered_capital_wan=capital,
        employees=max(8, round(revenue / rng.uniform(60, 250))),
        business_scope=_scope(rng, products),
        main_products=tuple(products),
        industry_code=code,
        source=GENERATED_SOURCE,
    )


class _Presence:
    """Running local count and strength per segment while locals are made."""

    def __init__(self, plans: list[_SegmentPlan]) -> None:
        self.status = {(p.chain.id, p.segment.id): p.status for p in plans}
        self.count: dict[SegKey, int] = dict.fromkeys(self.status, 0)
        self.strength: dict[SegKey, float] = dict.fromkeys(self.status, 0.0)

    def fits(self, key: SegKey, hits: frozenset[SegKey], ent: Enterprise) -> bool:
        """The firm lands in its segment, in no missing one, and promotes no weak one."""
        if key not in hits:
            return False
        value = enterprise_strength(ent)[0]
        ceiling = WEAK_STRENGTH_MARGIN * _THRESHOLDS.strong_min_strength
        for t in hits:
            if self.status[t] is Status.missing:
                return False
            if self.status[t] is Status.weak and (
                self.count[t] + 1 >= _THRESHOLDS.strong_min_count
                and self.strength[t] + value >= ceiling
            ):
                return False
        return True

    def add(self, hits: frozenset[SegKey], ent: Enterprise) -> None:
        value = enterprise_strength(ent)[0]
        for t in hits:
            self.count[t] += 1
            self.strength[t] += value


def _local_firm(
    rng: random.Random,
    plan: _SegmentPlan,
    kind: str,
    jur: Jurisdiction,
    library: Mapping[str, Chain],
    state: _Presence,
    used: set[str],
) -> Enterprise:
    """A local firm in a planned segment, re-drawn until the classifier agrees with the plan."""
    key = (plan.chain.id, plan.segment.id)
    usable = [k for k in plan.products if _product_ok(k)] or list(plan.products)
    district = jur.district or rng.choices(_LOCAL_DISTRICTS, weights=_DISTRICT_WEIGHTS)[0]
    for attempt in range(20):
        if attempt < 10:
            products = rng.sample(usable, rng.randint(1, min(3, len(usable))))
            code = rng.choice(plan.codes) if plan.codes else None
        else:  # one planned-safe product and no code cannot land anywhere unplanned
            products, code = [rng.choice(usable)], None
        ent = _enterprise(
            rng,
            name_industry=_industry_word(rng, plan.segment, plan.chain),
            province=jur.province,
            city=jur.city,
            district=district,
            kind=kind,
            products=products,
            code=code,
            used=used,
        )
        hits = _hits(ent, library)
        if state.fits(key, hits, ent):
            state.add(hits, ent)
            return ent
        used.discard(ent.name)
    raise RuntimeError(f"no local firm fits segment {key}")


def _locals(
    plans: list[_SegmentPlan],
    jur: Jurisdiction,
    library: Mapping[str, Chain],
    rng: random.Random,
    n_local: int,
    used: set[str],
) -> list[Enterprise]:
    state = _Presence(plans)
    target = _THRESHOLDS.strong_min_strength * STRONG_STRENGTH_MARGIN
    out: list[Enterprise] = []
    for plan in plans:  # weak segments first: strong firms' spill-over is checked against them
        if plan.status is Status.weak:
            out += [
                _local_firm(rng, plan, "small", jur, library, state, used)
                for _ in range(rng.randint(1, 2))
            ]
    for plan in plans:
        if plan.status is Status.strong:
            firms = [_local_firm(rng, plan, "anchor", jur, library, state, used)]
            firms += [
                _local_firm(rng, plan, "medium", jur, library, state, used)
                for _ in range(rng.randint(2, 5))
            ]
            while sum(enterprise_strength(e)[0] for e in firms) < target:
                kind = "medium" if len(firms) < 6 else "listed-anchor"
                # a listed 龙头 of ≥ 20亿 plus five mid-sized firms always suffices
                firms.append(_local_firm(rng, plan, kind, jur, library, state, used))
            out += firms
    for _ in range(max(0, n_local - len(out))):  # the rest of the local economy
        word, code, products = rng.choice(_OFF_CHAIN)
        district = jur.district or rng.choices(_LOCAL_DISTRICTS, weights=_DISTRICT_WEIGHTS)[0]
        ent = _enterprise(
            rng,
            name_industry=word,
            province=jur.province,
            city=jur.city,
            district=district,
            kind="other",
            products=rng.sample(products, rng.randint(1, 3)),
            code=code,
            used=used,
        )
        if _hits(ent, library):
            used.discard(ent.name)
        else:
            out.append(ent)
    rng.shuffle(out)
    return out


def _candidates(
    plans: list[_SegmentPlan], jur: Jurisdiction, rng: random.Random, n: int, used: set[str]
) -> list[Enterprise]:
    segs = [(p.chain, p.segment) for p in plans]
    if not segs:
        return []
    slots = [segs[i % len(segs)] for i in range(min(n, MIN_CANDIDATES_PER_SEGMENT * len(segs)))]
    slots += [rng.choice(segs) for _ in range(n - len(slots))]
    rng.shuffle(slots)
    out: list[Enterprise] = []
    for chain, seg in slots:
        while True:
            region = rng.choices(_REGIONS, weights=[r.weight for r in _REGIONS])[0]
            prov, city = region.province, rng.choice(region.cities)[0]
            if not jur.contains(prov, city, None):
                break
        usable = [k for k in seg.keywords if _product_ok(k)]
        usable = usable if len(usable) >= 2 else list(seg.keywords)
        if rng.random() < 0.15 and len(chain.segments) > 1:  # a second, preferably linked segment
            linked = sorted(
                {b for a, b in chain.links if a == seg.id}
                | {a for a, b in chain.links if b == seg.id}
            )
            other = (
                chain.segment(rng.choice(linked))
                if linked
                else rng.choice([s for s in chain.segments if s.id != seg.id])
            )
            extra = [k for k in other.keywords if k not in usable]
            extra = [k for k in extra if _product_ok(k)] or extra
            products = rng.sample(usable, rng.randint(1, 2))
            products += rng.sample(extra, min(rng.randint(1, 2), len(extra)))
        else:
            products = rng.sample(usable, rng.randint(2, min(4, len(usable))))
        code = rng.choice(seg.industry_codes) if seg.industry_codes else None
        out.append(
            _enterprise(
                rng,
                name_industry=_industry_word(rng, seg, chain),
                province=prov,
                city=city,
                district=None,
                kind="candidate",
                products=products,
                code=code,
                used=used,
            )
        )
    return out


def _real_companies() -> list[Enterprise]:
    out: list[Enterprise] = []
    for line in _REAL_TABLE.strip().splitlines():
        name, province, city, stock, code, products = line.split()
        out.append(
            Enterprise(
                id=0,
                name=name,
                province=province,
                city=city,
                listed=True,
                stock_code=stock,
                main_products=tuple(products.split("/")),
                industry_code=None if code == "-" else code,
                source=PUBLIC_SOURCE,
            )
        )
    return out


def generate_demo_enterprises(
    library: Mapping[str, Chain],
    jurisdiction: Jurisdiction = DEMO_JURISDICTION,
    *,
    seed: int = 20261123,
    n_local: int = 300,
    n_candidates: int = 2000,
) -> list[Enterprise]:
    """Locals realising :func:`demo_plan`, then generated candidates, then real companies.

    ``n_local`` is a target: the planned chain firms are always generated and off-chain local
    firms fill up to it. ``n_candidates`` counts every non-local enterprise, real ones included;
    each segment gets at least ``MIN_CANDIDATES_PER_SEGMENT`` of them when the budget allows.
    """
    rng = random.Random(seed)
    plans = _plan(library, rng)
    real = _real_companies()
    used = {e.name for e in real}
    local = _locals(plans, jurisdiction, library, rng, n_local, used)
    cands = _candidates(plans, jurisdiction, rng, max(0, n_candidates - len(real)), used)
    return [replace(e, id=i) for i, e in enumerate([*local, *cands, *real], start=1)]
