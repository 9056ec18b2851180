"""Make ``tests/data/name_pairs.csv``: labelled enterprise-name pairs for entity resolution.

``name_a`` is the registry record (its registered aliases are in :func:`generate`'s second
result), ``name_b`` the incoming name, ``same`` 1/0. Two parts:

* rule-made pairs from synthetic companies (region + brand + industry + legal form) — positives
  by variant kind (legal-form swap, traditional characters via OpenCC ``s2t``, full-width Latin,
  digits and brackets, region added/removed/bracketed, brand-only and brand+industry
  abbreviations, registered English aliases, and combinations) and hard negatives (one brand
  character changed, another brand in the same city and industry, same name in another city,
  swapped or extended brands, brand-only names of other companies, near-homophone English);
* hand-written real cases (well-known companies: legal names, common abbreviations,
  traditional forms, English aliases, and real look-alikes that are different companies).

The synthetic vocabulary below was written independently of the normaliser's word lists.
Run ``python -m tests.data.make_name_pairs`` to rewrite the file; a unit test checks it is
current.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import opencc

CSV_PATH = Path(__file__).with_name("name_pairs.csv")
SEED = 20240607

BRAND_CHARS = {
    "星": "xing", "源": "yuan", "华": "hua", "泰": "tai", "瑞": "rui", "鑫": "xin", "恒": "heng",
    "达": "da", "通": "tong", "宏": "hong", "远": "yuan", "博": "bo", "德": "de", "盛": "sheng",
    "嘉": "jia", "凯": "kai", "锦": "jin", "隆": "long", "明": "ming", "诺": "nuo", "鹏": "peng",
    "启": "qi", "荣": "rong", "顺": "shun", "腾": "teng", "威": "wei", "祥": "xiang", "旭": "xu",
    "亚": "ya", "耀": "yao", "益": "yi", "宇": "yu", "裕": "yu", "兆": "zhao", "振": "zhen",
    "卓": "zhuo", "辰": "chen", "丰": "feng", "富": "fu", "浩": "hao", "弘": "hong", "汇": "hui",
    "佳": "jia", "捷": "jie", "晶": "jing", "骏": "jun", "坤": "kun", "朗": "lang", "联": "lian",
    "铭": "ming", "创": "chuang", "峰": "feng", "钧": "jun", "睿": "rui", "尚": "shang",
    "拓": "tuo", "伟": "wei", "欣": "xin", "轩": "xuan", "毅": "yi", "英": "ying", "展": "zhan",
    "众": "zhong", "邦": "bang", "飞": "fei", "鸿": "hong", "迈": "mai", "品": "pin", "奇": "qi",
    "润": "run", "赛": "sai", "思": "si", "维": "wei", "协": "xie", "优": "you", "泽": "ze",
}  # fmt: skip
CITIES = {
    "江苏": ["常州", "苏州", "无锡", "南京", "南通"], "浙江": ["杭州", "宁波", "温州", "嘉兴"],
    "广东": ["深圳", "广州", "东莞", "佛山", "惠州"], "福建": ["厦门", "福州", "泉州", "宁德"],
    "安徽": ["合肥", "芜湖"], "湖北": ["武汉", "襄阳"], "湖南": ["长沙", "株洲"],
    "四川": ["成都", "绵阳"], "山东": ["济南", "青岛", "烟台"], "河南": ["郑州", "洛阳"],
    "陕西": ["西安"], "辽宁": ["沈阳", "大连"], "江西": ["南昌", "赣州"],
}  # fmt: skip
INDUSTRIES = [
    ("新材料", "New Materials"), ("新能源科技", "New Energy Technology"),
    ("电子科技", "Electronic Technology"), ("精密机械", "Precision Machinery"),
    ("生物医药", "Biopharmaceutical"), ("智能装备", "Intelligent Equipment"), ("化工", "Chemical"),
    ("食品", "Food"), ("光电科技", "Optoelectronic Technology"), ("汽车零部件", "Auto Parts"),
    ("电气", "Electric"), ("环保科技", "Environmental Technology"),
    ("医疗器械", "Medical Equipment"), ("半导体", "Semiconductor"),
    ("锂电科技", "Lithium Battery Technology"), ("包装材料", "Packaging Materials"),
    ("纺织", "Textile"), ("建材", "Building Materials"), ("储能科技", "Energy Storage Technology"),
    ("塑胶制品", "Plastic Products"),
]  # fmt: skip
LEGAL = ["有限公司", "股份有限公司", "有限责任公司", "集团有限公司"]
LATIN_PREFIXES = ["AK", "ZK", "3D", "TG", "HX", "5G", "BK", "JM"]

# Real companies. Aliases as a registry would hold them (stock short names, English names).
HAND_ALIASES: dict[str, list[str]] = {
    "比亚迪股份有限公司": ["BYD Company Limited", "BYD"],
    "华为技术有限公司": ["Huawei Technologies Co., Ltd."],
    "宁德时代新能源科技股份有限公司": ["Contemporary Amperex Technology Co., Limited", "CATL"],
    "联想集团有限公司": ["Lenovo Group Limited"],
    "中国石油化工股份有限公司": ["中国石化", "China Petroleum & Chemical Corporation", "Sinopec"],
    "北京百度网讯科技有限公司": ["百度", "Baidu"],
    "北京京东世纪贸易有限公司": ["京东", "JD.com"],
    "阳光电源股份有限公司": ["Sungrow Power Supply Co., Ltd."],
    "海尔集团公司": ["Haier Group Corporation"],
    "京东方科技集团股份有限公司": ["BOE Technology Group Co., Ltd."],
}
HAND_PAIRS: list[tuple[str, str, int]] = [
    ("比亚迪股份有限公司", "比亚迪", 1), ("比亚迪股份有限公司", "比亞迪", 1),
    ("比亚迪股份有限公司", "BYD", 1), ("华为技术有限公司", "華為", 1), ("华为技术有限公司", "华为", 1),
    ("华为技术有限公司", "HUAWEI TECHNOLOGIES CO.,LTD", 1),
    ("宁德时代新能源科技股份有限公司", "宁德时代", 1), ("宁德时代新能源科技股份有限公司", "寧德時代", 1),
    ("宁德时代新能源科技股份有限公司", "CATL", 1), ("腾讯科技(深圳)有限公司", "腾讯", 1),
    ("腾讯科技(深圳)有限公司", "騰訊科技", 1), ("小米科技有限责任公司", "小米", 1),
    ("联想集团有限公司", "聯想", 1), ("联想集团有限公司", "Lenovo Group Ltd.", 1),
    ("海尔集团公司", "海爾", 1), ("海尔集团公司", "Haier", 1), ("珠海格力电器股份有限公司", "格力电器", 1),
    ("珠海格力电器股份有限公司", "格力", 1), ("美的集团股份有限公司", "美的", 1),
    ("中国石油化工股份有限公司", "中石化", 1), ("中国石油化工股份有限公司", "中國石化", 1),
    ("中国石油化工股份有限公司", "SINOPEC", 1), ("上海汽车集团股份有限公司", "上汽集团", 1),
    ("长城汽车股份有限公司", "長城汽車", 1), ("浙江吉利控股集团有限公司", "吉利控股", 1),
    ("京东方科技集团股份有限公司", "京東方", 1), ("京东方科技集团股份有限公司", "BOE", 1),
    ("中芯国际集成电路制造有限公司", "中芯國際", 1), ("隆基绿能科技股份有限公司", "隆基绿能", 1),
    ("国轩高科股份有限公司", "國軒高科", 1), ("惠州亿纬锂能股份有限公司", "亿纬锂能", 1),
    ("江西赣锋锂业集团股份有限公司", "贛鋒鋰業", 1), ("天齐锂业股份有限公司", "天齊鋰業", 1),
    ("江苏恒瑞医药股份有限公司", "恒瑞医药", 1), ("无锡药明康德新药开发股份有限公司", "藥明康德", 1),
    ("深圳迈瑞生物医疗电子股份有限公司", "迈瑞医疗", 1), ("杭州海康威视数字技术股份有限公司", "海康威视", 1),
    ("深圳市大疆创新科技有限公司", "大疆创新", 1), ("顺丰控股股份有限公司", "順豐", 1),
    ("招商银行股份有限公司", "招商銀行", 1), ("招商银行股份有限公司", "招行", 1),
    ("中国工商银行股份有限公司", "工商银行", 1), ("中国工商银行股份有限公司", "工行", 1),
    ("中国建设银行股份有限公司", "建行", 1), ("万科企业股份有限公司", "萬科", 1),
    ("福耀玻璃工业集团股份有限公司", "福耀玻璃", 1), ("三一重工股份有限公司", "三一重工", 1),
    ("徐州工程机械集团有限公司", "徐工集团", 1), ("潍柴动力股份有限公司", "濰柴動力", 1),
    ("宝山钢铁股份有限公司", "宝钢", 1), ("中国中车股份有限公司", "中车", 1),
    ("中兴通讯股份有限公司", "中興通訊", 1), ("立讯精密工业股份有限公司", "立讯精密", 1),
    ("舜宇光学科技(集团)有限公司", "舜宇光學", 1), ("深圳市汇川技术股份有限公司", "汇川技术", 1),
    ("阳光电源股份有限公司", "陽光電源", 1), ("阳光电源股份有限公司", "Sungrow Power Supply", 1),
    ("内蒙古伊利实业集团股份有限公司", "伊利股份", 1), ("青岛啤酒股份有限公司", "青島啤酒", 1),
    ("贵州茅台酒股份有限公司", "贵州茅台", 1), ("宜宾五粮液股份有限公司", "五糧液", 1),
    ("北京字节跳动科技有限公司", "字節跳動", 1), ("阿里巴巴(中国)有限公司", "阿里巴巴", 1),
    ("北京百度网讯科技有限公司", "百度", 1), ("北京京东世纪贸易有限公司", "京东", 1),
    ("中国南方航空股份有限公司", "南航", 1), ("中国国际航空股份有限公司", "国航", 1),
    ("中国石油天然气股份有限公司", "中石油", 1),
    # real look-alikes that are different enterprises
    ("长城汽车股份有限公司", "长城证券股份有限公司", 0), ("珠海格力电器股份有限公司", "格力地产股份有限公司", 0),
    ("美的集团股份有限公司", "美的置业控股有限公司", 0), ("招商银行股份有限公司", "招商证券股份有限公司", 0),
    ("中国银行股份有限公司", "中国建设银行股份有限公司", 0),
    ("中国石油天然气股份有限公司", "中国石油化工股份有限公司", 0), ("京东方科技集团股份有限公司", "京东", 0),
    ("华为技术有限公司", "华夏银行股份有限公司", 0), ("中兴通讯股份有限公司", "中信证券股份有限公司", 0),
    ("宁德时代新能源科技股份有限公司", "株洲时代新材料科技股份有限公司", 0),
    ("宁德时代新能源科技股份有限公司", "宁德新能源科技有限公司", 0), ("海尔集团公司", "海信集团有限公司", 0),
    ("小米科技有限责任公司", "小熊电器股份有限公司", 0), ("万科企业股份有限公司", "大连万达集团股份有限公司", 0),
    ("中国南方航空股份有限公司", "中国南方电网有限责任公司", 0),
    ("中国国际航空股份有限公司", "中国东方航空股份有限公司", 0),
    ("上海汽车集团股份有限公司", "上海电气集团股份有限公司", 0), ("上海汽车集团股份有限公司", "北汽", 0),
    ("贵州茅台酒股份有限公司", "贵州习酒股份有限公司", 0), ("宜宾五粮液股份有限公司", "泸州老窖股份有限公司", 0),
    ("阳光电源股份有限公司", "阳光保险集团股份有限公司", 0), ("天齐锂业股份有限公司", "赣锋锂业", 0),
    ("隆基绿能科技股份有限公司", "通威股份有限公司", 0), ("国轩高科股份有限公司", "国电南瑞科技股份有限公司", 0),
    ("无锡药明康德新药开发股份有限公司", "药明生物技术有限公司", 0),
    ("深圳市大疆创新科技有限公司", "浙江大华技术股份有限公司", 0), ("华为技术有限公司", "华润(集团)有限公司", 0),
    ("长城汽车股份有限公司", "重庆长安汽车股份有限公司", 0), ("潍柴动力股份有限公司", "广西玉柴机器股份有限公司", 0),
    ("三一重工股份有限公司", "中联重科股份有限公司", 0), ("宝山钢铁股份有限公司", "鞍钢股份有限公司", 0),
    ("中国工商银行股份有限公司", "中国农业银行股份有限公司", 0), ("招商银行股份有限公司", "招商局集团有限公司", 0),
    ("深圳市汇川技术股份有限公司", "深圳市汇顶科技股份有限公司", 0),
    ("内蒙古伊利实业集团股份有限公司", "内蒙古蒙牛乳业(集团)股份有限公司", 0),
    ("中芯国际集成电路制造有限公司", "曙光信息产业股份有限公司", 0), ("青岛啤酒股份有限公司", "青岛海尔股份有限公司", 0),
    ("比亚迪股份有限公司", "BYTE", 0), ("联想集团有限公司", "Lenovo Capital", 0),
]  # fmt: skip


@dataclass(frozen=True)
class Company:
    brand: str
    province: str
    city: str
    industry: tuple[str, str]
    legal: str

    def name(self, *, region: str = "city", legal: str | None = None, brand: str = "") -> str:
        """The company's name with the region written as ``region`` says."""
        body = (brand or self.brand) + self.industry[0]
        legal = self.legal if legal is None else legal
        place = {
            "city": self.city, "city_suffix": self.city + "市", "none": "",
            "province_city": f"{self.province}省{self.city}市",
        }  # fmt: skip
        if region == "bracket":
            return f"{body}({self.city}){legal}"
        return place[region] + body + legal

    def english(self) -> str:
        pinyin = "".join(BRAND_CHARS.get(c, c) for c in self.brand).capitalize()
        return f"{pinyin} {self.industry[1]} Co., Ltd."


