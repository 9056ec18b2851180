"""The bimonthly meeting pack (双月调度会材料): :mod:`.pack` builds it (pure), :mod:`.xlsx` and
:mod:`.html` render it for download and for print; ``pack_to_dict`` is the JSON body.

The renderers are imported from their modules (``from chainmap.report.xlsx import pack_xlsx``)
so that building the pack needs neither openpyxl nor jinja2.
"""

from __future__ import annotations

from chainmap.report.pack import (
    KEY_NUMBER_LABELS,
    MILESTONE_LABELS,
    RATE_LABELS,
    START_RATE_TARGET,
    TRACE_FIGURES,
    Definition,
    FlagSummary,
    FlagThresholds,
    MeetingPack,
    ProgressRow,
    ScoreboardRow,
    build_pack,
    changes_in_period,
    pack_to_dict,
    trace,
)

__all__ = [
    "KEY_NUMBER_LABELS",
    "MILESTONE_LABELS",
    "RATE_LABELS",
    "START_RATE_TARGET",
    "TRACE_FIGURES",
    "Definition",
    "FlagSummary",
    "FlagThresholds",
    "MeetingPack",
    "ProgressRow",
    "ScoreboardRow",
    "build_pack",
    "changes_in_period",
    "pack_to_dict",
    "trace",
]
