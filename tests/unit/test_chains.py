"""Chain library: every bundled file is valid and rich enough; each kind of error is reported."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from chainmap.chains import chain_graph, load_chain_file, load_chain_library, parse_chain
from chainmap.domain import Stage
from chainmap.errors import ChainDefinitionError, ChainNotFound
from tests.conftest import CHAINS_DIR

REQUIRED_CHAINS = {
    "nev-battery",
    "biomedicine",
    "robotics",
    "ic-electronics",
    "new-materials",
    "hydrogen",
}
NEV_REQUIRED = {
    "lithium-resources",
    "cathode",
    "anode",
    "electrolyte",
    "separator",
    "copper-foil",
    "cell",
    "battery-pack",
    "bms",
    "drive-motor",
    "motor-controller",
    "vehicle",
    "charging",
    "battery-recycling",
}


def test_library_has_the_six_required_chains() -> None:
    assert set(load_chain_library(CHAINS_DIR)) >= REQUIRED_CHAINS


@pytest.mark.parametrize("path", sorted(CHAINS_DIR.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_chain_file_is_valid_and_complete(path: Path) -> None:
    chain = load_chain_file(path)
    graph = chain_graph(chain)
    assert len(chain.segments) >= 15
    assert nx.is_directed_acyclic_graph(graph)
    assert {s.stage for s in chain.segments} == set(Stage)
    for seg in chain.segments:
        assert seg.name and len(seg.keywords) >= 5, seg.id
        assert graph.degree(seg.id) > 0, f"{seg.id} is not linked"
    assert any(seg.industry_codes for seg in chain.segments)
    sinks = [n for n in graph if graph.out_degree(n) == 0]
    sources = [n for n in graph if graph.in_degree(n) == 0]
    assert sinks and sources


def test_nev_battery_has_the_named_segments() -> None:
    chain = load_chain_file(CHAINS_DIR / "nev-battery.yaml")
    assert set(chain.segment_ids) >= NEV_REQUIRED


GOOD = """
id: tiny
name: 小链
segments:
  - {id: a, name: 甲, stage: upstream, keywords: [k1, k2, k3, k4, k5]}
  - {id: b, name: 乙, stage: midstream, keywords: [m1, m2, m3, m4, m5], industry_codes: [C3841]}
  - {id: c, name: 丙, stage: downstream, keywords: [n1, n2, n3, n4, n5]}
links:
  - [a, b]
  - [b, c]
"""


def test_a_good_definition_parses() -> None:
    chain = parse_chain(GOOD)
    assert chain.segment_ids == ("a", "b", "c")
    assert chain.segment("b").industry_codes == ("C3841",)


@pytest.mark.parametrize(
    ("text", "problem", "segment"),
    [
        ("id: x\n  name: [unclosed", "malformed YAML", None),
        (GOOD.replace("[b, c]", "[b, nowhere]"), "unknown segment 'nowhere'", "nowhere"),
        (GOOD + "  - [c, a]\n", "cycle", None),
        (GOOD.replace("{id: c,", "{id: b,"), "duplicate segment id 'b'", "b"),
        (GOOD.replace("[k1, k2, k3, k4, k5]", "[k1]"), "keywords", "a"),
        (GOOD.replace("C3841", "Z3841"), "GB/T 4754", "b"),
        (GOOD.replace("stage: upstream", "stage: sideways"), "stage", "a"),
        (GOOD.replace("[b, c]", "[c, c]"), "links to itself", "c"),
        ("- just\n- a list\n", "mapping", None),
    ],
    ids=[
        "yaml",
        "unknown-link",
        "cycle",
        "duplicate",
        "few-keywords",
        "bad-code",
        "bad-stage",
        "self-loop",
        "not-mapping",
    ],
)
def test_each_kind_of_error_names_the_problem(text: str, problem: str, segment: str | None) -> None:
    with pytest.raises(ChainDefinitionError) as info:
        parse_chain(text, source="tiny.yaml")
    err = info.value
    assert problem in err.message_en
    assert "tiny.yaml" in err.message_en and "tiny.yaml" in err.message_zh
    if segment is not None:
        assert err.segment == segment


def test_cycle_message_shows_the_cycle() -> None:
    with pytest.raises(ChainDefinitionError) as info:
        parse_chain(GOOD + "  - [c, a]\n", source="tiny.yaml")
    assert "→" in info.value.message_en


def test_file_name_must_match_chain_id(tmp_path: Path) -> None:
    path = tmp_path / "other.yaml"
    path.write_text(GOOD, encoding="utf-8")
    with pytest.raises(ChainDefinitionError, match="does not match file name"):
        load_chain_file(path)


def test_library_reports_the_broken_file(tmp_path: Path) -> None:
    (tmp_path / "tiny.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "broken.yaml").write_text(
        GOOD.replace("id: tiny", "id: broken") + "  - [c, a]\n", encoding="utf-8"
    )
    with pytest.raises(ChainDefinitionError) as info:
        load_chain_library(tmp_path)
    assert "broken.yaml" in info.value.message_en


def test_unknown_segment_lookup_names_it() -> None:
    with pytest.raises(Exception, match="nowhere"):
        parse_chain(GOOD).segment("nowhere")


def test_get_chain_unknown_raises_chain_not_found() -> None:
    from chainmap.chains import get_chain

    with pytest.raises(ChainNotFound):
        get_chain({}, "nope")


@pytest.mark.parametrize("path", sorted(CHAINS_DIR.glob("*.yaml")), ids=lambda p: p.stem)
def test_no_keyword_hides_inside_another_segments_keyword(path: Path) -> None:
    """Keywords match as substrings, so one inside another segment's keyword would assign
    every enterprise of that segment to both."""
    chain = load_chain_file(path)
    clashes = [
        (a.id, ka, b.id, kb)
        for a in chain.segments
        for b in chain.segments
        if a.id != b.id
        for ka in a.keywords
        for kb in b.keywords
        if ka.lower() in kb.lower()
    ]
    assert not clashes