def generate(seed: int = SEED) -> tuple[list[tuple[str, str, int]], dict[str, list[str]]]:
    """Rule-made pairs followed by the hand-written ones, and every registered alias."""
    rng = random.Random(seed)
    s2t = opencc.OpenCC("s2t")
    used: set[str] = set()

    def new_brand(length: int = 2, first: str = "") -> str:
        chars = list(BRAND_CHARS)
        while True:
            brand = first + "".join(rng.choice(chars) for _ in range(length - len(first)))
            if brand not in used and len(set(brand)) == len(brand):
                used.add(brand)
                return brand

    def company(brand: str = "", *, latin: bool = False) -> Company:
        province = rng.choice(sorted(CITIES))
        brand = brand or new_brand(rng.choice((2, 2, 3)))
        if latin:
            brand = rng.choice(LATIN_PREFIXES) + brand[0]
        return Company(
            brand, province, rng.choice(CITIES[province]), rng.choice(INDUSTRIES), rng.choice(LEGAL)
        )

    def other_legal(c: Company) -> str:
        return rng.choice([x for x in LEGAL if x != c.legal])

    def swap_char(brand: str) -> str:
        i = rng.randrange(len(brand))
        while True:
            c = rng.choice(list(BRAND_CHARS))
            if c not in brand:
                return brand[:i] + c + brand[i + 1 :]

    aliases: dict[str, list[str]] = {}
    pairs: list[tuple[str, str, int]] = []

    def english_alias(c: Company) -> str:
        aliases[c.name()] = [c.english()]
        return c.english()

    positives: list[tuple[int, Callable[[Company], str]]] = [
        (40, lambda c: c.name(legal=other_legal(c))),
        (30, lambda c: s2t.convert(c.name())),
        (15, lambda c: s2t.convert(c.name(region="none", legal=other_legal(c)))),
        (25, lambda c: c.name(region="bracket").replace("(", "（").replace(")", "）")),
        (30, lambda c: c.name(region="none")),
        (20, lambda c: c.name(region="province_city")),
        (15, lambda c: c.name(region="city_suffix", legal="")),
        (35, lambda c: c.brand),
        (20, lambda c: c.city + c.brand),
        (25, lambda c: c.brand + c.industry[0]),
        (15, lambda c: s2t.convert(c.brand)),
        (15, lambda c: english_alias(c).upper().replace(",", "").replace(".", "")),
        (15, lambda c: english_alias(c).split()[0]),
        (10, lambda c: english_alias(c).replace(" Co., Ltd.", " Limited")),
    ]
    for count, variant in positives:
        for _ in range(count):
            c = company()
            pairs.append((c.name(), variant(c), 1))
    for _ in range(25):  # full-width Latin and digits in the brand
        c = company(latin=True)
        wide = "".join(chr(ord(ch) + 0xFEE0) if ch.isascii() and ch.isalnum() else ch
                       for ch in c.name(legal=other_legal(c)))  # fmt: skip
        pairs.append((c.name(), wide, 1))

    negatives: list[tuple[int, Callable[[Company], str]]] = [
        (60, lambda c: c.name(brand=swap_char(c.brand))),
        (15, lambda c: s2t.convert(c.name(brand=swap_char(c.brand)))),
        (40, lambda c: c.name(brand=new_brand(len(c.brand)))),
        (35, lambda c: c.name(region="city_suffix").replace(c.city, _other_city(rng, c), 1)),
        (15, lambda c: c.name(brand=c.brand[::-1])),
        (20, lambda c: c.name(brand=new_brand(len(c.brand) + 1, first=c.brand))),
        (20, lambda c: new_brand(2, first=c.brand[0])),
        (15, lambda c: swap_char(c.brand)),
    ]
    for count, variant in negatives:
        for _ in range(count):
            c = company(new_brand(2) if variant is negatives[5][1] else "")
            pairs.append((c.name(), variant(c), 0))
    for _ in range(15):  # English names of other companies whose pinyin is one letter off
        c = company()
        english_alias(c)
        wrong = Company(swap_char(c.brand), c.province, c.city, c.industry, c.legal)
        pairs.append((c.name(), wrong.english(), 0))

    pairs.extend(HAND_PAIRS)
    for name, names in HAND_ALIASES.items():
        aliases.setdefault(name, []).extend(names)
    return pairs, aliases


