"""Name normalisation for matching (kept beside the original name, never replacing it).

Three views of an enterprise name, each built on the one before:

* :func:`normalize_name` — the stored "normalised name": NFKC (full-width → half-width),
  traditional → simplified (OpenCC ``t2s``), brackets unified to ASCII ``()``, white space
  removed, Latin lower-cased. Legal form and region are kept.
* :func:`match_key` — what two names must share to be the same enterprise: the normalised
  name without legal-form suffixes (有限公司, 股份有限公司, (集团), Co., Ltd. …), without
  bracketed regions (``特斯拉(上海)`` → ``特斯拉``) and without leading region names
  (provinces, prefecture-level cities, well-known districts; ``广东省深圳市`` …), with
  punctuation dropped. Industry words are *kept*: 长城汽车 and 长城证券 are different companies.
* :func:`core_name` — the brand (字号): the match key without trailing industry words
  (宁德时代新能源科技 → 时代 after the region 宁德 went, 国轩高科 → 国轩). Used for
  blocking and for the abbreviation rule in :mod:`chainmap.matching.resolve`.

Choices, and why:

* A region is stripped only when at least two characters remain *and* what remains is not
  made only of industry words; otherwise the region is part of the brand (上海电气, 青岛啤酒)
  and stays in the key. The region itself is returned (province, city) so that resolution
  can refuse 常州星源新材料 ↔ 深圳星源新材料. The national prefix 中国 is always dropped
  (中国建设银行 → 建设银行) but kept as ``lead`` for abbreviations such as 中石化.
* Bare city names that are also common words (阿里, 安康, 黄山, 朝阳 …) are stripped only
  with their suffix (阿里地区, 黄山市); districts only with 区/县 (南山区, 浦东新区), plus any
  two-character ``…区``/``…县`` right after a stripped city (常州市新北区).
* Industry words are stripped only from the tail, and never down to a one-character brand
  (华科技 stays whole). A name made only of industry words keeps them all as its brand
  (建设银行, or 上海电气 with its region).

Example::

    >>> normalize_name(" 寧德時代（福建）新能源 ")
    '宁德时代(福建)新能源'
    >>> match_key("广东省深圳市比亚迪股份有限公司"), core_name("宁德时代新能源科技股份有限公司")
    ('比亚迪', '时代')
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import opencc


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


_SPACE = re.compile(r"\s+")
_BRACKETS = str.maketrans({"【": "(", "】": ")", "〔": "(", "〕": ")", "[": "(", "]": ")"})
_CJK = re.compile(r"[\u3400-\u9fff]")
_NOT_KEY_CHAR = re.compile(r"[^0-9a-z\u3400-\u9fff]+")
_BRACKET_GROUP = re.compile(r"\(([^()]*)\)")
_LATIN_WORD = re.compile(r"[a-z0-9]+")

# Legal forms, longest first; stripped repeatedly from the end (集团股份有限公司 → 集团 → ∅).
_LEGAL_SUFFIXES = (
    "股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "股份公司", "总公司", "分公司",
    "公司", "集团", "股份", "有限合伙", "普通合伙",
)  # fmt: skip
_LEGAL_IN_BRACKETS = frozenset({"集团", "控股", "有限合伙", "普通合伙", "特殊普通合伙", "中国"})

# Industry words (行业用语), stripped from the tail to reach the brand. Longest match first.
_INDUSTRY_WORDS = _word_set(
    """
    科技 技术 高科 新技术 新能源 能源 新能 绿能 锂能 储能 光伏 新材料 材料 电子 微电子 电气 电器
    电力 电池 电源 电机 机电 光电 光学 精密 机械 设备 装备 智能 智造 制造 工业 实业 产业 贸易
    商贸 工贸 科贸 发展 控股 投资 信息 网络 软件 数字 数码 数据 通信 通讯 系统 医药 药业 制药
    新药 开发 生物 医疗 器械 健康 化工 化学 化纤 环保 环境 建设 建筑 工程 地产 房地产 置业 物业
    物流 供应链 食品 饮料 酒业 乳业 酒 啤酒 服饰 服装 纺织 汽车 零部件 配件 动力 重工 轻工 航空
    航天 船舶 海运 远洋 钢铁 铝业 锂业 硅业 金属 矿业 资源 燃气 水务 热力 石油 石化 天然气 农业
    种业 畜牧 文化 传媒 教育 咨询 管理 服务 企业 创新 集成电路 半导体 芯片 自动化 机器人 仪器
    仪表 照明 家居 家具 塑料 塑胶 橡胶 玻璃 陶瓷 包装 印刷 银行 保险 证券 基金 信托 租赁 国际
    电商 互联网 五金 模具 铸造 轴承 阀门 线缆 电缆 光纤 显示 检测 设计 装饰 酒店 旅游 运输 快递
    电网 制品 用品 器材 建材 锂电 钢构 工艺 新型 日化 箱包 鞋业 家电 厨具 卫浴 灯饰 涂料 油墨
    胶业 纸业 木业 石材 水泥 管业 线材 铜业 合金 粉末 磁材 稀土
    """
)
_INDUSTRY_LENGTHS = tuple(sorted({len(w) for w in _INDUSTRY_WORDS}, reverse=True))

_LATIN_LEGAL = _word_set(
    "co company ltd limited inc incorporated corp corporation group llc plc gmbh ag pte pty lp llp"
)
_LATIN_INDUSTRY = _word_set(
    """
    technology technologies tech new energy material materials electronics electronic electric
    electrical machinery precision equipment intelligent smart chemical chemicals food foods
    optoelectronics optical auto automotive parts motor motors automobile pharmaceutical
    pharmaceuticals biopharmaceutical bio biotech biotechnology medical holding holdings
    industrial industries industry international science sciences information software network
    networks communication communications power battery batteries semiconductor semiconductors
    manufacturing trading development investment logistics environmental engineering
    construction solar lithium steel metal metals textile textiles optoelectronic plastic
    plastics product products building storage packaging apparel furniture appliance appliances
    paper supply supplies systems system services service
    """
)
_LATIN_REGION_BRACKET = re.compile(r"\((?:china|hong kong|shanghai|beijing|shenzhen)\)")

# Provincial units (34) and their prefecture-level divisions; names without suffix.
# A leading "*" marks a bare name that is also a common word: stripped only with its suffix.
_REGION_TABLE = """
北京 天津 上海 重庆 香港 澳门
河北:石家庄 唐山 秦皇岛 邯郸 邢台 保定 张家口 承德 沧州 廊坊 衡水
山西:太原 *大同 阳泉 *长治 晋城 朔州 晋中 运城 忻州 临汾 吕梁
内蒙古:呼和浩特 包头 乌海 赤峰 通辽 鄂尔多斯 呼伦贝尔 巴彦淖尔 乌兰察布 *兴安 锡林郭勒 阿拉善
辽宁:沈阳 大连 鞍山 抚顺 本溪 丹东 锦州 营口 阜新 辽阳 盘锦 铁岭 *朝阳 葫芦岛
吉林:长春 吉林 四平 辽源 *通化 *白山 松原 白城 延边
黑龙江:哈尔滨 齐齐哈尔 鸡西 鹤岗 双鸭山 大庆 伊春 佳木斯 七台河 牡丹江 黑河 绥化 大兴安岭
江苏:南京 无锡 徐州 常州 苏州 南通 连云港 淮安 盐城 扬州 镇江 泰州 宿迁
浙江:杭州 宁波 温州 嘉兴 湖州 绍兴 金华 衢州 舟山 台州 丽水
安徽:合肥 芜湖 蚌埠 淮南 马鞍山 淮北 铜陵 安庆 *黄山 滁州 阜阳 宿州 六安 亳州 池州 宣城
福建:福州 厦门 莆田 *三明 泉州 漳州 *南平 龙岩 宁德
江西:南昌 景德镇 萍乡 九江 *新余 鹰潭 赣州 *吉安 *宜春 抚州 上饶
山东:济南 青岛 淄博 枣庄 东营 烟台 潍坊 济宁 *泰安 威海 日照 临沂 德州 聊城 滨州 菏泽
河南:郑州 开封 洛阳 平顶山 安阳 鹤壁 新乡 焦作 濮阳 许昌 漯河 三门峡 南阳 商丘 信阳 周口 驻马店
河南:济源
湖北:武汉 黄石 十堰 宜昌 襄阳 鄂州 荆门 孝感 荆州 黄冈 咸宁 随州 恩施 仙桃 潜江 天门
湖南:长沙 株洲 湘潭 衡阳 邵阳 岳阳 常德 张家界 益阳 郴州 *永州 怀化 娄底 湘西
广东:广州 韶关 深圳 珠海 汕头 佛山 江门 湛江 茂名 肇庆 惠州 梅州 汕尾 河源 阳江 清远 东莞 中山
广东:潮州 揭阳 云浮
广西:南宁 柳州 桂林 梧州 *北海 防城港 钦州 贵港 玉林 百色 贺州 河池 来宾 崇左
海南:海口 三亚 *三沙 儋州
四川:成都 自贡 攀枝花 泸州 德阳 绵阳 广元 遂宁 内江 乐山 南充 眉山 宜宾 广安 达州 雅安 巴中 资阳
四川:*阿坝 *甘孜 *凉山
贵州:贵阳 六盘水 遵义 *安顺 毕节 铜仁 黔西南 黔东南 黔南
云南:昆明 曲靖 玉溪 保山 昭通 丽江 *普洱 临沧 *楚雄 *红河 *文山 西双版纳 *大理 *德宏 *怒江 *迪庆
西藏:拉萨 日喀则 *昌都 *林芝 *山南 *那曲 *阿里
陕西:西安 铜川 宝鸡 咸阳 渭南 延安 汉中 榆林 *安康 商洛
甘肃:兰州 嘉峪关 *金昌 *白银 *天水 *武威 张掖 平凉 酒泉 庆阳 定西 陇南 临夏 甘南
青海:西宁 *海东 *海北 *黄南 *果洛 *玉树 *海西
宁夏:银川 石嘴山 吴忠 固原 *中卫
新疆:乌鲁木齐 克拉玛依 吐鲁番 哈密 昌吉 博尔塔拉 巴音郭楞 阿克苏 克孜勒苏 喀什 *和田 伊犁 塔城
新疆:阿勒泰
台湾:台北 高雄 台中 台南 新竹
"""
# Well-known districts, stripped only with 区 (city given for the region-conflict check).
_DISTRICT_TABLE = """
北京:东城 西城 朝阳 海淀 丰台 石景山 门头沟 房山 通州 顺义 昌平 大兴 怀柔 平谷 密云 延庆
上海:黄浦 徐汇 长宁 静安 普陀 虹口 杨浦 闵行 宝山 嘉定 浦东新 金山 松江 青浦 奉贤 崇明 临港新
天津:和平 河东 河西 南开 红桥 东丽 西青 津南 北辰 武清 宝坻 滨海新 宁河 静海 蓟州
重庆:渝中 南岸 九龙坡 沙坪坝 渝北 巴南 北碚 两江新
深圳:福田 罗湖 南山 宝安 龙岗 盐田 龙华 坪山 光明 前海
广州:越秀 海珠 荔湾 天河 白云 番禺 花都 南沙 从化 增城
杭州:上城 拱墅 西湖 滨江 萧山 余杭 临平 钱塘 富阳 临安
南京:玄武 秦淮 建邺 浦口 栖霞 雨花台 江宁 六合 溧水 高淳
苏州:姑苏 虎丘 吴中 相城 吴江
成都:锦江 青羊 金牛 武侯 成华 龙泉驿 青白江 新都 温江 双流 郫都
武汉:江岸 江汉 硚口 汉阳 武昌 洪山 东西湖 蔡甸 江夏 黄陂
西安:碑林 莲湖 雁塔 未央 灞桥 临潼 阎良 高陵
常州:天宁 钟楼 新北 武进 金坛
宁波:海曙 北仑 镇海 鄞州 奉化
厦门:思明 湖里 集美 海沧 同安 翔安
青岛:市南 市北 黄岛 崂山 李沧 城阳 即墨
无锡:梁溪 锡山 惠山 滨湖 新吴
合肥:瑶海 庐阳 蜀山 包河
郑州:中原 二七 金水 惠济 管城
保定:雄安新
"""
_REGION_SUFFIX = re.compile(r"(?:特别行政区|(?:壮族|回族|维吾尔)?自治区|省|市|地区)")
# Autonomous prefectures (…自治州, 州) and leagues (盟) take their own suffixes.
_PREFECTURES = _word_set(
    """
    兴安 锡林郭勒 阿拉善 延边 恩施 湘西 阿坝 甘孜 凉山 黔西南 黔东南 黔南 楚雄 红河 文山 西双版纳
    大理 德宏 怒江 迪庆 临夏 甘南 海北 黄南 果洛 玉树 海西 昌吉 博尔塔拉 巴音郭楞 克孜勒苏 伊犁
    """
)
_PREFECTURE_SUFFIX = re.compile(r"(?:(?:[\u4e00-\u9fff]{1,8}?族)*自治州|州|盟)")
_AFTER_CITY_DISTRICT = re.compile(
    r"(?:[\u4e00-\u9fff]{2}(?:区|县)(?![块域间位])|[\u4e00-\u9fff]{2,4}?(?:高新区|开发区|新区))"
)
_NATIONAL = ("中华人民共和国", "中国")

Region = tuple[str | None, str | None]  # (province, city); None = not stated


@dataclass(frozen=True, slots=True)
class NameParts:
    """Every view of one name at once.

    ``key == core + industry``. ``tokens`` split the key into its lead word (the brand, or the
    region for 上海电气-like names) and its industry words; ``lead`` is the region text that was
    stripped (bare names, no 省/市), kept for initial-letter abbreviations such as 中石化.
    """

    normalized: str
    key: str
    core: str
    industry: str
    province: str | None
    city: str | None
    tokens: tuple[str, ...]
    lead: str
    latin: bool


@dataclass(frozen=True, slots=True)
class _Regions:
    bare: dict[str, Region]  # bare name → region; suffix optional
    suffixed: dict[str, Region]  # common-word names: only with a suffix
    districts: dict[str, Region]  # full district name (with 区) → region
    lengths: tuple[int, ...]


@functools.lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    import opencc

    return opencc.OpenCC("t2s")


@functools.lru_cache(maxsize=1)
def _regions() -> _Regions:
    bare: dict[str, Region] = {n: (None, None) for n in _NATIONAL}
    suffixed: dict[str, Region] = {}
    districts: dict[str, Region] = {}
    for line in _REGION_TABLE.strip().splitlines():
        province, _, cities = line.rpartition(":")
        if not province:  # municipalities and SARs: province and city at once
            bare.update({c: (c, c) for c in cities.split()})
            continue
        bare[province] = (province, None)
        for city in cities.split():
            if city.startswith("*"):
                suffixed[city[1:]] = (province, city[1:])
            else:
                bare.setdefault(city, (province, city))
    for line in _DISTRICT_TABLE.strip().splitlines():
        city, _, names = line.partition(":")
        city_province = bare[city][0]
        for d in names.split():
            seen = d + "区" in districts
            districts[d + "区"] = (None, None) if seen else (city_province, city)
    lengths = tuple(sorted({len(n) for n in (*bare, *suffixed, *districts)}, reverse=True))
    return _Regions(bare, suffixed, districts, lengths)


def normalize_name(name: str) -> str:
    """Full-width → half-width, traditional → simplified, brackets unified, white space
    removed, Latin lower-cased. Legal form and region are kept.

    >>> normalize_name("比亞迪股份有限公司【深圳】 ＢＹＤ")
    '比亚迪股份有限公司(深圳)byd'
    """
    return _SPACE.sub("", _fold(name))


def match_key(name: str) -> str:
    """The normalised name without legal form, regions and punctuation (see module doc).

    >>> match_key("深圳市比亞迪股份有限公司"), match_key("Huawei Technologies Co., Ltd.")
    ('比亚迪', 'huaweitechnologies')
    """
    return parse_name(name).key


def core_name(name: str) -> str:
    """The brand (字号): the match key without trailing industry words.

    >>> core_name("宁德时代新能源科技股份有限公司"), core_name("上海电气集团股份有限公司")
    ('时代', '上海电气')
    """
    return parse_name(name).core


def parse_name(name: str) -> NameParts:
    """All views of ``name`` at once (what the resolver stores for every name)."""
    folded = _fold(name)
    if not _CJK.search(folded):
        return _parse_latin(folded)
    normalized = _SPACE.sub("", folded)
    text, region = _strip_legal(normalized)
    text = _NOT_KEY_CHAR.sub("", text)
    levels, rest = _strip_leading_region(text)
    for _, level in levels:
        region = _merge(level, region)
    body, words = _split_industry(rest)
    places = [bare for bare, _ in levels if bare not in _NATIONAL]
    if places and not body:  # the region is part of the brand: 上海电气, 青岛啤酒
        key = places[-1] + rest
        lead = "".join(bare for bare, _ in levels[:-1])
        return NameParts(normalized, key, key, "", *region, (places[-1], *words), lead, False)
    lead = "".join(bare for bare, _ in levels)
    if not body:  # only industry words (建设银行): the whole key is the brand
        return NameParts(normalized, rest, rest, "", *region, tuple(words), lead, False)
    if len(body) < 2:  # never a one-character brand: 华科技 stays whole
        return NameParts(normalized, rest, rest, "", *region, (body, *words), lead, False)
    industry = rest[len(body) :]
    return NameParts(normalized, rest, body, industry, *region, (body, *words), lead, False)


def regions_conflict(a: NameParts, b: NameParts) -> bool:
    """True when both names state a province or a city and they differ."""
    return bool(
        (a.province and b.province and a.province != b.province)
        or (a.city and b.city and a.city != b.city)
    )


def _fold(name: str) -> str:
    text = unicodedata.normalize("NFKC", name)
    if _CJK.search(text):
        text = _t2s().convert(text)
    return text.translate(_BRACKETS).lower()


def _parse_latin(folded: str) -> NameParts:
    normalized = _SPACE.sub("", folded)
    words = _LATIN_WORD.findall(_LATIN_REGION_BRACKET.sub(" ", folded))
    while len(words) > 1 and words[-1] in _LATIN_LEGAL:
        words.pop()
    n = len(words)
    while n > 1 and words[n - 1] in _LATIN_INDUSTRY:
        n -= 1
    key, core = "".join(words), "".join(words[:n])
    tokens = (core, *words[n:]) if core else ()
    return NameParts(normalized, key, core, key[len(core) :], None, None, tokens, "", True)


def _strip_legal(text: str) -> tuple[str, Region]:
    """Drop legal-form suffixes and bracketed regions/legal words; return the region seen."""
    region: Region = (None, None)

    def bracket(m: re.Match[str]) -> str:
        nonlocal region
        inner = m.group(1)
        if inner in _LEGAL_IN_BRACKETS:
            return ""
        found = _region_of(inner)
        if found is None:
            return inner
        region = _merge(region, found)
        return ""

    if "(" in text:
        text = _BRACKET_GROUP.sub(bracket, text)
    changed = True
    while changed:
        changed = False
        for suffix in _LEGAL_SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix) + 1:
                text = text[: -len(suffix)]
                changed = True
                if suffix == "分公司":  # a branch: its place name goes with it
                    text = _strip_trailing_region(text)
                break
    return text, region


def _match_region(text: str) -> tuple[int, str, Region] | None:
    """(length, bare name, region) of the region name, with its suffix, opening ``text``."""
    tables = _regions()
    for n in tables.lengths:
        if len(text) < n:
            continue
        head = text[:n]
        if head in tables.districts:
            return n, head, tables.districts[head]
        region = tables.bare.get(head) or tables.suffixed.get(head)
        if region is None and head not in tables.bare:
            continue
        m = (_PREFECTURE_SUFFIX.match(text, n) if head in _PREFECTURES else None) or (
            _REGION_SUFFIX.match(text, n)
        )
        if m:
            return m.end(), head, region or (None, None)
        if head in tables.bare:
            return n, head, tables.bare[head]
    return None


def _region_of(text: str) -> Region | None:
    found = _match_region(text)
    return found[2] if found is not None and found[0] == len(text) else None


def _strip_leading_region(text: str) -> tuple[list[tuple[str, Region]], str]:
    """Peel up to three region levels (省 / 市 / 区) off the front, leaving ≥ 2 characters."""
    levels: list[tuple[str, Region]] = []
    cut = 0
    after_city = False
    for _ in range(3):
        found = _match_region(text[cut:])
        if found is None and after_city:
            m = _AFTER_CITY_DISTRICT.match(text, cut)
            found = (m.end() - cut, m.group(), (None, None)) if m else None
        if found is None or len(text) - cut - found[0] < 2:
            break
        cut += found[0]
        levels.append((found[1], found[2]))
        after_city = found[2][1] is not None
    return levels, text[cut:]


def _strip_trailing_region(text: str) -> str:
    for start in range(max(2, len(text) - 12), len(text) - 1):
        if _region_of(text[start:]) is not None:
            return text[:start]
    return text


def _merge(a: Region, b: Region) -> Region:
    return (a[0] or b[0], a[1] or b[1])


def _split_industry(text: str) -> tuple[str, list[str]]:
    """Strip industry words off the tail; the remaining brand is '' when ``text`` is made
    only of industry words (the caller keeps a brand of one character unstripped)."""
    words: list[str] = []
    while text:
        for n in _INDUSTRY_LENGTHS:
            if n <= len(text) and text[-n:] in _INDUSTRY_WORDS:
                words.append(text[-n:])
                text = text[:-n]
                break
        else:
            break
    return text, words[::-1]
