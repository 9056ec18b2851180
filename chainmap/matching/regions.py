"""Source regions and distance: where a candidate sits, seen from the city.

Priority regions are chain data (a chain file's ``regions``); :data:`DEFAULT_REGIONS` applies
when a chain names none. Distance is between provincial capitals (great circle), which is as
precise as the registry's province field allows.

Example::

    >>> round(province_distance_km("江西省", "江苏省"))
    571
    >>> region_of(DEFAULT_REGIONS, "广东省", "深圳市").name
    '珠三角'
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from chainmap.domain import Region

YANGTZE_DELTA = Region("长三角", provinces=("上海市", "江苏省", "浙江省", "安徽省"), score=1.0)
PEARL_DELTA = Region(
    "珠三角",
    cities=(
        "广州市",
        "深圳市",
        "珠海市",
        "佛山市",
        "惠州市",
        "东莞市",
        "中山市",
        "江门市",
        "肇庆市",
    ),
    provinces=("香港特别行政区", "澳门特别行政区"),
    score=1.0,
)
BEIJING_TIANJIN_HEBEI = Region("京津冀", provinces=("北京市", "天津市", "河北省"), score=0.8)

DEFAULT_REGIONS: tuple[Region, ...] = (YANGTZE_DELTA, PEARL_DELTA, BEIJING_TIANJIN_HEBEI)
KNOWN_REGIONS: dict[str, Region] = {r.name: r for r in DEFAULT_REGIONS}

# Provincial capitals (lat, lon), for the distance term.
PROVINCE_COORDS: dict[str, tuple[float, float]] = {
    "北京市": (39.90, 116.40),
    "天津市": (39.13, 117.20),
    "河北省": (38.04, 114.51),
    "山西省": (37.87, 112.55),
    "内蒙古自治区": (40.84, 111.75),
    "辽宁省": (41.80, 123.43),
    "吉林省": (43.82, 125.32),
    "黑龙江省": (45.80, 126.53),
    "上海市": (31.23, 121.47),
    "江苏省": (32.06, 118.80),
    "浙江省": (30.27, 120.15),
    "安徽省": (31.82, 117.23),
    "福建省": (26.07, 119.30),
    "江西省": (28.68, 115.86),
    "山东省": (36.65, 117.12),
    "河南省": (34.75, 113.62),
    "湖北省": (30.59, 114.31),
    "湖南省": (28.23, 112.94),
    "广东省": (23.13, 113.26),
    "广西壮族自治区": (22.82, 108.37),
    "海南省": (20.04, 110.20),
    "重庆市": (29.56, 106.55),
    "四川省": (30.57, 104.07),
    "贵州省": (26.65, 106.63),
    "云南省": (25.04, 102.71),
    "西藏自治区": (29.65, 91.14),
    "陕西省": (34.34, 108.94),
    "甘肃省": (36.06, 103.83),
    "青海省": (36.62, 101.78),
    "宁夏回族自治区": (38.49, 106.23),
    "新疆维吾尔自治区": (43.83, 87.62),
    "台湾省": (25.03, 121.57),
    "香港特别行政区": (22.32, 114.17),
    "澳门特别行政区": (22.20, 113.54),
}

EARTH_RADIUS_KM = 6371.0


def province_distance_km(a: str | None, b: str | None) -> float | None:
    """Great-circle distance between two provinces' capitals; None when either is unknown."""
    if a is None or b is None or a not in PROVINCE_COORDS or b not in PROVINCE_COORDS:
        return None
    if a == b:
        return 0.0
    (lat1, lon1), (lat2, lon2) = PROVINCE_COORDS[a], PROVINCE_COORDS[b]
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def region_of(regions: Sequence[Region], province: str | None, city: str | None) -> Region | None:
    """The best-scoring priority region containing the place (first listed on a tie)."""
    best: Region | None = None
    for r in regions:
        if r.contains(province, city) and (best is None or r.score > best.score):
            best = r
    return best