def _other_city(rng: random.Random, c: Company) -> str:
    return rng.choice([x for p, cs in sorted(CITIES.items()) for x in cs if p != c.province])


def load(path: Path = CSV_PATH) -> list[tuple[str, str, int]]:
    """The labelled pairs as stored."""
    with path.open(encoding="utf-8", newline="") as f:
        return [(r["name_a"], r["name_b"], int(r["same"])) for r in csv.DictReader(f)]


@dataclass(frozen=True)
class Scores:
    tp: int
    fp: int
    fn: int
    tn: int
    errors: list[tuple[str, str, int]]

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def evaluate(
    pairs: list[tuple[str, str, int]], aliases: dict[str, list[str]], *, min_score: float
) -> Scores:
    """Resolve every ``name_b`` over one index of all distinct ``name_a`` (with aliases);
    a pair is predicted same when ``name_a``'s record comes back at ``min_score`` or more."""
    from chainmap.matching.resolve import NameIndex

    names = sorted({a for a, _, _ in pairs})
    ids = {n: i for i, n in enumerate(names)}
    index = NameIndex([(ids[n], n, aliases.get(n, [])) for n in names])
    tp = fp = fn = tn = 0
    errors = []
    for a, b, same in pairs:
        hit = ids[a] in {m.id for m in index.resolve(b, limit=50, min_score=min_score)}
        tp, fp = tp + (hit and same), fp + (hit and not same)
        fn, tn = fn + (not hit and same), tn + (not hit and not same)
        if hit != bool(same):
            errors.append((a, b, same))
    return Scores(tp, fp, fn, tn, errors)


