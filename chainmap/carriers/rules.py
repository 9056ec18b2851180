"""The measuring sticks carrier fit and reverse matching share: the area score, the industry
direction match, the spec list, the penalties, and the phrases that name a carrier and its
figures. Scalars and numpy arrays go through the same :func:`area_score`, so a carrier judged
for one project and a project ranked for one carrier are held to the same rule.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from chainmap.carriers.models import Blocker, Factory, LandParcel, fmt_number

FloatArray = npt.NDArray[np.float64]

AREA_MIN_RATIO = 0.9
AREA_GOOD_MAX = 1.5
AREA_OVERSIZE = 3.0

INDUSTRY_MATCH = 1.0
INDUSTRY_OPEN = 0.6
INDUSTRY_MISMATCH = 0.3

FIT_AREA_WEIGHT = 0.6
FIT_INDUSTRY_WEIGHT = 0.4
UNKNOWN_SPEC_PENALTY = 0.9
KIND_MISMATCH_PENALTY = 0.85
NOT_SITE_READY_PENALTY = 0.8
UNKNOWN_SITE_READY_PENALTY = 0.9
LATER_AVAILABLE_PENALTY = 0.9

OPEN_DIRECTIONS = frozenset(
    {"", "不限", "不限定", "综合", "其他", "其它", "工业", "制造", "制造业", "一般工业", "通用"}
)
"""产业方向 texts that restrict nothing."""
INDUSTRIAL_LAND_MARKERS = ("工业", "m0", "m1", "m2", "m3", "新型产业", "产业用地", "仓储", "物流")

_TERM_SPLIT = re.compile(r"[、,;/|\s]+|及|和|与")
_TERM_SUFFIXES = ("产业链", "产业", "行业", "相关", "项目", "企业", "领域", "等")


def norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower()


def direction_terms(direction: str) -> tuple[str, ...]:
    """The terms of a 产业方向 text, generic ones (不限, 综合 …) dropped.

    >>> direction_terms("新能源汽车及零部件、新材料产业")
    ('新能源汽车', '零部件', '新材料')
    """
    terms: list[str] = []
    for raw in _TERM_SPLIT.split(norm(direction)):
        term = raw.strip("()（）[]【】。.")
        for suffix in _TERM_SUFFIXES:
            if len(term) > len(suffix) + 1:
                term = term.removesuffix(suffix)
        if len(term) >= 2 and term not in OPEN_DIRECTIONS and term not in terms:
            terms.append(term)
    return tuple(terms)


def industry_match(direction: str, keywords: Sequence[str]) -> tuple[float, str]:
    """How a carrier's 产业方向 suits a project described by ``keywords``, and the phrase.

    A direction term and a keyword match when one contains the other (both at least two
    characters, NFKC and case-folded).

    >>> industry_match("新能源汽车、智能装备", ["电池模组及PACK", "新能源汽车及动力电池"])
    (1.0, '产业方向「新能源汽车、智能装备」与本项目相符（新能源汽车）')
    >>> industry_match("", ["正极材料"])
    (0.6, '未限定产业方向')
    """
    terms = direction_terms(direction)
    if not terms:
        return INDUSTRY_OPEN, "未限定产业方向" if not direction.strip() else "产业方向不限"
    keys = [k for k in (norm(k) for k in keywords) if len(k) >= 2]
    for term in terms:
        for key in keys:
            if term in key or key in term:
                return INDUSTRY_MATCH, f"产业方向「{direction.strip()}」与本项目相符（{term}）"
    return INDUSTRY_MISMATCH, f"产业方向为「{direction.strip()}」，与本项目不一致"


def area_score(ratio: FloatArray) -> FloatArray:
    """Area score for ``carrier area ÷ need`` ratios (vectorised; NaN stays NaN).

    >>> area_score(np.array([0.5, 0.95, 1.2, 2.25, 6.0])).round(3).tolist()
    [0.0, 0.9, 1.0, 0.7, 0.2]
    """
    r = ratio
    with np.errstate(divide="ignore", invalid="ignore"):
        over = np.where(r <= AREA_OVERSIZE, 1.0 - 0.4 * (r - AREA_GOOD_MAX), 1.2 / r)
        good = np.where(r <= AREA_GOOD_MAX, 1.0, over)
        near = np.where(r < 1.0, 0.8 + 2.0 * (r - AREA_MIN_RATIO), good)
        out: FloatArray = np.where(r < AREA_MIN_RATIO, 0.0, near)
    return out


def area_score1(ratio: float) -> float:
    return float(area_score(np.array([ratio], dtype=np.float64))[0])


def area_phrase(have: float, need: float, unit: str, *, estimated: bool) -> str:
    """「面积满足需求约8,000㎡（估算）」 and its too-small / too-big variants; the need is
    rounded to whole ㎡ or to 0.1 亩, as people say it."""
    shown = round(need) if unit == "㎡" else round(need, 1)
    want = f"需求约{fmt_number(shown)}{unit}" + ("（估算）" if estimated else "")
    ratio = have / need if need > 0 else float("inf")
    if ratio < AREA_MIN_RATIO:
        return f"面积不足（{want}）"
    if ratio < 1.0:
        return f"面积略小于{want}，基本满足"
    if ratio <= AREA_GOOD_MAX:
        return f"面积满足{want}"
    if ratio <= AREA_OVERSIZE:
        return f"面积满足{want}，略偏大"
    return f"面积为{want}的{ratio:.1f}倍，明显偏大"


SPECS = (
    ("clear_height_m", "层高", "m", Blocker.clear_height),
    ("floor_load_kn_m2", "承重", "kN/㎡", Blocker.floor_load),
    ("power_kva", "配电", "kVA", Blocker.power),
)


def factory_header(factory: Factory) -> str:
    """``园区 楼栋 楼层（面积，层高，承重，配电，行车）``: the carrier named with its figures."""
    bits = [f"{fmt_number(factory.area_m2)}㎡"]
    for attr, name, unit, _ in SPECS:
        value = getattr(factory, attr)
        if value is not None:
            bits.append(f"{name}{fmt_number(value)}{unit}")
    if factory.crane_t:
        bits.append(f"行车{fmt_number(factory.crane_t)}t")
    elif factory.has_crane:
        bits.append("有行车")
    return f"{factory.label}（{'，'.join(bits)}）"


def land_header(parcel: LandParcel) -> str:
    bits = [f"{fmt_number(parcel.area_mu)}亩"]
    if parcel.site_ready is not None:
        bits.append("净地" if parcel.site_ready else "非净地")
    if parcel.price_wan_per_mu is not None:
        bits.append(f"挂牌价{fmt_number(parcel.price_wan_per_mu)}万元/亩")
    return f"{parcel.label}（{'，'.join(bits)}）"
