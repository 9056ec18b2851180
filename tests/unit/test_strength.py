"""Enterprise strength: each input moves the value, and the reason names it."""

from __future__ import annotations

import pytest

from chainmap.domain import Enterprise
from chainmap.strength import enterprise_strength, format_amount_wan, revenue_score, tag_score


def test_revenue_score_is_log_scaled_and_bounded() -> None:
    assert revenue_score(None) == 0.0
    assert revenue_score(1_000) == 0.0
    assert revenue_score(10_000) == pytest.approx(0.25)
    assert revenue_score(100_000) == pytest.approx(0.5)
    assert revenue_score(10**9) == 1.0


def test_tags_combine_and_unknown_tags_count_nothing() -> None:
    assert tag_score(()) == 0.0
    assert tag_score(("nonsense",)) == 0.0
    assert tag_score(("leading", "high_tech")) > tag_score(("leading",)) > tag_score(("high_tech",))
    assert tag_score(("leading", "single_champion", "little_giant", "specialised", "high_tech")) < 1


@pytest.mark.parametrize(
    ("change", "label"),
    [
        ({"listed": True}, "上市公司"),
        ({"tags": ("specialised",)}, "专精特新"),
        ({"revenue_wan": 50_000.0}, "营收约5.0亿元"),
    ],
)
def test_each_input_raises_strength_and_is_named(change: dict[str, object], label: str) -> None:
    base, reason0 = enterprise_strength(Enterprise(1, "x"))
    value, reason = enterprise_strength(Enterprise(1, "x", **change))  # type: ignore[arg-type]
    assert value > base
    assert label in reason and label not in reason0


def test_format_amount() -> None:
    assert format_amount_wan(123_456) == "约12.3亿元"
    assert format_amount_wan(800) == "约800万元"
