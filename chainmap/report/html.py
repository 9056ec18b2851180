"""The meeting pack as one printable HTML page (A4 landscape, Chinese), for the 双月调度会.

Self-contained: the stylesheet is inlined, no fonts, scripts or CDNs are fetched, and the
system's Chinese fonts are used. Each section (进度表, 成绩单, 红黄牌, 口径说明) starts on a new
page; table headers repeat on every printed page; red and yellow flags read 红牌 / 黄牌 in
text and differ in border too, so a black-and-white print still tells them apart. jinja2
escapes every value, so an enterprise named ``<script>`` prints as text.
"""

from __future__ import annotations

import functools
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from chainmap.pipeline.flags import FlagLevel
from chainmap.pipeline.metrics import BAND_MILESTONES, KEY_NUMBERS
from chainmap.pipeline.stages import STAGE_ORDER, SizeBand, Stage
from chainmap.report.pack import (
    KEY_NUMBER_LABELS,
    MILESTONE_LABELS,
    RATE_LABELS,
    START_RATE_TARGET,
    MeetingPack,
)

TEMPLATE = "bimonthly.html"


def pack_html(pack: MeetingPack) -> str:
    """The printable page for ``pack``.

    >>> from datetime import date
    >>> from chainmap.pipeline import parse_period
    >>> from chainmap.report.pack import build_pack
    >>> page = pack_html(build_pack(leads=[], changes=[], arrivals=[],
    ...     period=parse_period("2026-09"), today=date(2026, 11, 5), chain_names={}))
    >>> "size: A4 landscape" in page, "2026年9—10月" in page
    (True, True)
    """
    reds = sum(f.level is FlagLevel.red for f in pack.flags)
    return (
        _environment()
        .get_template(TEMPLATE)
        .render(
            pack=pack,
            period=pack.period,
            blocks=(
                ("按产业链", "产业链", pack.progress_by_chain),
                ("按招商队伍", "招商队伍", pack.progress_by_team),
            ),
            stages=(*STAGE_ORDER, Stage.dropped),
            bands=tuple(SizeBand),
            milestones=[(m, MILESTONE_LABELS[m]) for m in BAND_MILESTONES],
            rates=list(RATE_LABELS.items()),
            key_numbers=[(k, KEY_NUMBER_LABELS[k]) for k in KEY_NUMBERS],
            target_text=f"{START_RATE_TARGET:.0%}",
            stage_signed=Stage.signed,
            stage_started=Stage.construction_started,
            reds=reds,
            yellows=len(pack.flags) - reds,
        )
    )


@functools.cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("chainmap.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(pct=_pct, num=_num, delta=_delta)
    return env


def _pct(value: float | None) -> str:
    """0.5 → 50.0%; None (no denominator) → —."""
    return "—" if value is None else f"{value:.1%}"


def _num(value: float | None) -> str:
    """Thousands separated; amounts keep up to 2 decimals (万元)."""
    if value is None:
        return "—"
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _delta(value: Any, name: str) -> str:
    """A change vs the previous period, signed; rates in 个百分点."""
    if value is None:
        return "—"
    if name in RATE_LABELS:
        return f"{value * 100:+.1f}个百分点"
    if value == 0:
        return "0"
    return ("+" if value > 0 else "-") + _num(abs(value))