@dataclass(frozen=True)
class TierCount:
    n: int
    same: int
    score: float


def calibrate(
    pairs: list[tuple[str, str, int]],
    aliases: dict[str, list[str]],
    *,
    target_precision: float = 0.98,
    tier_floor: float = 0.9,
) -> tuple[dict[str, TierCount], float, float]:
    """Fit ``TIER_SCORES`` and ``MATCH_THRESHOLD`` of :mod:`chainmap.matching.resolve`.

    A pair's tier is the best (by ``TIER_ORDER``) over the record's name and aliases. Tier
    score = smoothed precision ``(same + 1) / (n + 2)``. Tiers join the linking set best first
    while their own score is ≥ ``tier_floor`` and the pooled precision stays ≥
    ``target_precision``; the threshold is the score of the last tier that joined.
    Returns (tiers, threshold, pooled precision at the threshold).
    """
    from chainmap.matching.resolve import TIER_ORDER, pair_score

    counts = {t: [0, 0] for t in TIER_ORDER}
    for a, b, same in pairs:
        tier = min((pair_score(n, b)[1] for n in (a, *aliases.get(a, ()))), key=TIER_ORDER.index)
        counts[tier][0] += 1
        counts[tier][1] += same
    tiers = {t: TierCount(n, s, round((s + 1) / (n + 2), 3)) for t, (n, s) in counts.items()}
    threshold, precision, n_in, same_in = 1.0, 1.0, 0, 0
    for count in sorted(tiers.values(), key=lambda c: -c.score):
        n_in, same_in = n_in + count.n, same_in + count.same
        if count.score < tier_floor or (n_in and same_in / n_in < target_precision):
            break
        threshold, precision = count.score, same_in / n_in if n_in else 1.0
    return tiers, threshold, precision


def render(pairs: list[tuple[str, str, int]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name_a", "name_b", "same"])
    writer.writerows(pairs)
    return out.getvalue()


def main() -> None:
    pairs, aliases = generate()
    CSV_PATH.write_text(render(pairs), encoding="utf-8")
    print(f"{CSV_PATH}: {len(pairs)} pairs, {sum(p[2] for p in pairs)} same")
    tiers, threshold, precision = calibrate(pairs, aliases)
    for tier, count in tiers.items():
        print(f"  {tier:<11} n={count.n:<4} same={count.same:<4} score={count.score}")
    print(f"  threshold {threshold} (pooled precision {precision:.4f})")


if __name__ == "__main__":
    main()
